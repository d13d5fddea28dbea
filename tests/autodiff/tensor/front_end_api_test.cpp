// SPDX-License-Identifier: MIT
// front_end_api_test.cpp: the PyTorch-shaped parts of the tensor front end: gather with an index tensor,
// slice on any axis with a step, squeeze / unsqueeze / flatten / expand, reductions over several axes,
// max and min with their indices, matmul with broadcast batch dimensions, and their errors. Expected
// values are written out by hand or computed by plain loops, never by the op under test.
#include <doctest/doctest.h>

#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <vector>

#include "tapegrad/autodiff/autodiff.hpp"

using tapegrad::Dtype;
using tapegrad::IndexError;
using tapegrad::Shape;
using tapegrad::ShapeError;
using tapegrad::Tape;
using tapegrad::Tensor;

namespace {
std::vector<double> values(const Tensor& t) {
  return t.to_vector<double>();
}
Tensor index_tensor(std::vector<std::int64_t> v, const Shape& shape) {
  return tapegrad::from(v, shape);
}
/// 0, 1, 2, ... as a float64 tensor of `shape` that requires grad.
Tensor counting(const Shape& shape) {
  Tensor t =
      tapegrad::reshape(tapegrad::arange(static_cast<double>(tapegrad::numel(shape)), Dtype::float64), shape);
  return t.clone().requires_grad_();
}
}  // namespace

TEST_CASE("Tensor gather: an int64 index tensor of any shape picks as torch.gather") {
  // torch.gather's documented example: x = [[1, 2], [3, 4]], index [[0, 0], [1, 0]] along 1.
  const Tensor x = tapegrad::from<double>({1, 2, 3, 4}, {2, 2});
  const Tensor y = tapegrad::gather(x, 1, index_tensor({0, 0, 1, 0}, {2, 2}));
  CHECK(y.shape() == Shape{2, 2});
  CHECK(values(y) == std::vector<double>{1, 1, 4, 3});
  // Along axis 0 with an index smaller than x on the other axis and longer on the gathered one.
  const Tensor c = counting({3, 4});  // [[0 1 2 3] [4 5 6 7] [8 9 10 11]]
  const Tensor y0 = tapegrad::gather(c, 0, index_tensor({2, 0, 1, 1, 1, 0, 0, 2, 0}, {3, 3}));
  CHECK(y0.shape() == Shape{3, 3});
  CHECK(values(y0) == std::vector<double>{8, 1, 6, 4, 5, 2, 0, 9, 2});
  // 3-D, along the last axis, index smaller on both other axes: out[i][j][k] = x[i][j][index[i][j][k]].
  const Tensor cube = counting({2, 3, 4});
  const Tensor y2 = tapegrad::gather(cube, 2, index_tensor({3, 0, 1, 1, 2, 2}, {1, 2, 3}));
  CHECK(values(y2) == std::vector<double>{3, 0, 1, 5, 6, 6});
  // An empty index gives an empty result.
  CHECK(tapegrad::gather(c, 1, index_tensor({}, {3, 0})).shape() == Shape{3, 0});
}

TEST_CASE("Tensor gather: the backward scatter-adds into x's gradient") {
  Tape tape;
  const Tensor x = counting({2, 3});
  // Row 0 picks column 2 three times and column 0 once; row 1 picks column 1 twice (index [2, 2]).
  const Tensor picked = tapegrad::gather(x, 1, index_tensor({2, 2, 0, 2, 1, 1, 0, 0}, {2, 4}));
  const Tensor weight = tapegrad::from<double>({1, 2, 3, 4, 5, 6, 7, 8}, {2, 4});
  tapegrad::sum(picked * weight).backward();
  // dx[0] = [3, 0, 1 + 2 + 4], dx[1] = [7 + 8, 5 + 6, 0].
  CHECK(values(x.grad()) == std::vector<double>{3, 0, 7, 15, 11, 0});
  // The general walk (index smaller than x on another axis) scatters the same way.
  Tape tape2;
  const Tensor z = counting({3, 2});
  tapegrad::sum(tapegrad::gather(z, 0, index_tensor({2, 2, 0}, {3, 1}))).backward();
  CHECK(values(z.grad()) == std::vector<double>{1, 0, 0, 0, 2, 0});
  // float32 runs the same row.
  const Tensor f = tapegrad::from<float>({1, 2, 3, 4}, {2, 2});
  CHECK(tapegrad::gather(f, 0, index_tensor({1, 1}, {1, 2})).to_vector<float>() == std::vector<float>{3, 4});
}

