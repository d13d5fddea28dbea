// SPDX-License-Identifier: MIT
// tensor_reduce_test.cpp: max, min, logsumexp and argmax: values against loops and <cmath> written out here,
// the tie rule (which central differences cannot see), stability, NaN and empty lanes, and errors.
#include <doctest/doctest.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

#include "tapegrad/autodiff/autodiff.hpp"
#include "test_support.hpp"

using tapegrad::Dtype;
using tapegrad::Shape;
using tapegrad::ShapeError;
using tapegrad::Tape;
using tapegrad::Tensor;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

Tensor leaf(const std::vector<double>& values, const Shape& shape) {
  Tensor t = tapegrad::from(values, shape);
  t.requires_grad_();
  return t;
}

/// A [2, 3, 4] tensor with distinct values in a scrambled order.
std::vector<double> scrambled() {
  std::vector<double> v;
  for (int i = 0; i < 24; ++i) v.push_back(static_cast<double>((i * 7) % 24) - 11.5);
  return v;
}

/// Element [i, j, k] of a row-major [2, 3, 4] array.
double at(const std::vector<double>& v, std::int64_t i, std::int64_t j, std::int64_t k) {
  return v[static_cast<std::size_t>((i * 3 + j) * 4 + k)];
}

}  // namespace

TEST_CASE("Tensor reductions: max and min of all elements and along each axis, with keepdim") {
  const std::vector<double> v = scrambled();
  const Tensor x = tapegrad::from(v, {2, 3, 4});
  double hi = -kInf, lo = kInf;
  for (double e : v) {
    hi = std::fmax(hi, e);
    lo = std::fmin(lo, e);
  }
  CHECK(tapegrad::max(x).item() == hi);
  CHECK(tapegrad::min(x).item() == lo);
  CHECK(tapegrad::max(x).shape() == Shape{});
  CHECK(tapegrad::min(x, true).shape() == Shape{1, 1, 1});

  // Along axis 1 of [2, 3, 4]: result [2, 4] (or [2, 1, 4]), element [i, k] = max over j.
  std::vector<double> max1, min1;
  for (std::int64_t i = 0; i < 2; ++i)
    for (std::int64_t k = 0; k < 4; ++k) {
      double m = -kInf, n = kInf;
      for (std::int64_t j = 0; j < 3; ++j) {
        m = std::fmax(m, at(v, i, j, k));
        n = std::fmin(n, at(v, i, j, k));
      }
      max1.push_back(m);
      min1.push_back(n);
    }
  CHECK(tapegrad::max(x, 1, false).to_vector<double>() == max1);
  CHECK(tapegrad::min(x, -2, false).to_vector<double>() == min1);
  CHECK(tapegrad::max(x, 1, true).shape() == Shape{2, 1, 4});
  CHECK(tapegrad::max(x, 0, false).shape() == Shape{3, 4});
  CHECK(tapegrad::max(x, -1, true).shape() == Shape{2, 3, 1});
  std::vector<double> max2;
  for (std::int64_t i = 0; i < 2; ++i)
    for (std::int64_t j = 0; j < 3; ++j) {
      double m = -kInf;
      for (std::int64_t k = 0; k < 4; ++k) m = std::fmax(m, at(v, i, j, k));
      max2.push_back(m);
    }
  CHECK(tapegrad::max(x, 2, false).to_vector<double>() == max2);

  const Tensor f = tapegrad::from<float>({1.5f, -2.0f, 7.25f}, {3});
  CHECK(tapegrad::max(f).item() == 7.25);
  CHECK(tapegrad::min(f).dtype() == Dtype::float32);
  // Shape [0, 3] along axis 1: no lanes, an empty result, nothing to complain about.
  CHECK(tapegrad::max(tapegrad::zeros({0, 3}), 1, false).shape() == Shape{0});
}

