// SPDX-License-Identifier: MIT
// drivers_test.cpp: gradient() and jacobian(), on recorded Vars and on callables, against hand-derived
// derivatives; and the promise that the functional drivers leave the caller's recording alone.
#include <doctest/doctest.h>

#include <array>
#include <cmath>
#include <span>
#include <type_traits>
#include <vector>

#include "tapegrad/autodiff/autodiff.hpp"
#include "test_support.hpp"

namespace {

using tapegrad::Tape;
using tapegrad::TapeError;
using tapegrad::Var;

// f(x) = x0 sin(x1) + x0^2, grad f = (sin x1 + 2 x0, x0 cos x1).
constexpr double kX0 = 0.8, kX1 = -1.1;
const double kF = kX0 * std::sin(kX1) + kX0 * kX0;
const double kDf0 = std::sin(kX1) + 2 * kX0;
const double kDf1 = kX0 * std::cos(kX1);

Var f_of_vector(const std::vector<Var>& x) {
  return x[0] * tapegrad::sin(x[1]) + x[0] * x[0];
}

void check_f_result(const tapegrad::GradientResult& r) {
  CHECK(r.value == doctest::Approx(kF).epsilon(1e-15));
  REQUIRE(r.gradient.size() == 2);
  CHECK(r.gradient[0] == doctest::Approx(kDf0).epsilon(1e-15));
  CHECK(r.gradient[1] == doctest::Approx(kDf1).epsilon(1e-15));
}

}  // namespace

TEST_CASE("drivers: gradient of a recorded Var resets the adjoints first") {
  Tape tape;
  Var x = 2.0, y = 3.0;
  Var f = x * y + tapegrad::sin(x);  // grad = (y + cos x, x)
  f.backward();                      // leaves an accumulated gradient behind
  const std::vector<double> g = tapegrad::gradient(f, {x, y});
  REQUIRE(g.size() == 2);
  CHECK(g[0] == doctest::Approx(3.0 + std::cos(2.0)).epsilon(1e-15));
  CHECK(g[1] == 2.0);
  CHECK(tapegrad::gradient(f, {x, y}) == g);  // and again: nothing accumulates

  const std::vector<Var> inputs{y, x, y};  // a span of inputs, one listed twice
  const std::vector<double> g2 = tapegrad::gradient(f, inputs);
  REQUIRE(g2.size() == 3);
  CHECK(g2[0] == 2.0);
  CHECK(g2[1] == g[0]);
  CHECK(g2[2] == 2.0);

  CHECK_THROWS_AS(tapegrad::gradient(Var::constant(1.0), {x}), TapeError);
  // A constant input is allowed and gets 0, as its grad() would.
  CHECK(tapegrad::gradient(f, {x, Var::constant(1.0)}) == std::vector<double>{g[0], 0.0});
}

TEST_CASE("drivers: gradient of a recorded Var refuses inputs of another tape") {
  // Reading x.grad() of another tape would silently return that tape's adjoint, unrelated to y.
  Tape first;
  Var other = 1.0;
  Var other_y = other * 5.0;
  other_y.backward();  // gives `other` a non-zero adjoint that must not leak into the result below
  Tape second;
  Var x = 2.0;
  Var y = x * 3.0;
  CHECK_THROWS_AS(tapegrad::gradient(y, {x, other}), TapeError);
  Var stale;
  {
    Tape gone;
    stale = 4.0;
  }
  CHECK_THROWS_AS(tapegrad::gradient(y, {stale}), TapeError);
  CHECK(tapegrad::gradient(y, {x}) == std::vector<double>{3.0});
}

TEST_CASE("drivers: functional gradient takes vector and span and initializer_list points") {
  SUBCASE("std::vector point, f taking const std::vector<Var>&") {
    const std::vector<double> point{kX0, kX1};
    check_f_result(tapegrad::gradient(f_of_vector, point));
  }
  SUBCASE("std::span point, f taking std::span<const Var>") {
    const std::array<double, 2> point{kX0, kX1};
    const auto f = [](std::span<const Var> x) { return x[0] * tapegrad::sin(x[1]) + x[0] * x[0]; };
    check_f_result(tapegrad::gradient(f, std::span<const double>(point)));
  }
  SUBCASE("initializer_list point, generic lambda") {
    check_f_result(
        tapegrad::gradient([](const auto& x) { return x[0] * sin(x[1]) + x[0] * x[0]; }, {kX0, kX1}));
  }
  SUBCASE("f returning an expression rather than a Var") {
    const auto f = [](const std::vector<Var>& x) { return x[0] * tapegrad::sin(x[1]) + x[0] * x[0]; };
    static_assert(!std::is_same_v<decltype(f(std::vector<Var>{})), Var>);
    check_f_result(tapegrad::gradient(f, {kX0, kX1}));
  }
  SUBCASE("a stateful function object is called once") {
    int calls = 0;
    const auto r = tapegrad::gradient(
        [&calls](const std::vector<Var>& x) {
          ++calls;
          return f_of_vector(x);
        },
        {kX0, kX1});
    check_f_result(r);
    CHECK(calls == 1);
  }
  SUBCASE("f returning an input itself or a constant") {
    const auto input = tapegrad::gradient([](const std::vector<Var>& x) { return x[1]; }, {kX0, kX1});
    CHECK(input.value == kX1);
    CHECK(input.gradient == std::vector<double>{0.0, 1.0});
    const auto constant =
        tapegrad::gradient([](const std::vector<Var>&) { return Var::constant(4.0); }, {kX0});
    CHECK(constant.value == 4.0);
    CHECK(constant.gradient == std::vector<double>{0.0});
  }
}