TEST_CASE("Tensor gather: errors name the op, the index value and the shapes") {
  const Tensor x = tapegrad::zeros({3, 4});
  CHECK_THROWS_WITH_AS(
      tapegrad::gather(x, 1, index_tensor({0, 4, 1}, {3, 1})),
      doctest::Contains("gather: index 4 (position 1) is out of range for axis 1 of size 4 of x "
                        "[3, 4] (index shape [3, 1])"),
      IndexError);
  CHECK_THROWS_WITH_AS(
      tapegrad::gather(x, 0, index_tensor({0, -1}, {1, 2})),
      doctest::Contains("gather: index -1 (position 1) is out of range for axis 0 of size 3"), IndexError);
  CHECK_THROWS_WITH_AS(
      tapegrad::gather(x, 1, index_tensor({0, 1}, {2})),
      doctest::Contains("gather: expected an index with the rank of x and no larger along any "
                        "axis but 1, got index [2] for x [3, 4]"),
      ShapeError);
  CHECK_THROWS_WITH_AS(tapegrad::gather(x, 1, index_tensor({0, 0, 0, 0}, {4, 1})),
                       doctest::Contains("got index [4, 1] for x [3, 4]"), ShapeError);
  CHECK_THROWS_WITH_AS(
      tapegrad::gather(x, 1, tapegrad::zeros({3, 1})),
      doctest::Contains("gather: expected an int64 index, got [3, 1] float32 (for x [3, 4])"), ShapeError);
  CHECK_THROWS_WITH_AS(tapegrad::gather(x, 2, index_tensor({0}, {1, 1})), doctest::Contains("gather: axis 2"),
                       ShapeError);
  CHECK_THROWS_WITH_AS(tapegrad::gather(tapegrad::from<std::int64_t>({1, 2}, {2}), 0, index_tensor({0}, {1})),
                       doctest::Contains("gather: expected float32 or float64 inputs"), ShapeError);
}

TEST_CASE("Tensor slice: any axis with a step, as Python's start:stop:step") {
  const Tensor x = counting({3, 8});
  const Tensor even = tapegrad::slice(x, 1, 0, 8, 2);
  CHECK(even.shape() == Shape{3, 4});
  CHECK(values(even) == std::vector<double>{0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22});
  CHECK(values(tapegrad::slice(x, -1, 1, 7, 3)) == std::vector<double>{1, 4, 9, 12, 17, 20});
  CHECK(values(tapegrad::slice(x, 0, -1, 3)) == std::vector<double>{16, 17, 18, 19, 20, 21, 22, 23});
  CHECK(tapegrad::slice(x, 1, 5, 5).shape() == Shape{3, 0});
  CHECK(tapegrad::slice(x, 1, 0, 7, 3).shape() == Shape{3, 3});  // 0, 3, 6: ceil(7 / 3)

  Tape tape;
  tapegrad::sum(tapegrad::slice(x, 1, 1, 8, 3) * 2.0).backward();  // columns 1, 4, 7
  const std::vector<double> row = {0, 2, 0, 0, 2, 0, 0, 2};
  std::vector<double> expected;
  for (int r = 0; r < 3; ++r) expected.insert(expected.end(), row.begin(), row.end());
  CHECK(values(x.grad()) == expected);

  CHECK_THROWS_WITH_AS(tapegrad::slice(x, 1, 0, 9),
                       doctest::Contains("slice: [0, 9) is out of range for axis 1 of size 8 of x [3, 8]"),
                       IndexError);
  CHECK_THROWS_WITH_AS(tapegrad::slice(x, 1, 5, 2), doctest::Contains("slice: [5, 2) is out of range"),
                       IndexError);
  CHECK_THROWS_WITH_AS(tapegrad::slice(x, 1, 0, 8, 0),
                       doctest::Contains("slice: step must be positive, got 0 for axis 1 of x [3, 8]"),
                       tapegrad::DomainError);
  CHECK_THROWS_WITH_AS(tapegrad::slice(x, 2, 0, 1), doctest::Contains("slice: axis 2"), ShapeError);
}

