// SPDX-License-Identifier: MIT
// anomaly_test.cpp: the opt-in AnomalyGuard. Without it, tapegrad computes what <cmath> computes and says
// nothing; with one alive, the first op whose value or local derivative is NaN or Inf throws DomainError
// naming the op and its inputs, and backward() checks what it propagates.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <thread>

#include "tapegrad/autodiff/autodiff.hpp"
#include "test_support.hpp"

namespace {

using tapegrad::AnomalyGuard;
using tapegrad::DomainError;
using tapegrad::Tape;
using tapegrad::Var;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

}  // namespace

TEST_CASE("anomaly: without a guard log(-1) is NaN and nothing throws") {
  Tape tape;
  CHECK_FALSE(AnomalyGuard::enabled());
  Var x = -1.0;
  Var y = 0.0;
  CHECK_NOTHROW(y = tapegrad::log(x));
  CHECK(std::isnan(y.value()));
  CHECK_NOTHROW(y.backward());
  CHECK(x.grad() == -1.0);  // 1/x: the derivative formula itself is finite here
  Var n = 0.0;
  CHECK_NOTHROW(n = kNaN);
  CHECK_NOTHROW(Var(tapegrad::sqrt(Var(0.0))));
}

TEST_CASE("anomaly: with a guard a NaN value throws DomainError naming the op and its input") {
  Tape tape;
  AnomalyGuard guard;
  CHECK(AnomalyGuard::enabled());
  Var x = -1.0;
  CHECK_THROWS_WITH_AS(Var(tapegrad::log(x)), doctest::Contains("log"), DomainError);
  CHECK_THROWS_WITH_AS(Var(tapegrad::log(x)), doctest::Contains("-1"), DomainError);
  // Inside a larger expression, the innermost offending op is named.
  CHECK_THROWS_WITH_AS(Var(2.0 * tapegrad::acos(x * 3.0) + 1.0), doctest::Contains("acos"), DomainError);
  // Two-argument ops name both inputs.
  Var one = 1.0, zero = 0.0;
  CHECK_THROWS_WITH_AS(Var(one / zero), doctest::Contains("div"), DomainError);
  CHECK_THROWS_WITH_AS(Var(one / zero), doctest::Contains("b = 0"), DomainError);
  // A finite computation passes untouched.
  Var ok = tapegrad::log(one) + tapegrad::sqrt(one);
  CHECK(ok.value() == 1.0);
}

TEST_CASE("anomaly: with a guard an infinite derivative throws, as for sqrt at 0") {
  Tape tape;
  AnomalyGuard guard;
  Var x = 0.0;
  // sqrt(0) = 0 is finite, but sqrt'(0) = +inf would poison backward.
  CHECK_THROWS_WITH_AS(Var(tapegrad::sqrt(x)), doctest::Contains("sqrt"), DomainError);
  CHECK_THROWS_WITH_AS(Var(tapegrad::sqrt(x)), doctest::Contains("derivative"), DomainError);
  CHECK_THROWS_WITH_AS(Var(tapegrad::cbrt(x)), doctest::Contains("cbrt"), DomainError);
}

TEST_CASE("anomaly: with a guard a NaN or infinite input Var throws") {
  Tape tape;
  AnomalyGuard guard;
  CHECK_THROWS_WITH_AS(Var{kNaN}, doctest::Contains("input"), DomainError);
  CHECK_THROWS_AS(Var{kInf}, DomainError);
  CHECK_THROWS_AS(Var{-kInf}, DomainError);
  Var x = 1.0;
  CHECK_THROWS_AS(x = kNaN, DomainError);
  CHECK(x.value() == 1.0);  // the failed assignment left x alone
}

TEST_CASE("anomaly: an overflow in backward is caught by the guarded sweep") {
  // z = exp(exp(x)) c at x = 4: exp(4) = 54.6, exp(54.6) = 5.15e23, z = 5.15e306 with c = 1e283. Every value
  // and every local partial is finite, but dz/dx = c exp(exp 4) exp 4 = 2.8e308 overflows: the adjoint
  // 5.15e306 reaching the inner exp times its partial 54.6 is +inf.
  Tape tape;
  Var x = 4.0;
  Var a = tapegrad::exp(x);
  Var b = tapegrad::exp(a);
  Var z = b * 1e283;
  REQUIRE(std::isfinite(z.value()));

  SUBCASE("without a guard the gradient is inf, silently") {
    z.backward();
    CHECK(x.grad() == kInf);
  }
  SUBCASE("with a guard backward() throws, naming the op") {
    AnomalyGuard guard;
    Var x2 = 4.0;
    Var a2 = tapegrad::exp(x2);  // recorded under the guard, so the sweep knows the statement's op
    Var b2 = tapegrad::exp(a2);
    Var z2 = b2 * 1e283;
    CHECK_THROWS_WITH_AS(z2.backward(), doctest::Contains("exp"), DomainError);
    CHECK_THROWS_AS(z.backward(), DomainError);  // recorded without a guard, still caught in the sweep
  }
  SUBCASE("a partial chained inside one expression that overflows") {
    // sin(x 1e300) 1e300 at x = 0: value 0, local partials 1e300, cos 0 = 1 and 1e300, but one statement
    // records their product, 1e600 = inf.
    AnomalyGuard guard;
    Var x0 = 0.0;
    Var y = tapegrad::sin(x0 * 1e300) * 1e300;
    CHECK(y.value() == 0.0);
    CHECK_THROWS_AS(y.backward(), DomainError);
  }
}

TEST_CASE("anomaly: the guarded sweep catches gradients that overflow when contributions are summed") {
  // y = x 1e308 + x 1e308 at x = 0: the value is 0, each partial 1e308 is finite and so is each product
  // adjoint * partial, but their sum, dy/dx = 2e308, is +inf. The guard promises to check what backward()
  // propagates, so this inf must not reach x.grad() silently.
  Tape tape;
  AnomalyGuard guard;
  Var x = 0.0;
  Var a = x * 1e308;
  Var b = x * 1e308;
  Var y = a + b;
  REQUIRE(y.value() == 0.0);
  CHECK_THROWS_AS(y.backward(), DomainError);
}

TEST_CASE("anomaly: after the guard dies nothing throws and guards nest") {
  Tape tape;
  Var x = -1.0;
  {
    AnomalyGuard outer;
    {
      AnomalyGuard inner;
      CHECK(AnomalyGuard::enabled());
      CHECK_THROWS_AS(Var(tapegrad::log(x)), DomainError);
    }
    CHECK(AnomalyGuard::enabled());  // the outer guard still holds
    CHECK_THROWS_AS(Var(tapegrad::log(x)), DomainError);
  }
  CHECK_FALSE(AnomalyGuard::enabled());
  Var y = 0.0;
  CHECK_NOTHROW(y = tapegrad::log(x));
  CHECK(std::isnan(y.value()));
}

TEST_CASE("anomaly: a guard covers only its own thread" * doctest::test_suite("threads")) {
  AnomalyGuard guard;
  bool enabled_there = true;
  bool threw_there = true;
  std::thread([&] {
    Tape tape;
    enabled_there = AnomalyGuard::enabled();
    try {
      Var y = tapegrad::log(Var(-1.0));
      threw_there = !std::isnan(y.value());
    } catch (const tapegrad::Error&) {
      threw_there = true;
    }
  }).join();
  CHECK_FALSE(enabled_there);
  CHECK_FALSE(threw_there);
}
