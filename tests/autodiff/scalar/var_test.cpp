// SPDX-License-Identifier: MIT
// var_test.cpp: properties of Var that hold for any function: accumulation over reuse, linearity, what
// copying, assigning and comparing record, the `auto` expression pitfall, templated user code and ADL, and
// the subgradients chosen at kinks and ties. Every expected value is derived by hand (or exactly, in
// rationals) in the comment beside it.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <sstream>
#include <type_traits>
#include <vector>

#include "tapegrad/autodiff/autodiff.hpp"
#include "test_support.hpp"

namespace {

using tapegrad::Tape;
using tapegrad::Var;

/// A user function written once for double and Var, as templated model code is.
template <class T>
T user_function(T x) {
  using std::exp;
  using std::sin;
  using std::sqrt;
  return sin(x) * exp(-x) + sqrt(x * x + 1.0) / (2.0 + x);
}
/// Its derivative by hand: (cos x - sin x) e^-x + [x (2 + x) / sqrt(x^2 + 1) - sqrt(x^2 + 1)] / (2 + x)^2.
double user_function_derivative(double x) {
  const double r = std::sqrt(x * x + 1.0);
  return (std::cos(x) - std::sin(x)) * std::exp(-x) + (x * (2.0 + x) / r - r) / ((2.0 + x) * (2.0 + x));
}

/// Generic code that names std functions with using-declarations, as code written for double does.
template <class T>
T adl_user(const T& x, const T& y) {
  using std::max;
  using std::pow;
  using std::sin;
  return max(sin(x), y) + pow(x, 2.0);
}

std::size_t recorded_statements() {
  return Tape::active().stats().statements;
}

}  // namespace

TEST_CASE("Var: reuse of a variable accumulates") {
  Tape tape;
  Var x = 3.0;
  SUBCASE("x * x") {
    Var y = x * x;  // d/dx = 2x = 6
    y.backward();
    CHECK(x.grad() == 6.0);
  }
  SUBCASE("x * x * x folded into one statement") {
    Var y = x * x * x;  // 3x^2 = 27: one statement reads x three times
    y.backward();
    CHECK(x.grad() == doctest::Approx(27.0).epsilon(1e-15));
  }
  SUBCASE("across statements") {
    Var u = tapegrad::sin(x);
    Var v = u * x + x;  // d/dx = cos(x) x + sin(x) + 1
    v.backward();
    CHECK(x.grad() == doctest::Approx(std::cos(3.0) * 3.0 + std::sin(3.0) + 1.0).epsilon(1e-15));
  }
  SUBCASE("the same Var on both sides of a binary op") {
    Var y = x / x + x - x;  // identically 1, so the partials must cancel to 0
    y.backward();
    CHECK(x.grad() == 0.0);
  }
}

TEST_CASE("Var: inputs the output does not depend on get a zero gradient") {
  Tape tape;
  Var a = 1.0, b = 2.0;
  Var y = a * 3.0;
  Var later = 5.0;  // recorded after y
  Var unrelated = b * later;
  y.backward();
  CHECK(a.grad() == 3.0);
  CHECK(b.grad() == 0.0);
  CHECK(later.grad() == 0.0);
  CHECK(unrelated.grad() == 0.0);
}

TEST_CASE("Var: gradients are linear in the function") {
  // f = sin(x) y, grad f = (y cos x, sin x); g = x^2 + e^y, grad g = (2x, e^y).
  const double x = 0.8, y = -0.3, alpha = 1.5, beta = -0.7;
  const auto f = [](const auto& v) { return tapegrad::sin(v[0]) * v[1]; };
  const auto g = [](const auto& v) { return v[0] * v[0] + tapegrad::exp(v[1]); };
  const auto h = [&](const auto& v) { return alpha * f(v) + beta * g(v); };
  const auto gf = tapegrad::gradient(f, {x, y}).gradient;
  const auto gg = tapegrad::gradient(g, {x, y}).gradient;
  const auto gh = tapegrad::gradient(h, {x, y}).gradient;
  REQUIRE(gh.size() == 2);
  CHECK(gh[0] == doctest::Approx(alpha * gf[0] + beta * gg[0]).epsilon(1e-15));
  CHECK(gh[1] == doctest::Approx(alpha * gf[1] + beta * gg[1]).epsilon(1e-15));
  CHECK(gh[0] == doctest::Approx(alpha * y * std::cos(x) + beta * 2 * x).epsilon(1e-15));
  CHECK(gh[1] == doctest::Approx(alpha * std::sin(x) + beta * std::exp(y)).epsilon(1e-15));
}