TEST_CASE("drivers: jacobian of a 3x2 function matches the analytic matrix") {
  // f(x, y) = (x y, sin x + y^2, e^(x - y)); J = [[y, x], [cos x, 2y], [e^(x-y), -e^(x-y)]].
  const double x = 0.7, y = -1.3, e = std::exp(x - y);
  const auto f = [](const std::vector<Var>& v) {
    return std::vector<Var>{v[0] * v[1], tapegrad::sin(v[0]) + v[1] * v[1], tapegrad::exp(v[0] - v[1])};
  };
  const tapegrad::JacobianResult j = tapegrad::jacobian(f, {x, y});
  REQUIRE(j.rows == 3);
  REQUIRE(j.cols == 2);
  REQUIRE(j.jacobian.size() == 6);
  REQUIRE(j.value.size() == 3);
  CHECK(j.value[0] == x * y);
  CHECK(j.value[1] == doctest::Approx(std::sin(x) + y * y).epsilon(1e-15));
  CHECK(j.value[2] == doctest::Approx(e).epsilon(1e-15));
  const double expected[3][2] = {{y, x}, {std::cos(x), 2 * y}, {e, -e}};
  for (std::size_t r = 0; r < 3; ++r) {
    for (std::size_t c = 0; c < 2; ++c) {
      CAPTURE(r);
      CAPTURE(c);
      CHECK(j(r, c) == doctest::Approx(expected[r][c]).epsilon(1e-15));
      CHECK(j.jacobian[r * 2 + c] == j(r, c));  // row-major
    }
  }
}

TEST_CASE("drivers: jacobian rows of inputs and constants and a std::array result") {
  // f(x, y) = (y, 5, x^2): rows (0, 1), (0, 0), (2x, 0).
  const auto f = [](const std::vector<Var>& v) {
    return std::array<Var, 3>{v[1], Var::constant(5.0), v[0] * v[0]};
  };
  const std::array<double, 2> point{1.5, -2.0};
  const tapegrad::JacobianResult j = tapegrad::jacobian(f, std::span<const double>(point));
  REQUIRE(j.rows == 3);
  CHECK(j.value == std::vector<double>{-2.0, 5.0, 2.25});
  CHECK(j.jacobian == std::vector<double>{0.0, 1.0, 0.0, 0.0, 3.0, 0.0});
}

TEST_CASE("drivers: functional drivers do not disturb the caller's active tape") {
  Tape tape;
  Var a = 1.5;
  Var b = a * a;
  const std::size_t before = tape.stats().statements;

  check_f_result(tapegrad::gradient(f_of_vector, {kX0, kX1}));
  const auto j = tapegrad::jacobian([](const auto& x) { return std::vector<Var>{x[0] * 2.0}; }, {1.0});
  CHECK(j(0, 0) == 2.0);
  TAPEGRAD_CHECK_GRADCHECK(tapegrad::gradcheck(f_of_vector, {kX0, kX1}));

  CHECK(&Tape::active() == &tape);
  CHECK(tape.stats().statements == before);
  Var c = b * a;  // still recording on the caller's tape, with Vars from before the calls
  c.backward();
  CHECK(a.grad() == doctest::Approx(3 * 1.5 * 1.5).epsilon(1e-15));  // d(a^3)/da
}

TEST_CASE("drivers: functional drivers leave the default tape active when there is no Tape object") {
  Tape* const fallback = &Tape::active();
  check_f_result(tapegrad::gradient(f_of_vector, {kX0, kX1}));
  CHECK(&Tape::active() == fallback);
  {
    Tape inner;  // and they nest inside a user's Tape like any other
    check_f_result(tapegrad::gradient(f_of_vector, {kX0, kX1}));
    CHECK(&Tape::active() == &inner);
  }
  CHECK(&Tape::active() == fallback);
}

TEST_CASE("drivers: a function that reads a Var of the caller's recording is refused") {
  // The driver records on a private tape, so a captured outer Var cannot be differentiated through;
  // silently treating it as a constant would give a wrong gradient.
  Tape tape;
  Var outer = 2.0;
  const auto f = [&outer](const std::vector<Var>& x) { return x[0] * outer; };
  CHECK_THROWS_WITH_AS(tapegrad::gradient(f, {1.0}), doctest::Contains("two live tapes"), TapeError);
}

TEST_CASE("drivers: functional drivers nest") {
  // f(x) = x0 g'(0.5) with g = sin computed by an inner gradient() call: df/dx0 = cos 0.5.
  const auto f = [](const std::vector<Var>& x) {
    const double inner =
        tapegrad::gradient([](const auto& v) { return tapegrad::sin(v[0]); }, {0.5}).gradient[0];
    return x[0] * inner;
  };
  const auto r = tapegrad::gradient(f, {3.0});
  CHECK(r.gradient[0] == std::cos(0.5));
  CHECK(r.value == 3.0 * std::cos(0.5));
}
