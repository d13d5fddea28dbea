// SPDX-License-Identifier: MIT
// tensor_shape_errors_test.cpp: bad axes, mismatched shapes, empty lists and out-of-range indices for the
// shape, indexing and matmul ops throw a tapegrad::Error subclass whose message names the op and the
// offending shapes or values (the message is part of the API).
#include <doctest/doctest.h>

#include <cstdint>
#include <vector>

#include "tapegrad/autodiff/autodiff.hpp"

using tapegrad::Dtype;
using tapegrad::IndexError;
using tapegrad::ShapeError;
using tapegrad::Tensor;

TEST_CASE("Tensor shape errors: transpose and permute reject bad axes") {
  const Tensor x = tapegrad::zeros({2, 3, 4});
  CHECK_THROWS_WITH_AS(tapegrad::transpose(x, 0, 3),
                       doctest::Contains("transpose: axis 3 is out of range for a tensor of 3 dimension(s)"),
                       ShapeError);
  CHECK_THROWS_WITH_AS(tapegrad::transpose(x, -4, 0), doctest::Contains("transpose: axis -4"), ShapeError);
  CHECK_THROWS_WITH_AS(tapegrad::transpose(x),
                       doctest::Contains("transpose: expected a 2-D tensor, got shape [2, 3, 4]"),
                       ShapeError);
  CHECK_THROWS_WITH_AS(tapegrad::permute(x, {0, 1}),
                       doctest::Contains("permute: expected 3 axes for x of shape [2, 3, 4], got (0, 1)"),
                       ShapeError);
  CHECK_THROWS_WITH_AS(
      tapegrad::permute(x, {0, 1, -2}),
      doctest::Contains(
          "permute: axes (0, 1, -2) are not a permutation of the dimensions of x of shape [2, 3, 4]"),
      ShapeError);
  CHECK_THROWS_WITH_AS(tapegrad::permute(x, {0, 1, 3}), doctest::Contains("permute: axis 3 is out of range"),
                       ShapeError);
}

TEST_CASE("Tensor shape errors: concat and stack reject empty lists, bad axes and mismatched shapes") {
  const Tensor a = tapegrad::zeros({2, 3});
  const std::vector<Tensor> none;
  CHECK_THROWS_WITH_AS(tapegrad::concat(none, 0),
                       doctest::Contains("concat: expected at least one tensor, got an empty list"),
                       ShapeError);
  CHECK_THROWS_WITH_AS(tapegrad::concat({}, 0), doctest::Contains("concat: expected at least one tensor"),
                       ShapeError);
  CHECK_THROWS_WITH_AS(tapegrad::stack(none, 0),
                       doctest::Contains("stack: expected at least one tensor, got an empty list"),
                       ShapeError);
  CHECK_THROWS_WITH_AS(
      tapegrad::concat({a, tapegrad::zeros({2, 4})}, 0),
      doctest::Contains("concat: every input must have the shape of input 0 except along axis 0, "
                        "got input 0 [2, 3] and input 1 [2, 4]"),
      ShapeError);
  CHECK_THROWS_WITH_AS(tapegrad::concat({a, a, tapegrad::zeros({2, 3, 1})}, 1),
                       doctest::Contains("input 2 [2, 3, 1]"), ShapeError);
  CHECK_THROWS_WITH_AS(tapegrad::concat({a, a}, 2), doctest::Contains("concat: axis 2 is out of range"),
                       ShapeError);
  CHECK_THROWS_WITH_AS(tapegrad::concat({tapegrad::zeros({}), tapegrad::zeros({})}, 0),
                       doctest::Contains("concat: axis 0 is out of range for a tensor of 0 dimension(s)"),
                       ShapeError);
  CHECK_THROWS_WITH_AS(tapegrad::concat({a, tapegrad::zeros({2, 3}, Dtype::float64)}, 0),
                       doctest::Contains("concat: inputs must have one dtype"), ShapeError);
  CHECK_THROWS_WITH_AS(
      tapegrad::stack({a, tapegrad::zeros({3, 2})}, 0),
      doctest::Contains("stack: every input must have the shape of input 0, got input 0 [2, 3] "
                        "and input 1 [3, 2]"),
      ShapeError);
  CHECK_THROWS_WITH_AS(tapegrad::stack({a, a}, 3), doctest::Contains("stack: axis 3 is out of range"),
                       ShapeError);
  CHECK_THROWS_WITH_AS(tapegrad::stack({a, Tensor()}, 0),
                       doctest::Contains("stack: an input tensor is undefined"), tapegrad::TapeError);
}

