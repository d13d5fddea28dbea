// SPDX-License-Identifier: MIT
// tensor_long_runs_test.cpp: elementwise loops over runs of kSimdCloneMinLength elements or more take the
// cloned, wide-vector copies (kernels/simd_clones.hpp; GCC on x86-64), shorter ones the inline copy. Both
// must give bit-identical values and gradients: each element of a long computation is compared with the same
// computation on that element alone, which takes the short path.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "tapegrad/autodiff/autodiff.hpp"
#include "tapegrad/autodiff/kernels/simd_clones.hpp"

using tapegrad::Shape;
using tapegrad::Tape;
using tapegrad::Tensor;

namespace {

constexpr std::int64_t kRows = 3;
constexpr std::int64_t kCols = 2 * tapegrad::detail::kSimdCloneMinLength + 5;  // runs past the threshold

bool same_bits(double a, double b) {
  return std::memcmp(&a, &b, sizeof(double)) == 0;
}

std::vector<double> values(std::int64_t n, double scale, double shift) {
  std::vector<double> v(static_cast<std::size_t>(n));
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = scale * std::sin(0.37 * static_cast<double>(i) + shift);
  return v;
}

struct Result {
  std::vector<double> y, ga, gb;
};

/// f(a, b) with a [rows, cols] and b of `b_shape`, backward with upstream gradient `up`.
Result run(const std::function<Tensor(const Tensor&, const Tensor&)>& f, const std::vector<double>& a,
           const Shape& a_shape, const std::vector<double>& b, const Shape& b_shape,
           const std::vector<double>& up) {
  Tape tape;
  Tensor ta = tapegrad::from(a, a_shape);
  Tensor tb = tapegrad::from(b, b_shape);
  ta.requires_grad_();
  tb.requires_grad_();
  const Tensor y = f(ta, tb);
  y.backward(tapegrad::from(up, y.shape()));
  return {y.to_vector<double>(), ta.grad().to_vector<double>(), tb.grad().to_vector<double>()};
}

void check_against_single_elements(const std::string& name,
                                   const std::function<Tensor(const Tensor&, const Tensor&)>& f,
                                   bool broadcast_b) {
  CAPTURE(name);
  const std::int64_t n = kRows * kCols;
  const std::vector<double> a = values(n, 1.5, 0.1);
  const std::vector<double> b = values(broadcast_b ? kCols : n, 0.8, 1.3);
  const std::vector<double> up = values(n, 1.1, 2.9);
  const Result whole = run(f, a, {kRows, kCols}, b, broadcast_b ? Shape{kCols} : Shape{kRows, kCols}, up);
  std::vector<double> gb_sum(b.size(), 0.0);
  for (std::int64_t i = 0; i < n; ++i) {
    const auto at = static_cast<std::size_t>(i);
    const auto bi = static_cast<std::size_t>(broadcast_b ? i % kCols : i);
    const Result one = run(f, {a[at]}, {1}, {b[bi]}, {1}, {up[at]});
    CAPTURE(i);
    CHECK(same_bits(whole.y[at], one.y[0]));
    CHECK(same_bits(whole.ga[at], one.ga[0]));
    if (!broadcast_b) CHECK(same_bits(whole.gb[bi], one.gb[0]));
    gb_sum[bi] += one.gb[0];
  }
  // A broadcast input's gradient is a sum over rows: the order of the adds is the kernel's, so compare
  // closely.
  if (broadcast_b)
    for (std::size_t j = 0; j < b.size(); ++j)
      CHECK(whole.gb[j] == doctest::Approx(gb_sum[j]).epsilon(1e-14));
}

}  // namespace

TEST_CASE("Tensor long runs: binary ops give the values and gradients of the one-element path, bit for bit") {
  check_against_single_elements(
      "add", [](const Tensor& a, const Tensor& b) { return a + b; }, false);
  check_against_single_elements(
      "mul", [](const Tensor& a, const Tensor& b) { return a * b; }, false);
  check_against_single_elements(
      "div", [](const Tensor& a, const Tensor& b) { return a / b; }, false);
  check_against_single_elements(
      "mul, b broadcast", [](const Tensor& a, const Tensor& b) { return a * b; }, true);
  check_against_single_elements(
      "sub, b broadcast", [](const Tensor& a, const Tensor& b) { return a - b; }, true);
  check_against_single_elements(
      "maximum", [](const Tensor& a, const Tensor& b) { return tapegrad::maximum(a, b); }, false);
}

TEST_CASE("Tensor long runs: unary ops give the values and gradients of the one-element path, bit for bit") {
  const auto unary = [](Tensor (*op)(const Tensor&)) {
    return [op](const Tensor& a, const Tensor& b) { return op(a) * b; };
  };
  check_against_single_elements("tanh", unary([](const Tensor& x) { return tapegrad::tanh(x); }), false);
  check_against_single_elements("relu", unary([](const Tensor& x) { return tapegrad::relu(x); }), false);
  check_against_single_elements("sigmoid", unary([](const Tensor& x) { return tapegrad::sigmoid(x); }),
                                false);
  check_against_single_elements("exp", unary([](const Tensor& x) { return tapegrad::exp(x); }), false);
  check_against_single_elements("neg", unary([](const Tensor& x) { return -x; }), false);
}
