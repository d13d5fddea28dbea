// SPDX-License-Identifier: MIT
// methods_test.cpp: the member spellings of Tensor (x.sum(), x.matmul(w), x.t(), ...) compute what
// the free functions compute, and record the same gradients.
#include <doctest/doctest.h>

#include <cstddef>
#include <cstdint>
#include <vector>

#include "tapegrad/autodiff/autodiff.hpp"

using tapegrad::Dtype;
using tapegrad::Shape;
using tapegrad::Tape;
using tapegrad::Tensor;

namespace {
Tensor random_tensor(const Shape& shape, std::uint64_t seed) {
  tapegrad::Generator gen(seed);
  return tapegrad::randn(shape, gen, Dtype::float64);
}
std::vector<double> values(const Tensor& t) {
  return t.to_vector<double>();
}
}  // namespace

TEST_CASE("Tensor methods: member spellings forward to the free functions") {
  const Tensor x = random_tensor({2, 3}, 30);
  const Tensor w = random_tensor({3, 4}, 31);
  CHECK(x.sum().item() == tapegrad::sum(x).item());
  CHECK(x.mean().item() == tapegrad::mean(x).item());
  CHECK(values(x.sum(1)) == values(tapegrad::sum(x, 1, false)));
  CHECK(x.sum(0, true).shape() == Shape{1, 3});
  CHECK(values(x.mean(-1)) == values(tapegrad::mean(x, -1, false)));
  CHECK(x.reshape({3, 2}).shape() == Shape{3, 2});
  const Tensor view = x.view({6});
  CHECK(view.shares_data(x));
  CHECK(values(x.t()) == values(tapegrad::transpose(x)));
  CHECK(values(x.transpose(0, 1)) == values(tapegrad::transpose(x)));
  CHECK(values(x.permute({1, 0})) == values(tapegrad::transpose(x)));
  const std::vector<std::int64_t> order = {1, 0};
  CHECK(x.permute(order).shape() == Shape{3, 2});
  CHECK(values(x.matmul(w)) == values(tapegrad::matmul(x, w)));
  CHECK(values(x.exp()) == values(tapegrad::exp(x)));
  CHECK(values(x.abs().log()) == values(tapegrad::log(tapegrad::abs(x))));
  CHECK(values(x.abs().sqrt()) == values(tapegrad::sqrt(tapegrad::abs(x))));
  CHECK(values(x.relu()) == values(tapegrad::relu(x)));
  CHECK(values(x.tanh()) == values(tapegrad::tanh(x)));
  CHECK(values(x.sigmoid()) == values(tapegrad::sigmoid(x)));
  CHECK(values(x.softmax()) == values(tapegrad::softmax(x, -1)));
  CHECK(values(x.log_softmax(0)) == values(tapegrad::log_softmax(x, 0)));
  // t() leaves vectors and scalars as they are (PyTorch's rule) and rejects more than 2 dimensions.
  const Tensor v = tapegrad::arange(3);
  CHECK(v.t().shares_data(v));
  CHECK_THROWS_WITH_AS(tapegrad::zeros({2, 2, 2}).t(), doctest::Contains("transpose: expected a 2-D tensor"),
                       tapegrad::ShapeError);

  Tape tape;
  const Tensor p = random_tensor({3, 2}, 32).requires_grad_();
  p.matmul(p.t()).sum().backward();  // d/dp[i, c] sum(p p^T) = 2 * (sum of column c)
  const std::vector<double> pv = values(p);
  const double col0 = pv[0] + pv[2] + pv[4], col1 = pv[1] + pv[3] + pv[5];
  const std::vector<double> expected = {2 * col0, 2 * col1, 2 * col0, 2 * col1, 2 * col0, 2 * col1};
  const std::vector<double> grad = values(p.grad());
  REQUIRE(grad.size() == expected.size());
  for (std::size_t i = 0; i < grad.size(); ++i) CHECK(grad[i] == doctest::Approx(expected[i]).epsilon(1e-12));
}