TEST_CASE("Tensor layout: squeeze, unsqueeze and flatten are views, expand broadcasts") {
  const Tensor x = tapegrad::zeros({3, 1, 4, 1});
  CHECK(tapegrad::squeeze(x).shape() == Shape{3, 4});
  CHECK(tapegrad::squeeze(x, 1).shape() == Shape{3, 4, 1});
  CHECK(tapegrad::squeeze(x, 0).shape() == Shape{3, 1, 4, 1});  // size 3: kept, as PyTorch
  CHECK(tapegrad::squeeze(x, -1).shape() == Shape{3, 1, 4});
  CHECK(tapegrad::squeeze(x).shares_data(x));
  CHECK(tapegrad::unsqueeze(x, 0).shape() == Shape{1, 3, 1, 4, 1});
  CHECK(tapegrad::unsqueeze(x, -1).shape() == Shape{3, 1, 4, 1, 1});
  CHECK(tapegrad::unsqueeze(tapegrad::zeros({}), 0).shape() == Shape{1});
  const Tensor img = tapegrad::zeros({2, 3, 4, 5});
  CHECK(tapegrad::flatten(img).shape() == Shape{120});
  CHECK(tapegrad::flatten(img, 1).shape() == Shape{2, 60});
  CHECK(tapegrad::flatten(img, 1, 2).shape() == Shape{2, 12, 5});
  CHECK(tapegrad::flatten(img, -2).shape() == Shape{2, 3, 20});
  CHECK(tapegrad::flatten(tapegrad::zeros({})).shape() == Shape{1});
  CHECK(tapegrad::flatten(img, 1).shares_data(img));

  const Tensor b = tapegrad::from<double>({1, 2, 3}, {3});
  CHECK(values(tapegrad::expand(b, {2, 3})) == std::vector<double>{1, 2, 3, 1, 2, 3});
  const Tensor col = tapegrad::from<double>({1, 2}, {2, 1});
  CHECK(values(tapegrad::expand(col, {-1, 3})) == std::vector<double>{1, 1, 1, 2, 2, 2});
  Tape tape;
  const Tensor w = counting({2, 1});
  tapegrad::sum(tapegrad::expand(w, {3, 2, 4}) * 0.5).backward();  // each element copied 3 * 4 times
  CHECK(values(w.grad()) == std::vector<double>{6, 6});

  CHECK_THROWS_WITH_AS(tapegrad::squeeze(x, 4), doctest::Contains("squeeze: axis 4"), ShapeError);
  CHECK_THROWS_WITH_AS(tapegrad::unsqueeze(x, 5), doctest::Contains("unsqueeze: axis 5"), ShapeError);
  CHECK_THROWS_WITH_AS(
      tapegrad::flatten(img, 2, 1),
      doctest::Contains("flatten: start_dim 2 comes after end_dim 1 for x of shape [2, 3, 4, 5]"),
      ShapeError);
  CHECK_THROWS_WITH_AS(tapegrad::expand(b, {2, 4}),
                       doctest::Contains("expand: cannot broadcast x of shape [3] to [2, 4]"), ShapeError);
  CHECK_THROWS_WITH_AS(
      tapegrad::expand(col, {2}),
      doctest::Contains("expand: the target [2] has fewer dimensions than x of shape [2, 1]"), ShapeError);
  CHECK_THROWS_WITH_AS(
      tapegrad::expand(col, {-1, 2, 1}),
      doctest::Contains("expand: the target [-1, 2, 1] for x of shape [2, 1] has a negative size"),
      ShapeError);
}

