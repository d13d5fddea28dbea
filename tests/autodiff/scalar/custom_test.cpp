// SPDX-License-Identifier: MIT
// custom_test.cpp: custom_function, a scalar function with a user-supplied derivative. Its gradient is
// checked against central differences of the values alone (which the supplied partials cannot fake),
// its recording against what an expression records, and its errors by message.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <numeric>
#include <span>
#include <vector>

#include "tapegrad/autodiff/autodiff.hpp"

namespace {

using tapegrad::custom_function;
using tapegrad::Tape;
using tapegrad::Var;

/// J0 from the C++17 special functions, a call tapegrad cannot see into: J0' = -J1.
Var bessel_j0(const Var& x) {
  return custom_function(std::cyl_bessel_j(0.0, x.value()), {x}, {-std::cyl_bessel_j(1.0, x.value())},
                         "bessel_j0");
}

/// log(sum exp(x_i)) of any number of inputs, with its gradient softmax(x) supplied.
Var log_sum_exp(std::span<const Var> x) {
  double top = -std::numeric_limits<double>::infinity();
  for (const Var& v : x) top = std::max(top, v.value());
  double total = 0.0;
  for (const Var& v : x) total += std::exp(v.value() - top);
  std::vector<double> partials;
  for (const Var& v : x) partials.push_back(std::exp(v.value() - top) / total);
  return custom_function(top + std::log(total), x, partials, "log_sum_exp");
}

std::vector<double> points(std::size_t n, double scale) {
  std::vector<double> p(n);
  for (std::size_t i = 0; i < n; ++i) p[i] = scale * std::sin(0.7 * static_cast<double>(i) + 0.3);
  return p;
}

}  // namespace

TEST_CASE("custom_function: gradchecks inside an expression (one input)") {
  for (const double x0 : {0.3, 1.7, 4.2, -2.5}) {
    CAPTURE(x0);
    // J0 of a positive argument: std::cyl_bessel_j rejects negative ones.
    const auto r = tapegrad::gradcheck(
        [](const std::vector<Var>& x) { return x[0] * bessel_j0(sin(x[0]) * 3.0 + 3.5); }, {x0});
    CHECK_MESSAGE(r.passed, r.report());
  }
}

TEST_CASE("custom_function: gradchecks with 3, 255, 256 and 600 inputs (long ones become a chain)") {
  for (const std::size_t n : {std::size_t{3}, std::size_t{255}, std::size_t{256}, std::size_t{600}}) {
    CAPTURE(n);
    const std::vector<double> p = points(n, 2.0);
    const auto r = tapegrad::gradcheck(
        [](const std::vector<Var>& x) {
          std::vector<Var> squared;
          for (std::size_t i = 0; i < x.size(); ++i)
            squared.push_back(x[i] * (0.5 + 0.01 * static_cast<double>(i)));
          return log_sum_exp(squared) * x[0];
        },
        p);
    CHECK_MESSAGE(r.passed, r.report());
  }
}

TEST_CASE("custom_function: records one statement, as an expression of its inputs would") {
  Tape tape;
  Var a = 1.5, b = -0.5;
  const std::size_t before = tape.stats().statements;
  Var y = custom_function(a.value() * b.value(), {a, b}, {b.value(), a.value()}, "product");
  CHECK(tape.stats().statements == before + 1);
  CHECK(tape.stats().arguments == 2 + 2);  // two inputs (one reserved slot each), two arguments
  CHECK(y.value() == -0.75);
  y.backward();
  CHECK(a.grad() == -0.5);
  CHECK(b.grad() == 1.5);
}

TEST_CASE("custom_function: a Var passed twice gets the sum of its partials, and constants are skipped") {
  Tape tape;
  Var x = 2.0;
  const Var c = Var::constant(10.0);
  Var y = custom_function(0.0, {x, c, x}, {3.0, 100.0, 4.0});
  y.backward();
  CHECK(x.grad() == 7.0);
  CHECK(tape.stats().arguments == 1 + 1);  // x's reserved slot, then one merged argument
}

TEST_CASE("custom_function: only constant inputs give a constant and record nothing") {
  Tape tape;
  const std::size_t before = tape.stats().statements;
  const Var y = custom_function(5.0, {Var::constant(1.0), Var()}, {1.0, 2.0});
  CHECK_FALSE(y.is_recorded());
  CHECK(y.value() == 5.0);
  CHECK(tape.stats().statements == before);
}

TEST_CASE("custom_function: rejects mismatched partials and Vars of a cleared recording") {
  Tape tape;
  Var x = 1.0;
  CHECK_THROWS_WITH_AS(
      custom_function(1.0, {x}, {1.0, 2.0}, "my_fn"),
      doctest::Contains("my_fn: expected one partial per input, got 1 inputs and 2 partials"),
      tapegrad::ShapeError);
  tape.clear();
  CHECK_THROWS_WITH_AS(custom_function(1.0, {x}, {1.0}, "my_fn"), doctest::Contains("my_fn"),
                       tapegrad::TapeError);
}

TEST_CASE("custom_function: the anomaly guard names a non-finite value or partial") {
  Tape tape;
  Var x = 1.0;
  tapegrad::AnomalyGuard guard;
  CHECK_THROWS_WITH_AS(custom_function(std::numeric_limits<double>::quiet_NaN(), {x}, {1.0}, "my_fn"),
                       doctest::Contains("my_fn produced nan"), tapegrad::DomainError);
  CHECK_THROWS_WITH_AS(custom_function(1.0, {x}, {std::numeric_limits<double>::infinity()}, "my_fn"),
                       doctest::Contains("partial of my_fn with respect to its input 0"),
                       tapegrad::DomainError);
}
