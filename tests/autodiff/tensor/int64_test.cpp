// SPDX-License-Identifier: MIT
// int64_test.cpp: int64 tensors hold indices as data: made by factories, read back exactly, never
// differentiable, and refused by every float op with a ShapeError naming the op and the dtype.
#include <doctest/doctest.h>

#include <cstdint>
#include <sstream>
#include <vector>

#include "tapegrad/autodiff/autodiff.hpp"

using tapegrad::Dtype;
using tapegrad::ShapeError;
using tapegrad::Tensor;

TEST_CASE("int64 tensors: factories, to_vector and printing keep the exact values") {
  const std::int64_t big = (std::int64_t{1} << 53) + 1;  // not representable as a double
  const Tensor t = tapegrad::from<std::int64_t>({3, -1, big, 0}, {2, 2});
  CHECK(t.dtype() == Dtype::int64);
  CHECK(tapegrad::size_of(Dtype::int64) == 8);
  CHECK(t.to_vector<std::int64_t>() == std::vector<std::int64_t>{3, -1, big, 0});
  CHECK(t.to_vector<double>() == std::vector<double>{3.0, -1.0, static_cast<double>(big), 0.0});
  CHECK(tapegrad::arange(4, Dtype::int64).to_vector<std::int64_t>() == std::vector<std::int64_t>{0, 1, 2, 3});
  CHECK(tapegrad::full({3}, 7, Dtype::int64).to_vector<std::int64_t>() == std::vector<std::int64_t>{7, 7, 7});
  CHECK(tapegrad::zeros({2}, Dtype::int64).to_vector<std::int64_t>() == std::vector<std::int64_t>{0, 0});
  CHECK(t.clone().to_vector<std::int64_t>() == t.to_vector<std::int64_t>());
  std::ostringstream os;
  os << tapegrad::from<std::int64_t>({5, 6}, {2});
  CHECK(os.str() == "tensor([2], int64, [5, 6])");
  CHECK_THROWS_WITH_AS((void)t.data<float>(), doctest::Contains("int64"), ShapeError);
}

TEST_CASE("int64 tensors: never differentiable") {
  Tensor t = tapegrad::from<std::int64_t>({1, 2}, {2});
  CHECK_THROWS_WITH_AS(t.requires_grad_(), doctest::Contains("requires_grad_: a int64 tensor"), ShapeError);
  CHECK_FALSE(t.requires_grad());
  CHECK_NOTHROW(t.requires_grad_(false));
  tapegrad::Generator gen(1);
  CHECK_THROWS_WITH_AS(tapegrad::randn({2}, gen, Dtype::int64), doctest::Contains("randn"), ShapeError);
  CHECK_THROWS_WITH_AS(tapegrad::rand({2}, gen, Dtype::int64), doctest::Contains("rand"), ShapeError);
}

TEST_CASE("int64 tensors: a float op given one throws ShapeError naming the op and the dtype") {
  const Tensor i = tapegrad::from<std::int64_t>({1, 2, 3, 4}, {2, 2});
  const Tensor f = tapegrad::ones({2, 2});
  CHECK_THROWS_WITH_AS(i + i, doctest::Contains("add: expected float32 or float64 inputs, got [2, 2] int64"),
                       ShapeError);
  CHECK_THROWS_WITH_AS(tapegrad::exp(i), doctest::Contains("exp: expected float32 or float64"), ShapeError);
  CHECK_THROWS_WITH_AS(tapegrad::matmul(i, i), doctest::Contains("matmul"), ShapeError);
  CHECK_THROWS_WITH_AS(tapegrad::sum(i), doctest::Contains("sum"), ShapeError);
  CHECK_THROWS_WITH_AS(tapegrad::softmax(i, 1), doctest::Contains("softmax"), ShapeError);
  CHECK_THROWS_WITH_AS(tapegrad::reshape(i, {4}), doctest::Contains("reshape"), ShapeError);
  // Mixed with a float: the int64 side is named whichever side it is on.
  CHECK_THROWS_WITH_AS(f * i, doctest::Contains("int64"), ShapeError);
  CHECK_THROWS_WITH_AS(i * f, doctest::Contains("mul"), ShapeError);
}
