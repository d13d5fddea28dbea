// SPDX-License-Identifier: MIT
// gradcheck_test.cpp: gradcheck itself. A checker that cannot fail proves nothing, so besides passing on
// correct functions it must fail on a gradient that disagrees with the values, name the worst component,
// refuse an empty point, and honour its tolerances and step.
#include <doctest/doctest.h>

#include <cmath>
#include <span>
#include <string>
#include <vector>

#include "tapegrad/autodiff/autodiff.hpp"
#include "test_support.hpp"

namespace {

using tapegrad::GradcheckOptions;
using tapegrad::GradcheckResult;
using tapegrad::Var;

/// A vector function of two inputs, f(x) = (x0^2 + 3 x1, x0 x1), on plain doubles; J = [[2 x0, 3], [x1, x0]].
std::vector<double> two_outputs(std::span<const double> p) {
  return {p[0] * p[0] + 3 * p[1], p[0] * p[1]};
}

/// A result as gradcheck() fills it before comparing, with a given analytic Jacobian of two_outputs.
GradcheckResult with_analytic(std::vector<double> analytic) {
  GradcheckResult r;
  r.outputs = 2;
  r.inputs = 2;
  r.analytic = std::move(analytic);
  return r;
}

const auto cube = [](const std::vector<Var>& x) { return x[0] * x[0] * x[0]; };

}  // namespace

TEST_CASE("gradcheck: passes on a correct scalar function") {
  // f = x0 e^x1 + x2 / x0; grad = (e^x1 - x2 / x0^2, x0 e^x1, 1 / x0).
  const auto f = [](const std::vector<Var>& x) { return x[0] * tapegrad::exp(x[1]) + x[2] / x[0]; };
  const GradcheckResult r = tapegrad::gradcheck(f, {0.5, -1.0, 2.0});
  CAPTURE(r.report());
  CHECK(r.passed);
  CHECK(static_cast<bool>(r));
  CHECK(r.outputs == 1);
  CHECK(r.inputs == 3);
  REQUIRE(r.analytic.size() == 3);
  REQUIRE(r.numeric.size() == 3);
  CHECK(r.analytic[0] == doctest::Approx(std::exp(-1.0) - 8.0).epsilon(1e-15));
  CHECK(r.analytic[1] == doctest::Approx(0.5 * std::exp(-1.0)).epsilon(1e-15));
  CHECK(r.analytic[2] == 2.0);
  CHECK(r.max_abs_error < 1e-7);  // central differences at h ~ 1e-6 on a smooth function
  CHECK(r.report().find("passed") != std::string::npos);
}

TEST_CASE("gradcheck: passes on a correct vector-valued function") {
  const auto f = [](const std::vector<Var>& x) {
    return std::vector<Var>{x[0] * x[0] + 3.0 * x[1], x[0] * x[1], tapegrad::atan2(x[1], x[0])};
  };
  const GradcheckResult r = tapegrad::gradcheck(f, {1.0, 2.0});
  CAPTURE(r.report());
  CHECK(r.passed);
  CHECK(r.outputs == 3);
  CHECK(r.inputs == 2);
  REQUIRE(r.analytic.size() == 6);
  // Row-major, rows = outputs: [[2 x0, 3], [x1, x0], [-x1 / r^2, x0 / r^2]] with r^2 = 5.
  const std::vector<double> expected{2.0, 3.0, 2.0, 1.0, -0.4, 0.2};
  for (std::size_t k = 0; k < 6; ++k) {
    CAPTURE(k);
    CHECK(r.analytic[k] == doctest::Approx(expected[k]).epsilon(1e-15));
  }
}

TEST_CASE("gradcheck: fails when the tape gradient disagrees with the values") {
  // An honest user mistake: x * constant(x.value()) has value x^2, but the tape sees the second factor as a
  // constant, so its derivative is x instead of 2x.
  const auto f = [](const std::vector<Var>& x) { return x[0] * Var::constant(x[0].value()) + x[1]; };
  const GradcheckResult r = tapegrad::gradcheck(f, {1.5, 0.3});
  CAPTURE(r.report());
  CHECK_FALSE(r.passed);
  CHECK_FALSE(static_cast<bool>(r));
  CHECK(r.worst_output == 0);
  CHECK(r.worst_input == 0);
  CHECK(r.worst_analytic == 1.5);
  CHECK(r.worst_numeric == doctest::Approx(3.0).epsilon(1e-8));
  CHECK(r.report().find("FAILED") != std::string::npos);
  CHECK(r.report().find("d out[0] / d x[0]") != std::string::npos);
}

