// SPDX-License-Identifier: MIT
// math.hpp: the front end: operators and <cmath> functions on Vars and expressions.
// One line per function, each naming its row of the derivatives table (ops/unary.hpp, ops/binary.hpp).
// They live in namespace tapegrad and take expression types, so argument-dependent lookup finds them
// with the std names: templated code that says `using std::sin; sin(x)` works for double and Var.
#pragma once

#include <cmath>

#include "tapegrad/autodiff/scalar/expression.hpp"
#include "tapegrad/autodiff/scalar/var.hpp"

namespace tapegrad {

// One line per function reads as the table it is; clang-format 14 would split each across three.
// clang-format off

// ---- arithmetic: Var/expression with Var/expression or with a number ----------------------------------
template <class A, class B>
  requires MixedOperands<A, B>
TAPEGRAD_INLINE auto operator+(const A& a, const B& b) { return make_binary<ops::Add>(a, b); }
template <class A, class B>
  requires MixedOperands<A, B>
TAPEGRAD_INLINE auto operator-(const A& a, const B& b) { return make_binary<ops::Sub>(a, b); }
template <class A, class B>
  requires MixedOperands<A, B>
TAPEGRAD_INLINE auto operator*(const A& a, const B& b) { return make_binary<ops::Mul>(a, b); }
template <class A, class B>
  requires MixedOperands<A, B>
TAPEGRAD_INLINE auto operator/(const A& a, const B& b) { return make_binary<ops::Div>(a, b); }
template <Expression A>
TAPEGRAD_INLINE auto operator-(const A& a) { return make_unary<ops::Neg>(a); }
template <Expression A>
TAPEGRAD_INLINE A operator+(const A& a) { return a; }

// ---- comparisons: on values, never recorded ------------------------------------------------------------
template <class A, class B>
  requires MixedOperands<A, B>
bool operator==(const A& a, const B& b) { return value(a) == value(b); }
template <class A, class B>
  requires MixedOperands<A, B>
bool operator!=(const A& a, const B& b) { return value(a) != value(b); }
template <class A, class B>
  requires MixedOperands<A, B>
bool operator<(const A& a, const B& b) { return value(a) < value(b); }
template <class A, class B>
  requires MixedOperands<A, B>
bool operator<=(const A& a, const B& b) { return value(a) <= value(b); }
template <class A, class B>
  requires MixedOperands<A, B>
bool operator>(const A& a, const B& b) { return value(a) > value(b); }
template <class A, class B>
  requires MixedOperands<A, B>
bool operator>=(const A& a, const B& b) { return value(a) >= value(b); }

// ---- one-argument functions ----------------------------------------------------------------------------
template <Expression A> TAPEGRAD_INLINE auto sin(const A& a) { return make_unary<ops::Sin>(a); }
template <Expression A> TAPEGRAD_INLINE auto cos(const A& a) { return make_unary<ops::Cos>(a); }
template <Expression A> TAPEGRAD_INLINE auto tan(const A& a) { return make_unary<ops::Tan>(a); }
template <Expression A> TAPEGRAD_INLINE auto asin(const A& a) { return make_unary<ops::Asin>(a); }
template <Expression A> TAPEGRAD_INLINE auto acos(const A& a) { return make_unary<ops::Acos>(a); }
template <Expression A> TAPEGRAD_INLINE auto atan(const A& a) { return make_unary<ops::Atan>(a); }
template <Expression A> TAPEGRAD_INLINE auto sinh(const A& a) { return make_unary<ops::Sinh>(a); }
template <Expression A> TAPEGRAD_INLINE auto cosh(const A& a) { return make_unary<ops::Cosh>(a); }
template <Expression A> TAPEGRAD_INLINE auto tanh(const A& a) { return make_unary<ops::Tanh>(a); }
template <Expression A> TAPEGRAD_INLINE auto asinh(const A& a) { return make_unary<ops::Asinh>(a); }
template <Expression A> TAPEGRAD_INLINE auto acosh(const A& a) { return make_unary<ops::Acosh>(a); }
template <Expression A> TAPEGRAD_INLINE auto atanh(const A& a) { return make_unary<ops::Atanh>(a); }
template <Expression A> TAPEGRAD_INLINE auto exp(const A& a) { return make_unary<ops::Exp>(a); }
template <Expression A> TAPEGRAD_INLINE auto exp2(const A& a) { return make_unary<ops::Exp2>(a); }
template <Expression A> TAPEGRAD_INLINE auto expm1(const A& a) { return make_unary<ops::Expm1>(a); }
template <Expression A> TAPEGRAD_INLINE auto log(const A& a) { return make_unary<ops::Log>(a); }
template <Expression A> TAPEGRAD_INLINE auto log2(const A& a) { return make_unary<ops::Log2>(a); }
template <Expression A> TAPEGRAD_INLINE auto log10(const A& a) { return make_unary<ops::Log10>(a); }
template <Expression A> TAPEGRAD_INLINE auto log1p(const A& a) { return make_unary<ops::Log1p>(a); }
template <Expression A> TAPEGRAD_INLINE auto sqrt(const A& a) { return make_unary<ops::Sqrt>(a); }
template <Expression A> TAPEGRAD_INLINE auto cbrt(const A& a) { return make_unary<ops::Cbrt>(a); }
template <Expression A> TAPEGRAD_INLINE auto abs(const A& a) { return make_unary<ops::Abs>(a); }
template <Expression A> TAPEGRAD_INLINE auto fabs(const A& a) { return make_unary<ops::Abs>(a); }
template <Expression A> TAPEGRAD_INLINE auto erf(const A& a) { return make_unary<ops::Erf>(a); }
template <Expression A> TAPEGRAD_INLINE auto erfc(const A& a) { return make_unary<ops::Erfc>(a); }
template <Expression A> TAPEGRAD_INLINE auto tgamma(const A& a) { return make_unary<ops::Tgamma>(a); }
template <Expression A> TAPEGRAD_INLINE auto lgamma(const A& a) { return make_unary<ops::Lgamma>(a); }
template <Expression A> TAPEGRAD_INLINE auto floor(const A& a) { return make_unary<ops::Floor>(a); }
template <Expression A> TAPEGRAD_INLINE auto ceil(const A& a) { return make_unary<ops::Ceil>(a); }
template <Expression A> TAPEGRAD_INLINE auto round(const A& a) { return make_unary<ops::Round>(a); }
template <Expression A> TAPEGRAD_INLINE auto trunc(const A& a) { return make_unary<ops::Trunc>(a); }
template <Expression A> TAPEGRAD_INLINE auto sigmoid(const A& a) { return make_unary<ops::Sigmoid>(a); }
template <Expression A> TAPEGRAD_INLINE auto softplus(const A& a) { return make_unary<ops::Softplus>(a); }
template <Expression A> TAPEGRAD_INLINE auto relu(const A& a) { return make_unary<ops::Relu>(a); }

/// The ML helpers on plain doubles too, so templated code can call them for T = double.
inline double sigmoid(double x) noexcept { return ops::Sigmoid::forward(x); }
inline double softplus(double x) noexcept { return ops::Softplus::forward(x); }
inline double relu(double x) noexcept { return ops::Relu::forward(x); }

// ---- two- and three-argument functions -----------------------------------------------------------------
template <class A, class B> requires MixedOperands<A, B>
TAPEGRAD_INLINE auto pow(const A& a, const B& b) { return make_binary<ops::Pow>(a, b); }
template <class A, class B> requires MixedOperands<A, B>
TAPEGRAD_INLINE auto atan2(const A& a, const B& b) { return make_binary<ops::Atan2>(a, b); }
template <class A, class B> requires MixedOperands<A, B>
TAPEGRAD_INLINE auto hypot(const A& a, const B& b) { return make_binary<ops::Hypot>(a, b); }
template <class A, class B> requires MixedOperands<A, B>
TAPEGRAD_INLINE auto fmin(const A& a, const B& b) { return make_binary<ops::Fmin>(a, b); }
template <class A, class B> requires MixedOperands<A, B>
TAPEGRAD_INLINE auto fmax(const A& a, const B& b) { return make_binary<ops::Fmax>(a, b); }
template <class A, class B> requires MixedOperands<A, B>
TAPEGRAD_INLINE auto min(const A& a, const B& b) { return make_binary<ops::Min>(a, b); }
template <class A, class B> requires MixedOperands<A, B>
TAPEGRAD_INLINE auto max(const A& a, const B& b) { return make_binary<ops::Max>(a, b); }
// Same-type overloads: std::max<T>(const T&, const T&) is more specialised than (A, B), so without
// these `using std::max; max(x, y)` would pick it (no tie rule, a reference to one operand). Being
// as specialised as std's and more constrained, these win.
template <Expression A>
TAPEGRAD_INLINE auto min(const A& a, const A& b) { return make_binary<ops::Min>(a, b); }
template <Expression A>
TAPEGRAD_INLINE auto max(const A& a, const A& b) { return make_binary<ops::Max>(a, b); }
template <class A, class B, class C> requires MixedOperands<A, B, C>
TAPEGRAD_INLINE auto fma(const A& a, const B& b, const C& c) { return make_ternary<ops::Fma>(a, b, c); }

// ---- classification, on values ---------------------------------------------------------------------------
template <Expression A> bool isnan(const A& a) { return std::isnan(a.value()); }
template <Expression A> bool isinf(const A& a) { return std::isinf(a.value()); }
template <Expression A> bool isfinite(const A& a) { return std::isfinite(a.value()); }
template <Expression A> bool signbit(const A& a) { return std::signbit(a.value()); }

// clang-format on

}  // namespace tapegrad
