// SPDX-License-Identifier: MIT
// second_order_ops_test.cpp: every row of the derivatives table in forward mode and at second order.
//
// The registry's tuples (ops::UnaryOps, BinaryOps, TernaryOps) give one test case per op, built through
// the generic routines (make_unary<Op> for Var, apply<Op> for Dual), so a new row is checked without any
// test code. For each op, at the seeded points of its Domain and in every activity pattern (each argument
// an input or a plain double, and the same input on both sides of a binary op):
//   - Dual<double>'s tangent is the tape gradient (first order: the same column, read forward);
//   - hessian_check: the Hessian from the second-order tape (SecondOrderVar: the row's second-derivative
//     column through the expression nodes) matches central differences of the tape gradient;
//   - hvp on the second-order tape equals H v of the eager Dual<Var> (the same column through apply()).
// A row without second derivatives fails the static_assert below (and Dual<Var>'s own), as a row missing
// from the registry fails the first-order test.
#include <doctest/doctest.h>

#include <array>
#include <cmath>
#include <cstddef>
#include <numbers>
#include <string_view>
#include <tuple>
#include <vector>

#include "tapegrad/autodiff/autodiff.hpp"
#include "test_support.hpp"

namespace {

using tapegrad::Dual;
using tapegrad::Var;
namespace ops = tapegrad::ops;
namespace test = tapegrad::test;

constexpr std::size_t kPoints = 11;  // per op and activity pattern

static_assert(ops::all_have_second_derivatives<ops::UnaryOps> &&
                  ops::all_have_second_derivatives<ops::BinaryOps> &&
                  ops::all_have_second_derivatives<ops::TernaryOps>,
              "a row of the derivatives table has no second derivatives: add `second` (unary), "
              "`d_aa d_ab d_bb` (binary) or `second_is_zero = true` to it");

/// Op applied to Vars/expressions and numbers (the tape's node) or to Duals and numbers (forward mode).
template <class Op, class... Args>
auto op(const Args&... args) {
  if constexpr ((tapegrad::DualNumber<Args> || ...)) {
    return tapegrad::apply<Op>(args...);
  } else if constexpr (sizeof...(Args) == 1) {
    return tapegrad::make_unary<Op>(args...);
  } else if constexpr (sizeof...(Args) == 2) {
    return tapegrad::make_binary<Op>(args...);
  } else {
    return tapegrad::make_ternary<Op>(args...);
  }
}

/// The op's result used linearly and squared, so the Hessian has both the op's second derivative and the
/// square of its first (weights as in the first-order test: the incoming adjoint is neither 1 nor constant).
template <class T, class Make>
T weighted_use(const Make& make) {
  const T y = make();
  return T(1.7 * y + 0.25 * y * y - 0.5 * T(make()));
}

template <bool Active, std::size_t Index, class T>
auto operand(const std::vector<T>& x, double constant) {
  if constexpr (Active)
    return x[Index];
  else
    return constant;
}

/// f's point and the function itself for one activity pattern of an N-ary op at p.
template <class Op, bool... Active, std::size_t N>
void check_pattern(const std::array<double, N>& p) {
  static_assert(sizeof...(Active) == N);
  static constexpr std::array<bool, N> active{Active...};
  std::vector<double> point;
  for (std::size_t i = 0; i < N; ++i)
    if (active[i]) point.push_back(p[i]);
  // Where argument i sits in the point: the number of active arguments before it.
  [[maybe_unused]] static constexpr std::array<std::size_t, N> slot = [] {
    std::array<std::size_t, N> s{};
    std::size_t k = 0;
    for (std::size_t i = 0; i < N; ++i) {
      s[i] = k;
      k += active[i] ? 1 : 0;
    }
    return s;
  }();
  const auto f = [&p]<class T>(const std::vector<T>& x) {
    return weighted_use<T>([&] {
      return [&]<std::size_t... I>(std::index_sequence<I...>) {
        return op<Op>(operand<active[I], slot[I]>(x, p[I])...);
      }
      (std::make_index_sequence<N>{});
    });
  };
  CAPTURE(active);
  check_function(f, point);
}

/// H v through the eager Dual<Var>: inputs (x_i, v_i) on a Tape, one sweep from the output's tangent.
template <class F>
std::vector<double> eager_hvp(const F& f, const std::vector<double>& point, const std::vector<double>& v) {
  tapegrad::Tape tape;
  std::vector<Dual<Var>> x;
  for (std::size_t i = 0; i < point.size(); ++i) x.emplace_back(Var(point[i]), Var(v[i]));
  const Dual<Var> y = f(x);
  std::vector<double> hv(point.size(), 0.0);
  if (!y.tangent().is_recorded()) return hv;
  y.tangent().backward();
  for (std::size_t i = 0; i < point.size(); ++i) hv[i] = x[i].value().grad();
  return hv;
}

/// Forward tangent == tape gradient (in the direction of all ones and of a seeded one), and the
/// Hessian matches central differences of the gradient.
template <class F>
void check_function(const F& f, const std::vector<double>& point) {
  const tapegrad::GradientResult g = tapegrad::gradient(f, point);
  std::vector<double> v(point.size());
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = 0.5 + 0.75 * static_cast<double>(i);
  const tapegrad::JvpResult j = tapegrad::jvp(f, point, v);
  double expected = 0.0;
  for (std::size_t i = 0; i < v.size(); ++i) expected += g.gradient[i] * v[i];
  REQUIRE(j.tangent.size() == 1);
  CHECK(test::same_value(j.value[0], g.value));
  CAPTURE(expected);
  CAPTURE(j.tangent[0]);
  CHECK(test::close(j.tangent[0], expected, 1e-13));
  TAPEGRAD_CHECK_GRADCHECK(tapegrad::hessian_check(f, point));
  // hvp (the second-order tape) returns the tape gradient too, and the H v of the eager Dual<Var> (the
  // same rows through apply(): two statements per operation on the first-order tape).
  const tapegrad::HvpResult h = tapegrad::hvp(f, point, v);
  CHECK(test::same_value(h.value, g.value));
  for (std::size_t i = 0; i < v.size(); ++i) CHECK(test::close(h.gradient[i], g.gradient[i], 1e-13));
  const std::vector<double> eager = eager_hvp(f, point, v);
  for (std::size_t i = 0; i < v.size(); ++i) {
    CAPTURE(i);
    CHECK(test::close(h.hvp[i], eager[i], 1e-13));
  }
}

}  // namespace

