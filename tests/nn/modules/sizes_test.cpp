// SPDX-License-Identifier: MIT
// sizes_test.cpp (nn): a layer too large for any tensor is refused with a ShapeError naming the shape,
// instead of a crash while its weights are made.
#include <doctest/doctest.h>

#include <cstdint>
#include <limits>

#include "tapegrad/nn/nn.hpp"

TEST_CASE("MLP: a hidden layer no tensor can hold is a ShapeError") {
  namespace nn = tapegrad::nn;
  constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
  CHECK_THROWS_WITH_AS(nn::MLP({.in_features = 64, .hidden = {kMax}, .out_features = 10}),
                       doctest::Contains("9223372036854775807"), tapegrad::ShapeError);
  CHECK_THROWS_AS(nn::MLP({.in_features = 64, .hidden = {std::int64_t{1} << 40}, .out_features = 10}),
                  tapegrad::ShapeError);
  CHECK_THROWS_AS(nn::Linear({.in_features = std::int64_t{1} << 32, .out_features = std::int64_t{1} << 32}),
                  tapegrad::ShapeError);
}
