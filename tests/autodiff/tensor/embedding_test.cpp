// SPDX-License-Identifier: MIT
// embedding_test.cpp: embedding and narrow by hand: values, gradients, padding_idx, errors.
#include <doctest/doctest.h>

#include <cstdint>
#include <vector>

#include "tapegrad/autodiff/autodiff.hpp"

using tapegrad::Dtype;
using tapegrad::Tensor;

TEST_CASE("embedding: picks rows, shape S + [dim], a repeated index accumulates") {
  Tensor w = tapegrad::from<double>({0, 1, 10, 11, 20, 21}, {3, 2}).requires_grad_();
  const Tensor ids = tapegrad::from<std::int64_t>({2, 0, 2, 1}, {2, 2});
  const Tensor y = tapegrad::embedding(ids, w);
  CHECK(y.shape() == tapegrad::Shape{2, 2, 2});
  CHECK(y.to_vector<double>() == std::vector<double>{20, 21, 0, 1, 20, 21, 10, 11});
  tapegrad::sum(y * tapegrad::from<double>({1, 2}, {2})).backward();
  CHECK(w.grad().to_vector<double>() == std::vector<double>{1, 2, 1, 2, 2, 4});
}

TEST_CASE("embedding: the padding row is read forward and gets no gradient (PyTorch's padding_idx)") {
  for (const std::int64_t pad : {std::int64_t{1}, std::int64_t{-2}}) {  // -2 of 3 is row 1
    CAPTURE(pad);
    Tensor w = tapegrad::from<double>({0, 1, 10, 11, 20, 21}, {3, 2}).requires_grad_();
    const Tensor y = tapegrad::embedding(tapegrad::from<std::int64_t>({1, 2, 1}, {3}), w, pad);
    CHECK(y.to_vector<double>() == std::vector<double>{10, 11, 20, 21, 10, 11});
    tapegrad::sum(y).backward();
    CHECK(w.grad().to_vector<double>() == std::vector<double>{0, 0, 0, 0, 1, 1});
  }
}

TEST_CASE("embedding: errors name the op, the index and the sizes") {
  const Tensor w = tapegrad::zeros({3, 2});
  CHECK_THROWS_WITH_AS(tapegrad::embedding(tapegrad::from<std::int64_t>({0, 3}, {2}), w),
                       doctest::Contains("embedding: index 3 (position 1) is out of range"),
                       tapegrad::IndexError);
  CHECK_THROWS_WITH_AS(tapegrad::embedding(tapegrad::from<std::int64_t>({-1}, {1}), w),
                       doctest::Contains("index -1"), tapegrad::IndexError);
  CHECK_THROWS_WITH_AS(tapegrad::embedding(tapegrad::from<float>({0}, {1}), w),
                       doctest::Contains("embedding: expected int64 indices, got [1] float32"),
                       tapegrad::ShapeError);
  CHECK_THROWS_WITH_AS(tapegrad::embedding(tapegrad::from<std::int64_t>({0}, {1}), tapegrad::zeros({3})),
                       doctest::Contains("2-D weight"), tapegrad::ShapeError);
  CHECK_THROWS_WITH_AS(tapegrad::embedding(tapegrad::from<std::int64_t>({0}, {1}), w, 3),
                       doctest::Contains("padding_idx 3"), tapegrad::IndexError);
}

TEST_CASE("narrow: a range of one axis, gradient into that range only") {
  Tensor x = tapegrad::arange(12, Dtype::float64).reshape({2, 6}).detach().requires_grad_();
  const Tensor y = tapegrad::narrow(x, 1, 2, 3);
  CHECK(y.to_vector<double>() == std::vector<double>{2, 3, 4, 8, 9, 10});
  tapegrad::sum(y).backward();
  CHECK(x.grad().to_vector<double>() == std::vector<double>{0, 0, 1, 1, 1, 0, 0, 0, 1, 1, 1, 0});
  CHECK_THROWS_WITH_AS(tapegrad::narrow(x, 1, 4, 3), doctest::Contains("narrow: elements [4, 4 + 3)"),
                       tapegrad::IndexError);
  CHECK_THROWS_AS(tapegrad::narrow(x, 2, 0, 1), tapegrad::ShapeError);
}