TEST_CASE("Var: micrograd sanity check expression matches its hand derivative") {
  // micrograd test_engine.py test_sanity_check. At x = -4: z = 3x + 2 = -10, q = relu(z) + z x = 40,
  // h = relu(z^2) = 100, y = h + q + q x = -20. dy/dx = dh/dx + dq/dx (1 + x) + q
  // = 2 z 3 + (0 + 3x + z)(1 + x) + q = -60 + (-22)(-3) + 40 = 46.
  Tape tape;
  Var x = -4.0;
  Var z = 2 * x + 2 + x;
  Var q = tapegrad::relu(z) + z * x;
  Var h = tapegrad::relu(z * z);
  Var y = h + q + q * x;
  y.backward();
  CHECK(y.value() == -20.0);
  CHECK(x.grad() == 46.0);
}

TEST_CASE("Var: micrograd more-ops expression matches its exact rational derivatives") {
  // micrograd test_engine.py test_more_ops, with compound assignment. The expected values were computed in
  // exact rational arithmetic with forward-mode dual numbers: g = 2421/98, dg/da = 47620/343,
  // dg/db = 221433/343.
  Tape tape;
  Var a = -4.0, b = 2.0;
  Var c = a + b;
  Var d = a * b + tapegrad::pow(b, 3);
  c += c + 1;
  c += 1 + c + (-a);
  d += d * 2 + tapegrad::relu(b + a);
  d += 3 * d + tapegrad::relu(b - a);
  Var e = c - d;
  Var f = tapegrad::pow(e, 2);
  Var g = f / 2.0;
  g += 10.0 / f;
  g.backward();
  CHECK(g.value() == doctest::Approx(2421.0 / 98.0).epsilon(1e-14));
  CHECK(a.grad() == doctest::Approx(47620.0 / 343.0).epsilon(1e-14));
  CHECK(b.grad() == doctest::Approx(221433.0 / 343.0).epsilon(1e-14));
}

TEST_CASE("Var: compound assignment operators record the right derivative") {
  Tape tape;
  Var x = 2.0;
  Var y = x;
  y += x;                 // 2x
  y *= x;                 // 2x^2
  y -= 3.0;               // 2x^2 - 3
  y /= x;                 // 2x - 3/x
  y += tapegrad::sin(x);  // 2x - 3/x + sin x
  y -= x * 0.5;           // 1.5x - 3/x + sin x
  y.backward();
  // value 3 - 1.5 + sin 2; derivative 1.5 + 3/x^2 + cos x = 2.25 + cos 2
  CHECK(y.value() == doctest::Approx(1.5 + std::sin(2.0)).epsilon(1e-15));
  CHECK(x.grad() == doctest::Approx(2.25 + std::cos(2.0)).epsilon(1e-15));
}

TEST_CASE("Var: a Var compounded with itself differentiates the whole history") {
  Tape tape;
  Var z0 = 3.0;
  Var z = z0;
  z *= z;  // z0^2
  z *= z;  // z0^4, derivative 4 z0^3 = 108
  z.backward();
  CHECK(z.value() == 81.0);
  CHECK(z0.grad() == 108.0);
}

TEST_CASE("Var: comparisons compare values and record nothing") {
  Tape tape;
  Var x = 1.0, y = 2.0;
  const std::size_t before = recorded_statements();
  CHECK(x < y);
  CHECK(y > x);
  CHECK(x <= 1.0);
  CHECK(1.0 >= x);
  CHECK(x == 1.0);
  CHECK(2.0 == y);
  CHECK(x != y);
  CHECK_FALSE(x > y);
  CHECK(x * 2.0 == y);  // an expression against a Var
  CHECK(tapegrad::sin(x) < x);
  Var nan = std::numeric_limits<double>::quiet_NaN();
  const std::size_t with_nan = recorded_statements();
  CHECK_FALSE(nan == nan);  // as for double
  CHECK(nan != nan);
  CHECK_FALSE(nan < 0.0);
  CHECK(recorded_statements() == with_nan);
  CHECK(with_nan == before + 1);  // only the NaN input itself
}

