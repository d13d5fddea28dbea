// SPDX-License-Identifier: MIT
// tensor_mlp.hpp: one training step of an MLP built from tensor ops, for configs A-D of the tensor
// issue. Shared by tensor_mlp_bench.cpp (Google Benchmark) and anchors/tensor_mlp_peer.cpp (timed in
// one process next to the anchors' hand-written "lean" step).
//
// The network, data and loss follow the anchors' lean_net.hpp: float32, row-major, ReLU between layers,
// a linear last layer, weights and biases uniform in +-1/sqrt(fan_in), inputs standard normal, MSE
// against normal targets (A) or cross-entropy against uniform labels (B-D), SGD with lr 0.01.
// The draws come from tapegrad::Generator, not from lean's std::mt19937, so the values differ; the
// shapes and the work per step are the same.
#pragma once

#include <cmath>
#include <cstdint>
#include <string_view>
#include <vector>

#include "tapegrad/autodiff/tape/tape.hpp"
#include "tapegrad/autodiff/tensor/ops.hpp"
#include "tapegrad/autodiff/tensor/tensor.hpp"

namespace tapegrad::bench {

struct MlpConfig {
  std::string_view name;
  std::vector<std::int64_t> sizes;  // input, hidden..., output
  std::int64_t batch;
  bool mse;  // else cross-entropy
};

/// Configs A-D of the issue (and of the anchors).
inline const std::vector<MlpConfig>& mlp_configs() {
  static const std::vector<MlpConfig> configs = {{"A", {2, 16, 16, 1}, 100, true},
                                                 {"B", {64, 128, 10}, 32, false},
                                                 {"C", {784, 256, 128, 10}, 64, false},
                                                 {"D", {784, 1024, 1024, 10}, 256, false}};
  return configs;
}

/// How a layer computes x W + b.
enum class LayerForm {
  linear,      // linear(x, w, b): one op (what nn's Linear uses)
  matmul_add,  // matmul(x, w) + b: two ops, the bias add broadcasts [batch, out] with [out]
};

/// The parameters, a fixed batch, and a persistent Tape cleared at the start of every step (its blocks,
/// record arena and adjoints are reused, as a user's training loop reuses them). Constructing one makes
/// its Tape the thread's active tape, so keep one TensorMlp alive per thread at a time.
class TensorMlp {
 public:
  explicit TensorMlp(const MlpConfig& config, LayerForm form = LayerForm::linear, std::uint64_t seed = 0)
      : config_(config), form_(form) {
    Generator gen(seed);
    const std::size_t layers = config.sizes.size() - 1;
    for (std::size_t l = 0; l < layers; ++l) {
      const std::int64_t in = config.sizes[l], out = config.sizes[l + 1];
      const double bound = 1.0 / std::sqrt(static_cast<double>(in));
      weights_.push_back(uniform({in, out}, bound, gen).requires_grad_());
      biases_.push_back(uniform({out}, bound, gen).requires_grad_());
    }
    input_ = randn({config.batch, config.sizes.front()}, gen);
    const std::int64_t classes = config.sizes.back();
    if (config.mse) {
      target_ = randn({config.batch, classes}, gen);
    } else {
      std::vector<float> one_hot(static_cast<std::size_t>(config.batch * classes), 0.0f);
      for (std::int64_t i = 0; i < config.batch; ++i) {
        const auto label = static_cast<std::int64_t>(gen.uniform() * static_cast<double>(classes));
        one_hot[static_cast<std::size_t>(i * classes + label)] = 1.0f;
      }
      target_ = from<float>(one_hot, {config.batch, classes});
    }
  }

  /// The loss of the current parameters, recorded on the tape (the caller clears it).
  Tensor loss() {
    Tensor h = input_;
    for (std::size_t l = 0; l < weights_.size(); ++l) {
      h = form_ == LayerForm::linear ? linear(h, weights_[l], biases_[l])
                                     : matmul(h, weights_[l]) + biases_[l];
      if (l + 1 < weights_.size()) h = relu(h);
    }
    if (config_.mse) {
      const Tensor diff = h - target_;
      return mean(diff * diff);
    }
    // Cross-entropy with a constant one-hot target: -mean over the batch of sum(log p * onehot).
    return -mean(sum(log_softmax(h, 1) * target_, 1, false));
  }

  /// One training step: clear the tape, forward, loss, backward, SGD update, zero_grad. Returns the loss.
  float step() {
    tape_.clear();
    const Tensor l = loss();
    l.backward();
    {
      NoGradGuard no_grad;
      for (std::size_t i = 0; i < weights_.size(); ++i) {
        sgd_update(weights_[i]);
        sgd_update(biases_[i]);
      }
    }
    for (std::size_t i = 0; i < weights_.size(); ++i) {
      weights_[i].zero_grad();
      biases_[i].zero_grad();
    }
    return l.data<float>()[0];
  }

  const Tape& tape() const { return tape_; }

 private:
  static Tensor uniform(const Shape& shape, double bound, Generator& gen) {
    Tensor t = rand(shape, gen);
    float* p = t.data<float>();
    for (std::int64_t i = 0; i < t.numel(); ++i) p[i] = static_cast<float>(bound) * (2.0f * p[i] - 1.0f);
    return t;
  }
  // p -= lr * grad, in place: the optimizer writes values directly, nothing is recorded.
  void sgd_update(Tensor& p) const {
    const Tensor g = p.grad();
    if (!g.defined()) return;
    float* w = p.data<float>();
    const float* d = g.data<float>();
    for (std::int64_t i = 0; i < p.numel(); ++i) w[i] -= kLearningRate * d[i];
  }

  static constexpr float kLearningRate = 0.01f;
  MlpConfig config_;
  LayerForm form_;
  Tape tape_;
  std::vector<Tensor> weights_, biases_;  // weights_[l] is [in, out], so a layer is x W + b
  Tensor input_, target_;
};

}  // namespace tapegrad::bench
