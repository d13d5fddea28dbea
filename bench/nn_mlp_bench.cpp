// SPDX-License-Identifier: MIT
// nn_mlp_bench.cpp: the training step of configs A-D written with the nn API (nn::MLP, nn::mse_loss or
// nn::cross_entropy, nn::SGD), next to the same step written with raw tensor ops (tensor_mlp.hpp), so that
// the cost nn adds over the primitives it is built from can be read off one run:
//
//   BM_NnMLP_<cfg>      clear the tape, model(x), loss, backward, optimizer.step(), optimizer.zero_grad()
//   BM_TensorMLP_<cfg>  the raw tensor-op step (tensor_mlp_bench.cpp); ratios and the command:
//   bench/README.md,
//                       "nn over raw tensor ops"
//
// Same shapes, batch, learning rate and loss as tensor_mlp.hpp, and the same draws: the parameters, inputs
// and targets are drawn from Generator(0) in TensorMlp's order and copied into the nn::MLP, so both steps
// start from the same values and report the same loss (A exactly: the same ops in the same order; B-D up
// to rounding, since nn::cross_entropy picks the labels' log-probabilities where the raw step multiplies
// by a one-hot matrix and sums).
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "tapegrad/nn/nn.hpp"
#include "tensor_mlp.hpp"

namespace tapegrad::bench {
namespace {

/// The step of TensorMlp, through nn. Its Tape is the thread's active tape while it lives.
class NnMlp {
 public:
  explicit NnMlp(const MlpConfig& config)
      : config_(config),
        model_({.in_features = config.sizes.front(),
                .hidden = std::vector<std::int64_t>(config.sizes.begin() + 1, config.sizes.end() - 1),
                .out_features = config.sizes.back()}),
        optimizer_(model_.parameters(), {.lr = 0.01}) {
    Generator gen(0);
    for (std::size_t l = 0; l < model_.num_layers(); ++l) {
      const double bound = 1.0 / std::sqrt(static_cast<double>(config.sizes[l]));
      copy_uniform(model_.layer(l).weight(), bound, gen);
      copy_uniform(model_.layer(l).bias(), bound, gen);
    }
    input_ = randn({config.batch, config.sizes.front()}, gen);
    const std::int64_t classes = config.sizes.back();
    if (config.mse) {
      target_ = randn({config.batch, classes}, gen);
    } else {
      for (std::int64_t i = 0; i < config.batch; ++i)
        labels_.push_back(static_cast<std::int64_t>(gen.uniform() * static_cast<double>(classes)));
    }
  }

  // Not inlined, as TensorMlp::step is not: each step is one function to profile on its own
  // (valgrind --tool=callgrind --toggle-collect='*NnMlp::step*').
  [[gnu::noinline]] float step() {
    tape_.clear();
    const Tensor output = model_(input_);
    const Tensor loss = config_.mse ? nn::mse_loss(output, target_) : nn::cross_entropy(output, labels_);
    loss.backward();
    optimizer_.step();
    optimizer_.zero_grad();
    return loss.data<float>()[0];
  }

 private:
  // TensorMlp's initialisation: uniform in +-bound, drawn as rand() then scaled, written into `param`.
  static void copy_uniform(const Tensor& param, double bound, Generator& gen) {
    const Tensor draw = rand(param.shape(), gen);
    const float* u = draw.data<float>();
    float* p = param.data<float>();
    for (std::int64_t i = 0; i < param.numel(); ++i) p[i] = static_cast<float>(bound) * (2.0f * u[i] - 1.0f);
  }

  MlpConfig config_;
  Tape tape_;
  nn::MLP model_;
  nn::SGD optimizer_;
  Tensor input_, target_;
  std::vector<std::int64_t> labels_;
};

void nn_mlp_step(benchmark::State& state, const MlpConfig& config) {
  NnMlp net(config);
  float loss = 0.0f;
  for (int i = 0; i < 3; ++i) loss = net.step();  // warm the buffer cache, the tape and its arena
  for (auto _ : state) {
    loss = net.step();
    benchmark::DoNotOptimize(loss);
  }
  state.counters["loss"] = static_cast<double>(loss);
}

[[maybe_unused]] const bool registered = [] {
  for (const MlpConfig& config : mlp_configs()) {
    auto* b =
        benchmark::RegisterBenchmark(("BM_NnMLP_" + std::string(config.name)).c_str(), nn_mlp_step, config);
    b->Unit(benchmark::kMicrosecond);
    if (config.name == "D") b->MinTime(2.0);
  }
  return true;
}();

}  // namespace
}  // namespace tapegrad::bench