TEST_CASE("Var: auto expressions hold their operands by value") {
  Tape tape;
  Var x = 0.5;
  SUBCASE("auto y = x * x; y.backward() works") {
    auto y = x * x;
    static_assert(!std::is_same_v<decltype(y), Var>, "this case is about an expression, not a Var");
    CHECK(y.value() == 0.25);
    y.backward();
    CHECK(x.grad() == 1.0);  // 2x
  }
  SUBCASE("an expression outliving the Vars and temporaries it was built from") {
    // t and u die when the lambda returns; an expression holding references would now dangle (and ASan
    // would report it). Ours holds copies: d/dx [sin(3x) 3x + 1] = 9x cos(3x) + 3 sin(3x).
    auto e = [&x] {
      const Var t = x * 3.0;
      const Var u = tapegrad::sin(t);
      return u * t + tapegrad::exp(t - t);
    }();
    Var y = e;
    y.backward();
    CHECK(y.value() == doctest::Approx(std::sin(1.5) * 1.5 + 1.0).epsilon(1e-15));
    CHECK(x.grad() == doctest::Approx(4.5 * std::cos(1.5) + 3.0 * std::sin(1.5)).epsilon(1e-15));
  }
  SUBCASE("temporary subexpressions inside an auto expression") {
    auto e = tapegrad::sin(x + 1.0) * (x * 2.0);  // d/dx = 2x cos(x + 1) + 2 sin(x + 1)
    const double expected = 2 * 0.5 * std::cos(1.5) + 2 * std::sin(1.5);
    e.backward();
    CHECK(x.grad() == doctest::Approx(expected).epsilon(1e-15));
  }
  SUBCASE("each assignment of an auto expression records it again") {
    auto e = x * x;
    Var a = e;
    Var b = e;
    CHECK(a.index() != b.index());
    a.backward();
    b.backward();
    CHECK(x.grad() == 2.0);  // 2x from each
  }
}

TEST_CASE("Var: Var::constant never receives a gradient") {
  Tape tape;
  Var x = 2.0;
  const Var c = Var::constant(3.0);
  CHECK_FALSE(c.is_recorded());
  CHECK(c.value() == 3.0);
  const std::size_t before = recorded_statements();
  Var k = c * 2.0 + c;  // only constants: nothing is recorded, and the result is a constant too
  CHECK_FALSE(k.is_recorded());
  CHECK(k.value() == 9.0);
  CHECK(recorded_statements() == before);
  Var y = c * x + c;
  y.backward();
  CHECK(x.grad() == 3.0);
  CHECK(c.grad() == 0.0);
  CHECK(k.grad() == 0.0);
  CHECK_FALSE(Var().is_recorded());
  CHECK(Var().value() == 0.0);
}

TEST_CASE("Var: a Var is a 16-byte handle and copying one records nothing") {
  Tape tape;
  static_assert(sizeof(Var) == 16, "value, index and generation");
  Var x = 1.5;
  const std::size_t before = recorded_statements();
  Var copy = x;
  const Var another(copy);
  CHECK(recorded_statements() == before);
  CHECK(copy.index() == x.index());
  CHECK(another.index() == x.index());
  Var y = another * 4.0;
  y.backward();
  CHECK(x.grad() == 4.0);  // the copy's gradient is the original's
  CHECK(static_cast<double>(x) == 1.5);
  std::ostringstream os;
  os << x;
  CHECK(os.str() == "1.5");
}

