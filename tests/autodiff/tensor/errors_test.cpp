// SPDX-License-Identifier: MIT
// tensor_errors_test.cpp: a caller's mistakes with tensors throw a tapegrad::Error subclass whose message
// names the op and the shapes (the message is part of the API).
#include <doctest/doctest.h>

#include "tapegrad/autodiff/autodiff.hpp"

using tapegrad::Dtype;
using tapegrad::ShapeError;
using tapegrad::Tensor;

TEST_CASE("Tensor errors: non-broadcastable shapes name the op and both shapes") {
  const Tensor a = tapegrad::zeros({2, 3}, Dtype::float64);
  const Tensor b = tapegrad::zeros({4}, Dtype::float64);
  CHECK_THROWS_WITH_AS(a + b, doctest::Contains("add: shapes [2, 3] and [4] cannot be broadcast"),
                       ShapeError);
  CHECK_THROWS_WITH_AS(a * b, doctest::Contains("mul"), ShapeError);
  CHECK_THROWS_WITH_AS(a / tapegrad::zeros({3, 3}, Dtype::float64), doctest::Contains("[3, 3]"), ShapeError);
}

TEST_CASE("Tensor errors: matmul rejects mismatched inner sizes and ranks") {
  const Tensor a = tapegrad::zeros({2, 3});
  CHECK_THROWS_WITH_AS(tapegrad::matmul(a, tapegrad::zeros({4, 5})),
                       doctest::Contains("matmul: inner sizes must match, got a [2, 3] and b [4, 5]"),
                       ShapeError);
  CHECK_THROWS_WITH_AS(tapegrad::matmul(a, tapegrad::zeros({2})), doctest::Contains("[2]"), ShapeError);
  CHECK_THROWS_WITH_AS(tapegrad::matmul(tapegrad::zeros({3}), a),
                       doctest::Contains("matmul: inner sizes must match, got a [3] and b [2, 3]"),
                       ShapeError);
  CHECK_THROWS_WITH_AS(tapegrad::transpose(tapegrad::zeros({2, 3, 4})), doctest::Contains("[2, 3, 4]"),
                       ShapeError);
}

TEST_CASE("Tensor errors: bad axes name the op") {
  const Tensor a = tapegrad::zeros({2, 3});
  CHECK_THROWS_WITH_AS(tapegrad::sum(a, 2, false), doctest::Contains("sum: axis 2"), ShapeError);
  CHECK_THROWS_WITH_AS(tapegrad::mean(a, -3, true), doctest::Contains("mean: axis -3"), ShapeError);
  CHECK_THROWS_WITH_AS(tapegrad::softmax(a, 5), doctest::Contains("softmax"), ShapeError);
  CHECK_THROWS_WITH_AS(tapegrad::log_softmax(tapegrad::zeros({}), 0), doctest::Contains("log_softmax"),
                       ShapeError);
}

TEST_CASE("Tensor errors: reshape to a different element count names both shapes") {
  const Tensor a = tapegrad::zeros({2, 3});
  CHECK_THROWS_WITH_AS(tapegrad::reshape(a, {4, 2}), doctest::Contains("[2, 3] (6 elements) as [4, 2]"),
                       ShapeError);
  CHECK_THROWS_WITH_AS(tapegrad::reshape(a, {-1, 4}), doctest::Contains("[2, 3]"), ShapeError);
  CHECK_THROWS_AS(tapegrad::reshape(a, {-2, 3}), ShapeError);
}

TEST_CASE("Tensor errors: mixing float32 and float64 names the op and both dtypes") {
  const Tensor a = tapegrad::zeros({2, 3}, Dtype::float32);
  const Tensor b = tapegrad::zeros({2, 3}, Dtype::float64);
  CHECK_THROWS_WITH_AS(a - b, doctest::Contains("sub: inputs must have one dtype"), ShapeError);
  CHECK_THROWS_WITH_AS(a - b, doctest::Contains("[2, 3] float32 and [2, 3] float64"), ShapeError);
}

TEST_CASE("Tensor errors: backward on a non-scalar without grad_output names the shape") {
  tapegrad::Tape tape;
  const Tensor x = tapegrad::ones({2, 3}, Dtype::float64).requires_grad_();
  const Tensor y = x * 2.0;
  CHECK_THROWS_WITH_AS(y.backward(), doctest::Contains("[2, 3]"), ShapeError);
  CHECK_THROWS_WITH_AS(y.backward(tapegrad::ones({3, 2}, Dtype::float64)), doctest::Contains("[3, 2]"),
                       ShapeError);
  CHECK_THROWS_WITH_AS(y.backward(tapegrad::ones({2, 3}, Dtype::float32)), doctest::Contains("float32"),
                       ShapeError);
}