TEST_CASE("Tensor reductions: several axes at once") {
  const Tensor x = counting({2, 3, 4});
  // Loop references: the sum over axes 0 and 2 is [sum over i, k of x[i, j, k]] for j = 0, 1, 2.
  std::vector<double> s02(3, 0.0), s12(2, 0.0);
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 3; ++j)
      for (int k = 0; k < 4; ++k) {
        s02[static_cast<std::size_t>(j)] += i * 12 + j * 4 + k;
        s12[static_cast<std::size_t>(i)] += i * 12 + j * 4 + k;
      }
  CHECK(values(tapegrad::sum(x, {0, 2})) == s02);
  CHECK(values(tapegrad::sum(x, {2, 1})) == s12);
  CHECK(tapegrad::sum(x, {0, 2}, true).shape() == Shape{1, 3, 1});
  CHECK(tapegrad::sum(x, {-1, -3}).shape() == Shape{3});
  CHECK(tapegrad::mean(x, {0, 1, 2}).item() == doctest::Approx(11.5));
  CHECK(values(tapegrad::mean(x, {0, 2})) == std::vector<double>{s02[0] / 8, s02[1] / 8, s02[2] / 8});
  CHECK(values(tapegrad::max(x, {0, 2})) == std::vector<double>{15, 19, 23});
  CHECK(values(tapegrad::min(x, {1, 2}, true)) == std::vector<double>{0, 12});
  const std::vector<std::int64_t> axes = {0, 1};
  CHECK(tapegrad::logsumexp(x, std::span<const std::int64_t>(axes)).shape() == Shape{4});
  CHECK(values(x.sum({0, 2})) == s02);
  const std::vector<double> row_means = values(x.mean({1, 2}));
  REQUIRE(row_means.size() == 2);
  CHECK(row_means[0] == doctest::Approx(5.5));
  CHECK(row_means[1] == doctest::Approx(17.5));

  // A tie spread over two rows of the reduced block shares the gradient evenly among all three maxima.
  Tape tape;
  const Tensor t = tapegrad::from<double>({5, 1, 5, 0, 2, 5}, {2, 1, 3}).requires_grad_();
  tapegrad::sum(tapegrad::max(t, {0, 2})).backward();
  const std::vector<double> g = values(t.grad());
  const std::vector<double> expected = {1.0 / 3, 0, 1.0 / 3, 0, 0, 1.0 / 3};
  REQUIRE(g.size() == expected.size());
  for (std::size_t i = 0; i < g.size(); ++i) CHECK(g[i] == doctest::Approx(expected[i]));

  CHECK_THROWS_WITH_AS(tapegrad::sum(x, {0, 0}),
                       doctest::Contains("sum: axes (0, 0) for x of shape [2, 3, 4] name axis 0 twice"),
                       ShapeError);
  CHECK_THROWS_WITH_AS(tapegrad::mean(x, {1, -2}), doctest::Contains("mean: axes (1, -2)"), ShapeError);
  CHECK_THROWS_WITH_AS(tapegrad::max(x, {0, 3}), doctest::Contains("max: axis 3 is out of range"),
                       ShapeError);
  CHECK_THROWS_WITH_AS(tapegrad::sum(x, std::span<const std::int64_t>()),
                       doctest::Contains("sum: expected at least one axis for x of shape [2, 3, 4]"),
                       ShapeError);
  CHECK_THROWS_WITH_AS(tapegrad::min(tapegrad::zeros({2, 0, 3}), {1, 2}), doctest::Contains("min:"),
                       ShapeError);
}

TEST_CASE("Tensor reductions: max and min along an axis return values and int64 indices") {
  Tape tape;
  // Row 0 has its maximum 4 twice (columns 1 and 3): the first is chosen, and gets the whole gradient.
  const Tensor x = tapegrad::from<double>({1, 4, 2, 4, 0, -1, 3, 3}, {2, 4}).requires_grad_();
  const auto [values_max, indices_max] = tapegrad::max_with_indices(x, 1);
  CHECK(values_max.shape() == Shape{2});
  CHECK(indices_max.dtype() == Dtype::int64);
  CHECK(values(values_max) == std::vector<double>{4, 3});
  CHECK(indices_max.to_vector<std::int64_t>() == std::vector<std::int64_t>{1, 2});
  tapegrad::sum(values_max * tapegrad::from<double>({10, 20}, {2})).backward();
  CHECK(values(x.grad()) == std::vector<double>{0, 10, 0, 0, 0, 0, 20, 0});

  const auto [values_min, indices_min] = tapegrad::min_with_indices(x, 0, true);
  CHECK(values_min.shape() == Shape{1, 4});
  CHECK(indices_min.shape() == Shape{1, 4});
  CHECK(values(values_min) == std::vector<double>{0, -1, 2, 3});
  CHECK(indices_min.to_vector<std::int64_t>() == std::vector<std::int64_t>{1, 1, 0, 1});
  // A NaN counts as the extreme, as in PyTorch.
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const auto with_nan = tapegrad::max_with_indices(tapegrad::from<double>({1, nan, 3}, {3}), 0);
  CHECK(with_nan.indices.to_vector<std::int64_t>() == std::vector<std::int64_t>{1});

  CHECK_THROWS_WITH_AS(tapegrad::max_with_indices(x, 2), doctest::Contains("max_with_indices: axis 2"),
                       ShapeError);
  CHECK_THROWS_WITH_AS(tapegrad::min_with_indices(tapegrad::zeros({3, 0}), 1),
                       doctest::Contains("min_with_indices"), ShapeError);
  CHECK_THROWS_WITH_AS(
      tapegrad::max_with_indices(tapegrad::from<std::int64_t>({1, 2}, {2}), 0),
      doctest::Contains("max_with_indices: expected a float32 or float64 tensor, got [2] int64"), ShapeError);
}

