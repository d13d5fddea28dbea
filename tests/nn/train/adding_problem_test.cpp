// SPDX-License-Identifier: MIT
// adding_problem_test.cpp: Hochreiter & Schmidhuber's adding problem (1997), CI-sized. Each sequence has
// a random signal in [0, 1] and a mask with two ones, one in each half; the target is the sum of the two
// marked values. Always answering 1 gives MSE 1/6 ≈ 0.167; an LSTM must carry both values across up to
// 50 steps to get below 0.01.
#include "adding_problem.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <vector>

#include "tapegrad/nn/nn.hpp"

using tapegrad::Tape;
using tapegrad::Tensor;
namespace nn = tapegrad::nn;

namespace {

using Batch = tapegrad::examples::AddingBatch;
using tapegrad::examples::adding_batch;

}  // namespace

TEST_CASE("adding problem: an LSTM reaches MSE < 0.01 at length 50 (answering 1 gives 1/6)") {
  constexpr std::int64_t kLength = 50;
  tapegrad::Generator gen(2024);
  nn::LSTM lstm({.input_size = 2, .hidden_size = 32}, gen);
  nn::Linear head({.in_features = 32, .out_features = 1}, gen);
  std::vector<Tensor> params = lstm.parameters();
  for (const Tensor& p : head.parameters()) params.push_back(p);
  nn::Adam opt(params, {.lr = 1e-2});
  const Batch test = adding_batch(kLength, 512, gen);
  const auto predict = [&](const Tensor& x) {
    const nn::LSTMOutput out = lstm(x, nn::LSTMState{});
    return head(tapegrad::reshape(tapegrad::slice(out.output, kLength - 1, kLength), {-1, 32}));
  };
  const double baseline = nn::mse_loss(tapegrad::ones({512, 1}), test.y).item();
  CHECK(baseline > 0.12);  // the data is what it should be: 1/6 up to sampling
  CHECK(baseline < 0.22);
  double mse = 1.0;
  int step = 0;
  Tape tape;
  while (step < 3000 && mse >= 0.005) {
    ++step;
    tape.clear();
    opt.zero_grad();
    const Batch b = adding_batch(kLength, 64, gen);
    nn::mse_loss(predict(b.x), b.y).backward();
    nn::clip_grad_norm_(params, 1.0);
    opt.step();
    if (step % 100 == 0) {
      tapegrad::NoGradGuard no_grad;
      mse = nn::mse_loss(predict(test.x), test.y).item();
    }
  }
  CAPTURE(step);
  CHECK(mse < 0.01);
}
