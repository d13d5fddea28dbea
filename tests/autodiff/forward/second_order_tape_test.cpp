// SPDX-License-Identifier: MIT
// second_order_tape_test.cpp: SecondOrderVar<L> on the second-order tape, against hand derivations and
// against the eager Dual<Var> (an independent path through the same table rows).
#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <type_traits>
#include <vector>

#include "tapegrad/autodiff/autodiff.hpp"
#include "test_support.hpp"

namespace {

using tapegrad::Dual;
using tapegrad::SecondOrderTape;
using tapegrad::SecondOrderVar;
using tapegrad::Var;
namespace test = tapegrad::test;

/// f(x) = sum_i (x_{i+1} - x_i^2)^2 + exp(-x_i) x_{i+1} / (1 + x_i^2) + tanh(x_i x_{i+1}): mixed partials
/// everywhere.
template <class T>
T coupled(const std::vector<T>& x) {
  using std::exp;
  using std::tanh;
  T f = 0.0;
  for (std::size_t i = 0; i + 1 < x.size(); ++i) {
    const T a = x[i + 1] - x[i] * x[i];
    f += a * a + exp(-x[i]) * x[i + 1] / (1.0 + x[i] * x[i]) + tanh(x[i] * x[i + 1]);
  }
  return f;
}
constexpr auto kCoupled = [](const auto& x) { return coupled(x); };

/// H v through the eager Dual<Var> (two statements per operation on the first-order tape).
template <class F>
std::vector<double> eager_hvp(const F& f, const std::vector<double>& point, const std::vector<double>& v) {
  tapegrad::Tape tape;
  std::vector<Dual<Var>> x;
  for (std::size_t i = 0; i < point.size(); ++i) x.emplace_back(Var(point[i]), Var(v[i]));
  const Dual<Var> y = f(x);
  y.tangent().backward();
  std::vector<double> hv(point.size());
  for (std::size_t i = 0; i < point.size(); ++i) hv[i] = x[i].value().grad();
  return hv;
}

}  // namespace

TEST_CASE("second-order tape: one statement per right-hand side, gradient and H v by hand") {
  SecondOrderTape<1> tape;
  const SecondOrderVar<1> x(0.8, 0.5);
  const tapegrad::TapeStats before = tape.stats();
  using std::sin;
  const SecondOrderVar<1> y = x * sin(x);  // one statement, x read twice: one argument
  CHECK(tape.stats().statements == before.statements + 1);
  CHECK(tape.stats().arguments == before.arguments + 1);
  CHECK(test::close(y.value(), 0.8 * std::sin(0.8), 1e-15));
  CHECK(test::close(y.tangent(), 0.5 * (std::sin(0.8) + 0.8 * std::cos(0.8)), 1e-15));
  y.backward();
  CHECK(test::close(x.grad(), std::sin(0.8) + 0.8 * std::cos(0.8), 1e-15));
  CHECK(test::close(x.grad_tangent(), 0.5 * (2 * std::cos(0.8) - 0.8 * std::sin(0.8)), 1e-15));
  // A second sweep accumulates into the input, as Var's does.
  y.backward();
  CHECK(test::close(x.grad(), 2 * (std::sin(0.8) + 0.8 * std::cos(0.8)), 1e-15));
}

TEST_CASE("second-order tape: hvp agrees with the eager Dual<Var> on a long recording") {
  // 4000 inputs and about 16000 statements: the tape grows past its first capacity several times.
  std::vector<double> point(4000), v(4000);
  for (std::size_t i = 0; i < point.size(); ++i) {
    point[i] = 0.3 + 0.5 * std::sin(0.37 * static_cast<double>(i));
    v[i] = std::cos(0.11 * static_cast<double>(i));
  }
  const tapegrad::HvpResult r = tapegrad::hvp(kCoupled, point, v);
  const std::vector<double> expected = eager_hvp(kCoupled, point, v);
  const tapegrad::GradientResult g = tapegrad::gradient(kCoupled, point);
  CHECK(test::same_value(r.value, g.value));
  // Max-norm relative: a component of H v can be a near-cancelling sum.
  double scale = 0.0, grad_scale = 0.0;
  for (std::size_t i = 0; i < point.size(); ++i) {
    scale = std::max(scale, std::fabs(expected[i]));
    grad_scale = std::max(grad_scale, std::fabs(g.gradient[i]));
  }
  REQUIRE(scale > 1.0);
  for (std::size_t i = 0; i < point.size(); ++i) {
    CAPTURE(i);
    CHECK(std::fabs(r.hvp[i] - expected[i]) <= 1e-14 * scale);
    CHECK(std::fabs(r.gradient[i] - g.gradient[i]) <= 1e-15 * grad_scale);
  }
}