TEST_CASE("gradcheck: the report names the worst component") {
  // two_outputs at (1, 2) has J = [[2, 3], [2, 1]]; each case fabricates one wrong entry.
  const std::vector<double> point{1.0, 2.0};
  SUBCASE("d out[0] / d x[1]") {
    const GradcheckResult r = tapegrad::detail::compare_with_differences(with_analytic({2.0, 3.5, 2.0, 1.0}),
                                                                         point, {}, two_outputs);
    CAPTURE(r.report());
    CHECK_FALSE(r.passed);
    CHECK(r.worst_output == 0);
    CHECK(r.worst_input == 1);
    CHECK(r.worst_analytic == 3.5);
    CHECK(r.worst_numeric == doctest::Approx(3.0).epsilon(1e-8));
    CHECK(r.max_abs_error == doctest::Approx(0.5).epsilon(1e-8));
    CHECK(r.max_rel_error == doctest::Approx(0.5 / 3.5).epsilon(1e-8));
    CHECK(r.report().find("d out[0] / d x[1]") != std::string::npos);
    CHECK(r.report().find("3.5") != std::string::npos);
  }
  SUBCASE("d out[1] / d x[0]") {
    const GradcheckResult r = tapegrad::detail::compare_with_differences(with_analytic({2.0, 3.0, 2.1, 1.0}),
                                                                         point, {}, two_outputs);
    CAPTURE(r.report());
    CHECK_FALSE(r.passed);
    CHECK(r.worst_output == 1);
    CHECK(r.worst_input == 0);
    CHECK(r.report().find("d out[1] / d x[0]") != std::string::npos);
  }
  SUBCASE("the correct Jacobian passes") {
    const GradcheckResult r = tapegrad::detail::compare_with_differences(with_analytic({2.0, 3.0, 2.0, 1.0}),
                                                                         point, {}, two_outputs);
    CAPTURE(r.report());
    CHECK(r.passed);
    REQUIRE(r.numeric.size() == 4);
    CHECK(r.numeric[1] == doctest::Approx(3.0).epsilon(1e-8));
  }
}

TEST_CASE("gradcheck: an empty point throws ShapeError") {
  CHECK_THROWS_WITH_AS(tapegrad::gradcheck(cube, std::vector<double>{}), doctest::Contains("gradcheck"),
                       tapegrad::ShapeError);
  CHECK_THROWS_AS(tapegrad::gradcheck(cube, std::span<const double>{}), tapegrad::ShapeError);
}

TEST_CASE("gradcheck: a function whose number of outputs changes throws ShapeError") {
  // One output at x0 = 1, two just above it: the perturbed points disagree with the point.
  const auto f = [](const std::vector<Var>& x) {
    std::vector<Var> out{x[0] * 2.0};
    if (x[0].value() > 1.0) out.push_back(x[0]);
    return out;
  };
  CHECK_THROWS_WITH_AS(tapegrad::gradcheck(f, {1.0}), doctest::Contains("outputs"), tapegrad::ShapeError);
}

TEST_CASE("gradcheck: options atol and rtol and step are honoured") {
  // d(x^3)/dx = 3 at x = 1. With step 0.1 the central difference is (1.1^3 - 0.9^3) / 0.2 = 3.01 exactly in
  // real arithmetic: an error of 0.01, outside the default tolerance 1e-5 + 1e-3 * 3.01.
  const GradcheckOptions coarse{.step = 0.1};
  const GradcheckResult r = tapegrad::gradcheck(cube, {1.0}, coarse);
  CHECK(r.numeric[0] == doctest::Approx(3.01).epsilon(1e-12));
  CHECK_FALSE(r.passed);
  CHECK(tapegrad::gradcheck(cube, {1.0}).passed);  // the default step is fine

  CHECK(tapegrad::gradcheck(cube, {1.0}, {.step = 0.1, .atol = 0.0, .rtol = 0.01}).passed);  // 0.01 <= 0.0301
  CHECK_FALSE(
      tapegrad::gradcheck(cube, {1.0}, {.step = 0.1, .atol = 0.0, .rtol = 0.003}).passed);  // > 0.00903
  CHECK(tapegrad::gradcheck(cube, {1.0}, {.step = 0.1, .atol = 0.02, .rtol = 0.0}).passed);
  CHECK_FALSE(tapegrad::gradcheck(cube, {1.0}, {.step = 0.1, .atol = 0.005, .rtol = 0.0}).passed);

  // The step is relative: h = step * max(1, |x|) = 1 at x = 10, so the difference is (11^3 - 9^3) / 2
  // = 3 x^2 + h^2 = 301.
  CHECK(tapegrad::gradcheck(cube, {10.0}, coarse).numeric[0] == doctest::Approx(301.0).epsilon(1e-12));
}

TEST_CASE("gradcheck: non-finite derivatives fail") {
  // sqrt at 0: the tape gives +inf, the central difference reads sqrt(-h), NaN.
  const auto f = [](const std::vector<Var>& x) { return tapegrad::sqrt(x[0]); };
  const GradcheckResult r = tapegrad::gradcheck(f, {0.0});
  CAPTURE(r.report());
  CHECK_FALSE(r.passed);
  CHECK(std::isinf(r.max_abs_error));
}