TEST_CASE("Tensor shape errors: slice rejects out-of-range rows, naming the range and the shape") {
  const Tensor x = tapegrad::zeros({5, 3});
  CHECK_THROWS_WITH_AS(
      tapegrad::slice(x, 2, 7),
      doctest::Contains("slice: rows [2, 7) are out of range for the leading axis of size 5 of x "
                        "[5, 3]"),
      IndexError);
  CHECK_THROWS_WITH_AS(tapegrad::slice(x, 3, 1), doctest::Contains("slice: rows [3, 1)"), IndexError);
  CHECK_THROWS_WITH_AS(tapegrad::slice(x, -6, 2), doctest::Contains("slice: rows [-6, 2)"), IndexError);
  CHECK_THROWS_WITH_AS(tapegrad::slice(x, -1, 0), doctest::Contains("slice: rows [-1, 0)"), IndexError);
  CHECK_THROWS_WITH_AS(
      tapegrad::slice(tapegrad::zeros({}), 0, 1),
      doctest::Contains("slice: expected a tensor with at least one dimension, got shape []"), ShapeError);
  // IndexError is a tapegrad::Error like the others, so one catch serves a training loop.
  CHECK_THROWS_AS(tapegrad::slice(x, 0, 9), tapegrad::Error);
}

TEST_CASE("Tensor shape errors: index_select, gather and one_hot name the op, the index and the size") {
  const Tensor x = tapegrad::zeros({4, 3});
  CHECK_THROWS_WITH_AS(
      tapegrad::index_select(x, 0, {1, 4}),
      doctest::Contains(
          "index_select: index 4 (position 1) is out of range for axis 0 of size 4 of x [4, 3]"),
      IndexError);
  CHECK_THROWS_WITH_AS(
      tapegrad::index_select(x, 1, {-1}),
      doctest::Contains("index_select: index -1 (position 0) is out of range for axis 1 of size 3"),
      IndexError);
  CHECK_THROWS_WITH_AS(tapegrad::index_select(x, 2, {0}), doctest::Contains("index_select: axis 2"),
                       ShapeError);
  CHECK_THROWS_WITH_AS(
      tapegrad::gather(x, 1, {0, 1, 2}),
      doctest::Contains("gather: expected one index per lane, 4 for x [4, 3] along axis 1, got 3"),
      ShapeError);
  CHECK_THROWS_WITH_AS(
      tapegrad::gather(x, 1, {0, 1, 3, 2}),
      doctest::Contains("gather: index 3 (position 2) is out of range for axis 1 of size 3 of x [4, 3]"),
      IndexError);
  CHECK_THROWS_WITH_AS(tapegrad::gather(x, -3, {0}), doctest::Contains("gather: axis -3"), ShapeError);
  CHECK_THROWS_WITH_AS(tapegrad::one_hot({0, 3}, 3),
                       doctest::Contains("one_hot: label 3 (position 1) is out of range for 3 classes"),
                       IndexError);
  CHECK_THROWS_WITH_AS(tapegrad::one_hot({-2}, 3), doctest::Contains("one_hot: label -2"), IndexError);
  CHECK_THROWS_WITH_AS(tapegrad::one_hot({0}, -1),
                       doctest::Contains("one_hot: num_classes must be non-negative, got -1"), ShapeError);
}

TEST_CASE("Tensor shape errors: matmul names both shapes for the vector and batched forms") {
  const auto z = [](tapegrad::Shape s) { return tapegrad::zeros(s); };
  CHECK_THROWS_WITH_AS(tapegrad::matmul(z({3}), z({4})),
                       doctest::Contains("matmul: inner sizes must match, got a [3] and b [4]"), ShapeError);
  CHECK_THROWS_WITH_AS(tapegrad::matmul(z({3}), z({4, 2})),
                       doctest::Contains("matmul: inner sizes must match, got a [3] and b [4, 2]"),
                       ShapeError);
  CHECK_THROWS_WITH_AS(tapegrad::matmul(z({2, 3, 4}), z({2, 5, 6})),
                       doctest::Contains("matmul: inner sizes must match, got a [2, 3, 4] and b [2, 5, 6]"),
                       ShapeError);
  CHECK_THROWS_WITH_AS(tapegrad::matmul(z({2, 3, 4}), z({5})),
                       doctest::Contains("matmul: inner sizes must match, got a [2, 3, 4] and b [5]"),
                       ShapeError);
  CHECK_THROWS_WITH_AS(
      tapegrad::matmul(z({2, 3, 4}), z({3, 4, 5})),
      doctest::Contains("matmul: batch dimensions must broadcast (equal, or one of them 1), got "
                        "a [2, 3, 4] and b [3, 4, 5]"),
      ShapeError);
  CHECK_THROWS_WITH_AS(tapegrad::matmul(z({}), z({4, 5})), doctest::Contains("got a [] and b [4, 5]"),
                       ShapeError);
}