TEST_CASE("second-order tape: every lane count gives the same Hessian") {
  const std::vector<double> point{0.3, -1.2, 0.8, 1.9, 0.4, -0.7, 1.1};
  const tapegrad::HessianResult one = tapegrad::hessian<1>(kCoupled, point);
  TAPEGRAD_CHECK_GRADCHECK(tapegrad::hessian_check(kCoupled, point));
  const auto compare = [&](const tapegrad::HessianResult& r) {
    REQUIRE(r.n == point.size());
    CHECK(test::same_value(r.value, one.value));
    for (std::size_t i = 0; i < r.n; ++i) {
      CHECK(test::close(r.gradient[i], one.gradient[i], 1e-15));
      for (std::size_t j = 0; j < r.n; ++j) CHECK(test::close(r(i, j), one(i, j), 1e-14));
    }
  };
  compare(tapegrad::hessian<2>(kCoupled, point));
  compare(tapegrad::hessian<3>(kCoupled, point));
  compare(tapegrad::hessian<7>(kCoupled, point));
  compare(tapegrad::hessian<8>(kCoupled, point));
  compare(tapegrad::hessian<16>(kCoupled, point));
  // Symmetric, as a Hessian must be (the two halves come from different lanes and sweeps).
  for (std::size_t i = 0; i < one.n; ++i)
    for (std::size_t j = 0; j < i; ++j) CHECK(test::close(one(i, j), one(j, i), 1e-13));
}

TEST_CASE("second-order tape: vector tangents in one recording, by hand") {
  // f = x^2 y + sin(x y), lanes e_x and e_y: one sweep gives both Hessian columns.
  SecondOrderTape<2> tape;
  const double px = 0.7, py = -1.3;
  const SecondOrderVar<2> x(px, {1.0, 0.0}), y(py, {0.0, 1.0});
  using std::sin;
  const SecondOrderVar<2> f = x * x * y + sin(x * y);
  f.backward();
  CHECK(test::close(x.grad_tangent(0), 2 * py - py * py * std::sin(px * py), 1e-15));
  CHECK(test::close(x.grad_tangent(1), 2 * px + std::cos(px * py) - px * py * std::sin(px * py), 1e-15));
  CHECK(test::close(y.grad_tangent(1), -px * px * std::sin(px * py), 1e-15));
  CHECK(test::close(y.grad(), px * px + px * std::cos(px * py), 1e-15));
}

TEST_CASE("second-order tape: constants, a constant result and hvp on an empty point") {
  SecondOrderTape<1> tape;
  const SecondOrderVar<1> c = 2.0;  // a constant: nothing recorded
  CHECK_FALSE(c.is_recorded());
  const SecondOrderVar<1> d = c * c + 1.0;
  CHECK_FALSE(d.is_recorded());
  CHECK(d.value() == 5.0);
  CHECK(tape.stats().statements == 0);
  CHECK(d.grad() == 0.0);
  CHECK_THROWS_AS(d.backward(), tapegrad::TapeError);
  const tapegrad::HvpResult r = tapegrad::hvp([](const auto&) { return 3.0; }, {1.0, 2.0}, {1.0, 1.0});
  CHECK(r.value == 3.0);
  CHECK(r.hvp == std::vector<double>{0.0, 0.0});
  CHECK(r.gradient == std::vector<double>{0.0, 0.0});
  const tapegrad::HessianResult h = tapegrad::hessian([](const auto&) { return 4.0; }, std::vector<double>{});
  CHECK(h.value == 4.0);
  CHECK(h.n == 0);
}

TEST_CASE("second-order tape: a stale or foreign SecondOrderVar throws TapeError") {
  SecondOrderTape<1> tape;
  const SecondOrderVar<1> x(1.5, 1.0);
  tape.clear();
  CHECK_THROWS_AS(static_cast<void>(SecondOrderVar<1>(x * x)), tapegrad::TapeError);
  CHECK_THROWS_AS(static_cast<void>(x.grad()), tapegrad::TapeError);
  const SecondOrderVar<1> y(2.0, 1.0);
  {
    SecondOrderTape<1> inner;  // nested: active until destroyed
    CHECK_THROWS_AS(static_cast<void>(SecondOrderVar<1>(y + 1.0)), tapegrad::TapeError);
    const SecondOrderVar<1> z(3.0, 1.0);
    const SecondOrderVar<1> w = z * z;
    w.backward();
    CHECK(z.grad() == 6.0);
    CHECK(z.grad_tangent() == 2.0);
  }
  const SecondOrderVar<1> u = y * y * y;  // the outer tape is active again
  u.backward();
  CHECK(y.grad() == 12.0);
  CHECK(y.grad_tangent() == 12.0);
  // Var and SecondOrderVar do not mix in one expression.
  static_assert(!std::is_constructible_v<Var, decltype(SecondOrderVar<1>() * 2.0)>);
  static_assert(!std::is_constructible_v<SecondOrderVar<1>, decltype(Var() * 2.0)>);
  static_assert(!std::is_constructible_v<SecondOrderVar<2>, decltype(SecondOrderVar<1>() * 2.0)>);
}

TEST_CASE("second-order tape: the anomaly guard names the op of a non-finite value") {
  SecondOrderTape<1> tape;
  const tapegrad::AnomalyGuard guard;
  const SecondOrderVar<1> x(0.0, 1.0);
  CHECK_THROWS_AS(static_cast<void>(SecondOrderVar<1>(tapegrad::log(x))), tapegrad::DomainError);
  CHECK_THROWS_AS(static_cast<void>(SecondOrderVar<1>(std::nan(""), 1.0)), tapegrad::DomainError);
  // sqrt at 0: finite value, infinite partial.
  CHECK_THROWS_AS(static_cast<void>(SecondOrderVar<1>(tapegrad::sqrt(x))), tapegrad::DomainError);
}