TEST_CASE("Tensor reductions: max and min split the gradient evenly among tied extremes") {
  Tape tape;
  Tensor x = leaf({1, 3, 3, 2}, {4});
  tapegrad::max(x).backward();
  CHECK(x.grad().to_vector<double>() == std::vector<double>{0, 0.5, 0.5, 0});
  x.zero_grad();
  tapegrad::min(x * -1.0).backward();
  CHECK(x.grad().to_vector<double>() == std::vector<double>{0, -0.5, -0.5, 0});

  // Along an axis, each lane on its own: row 0 has a three-way tie, row 1 a single maximum.
  Tensor m = leaf({5, 5, 5, 1, 9, 2}, {2, 3});
  const Tensor g = tapegrad::from<double>({3, 6}, {2});
  tapegrad::max(m, 1, false).backward(g);
  CHECK(m.grad().to_vector<double>() == std::vector<double>{1, 1, 1, 0, 6, 0});
  m.zero_grad();
  tapegrad::min(m, 0, true).backward(tapegrad::from<double>({1, 2, 4}, {1, 3}));
  CHECK(m.grad().to_vector<double>() == std::vector<double>{0, 2, 0, 1, 0, 4});

  // A lane with a NaN reduces to NaN, and its gradient goes to the NaN.
  const Tensor n = leaf({1, kNaN, 3}, {3});
  const Tensor y = tapegrad::max(n);
  CHECK(std::isnan(y.item()));
  y.backward();
  CHECK(n.grad().to_vector<double>() == std::vector<double>{0, 1, 0});
  CHECK(std::isnan(tapegrad::min(tapegrad::from<double>({kNaN, -1}, {2})).item()));
}

TEST_CASE("Tensor reductions: logsumexp is log(sum(exp)), stable, and its gradient is the softmax") {
  const std::vector<double> v = {0.5, -1.0, 2.0, 0.0, 1.5, -0.5};
  const Tensor x = tapegrad::from(v, {2, 3});
  double all = 0.0;
  for (double e : v) all += std::exp(e);
  CHECK(tapegrad::test::close(tapegrad::logsumexp(x).item(), std::log(all), 1e-15));
  CHECK(tapegrad::logsumexp(x, true).shape() == Shape{1, 1});
  const std::vector<double> rows = tapegrad::logsumexp(x, 1, false).to_vector<double>();
  CHECK(tapegrad::test::close(rows[0], std::log(std::exp(0.5) + std::exp(-1.0) + std::exp(2.0)), 1e-15));
  CHECK(tapegrad::test::close(rows[1], std::log(std::exp(0.0) + std::exp(1.5) + std::exp(-0.5)), 1e-15));
  const Tensor cols = tapegrad::logsumexp(x, 0, true);
  CHECK(cols.shape() == Shape{1, 3});
  CHECK(tapegrad::test::close(cols.to_vector<double>()[1], std::log(std::exp(-1.0) + std::exp(1.5)), 1e-15));

  // Stable where exp overflows: log(e^1000 + e^1000) = 1000 + log 2, and likewise at -1000 and in float.
  const std::vector<double> big =
      tapegrad::logsumexp(tapegrad::from<double>({1000, 1000, -1000, -1000}, {2, 2}), 1, false)
          .to_vector<double>();
  CHECK(tapegrad::test::close(big[0], 1000.0 + std::log(2.0), 1e-15));
  CHECK(tapegrad::test::close(big[1], -1000.0 + std::log(2.0), 1e-15));
  const float f = tapegrad::logsumexp(tapegrad::from<float>({100.0f, 100.0f}, {2})).to_vector<float>()[0];
  CHECK(static_cast<double>(f) == doctest::Approx(100.0 + std::log(2.0)));

  // Infinite and NaN lanes, and empty ones (the sum of nothing is 0, whose log is -inf).
  const std::vector<double> edge =
      tapegrad::logsumexp(tapegrad::from<double>({-kInf, -kInf, kInf, 1, kNaN, kInf}, {3, 2}), 1, false)
          .to_vector<double>();
  CHECK(edge[0] == -kInf);
  CHECK(edge[1] == kInf);
  CHECK(std::isnan(edge[2]));
  CHECK(tapegrad::logsumexp(tapegrad::zeros({3, 0}, Dtype::float64), 1, false).to_vector<double>() ==
        std::vector<double>(3, -kInf));

  // The gradient of logsumexp along axis 1, weighted by g, is g times the softmax of each row.
  Tape tape;
  const Tensor w = leaf(v, {2, 3});
  tapegrad::logsumexp(w, 1, false).backward(tapegrad::from<double>({2.0, -1.0}, {2}));
  const std::vector<double> grad = w.grad().to_vector<double>();
  for (std::size_t r = 0; r < 2; ++r) {
    const double z = std::exp(v[3 * r]) + std::exp(v[3 * r + 1]) + std::exp(v[3 * r + 2]);
    for (std::size_t c = 0; c < 3; ++c)
      CHECK(
          tapegrad::test::close(grad[3 * r + c], (r == 0 ? 2.0 : -1.0) * std::exp(v[3 * r + c]) / z, 1e-14));
  }
}