TEST_CASE("Tensor matmul: batch dimensions of any rank broadcast as torch.matmul") {
  tapegrad::Generator gen(11);
  const Tensor a = tapegrad::randn({2, 1, 3, 4}, gen, Dtype::float64);
  const Tensor b = tapegrad::randn({3, 4, 5}, gen, Dtype::float64);
  const Tensor y = tapegrad::matmul(a, b);
  REQUIRE(y.shape() == Shape{2, 3, 3, 5});
  // Reference: a plain triple loop per batch entry (i, j) over a[i, 0] and b[j].
  const std::vector<double> va = values(a), vb = values(b), vy = values(y);
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 3; ++j)
      for (int r = 0; r < 3; ++r)
        for (int c = 0; c < 5; ++c) {
          double s = 0.0;
          for (int q = 0; q < 4; ++q)
            s += va[static_cast<std::size_t>(i * 12 + r * 4 + q)] *
                 vb[static_cast<std::size_t>(j * 20 + q * 5 + c)];
          CAPTURE(i);
          CAPTURE(j);
          CHECK(vy[static_cast<std::size_t>(((i * 3 + j) * 3 + r) * 5 + c)] ==
                doctest::Approx(s).epsilon(1e-12));
        }
  CHECK(tapegrad::matmul(tapegrad::zeros({2, 3, 4, 5}), tapegrad::zeros({5})).shape() == Shape{2, 3, 4});
  CHECK(tapegrad::matmul(tapegrad::zeros({5}), tapegrad::zeros({2, 3, 5, 4})).shape() == Shape{2, 3, 4});
  CHECK(tapegrad::matmul(tapegrad::zeros({2, 0, 3, 4}), tapegrad::zeros({4, 5})).shape() ==
        Shape{2, 0, 3, 5});
  CHECK(a.matmul(b).shape() == Shape{2, 3, 3, 5});
  CHECK_THROWS_WITH_AS(
      tapegrad::matmul(tapegrad::zeros({2, 2, 3, 4}), tapegrad::zeros({3, 4, 5})),
      doctest::Contains("matmul: batch dimensions must broadcast (equal, or one of them 1), got a "
                        "[2, 2, 3, 4] and b [3, 4, 5]"),
      ShapeError);
}

TEST_CASE("Tensor methods: the new spellings forward to the free functions") {
  tapegrad::Generator gen(5);
  const Tensor x = tapegrad::randn({2, 1, 3}, gen, Dtype::float64);
  CHECK(x.max().item() == tapegrad::max(x).item());
  CHECK(x.min().item() == tapegrad::min(x).item());
  CHECK(values(x.max(2)) == values(tapegrad::max(x, 2)));
  CHECK(x.min(0, true).shape() == Shape{1, 1, 3});
  CHECK(values(x.clamp(-0.5, 0.5)) == values(tapegrad::clamp(x, -0.5, 0.5)));
  CHECK(x.squeeze().shape() == Shape{2, 3});
  CHECK(x.squeeze(1).shape() == Shape{2, 3});
  CHECK(x.unsqueeze(0).shape() == Shape{1, 2, 1, 3});
  CHECK(x.flatten().shape() == Shape{6});
  CHECK(x.flatten(1).shape() == Shape{2, 3});
  CHECK(values(x.expand({2, 4, 3})) == values(tapegrad::expand(x, {2, 4, 3})));
  CHECK(values(x.sum({0, 2}, true)) == values(tapegrad::sum(x, {0, 2}, true)));
}

TEST_CASE("Tensor int64: one_hot makes int64 and compare ops name themselves for int64 input") {
  const Tensor h = tapegrad::one_hot({2, 0}, 3, Dtype::int64);
  CHECK(h.dtype() == Dtype::int64);
  CHECK(h.to_vector<std::int64_t>() == std::vector<std::int64_t>{0, 0, 1, 1, 0, 0});
  const Tensor labels = tapegrad::from<std::int64_t>({1, 2}, {2});
  CHECK_THROWS_WITH_AS(
      tapegrad::eq(labels, labels),
      doctest::Contains("eq: expected float32 or float64 inputs, got [2] int64 and [2] int64"), ShapeError);
  CHECK_THROWS_WITH_AS(tapegrad::gt(labels, 1.0), doctest::Contains("gt: expected float32 or float64 inputs"),
                       ShapeError);
  CHECK_THROWS_WITH_AS(tapegrad::le(labels, labels), doctest::Contains("le: "), ShapeError);
}