TEST_CASE("Var: a templated user function gives identical values for double and Var") {
  Tape tape;
  for (const double x0 : {-1.5, -0.25, 0.0, 0.7, 2.0, 5.5}) {
    CAPTURE(x0);
    Var x = x0;
    const Var y = user_function<Var>(x);
    CHECK(y.value() == user_function<double>(x0));  // the same operations in the same order: bit-identical
    tape.zero_grad();
    y.backward();
    CHECK(x.grad() == doctest::Approx(user_function_derivative(x0)).epsilon(1e-14));
  }
}

TEST_CASE("Var: argument-dependent lookup picks tapegrad functions next to using std declarations") {
  Tape tape;
  Var x = 0.3, y = 0.1;
  SUBCASE("using std::sin; sin(x)") {
    using std::sin;
    Var s = sin(x);
    s.backward();
    CHECK(s.value() == std::sin(0.3));
    CHECK(x.grad() == std::cos(0.3));
  }
  SUBCASE("using std::max; max(x, y) with a tie") {
    using std::max;
    Var a = 1.0, b = 1.0;
    // std::max<Var> would return a const Var& to one argument and give it the whole gradient.
    static_assert(!std::is_reference_v<decltype(max(a, b))>, "std::max<Var> was chosen");
    Var m = max(a, b);
    m.backward();
    CHECK(a.grad() == 0.5);
    CHECK(b.grad() == 0.5);
  }
  SUBCASE("generic code") {
    // max(sin x, y) = sin x here (sin 0.3 > 0.1), so d/dx = cos x + 2x and d/dy = 0.
    const Var r = adl_user<Var>(x, y);
    CHECK(r.value() == adl_user<double>(0.3, 0.1));
    r.backward();
    CHECK(x.grad() == doctest::Approx(std::cos(0.3) + 0.6).epsilon(1e-15));
    CHECK(y.grad() == 0.0);
  }
}

TEST_CASE("Var: using std::max on two expressions of the same type still picks tapegrad's") {
  // x * 2.0 and y * 2.0 have the same type E, so std::max<E>(const E&, const E&) is viable and more
  // specialised than tapegrad::max<A, B>. It must not win: it records no Max statement and sends the whole
  // gradient of a tie to its first argument, where tapegrad's max splits it.
  Tape tape;
  Var x = 1.0, y = 1.0;
  using std::max;
  using std::min;
  CHECK_FALSE(std::is_reference_v<decltype(max(x * 2.0, y * 2.0))>);
  CHECK_FALSE(std::is_reference_v<decltype(min(x * 2.0, y * 2.0))>);
  Var m = max(x * 2.0, y * 2.0);  // a tie at 2: each side gets half of d(2x)/dx = 2
  m.backward();
  CHECK(x.grad() == 1.0);
  CHECK(y.grad() == 1.0);
}

TEST_CASE("Var: ties split the gradient evenly so max(x, x) has derivative 1") {
  Tape tape;
  Var x = 0.7;
  SUBCASE("max") {
    Var y = tapegrad::max(x, x);
    y.backward();
    CHECK(x.grad() == 1.0);
  }
  SUBCASE("min") {
    Var y = tapegrad::min(x, x);
    y.backward();
    CHECK(x.grad() == 1.0);
  }
  SUBCASE("fmax") {
    Var y = tapegrad::fmax(x, x);
    y.backward();
    CHECK(x.grad() == 1.0);
  }
  SUBCASE("fmin") {
    Var y = tapegrad::fmin(x, x);
    y.backward();
    CHECK(x.grad() == 1.0);
  }
  SUBCASE("two Vars with equal values") {
    Var z = 0.7;
    Var y = tapegrad::max(x, z);
    y.backward();
    CHECK(x.grad() == 0.5);
    CHECK(z.grad() == 0.5);
  }
  SUBCASE("a Var tied with a constant keeps half") {
    Var y = tapegrad::max(x, 0.7);
    y.backward();
    CHECK(x.grad() == 0.5);
  }
  SUBCASE("away from ties the gradient goes to the argument returned") {
    Var z = 0.2;
    Var y = tapegrad::max(x, z) + tapegrad::min(x, z) * 10.0;
    y.backward();
    CHECK(x.grad() == 1.0);
    CHECK(z.grad() == 10.0);
  }
}