TEST_CASE("Tensor reductions: argmax gives the first largest index of each lane") {
  const std::vector<double> v = scrambled();
  const Tensor x = tapegrad::from(v, {2, 3, 4});
  std::vector<std::int64_t> expected;
  for (std::int64_t i = 0; i < 2; ++i)
    for (std::int64_t k = 0; k < 4; ++k) {
      std::int64_t best = 0;
      for (std::int64_t j = 1; j < 3; ++j)
        if (at(v, i, j, k) > at(v, i, best, k)) best = j;
      expected.push_back(best);
    }
  CHECK(tapegrad::argmax(x, 1) == expected);
  CHECK(tapegrad::argmax(x, -2) == expected);
  CHECK(tapegrad::argmax(x, 2).size() == 6);

  // [[1, 4, 4], [0, 2, 2], [1, NaN, 3]]: the first of equal values wins, and NaN counts as the largest.
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const Tensor ties = tapegrad::from<float>({1, 4, 4, 0, 2, 2, 1, nan, 3}, {3, 3});
  CHECK(tapegrad::argmax(ties, 1) == std::vector<std::int64_t>{1, 1, 1});
  CHECK(tapegrad::argmax(ties, 0) == std::vector<std::int64_t>{0, 2, 0});
  CHECK(tapegrad::argmax(tapegrad::from<double>({3, 9, 9}, {3}), 0) == std::vector<std::int64_t>{1});
}

TEST_CASE("Tensor errors: max, min, logsumexp and argmax name the op for bad axes and empty lanes") {
  const Tensor a = tapegrad::zeros({2, 3});
  CHECK_THROWS_WITH_AS(tapegrad::max(a, 2, false), doctest::Contains("max: axis 2 is out of range"),
                       ShapeError);
  CHECK_THROWS_WITH_AS(tapegrad::min(a, -3, true), doctest::Contains("min: axis -3"), ShapeError);
  CHECK_THROWS_WITH_AS(tapegrad::logsumexp(a, 5, false), doctest::Contains("logsumexp: axis 5"), ShapeError);
  CHECK_THROWS_WITH_AS(tapegrad::argmax(a, 2), doctest::Contains("argmax: axis 2"), ShapeError);
  CHECK_THROWS_WITH_AS(tapegrad::argmax(tapegrad::zeros({}), 0), doctest::Contains("argmax"), ShapeError);

  const Tensor empty = tapegrad::zeros({3, 0});
  CHECK_THROWS_WITH_AS(tapegrad::max(empty, 1, false),
                       doctest::Contains("max: cannot reduce axis 1 of size 0, got shape [3, 0]"),
                       ShapeError);
  CHECK_THROWS_WITH_AS(tapegrad::min(empty),
                       doctest::Contains("min: cannot reduce a tensor with no elements, got shape [3, 0]"),
                       ShapeError);
  CHECK_THROWS_WITH_AS(tapegrad::argmax(empty, -1),
                       doctest::Contains("argmax: cannot reduce axis 1 of size 0"), ShapeError);
}

TEST_CASE("Tensor reductions: the anomaly guard names logsumexp for an infinite result") {
  Tape tape;
  const Tensor x = leaf({-kInf, -kInf}, {2});
  CHECK_NOTHROW(tapegrad::logsumexp(x));
  tapegrad::AnomalyGuard guard;
  CHECK_THROWS_WITH_AS(tapegrad::logsumexp(x), doctest::Contains("anomaly: logsumexp produced -inf"),
                       tapegrad::DomainError);
  CHECK_THROWS_WITH_AS(tapegrad::max(tapegrad::from<double>({1, kNaN}, {2})),
                       doctest::Contains("anomaly: max"), tapegrad::DomainError);
}
