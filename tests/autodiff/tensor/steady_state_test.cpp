// SPDX-License-Identifier: MIT
// tensor_steady_state_test.cpp: a training loop reaches a steady state in which a step takes no new memory
// from the system: every tensor buffer (activations, gradients, temporaries, the backward's scratch) comes
// back from the per-thread cache, and the tape's blocks and record arena are reused after clear().
#include <doctest/doctest.h>

#include <cmath>
#include <cstddef>
#include <vector>

#include "tapegrad/autodiff/autodiff.hpp"
#include "tapegrad/autodiff/kernels/buffer.hpp"

using tapegrad::Dtype;
using tapegrad::Tape;
using tapegrad::Tensor;

namespace {

/// A 4-8-8-3 ReLU MLP with a cross-entropy loss (one-hot target) and plain SGD, float32, written both with
/// the fused linear() and with matmul + a broadcast bias add, so both paths are covered.
class SmallMlp {
 public:
  explicit SmallMlp(bool fused) : fused_(fused) {
    tapegrad::Generator gen(17);
    const std::vector<std::int64_t> sizes = {4, 8, 8, 3};
    for (std::size_t l = 0; l + 1 < sizes.size(); ++l) {
      weights_.push_back((tapegrad::randn({sizes[l], sizes[l + 1]}, gen) * 0.5).detach().requires_grad_());
      biases_.push_back(tapegrad::zeros({sizes[l + 1]}).requires_grad_());
    }
    input_ = tapegrad::randn({6, 4}, gen);
    std::vector<float> one_hot(6 * 3, 0.0f);
    for (std::size_t i = 0; i < 6; ++i) one_hot[i * 3 + i % 3] = 1.0f;
    target_ = tapegrad::from<float>(one_hot, {6, 3});
  }

  float step() {
    tape_.clear();
    Tensor h = input_;
    for (std::size_t l = 0; l < weights_.size(); ++l) {
      h = fused_ ? tapegrad::linear(h, weights_[l], biases_[l])
                 : tapegrad::matmul(h, weights_[l]) + biases_[l];
      if (l + 1 < weights_.size()) h = tapegrad::relu(h);
    }
    const Tensor loss = -tapegrad::mean(tapegrad::sum(tapegrad::log_softmax(h, 1) * target_, 1, false));
    loss.backward();
    {
      tapegrad::NoGradGuard no_grad;
      for (Tensor* p : parameters()) {
        const Tensor g = p->grad();
        REQUIRE(g.defined());
        float* w = p->data<float>();
        const float* d = g.data<float>();
        for (std::int64_t i = 0; i < p->numel(); ++i) w[i] -= 0.1f * d[i];
      }
    }
    for (Tensor* p : parameters()) p->zero_grad();
    return static_cast<float>(loss.item());
  }

 private:
  std::vector<Tensor*> parameters() {
    std::vector<Tensor*> ps;
    for (std::size_t l = 0; l < weights_.size(); ++l) ps.insert(ps.end(), {&weights_[l], &biases_[l]});
    return ps;
  }

  bool fused_;
  Tape tape_;
  std::vector<Tensor> weights_, biases_;
  Tensor input_, target_;
};

}  // namespace

TEST_CASE("Tensor steady state: repeated MLP training steps take no new buffer from the system") {
  for (const bool fused : {true, false}) {
    CAPTURE(fused);
    SmallMlp net(fused);
    const float first = net.step();
    net.step();  // warm-up: the buffer cache now holds every size class a step needs
    const std::size_t before = tapegrad::detail::system_allocations();
    float last = first;
    for (int i = 0; i < 20; ++i) last = net.step();
    CHECK(tapegrad::detail::system_allocations() == before);
    // The steps did train: the loss fell (so the loop above was not a no-op).
    CHECK(std::isfinite(last));
    CHECK(last < first);
  }
}

TEST_CASE("Tensor steady state: a fresh buffer is counted as a system allocation") {
  // The counter the test above relies on must move when the cache has nothing to give back.
  const std::size_t before = tapegrad::detail::system_allocations();
  std::vector<Tensor> held;
  for (int i = 0; i < 8; ++i) held.push_back(tapegrad::zeros({1 << 20}, Dtype::float64));  // 8 MiB each
  CHECK(tapegrad::detail::system_allocations() >= before + 1);
}