TEST_CASE("Var: subgradients at kinks are abs 0 and relu 0 and rounding 0") {
  Tape tape;
  SUBCASE("abs'(0) = 0, also at -0.0") {
    Var x = 0.0, nz = -0.0;
    Var y = tapegrad::abs(x) + tapegrad::fabs(nz);
    y.backward();
    CHECK(x.grad() == 0.0);
    CHECK(nz.grad() == 0.0);
  }
  SUBCASE("abs' is the sign elsewhere") {
    Var p = 2.0, n = -2.0;
    Var y = tapegrad::abs(p) + 3.0 * tapegrad::abs(n);
    y.backward();
    CHECK(p.grad() == 1.0);
    CHECK(n.grad() == -3.0);
  }
  SUBCASE("relu'(0) = 0") {
    Var x = 0.0;
    Var y = tapegrad::relu(x);
    y.backward();
    CHECK(y.value() == 0.0);
    CHECK(x.grad() == 0.0);
  }
  SUBCASE("floor, ceil, round and trunc have derivative 0, at their jumps too") {
    for (const double v : {2.5, 2.0, -0.5, 0.0}) {
      CAPTURE(v);
      Var x = v;
      Var y = tapegrad::floor(x) + tapegrad::ceil(x) + tapegrad::round(x) + tapegrad::trunc(x);
      tape.zero_grad();
      y.backward();
      CHECK(x.grad() == 0.0);
    }
  }
}

TEST_CASE("Var: pow at a zero or negative base") {
  Tape tape;
  Var x = 0.0, n = -2.0, e = 2.0, b = 3.0;
  Var y = tapegrad::pow(x, 2.0) + tapegrad::pow(x, 1.0)  // d/dx at 0: 2x + 1 = 1
          + tapegrad::pow(n, 3.0)  // d/dn at -2: 3n^2 = 12 (negative base, integer exponent)
          + tapegrad::pow(0.0, e)  // d/de 0^e = 0 for e > 0 (the table's documented limit)
          + tapegrad::pow(e, b);   // d/de = b e^(b-1) = 12, d/db = e^b ln e = 8 ln 2
  y.backward();
  CHECK(x.grad() == 1.0);
  CHECK(n.grad() == 12.0);
  CHECK(e.grad() == 12.0);
  CHECK(b.grad() == doctest::Approx(8.0 * std::numbers::ln2).epsilon(1e-15));
}

TEST_CASE("Var: pow(x, 0) has derivative 0 at x = 0") {
  // pow(x, 0) = 1 for every x (0 included, C17 F.10.4.4), so its derivative is 0 everywhere, where
  // b pow(a, b - 1) alone would give 0 * pow(0, -1) = 0 * inf = NaN.
  Tape tape;
  Var x = 0.0;
  Var y = tapegrad::pow(x, 0.0);
  y.backward();
  CHECK(y.value() == 1.0);
  CHECK(x.grad() == 0.0);
}

/// d/dx of f at x, read from a fresh recording.
template <class F>
double derivative_at(const F& f, double x) {
  return tapegrad::gradient([&](const std::vector<Var>& v) { return f(v[0]); }, {x}).gradient[0];
}

/// (d/da, d/db) of f at (a, b).
template <class F>
std::vector<double> partials_at(const F& f, double a, double b) {
  return tapegrad::gradient([&](const std::vector<Var>& v) { return f(v[0], v[1]); }, {a, b}).gradient;
}

