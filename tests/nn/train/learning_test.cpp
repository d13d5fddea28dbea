// SPDX-License-Identifier: MIT
// learning_test.cpp: small networks learn with fixed seeds (no timing): XOR, the task a single layer
// cannot learn, and the 8-3-8 encoder of Rumelhart, Hinton and Williams.
#include <doctest/doctest.h>

#include <cstdint>
#include <vector>

#include "nn_test_support.hpp"
#include "tapegrad/nn/nn.hpp"

using tapegrad::Tape;
using tapegrad::Tensor;
namespace nn = tapegrad::nn;

namespace {

const Tensor& xor_inputs() {
  static const Tensor x = tapegrad::from<float>({0, 0, 0, 1, 1, 0, 1, 1}, {4, 2});
  return x;
}
const Tensor& xor_targets() {
  static const Tensor t = tapegrad::from<float>({0, 1, 1, 0}, {4, 1});
  return t;
}

/// Trains `net` for `steps` full-batch steps of `loss_of(output)` and returns the last loss.
template <class Loss>
double train(nn::Module& net, nn::Optimizer& opt, const Tensor& x, int steps, Loss loss_of) {
  Tape tape;
  double last = 0;
  for (int step = 0; step < steps; ++step) {
    tape.clear();
    opt.zero_grad();
    const Tensor loss = loss_of(net(x));
    loss.backward();
    opt.step();
    last = loss.item();
  }
  return last;
}

/// Number of rows whose output is on the right side of `threshold`.
int xor_correct(const Tensor& out, float threshold) {
  const std::vector<float> y = out.to_vector<float>(), t = xor_targets().to_vector<float>();
  int correct = 0;
  for (std::size_t i = 0; i < 4; ++i) correct += (y[i] > threshold) == (t[i] > 0.5f);
  return correct;
}

}  // namespace

TEST_CASE("nn learning: XOR with the seed's 2-4-1 logistic network, squared error and gradient descent") {
  tapegrad::Generator gen(nn::test::kSeed);
  nn::MLP net({.in_features = 2,
               .hidden = {4},
               .out_features = 1,
               .activation = nn::Activation::sigmoid,
               .output_activation = nn::Activation::sigmoid},
              gen);
  nn::SGD opt(net.parameters(), {.lr = 0.5, .momentum = 0.9});
  const double loss = train(net, opt, xor_inputs(), 2000,
                            [](const Tensor& y) { return nn::half_squared_error(y, xor_targets()); });
  INFO("loss ", loss, " out ", net(xor_inputs()));
  CHECK(loss < 0.01);
  CHECK(xor_correct(net(xor_inputs()), 0.5f) == 4);
}

TEST_CASE("nn learning: XOR with a 2-4-1 tanh network on logits, binary cross-entropy and Adam") {
  tapegrad::Generator gen(nn::test::kSeed);
  nn::MLP net({.in_features = 2, .hidden = {4}, .out_features = 1, .activation = nn::Activation::tanh}, gen);
  nn::Adam opt(net.parameters(), {.lr = 0.05});
  const double loss = train(net, opt, xor_inputs(), 500, [](const Tensor& y) {
    return nn::binary_cross_entropy_with_logits(y, xor_targets());
  });
  INFO("loss ", loss, " out ", net(xor_inputs()));
  CHECK(loss < 0.05);
  CHECK(xor_correct(net(xor_inputs()), 0.0f) == 4);  // logits: the decision threshold is 0
}

TEST_CASE("nn learning: the 8-3-8 encoder reconstructs all 8 one-hot patterns through 3 hidden units") {
  std::vector<float> eye(64, 0.0f);
  for (std::size_t i = 0; i < 8; ++i) eye[i * 9] = 1.0f;
  const Tensor x = tapegrad::from<float>(eye, {8, 8});
  const std::vector<std::int64_t> labels{0, 1, 2, 3, 4, 5, 6, 7};
  tapegrad::Generator gen(nn::test::kSeed);
  nn::MLP net({.in_features = 8, .hidden = {3}, .out_features = 8, .activation = nn::Activation::sigmoid},
              gen);
  nn::Adam opt(net.parameters(), {.lr = 0.05});
  const double loss = train(net, opt, x, 2000, [&](const Tensor& y) { return nn::cross_entropy(y, labels); });
  INFO("loss ", loss, " hidden ", net.layer(0)(x));
  CHECK(loss < 0.1);
  const std::vector<float> out = net(x).to_vector<float>();
  for (std::size_t i = 0; i < 8; ++i) {
    CAPTURE(i);
    std::size_t best = 0;
    for (std::size_t j = 1; j < 8; ++j)
      if (out[i * 8 + j] > out[i * 8 + best]) best = j;
    CHECK(best == i);
  }
}