TEST_CASE_TEMPLATE_DEFINE("ops: forward tangent and Hessian of a unary op match the tape and differences", Op,
                          unary_second) {
  for (const double x : test::sample_points(Op::domain, kPoints)) {
    CAPTURE(x);
    check_pattern<Op, true>(std::array<double, 1>{x});
  }
}
TEST_CASE_TEMPLATE_APPLY(unary_second, ops::UnaryOps);

TEST_CASE_TEMPLATE_DEFINE("ops: forward tangent and Hessian of a binary op match the tape and differences",
                          Op, binary_second) {
  for (const auto& p : test::sample_pairs<Op>(kPoints)) {
    CAPTURE(p[0]);
    CAPTURE(p[1]);
    check_pattern<Op, true, true>(p);
    check_pattern<Op, true, false>(p);
    check_pattern<Op, false, true>(p);
    // The same input on both sides: its two partials and its four second partials must accumulate.
    constexpr double lo = std::max(Op::domain_a.lo, Op::domain_b.lo);
    constexpr double hi = std::min(Op::domain_a.hi, Op::domain_b.hi);
    if constexpr (!Op::kink_on_diagonal && lo < hi) {
      const double x = lo + (hi - lo) * (p[0] - Op::domain_a.lo) / (Op::domain_a.hi - Op::domain_a.lo);
      CAPTURE(x);
      const auto f = []<class T>(const std::vector<T>& v) {
        return weighted_use<T>([&] { return op<Op>(v[0], v[0]); });
      };
      check_function(f, {x});
    }
  }
}
TEST_CASE_TEMPLATE_APPLY(binary_second, ops::BinaryOps);

TEST_CASE_TEMPLATE_DEFINE("ops: forward tangent and Hessian of a ternary op match the tape and differences",
                          Op, ternary_second) {
  for (const auto& p : test::sample_triples<Op>(kPoints)) {
    CAPTURE(p[0]);
    CAPTURE(p[1]);
    CAPTURE(p[2]);
    check_pattern<Op, true, true, true>(p);
    check_pattern<Op, true, true, false>(p);
    check_pattern<Op, true, false, true>(p);
    check_pattern<Op, false, true, true>(p);
    check_pattern<Op, true, false, false>(p);
    check_pattern<Op, false, true, false>(p);
    check_pattern<Op, false, false, true>(p);
  }
}
TEST_CASE_TEMPLATE_APPLY(ternary_second, ops::TernaryOps);

TEST_CASE("ops: trigamma at points where it has closed forms") {
  using std::numbers::pi;
  // psi'(1) = pi^2/6, psi'(1/2) = pi^2/2, psi'(n + 1) = psi'(n) - 1/n^2, psi'(1/4) = pi^2 + 8 G (Catalan's
  // G).
  constexpr double catalan = 0.915965594177219015054603514932384110774;
  CHECK(test::close(tapegrad::detail::trigamma(1.0), pi * pi / 6, 1e-15));
  CHECK(test::close(tapegrad::detail::trigamma(0.5), pi * pi / 2, 1e-15));
  CHECK(test::close(tapegrad::detail::trigamma(3.0), pi * pi / 6 - 1.0 - 0.25, 4e-15));  // 8 recurrence steps
  CHECK(test::close(tapegrad::detail::trigamma(0.25), pi * pi + 8 * catalan, 1e-15));
  CHECK(test::close(tapegrad::detail::trigamma(-0.5), pi * pi / 2 + 4.0,
                    1e-14));  // psi'(x) = psi'(x+1) + 1/x^2
  CHECK(std::isnan(tapegrad::detail::trigamma(0.0)));
  CHECK(std::isnan(tapegrad::detail::trigamma(-2.0)));
}
