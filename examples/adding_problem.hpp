// SPDX-License-Identifier: MIT
// adding_problem.hpp: batches of the adding problem of Hochreiter & Schmidhuber (1997), shared by
// examples/adding.cpp and its CI-sized test (tests/nn/train/adding_problem_test.cpp).
//
// Each sequence has two channels: a random signal in [0, 1] and a mask with exactly two ones, one in each
// half. The target is the sum of the two marked values. Answering 1 (the mean) gives MSE 1/6.
#pragma once

#include <cstdint>
#include <tapegrad/autodiff/autodiff.hpp>
#include <vector>

namespace tapegrad::examples {

struct AddingBatch {
  Tensor x;  // [length, batch, 2]: (value, mask), time-major
  Tensor y;  // [batch, 1]: the sum of the two marked values
};

/// `batch` sequences of `length` steps; the marks are drawn one in each half.
inline AddingBatch adding_batch(std::int64_t length, std::int64_t batch, Generator& gen) {
  std::vector<float> x(static_cast<std::size_t>(length * batch * 2), 0.0f),
      y(static_cast<std::size_t>(batch));
  const auto at = [&](std::int64_t t, std::int64_t b) {
    return static_cast<std::size_t>((t * batch + b) * 2);
  };
  const std::int64_t half = length / 2;
  for (std::int64_t b = 0; b < batch; ++b) {
    for (std::int64_t t = 0; t < length; ++t) x[at(t, b)] = static_cast<float>(gen.uniform());
    const auto first = static_cast<std::int64_t>(gen.uniform() * static_cast<double>(half));
    const auto second = half + static_cast<std::int64_t>(gen.uniform() * static_cast<double>(length - half));
    x[at(first, b) + 1] = 1.0f;
    x[at(second, b) + 1] = 1.0f;
    y[static_cast<std::size_t>(b)] = x[at(first, b)] + x[at(second, b)];
  }
  return {from(x, {length, batch, 2}), from(y, {batch, 1})};
}

}  // namespace tapegrad::examples