TEST_CASE("Var: conventions where the derivative does not exist follow docs/derivatives.md") {
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  constexpr double kInf = std::numeric_limits<double>::infinity();
  const auto max_op = [](const auto& a, const auto& b) { return tapegrad::max(a, b); };
  const auto min_op = [](const auto& a, const auto& b) { return tapegrad::min(a, b); };
  const auto fmax_op = [](const auto& a, const auto& b) { return tapegrad::fmax(a, b); };
  const auto fmin_op = [](const auto& a, const auto& b) { return tapegrad::fmin(a, b); };
  const auto pow_op = [](const auto& a, const auto& b) { return tapegrad::pow(a, b); };

  SUBCASE("abs and relu pass nothing at NaN") {
    CHECK(derivative_at([](const auto& x) { return tapegrad::abs(x); }, kNaN) == 0.0);
    CHECK(derivative_at([](const auto& x) { return tapegrad::relu(x); }, kNaN) == 0.0);
  }
  SUBCASE("fmax and fmin follow the argument they return past a NaN") {
    CHECK(partials_at(fmax_op, kNaN, 2.0) == std::vector<double>{0.0, 1.0});
    CHECK(partials_at(fmax_op, 2.0, kNaN) == std::vector<double>{1.0, 0.0});
    CHECK(partials_at(fmin_op, kNaN, 2.0) == std::vector<double>{0.0, 1.0});
    CHECK(partials_at(fmax_op, kNaN, kNaN) == std::vector<double>{0.0, 0.0});
    CHECK(partials_at(fmin_op, kNaN, kNaN) == std::vector<double>{0.0, 0.0});
  }
  SUBCASE("max and min with a NaN return a and give it the gradient") {
    CHECK(partials_at(max_op, kNaN, 2.0) == std::vector<double>{1.0, 0.0});
    CHECK(partials_at(max_op, 2.0, kNaN) == std::vector<double>{1.0, 0.0});
    CHECK(partials_at(min_op, 2.0, kNaN) == std::vector<double>{1.0, 0.0});
  }
  SUBCASE("sqrt and cbrt have derivative +inf at both zeros") {
    CHECK(derivative_at([](const auto& x) { return tapegrad::sqrt(x); }, 0.0) == kInf);
    CHECK(derivative_at([](const auto& x) { return tapegrad::sqrt(x); }, -0.0) == kInf);
    CHECK(derivative_at([](const auto& x) { return tapegrad::cbrt(x); }, 0.0) == kInf);
    CHECK(derivative_at([](const auto& x) { return tapegrad::cbrt(x); }, -0.0) == kInf);
  }
  SUBCASE("pow at a zero base") {
    // d/da b a^(b-1) at a = 0: b = 1 gives 1, b > 1 gives 0, 0 < b < 1 gives +inf, b = 0 gives 0.
    CHECK(partials_at(pow_op, 0.0, 1.0)[0] == 1.0);
    CHECK(partials_at(pow_op, 0.0, 2.5)[0] == 0.0);
    CHECK(partials_at(pow_op, 0.0, 0.5)[0] == kInf);
    CHECK(partials_at(pow_op, 0.0, 0.0)[0] == 0.0);
    // d/db at a = 0 and b >= 0 is 0; at a < 0 it is NaN (a^b is not real for non-integer b).
    CHECK(partials_at(pow_op, 0.0, 2.5)[1] == 0.0);
    CHECK(partials_at(pow_op, 0.0, 0.0)[1] == 0.0);
    CHECK(std::isnan(partials_at(pow_op, -2.0, 3.0)[1]));
  }
  SUBCASE("hypot and atan2 at the origin") {
    CHECK(partials_at([](const auto& a, const auto& b) { return tapegrad::hypot(a, b); }, 0.0, 0.0) ==
          std::vector<double>{0.0, 0.0});
    CHECK(partials_at([](const auto& a, const auto& b) { return tapegrad::atan2(a, b); }, 0.0, 0.0) ==
          std::vector<double>{0.0, 0.0});
  }
  SUBCASE("tgamma and lgamma at a pole") {
    CHECK(std::isnan(derivative_at([](const auto& x) { return tapegrad::tgamma(x); }, -1.0)));
    CHECK(std::isnan(derivative_at([](const auto& x) { return tapegrad::lgamma(x); }, 0.0)));
    CHECK(std::isnan(derivative_at([](const auto& x) { return tapegrad::lgamma(x); }, -2.0)));
  }
}

TEST_CASE("Var: unary plus is the identity and records nothing of its own") {
  Tape tape;
  Var x = 1.25;
  const std::size_t before = recorded_statements();
  Var y = +x;
  CHECK(recorded_statements() == before);
  CHECK(y.index() == x.index());
  Var z = +(x * 2.0);
  z.backward();
  CHECK(x.grad() == 2.0);
}
