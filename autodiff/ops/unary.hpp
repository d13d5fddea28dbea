// SPDX-License-Identifier: MIT
// unary.hpp: the derivatives table for one-argument scalar functions.
// Each struct is one row: the op's name (used in error messages, test names and benchmark names), the
// domain gradcheck samples, the forward value exactly as <cmath> computes it, and the local derivative
// dy/dx given the input x and the already computed result y (reusing y saves a libm call: exp, tanh,
// sigmoid). Choices at kinks are written beside the formula and collected in docs/derivatives.md.
// `second` is d2y/dx2 given x and y, for Hessians (forward/dual.hpp); a row whose second derivative is
// zero wherever it exists (piecewise linear: neg, abs, relu, the rounding functions) says
// `second_is_zero = true` instead, so forward-over-reverse records no term for it.
// forward and derivative are templates over the floating type, so the elementwise tensor rows
// (tensor/rows/elementwise.hpp) reuse them for float and double; Var instantiates them for double only.
#pragma once

#include <cmath>
#include <numbers>
#include <string_view>
#include <tuple>

#include "tapegrad/autodiff/ops/domain.hpp"
#include "tapegrad/autodiff/ops/special.hpp"

namespace tapegrad::ops {

// One line per function reads as the table it is; clang-format 14 would split each templated one in four.
// clang-format off

struct Neg {
  static constexpr std::string_view name = "neg";
  static constexpr Domain domain{};
  template <class T> static T forward(T x) noexcept { return -x; }
  template <class T> static T derivative(T, T) noexcept { return T{-1}; }
  static constexpr bool second_is_zero = true;
};

struct Sin {
  static constexpr std::string_view name = "sin";
  static constexpr Domain domain{};
  template <class T> static T forward(T x) noexcept { return std::sin(x); }
  template <class T> static T derivative(T x, T) noexcept { return std::cos(x); }
  template <class T> static T second(T, T y) noexcept { return -y; }
};

struct Cos {
  static constexpr std::string_view name = "cos";
  static constexpr Domain domain{};
  template <class T> static T forward(T x) noexcept { return std::cos(x); }
  template <class T> static T derivative(T x, T) noexcept { return -std::sin(x); }
  template <class T> static T second(T, T y) noexcept { return -y; }
};

struct Tan {
  static constexpr std::string_view name = "tan";
  static constexpr Domain domain{-1.2, 1.2};
  template <class T> static T forward(T x) noexcept { return std::tan(x); }
  template <class T> static T derivative(T, T y) noexcept { return T{1} + y * y; }  // sec^2 = 1 + tan^2
  template <class T> static T second(T, T y) noexcept { return T{2} * y * (T{1} + y * y); }
};

struct Asin {
  static constexpr std::string_view name = "asin";
  static constexpr Domain domain{-0.9, 0.9};
  template <class T> static T forward(T x) noexcept { return std::asin(x); }
  template <class T> static T derivative(T x, T) noexcept { return T{1} / std::sqrt(T{1} - x * x); }
  template <class T> static T second(T x, T) noexcept { return x / ((T{1} - x * x) * std::sqrt(T{1} - x * x)); }
};

struct Acos {
  static constexpr std::string_view name = "acos";
  static constexpr Domain domain{-0.9, 0.9};
  template <class T> static T forward(T x) noexcept { return std::acos(x); }
  template <class T> static T derivative(T x, T) noexcept { return T{-1} / std::sqrt(T{1} - x * x); }
  template <class T> static T second(T x, T) noexcept { return -x / ((T{1} - x * x) * std::sqrt(T{1} - x * x)); }
};

struct Atan {
  static constexpr std::string_view name = "atan";
  static constexpr Domain domain{};
  template <class T> static T forward(T x) noexcept { return std::atan(x); }
  template <class T> static T derivative(T x, T) noexcept { return T{1} / (T{1} + x * x); }
  template <class T> static T second(T x, T) noexcept { return T{-2} * x / ((T{1} + x * x) * (T{1} + x * x)); }
};

struct Sinh {
  static constexpr std::string_view name = "sinh";
  static constexpr Domain domain{};
  template <class T> static T forward(T x) noexcept { return std::sinh(x); }
  template <class T> static T derivative(T x, T) noexcept { return std::cosh(x); }
  template <class T> static T second(T, T y) noexcept { return y; }
};

struct Cosh {
  static constexpr std::string_view name = "cosh";
  static constexpr Domain domain{};
  template <class T> static T forward(T x) noexcept { return std::cosh(x); }
  template <class T> static T derivative(T x, T) noexcept { return std::sinh(x); }
  template <class T> static T second(T, T y) noexcept { return y; }
};

/// The backward reuses y, because 1 - y^2 is cheaper than calling tanh or cosh again.
struct Tanh {
  static constexpr std::string_view name = "tanh";
  static constexpr Domain domain{};
  template <class T> static T forward(T x) noexcept { return std::tanh(x); }
  template <class T> static T derivative(T, T y) noexcept { return T{1} - y * y; }
  template <class T> static T second(T, T y) noexcept { return T{-2} * y * (T{1} - y * y); }
};

struct Asinh {
  static constexpr std::string_view name = "asinh";
  static constexpr Domain domain{};
  template <class T> static T forward(T x) noexcept { return std::asinh(x); }
  template <class T> static T derivative(T x, T) noexcept { return T{1} / std::sqrt(x * x + T{1}); }
  template <class T> static T second(T x, T) noexcept { return -x / ((x * x + T{1}) * std::sqrt(x * x + T{1})); }
};

struct Acosh {
  static constexpr std::string_view name = "acosh";
  static constexpr Domain domain{1.1, 4.0};
  template <class T> static T forward(T x) noexcept { return std::acosh(x); }
  template <class T> static T derivative(T x, T) noexcept { return T{1} / std::sqrt(x * x - T{1}); }
  template <class T> static T second(T x, T) noexcept { return -x / ((x * x - T{1}) * std::sqrt(x * x - T{1})); }
};

struct Atanh {
  static constexpr std::string_view name = "atanh";
  static constexpr Domain domain{-0.9, 0.9};
  template <class T> static T forward(T x) noexcept { return std::atanh(x); }
  template <class T> static T derivative(T x, T) noexcept { return T{1} / (T{1} - x * x); }
  template <class T> static T second(T x, T) noexcept { return T{2} * x / ((T{1} - x * x) * (T{1} - x * x)); }
};

struct Exp {
  static constexpr std::string_view name = "exp";
  static constexpr Domain domain{};
  template <class T> static T forward(T x) noexcept { return std::exp(x); }
  template <class T> static T derivative(T, T y) noexcept { return y; }
  template <class T> static T second(T, T y) noexcept { return y; }
};

struct Exp2 {
  static constexpr std::string_view name = "exp2";
  static constexpr Domain domain{};
  template <class T> static T forward(T x) noexcept { return std::exp2(x); }
  template <class T> static T derivative(T, T y) noexcept { return y * std::numbers::ln2_v<T>; }
  template <class T> static T second(T, T y) noexcept { return y * std::numbers::ln2_v<T> * std::numbers::ln2_v<T>; }
};

struct Expm1 {
  static constexpr std::string_view name = "expm1";
  static constexpr Domain domain{};
  template <class T> static T forward(T x) noexcept { return std::expm1(x); }
  template <class T> static T derivative(T, T y) noexcept { return y + T{1}; }
  template <class T> static T second(T, T y) noexcept { return y + T{1}; }
};

struct Log {
  static constexpr std::string_view name = "log";
  static constexpr Domain domain{0.1, 5.0};
  template <class T> static T forward(T x) noexcept { return std::log(x); }
  template <class T> static T derivative(T x, T) noexcept { return T{1} / x; }
  template <class T> static T second(T x, T) noexcept { return T{-1} / (x * x); }
};

struct Log2 {
  static constexpr std::string_view name = "log2";
  static constexpr Domain domain{0.1, 5.0};
  template <class T> static T forward(T x) noexcept { return std::log2(x); }
  template <class T> static T derivative(T x, T) noexcept { return T{1} / (x * std::numbers::ln2_v<T>); }
  template <class T> static T second(T x, T) noexcept { return T{-1} / (x * x * std::numbers::ln2_v<T>); }
};

struct Log10 {
  static constexpr std::string_view name = "log10";
  static constexpr Domain domain{0.1, 5.0};
  template <class T> static T forward(T x) noexcept { return std::log10(x); }
  template <class T> static T derivative(T x, T) noexcept { return T{1} / (x * std::numbers::ln10_v<T>); }
  template <class T> static T second(T x, T) noexcept { return T{-1} / (x * x * std::numbers::ln10_v<T>); }
};

struct Log1p {
  static constexpr std::string_view name = "log1p";
  static constexpr Domain domain{-0.9, 5.0};
  template <class T> static T forward(T x) noexcept { return std::log1p(x); }
  template <class T> static T derivative(T x, T) noexcept { return T{1} / (T{1} + x); }
  template <class T> static T second(T x, T) noexcept { return T{-1} / ((T{1} + x) * (T{1} + x)); }
};

/// sqrt'(0) = +inf, the true one-sided limit, for -0.0 too (0.5 / -0.0 would be -inf, hence the fabs:
/// sqrt never returns another negative y); the anomaly guard reports it. Branch-free, so a tensor loop
/// over it vectorises (a division under a branch does not, as it may trap).
struct Sqrt {
  static constexpr std::string_view name = "sqrt";
  static constexpr Domain domain{0.1, 5.0};
  template <class T> static T forward(T x) noexcept { return std::sqrt(x); }
  template <class T> static T derivative(T, T y) noexcept { return T{0.5} / std::fabs(y); }
  template <class T> static T second(T, T y) noexcept { return T{-0.25} / (y * y * std::fabs(y)); }
};

/// cbrt'(0) = +inf, as for sqrt.
struct Cbrt {
  static constexpr std::string_view name = "cbrt";
  static constexpr Domain domain{-3.0, 3.0, kOnlyAtZero};
  template <class T> static T forward(T x) noexcept { return std::cbrt(x); }
  template <class T> static T derivative(T, T y) noexcept { return T{1} / (T{3} * y * y); }
  template <class T> static T second(T, T y) noexcept { return T{-2} / (T{9} * y * y * y * y * y); }
};

/// abs'(0) = 0: the subgradient of smallest norm, as PyTorch chooses. fabs is the same op.
struct Abs {
  static constexpr std::string_view name = "abs";
  static constexpr Domain domain{-3.0, 3.0, kOnlyAtZero};
  template <class T> static T forward(T x) noexcept { return std::fabs(x); }
  template <class T> static T derivative(T x, T) noexcept {
    return x > T{0} ? T{1} : (x < T{0} ? T{-1} : T{0});
  }
  static constexpr bool second_is_zero = true;
};

struct Erf {
  static constexpr std::string_view name = "erf";
  static constexpr Domain domain{-2.0, 2.0};
  template <class T> static T forward(T x) noexcept { return std::erf(x); }
  template <class T> static T derivative(T x, T) noexcept {
    return T{2} * std::numbers::inv_sqrtpi_v<T> * std::exp(-x * x);
  }
  template <class T> static T second(T x, T) noexcept { return T{-4} * x * std::numbers::inv_sqrtpi_v<T> * std::exp(-x * x); }
};

struct Erfc {
  static constexpr std::string_view name = "erfc";
  static constexpr Domain domain{-2.0, 2.0};
  template <class T> static T forward(T x) noexcept { return std::erfc(x); }
  template <class T> static T derivative(T x, T) noexcept {
    return T{-2} * std::numbers::inv_sqrtpi_v<T> * std::exp(-x * x);
  }
  template <class T> static T second(T x, T) noexcept { return T{4} * x * std::numbers::inv_sqrtpi_v<T> * std::exp(-x * x); }
};

/// Gamma'(x) = Gamma(x) psi(x); NaN at the poles x = 0, -1, -2, ...
struct Tgamma {
  static constexpr std::string_view name = "tgamma";
  static constexpr Domain domain{0.2, 4.0};
  template <class T> static T forward(T x) noexcept { return std::tgamma(x); }
  template <class T> static T derivative(T x, T y) noexcept {
    return y * static_cast<T>(detail::digamma(static_cast<double>(x)));
  }
  template <class T> static T second(T x, T y) noexcept {
    const double psi = detail::digamma(static_cast<double>(x));
    return y * static_cast<T>(psi * psi + detail::trigamma(static_cast<double>(x)));
  }
};

/// lgamma = log|Gamma|, so its derivative is psi(x) on both sides of every pole.
struct Lgamma {
  static constexpr std::string_view name = "lgamma";
  static constexpr Domain domain{0.2, 5.0};
  template <class T> static T forward(T x) noexcept { return std::lgamma(x); }
  template <class T> static T derivative(T x, T) noexcept {
    return static_cast<T>(detail::digamma(static_cast<double>(x)));
  }
  template <class T> static T second(T x, T) noexcept {
    return static_cast<T>(detail::trigamma(static_cast<double>(x)));
  }
};

// The rounding functions are piecewise constant: derivative 0 everywhere, including at their jumps
// (the derivative there does not exist; 0 is what every mainstream AD tool returns).
struct Floor {
  static constexpr std::string_view name = "floor";
  static constexpr Domain domain{-3.0, 3.0, 1.0};
  template <class T> static T forward(T x) noexcept { return std::floor(x); }
  template <class T> static T derivative(T, T) noexcept { return T{0}; }
  static constexpr bool second_is_zero = true;
};

struct Ceil {
  static constexpr std::string_view name = "ceil";
  static constexpr Domain domain{-3.0, 3.0, 1.0};
  template <class T> static T forward(T x) noexcept { return std::ceil(x); }
  template <class T> static T derivative(T, T) noexcept { return T{0}; }
  static constexpr bool second_is_zero = true;
};

struct Round {
  static constexpr std::string_view name = "round";
  static constexpr Domain domain{-3.0, 3.0, 0.5};
  template <class T> static T forward(T x) noexcept { return std::round(x); }
  template <class T> static T derivative(T, T) noexcept { return T{0}; }
  static constexpr bool second_is_zero = true;
};

struct Trunc {
  static constexpr std::string_view name = "trunc";
  static constexpr Domain domain{-3.0, 3.0, 1.0};
  template <class T> static T forward(T x) noexcept { return std::trunc(x); }
  template <class T> static T derivative(T, T) noexcept { return T{0}; }
  static constexpr bool second_is_zero = true;
};

/// The logistic function 1 / (1 + e^-x), the seed's phi; phi' = phi (1 - phi) reuses the result.
/// Written so that exp never overflows: for x < 0 it evaluates e^x / (1 + e^x).
struct Sigmoid {
  static constexpr std::string_view name = "sigmoid";
  static constexpr Domain domain{-5.0, 5.0};
  template <class T> static T forward(T x) noexcept {
    if (x >= T{0}) return T{1} / (T{1} + std::exp(-x));
    const T e = std::exp(x);
    return e / (T{1} + e);
  }
  template <class T> static T derivative(T, T y) noexcept { return y * (T{1} - y); }
  template <class T> static T second(T, T y) noexcept { return y * (T{1} - y) * (T{1} - T{2} * y); }
};

/// softplus(x) = log(1 + e^x), evaluated as max(x, 0) + log1p(e^-|x|) so it neither overflows for
/// large x nor loses digits for very negative x. Its derivative is the sigmoid.
struct Softplus {
  static constexpr std::string_view name = "softplus";
  static constexpr Domain domain{-5.0, 5.0};
  template <class T> static T forward(T x) noexcept {
    return std::fmax(x, T{0}) + std::log1p(std::exp(-std::fabs(x)));
  }
  template <class T> static T derivative(T x, T) noexcept { return Sigmoid::forward(x); }
  template <class T> static T second(T x, T) noexcept {
    const T s = Sigmoid::forward(x);
    return s * (T{1} - s);
  }
};

/// relu'(0) = 0, as PyTorch and micrograd choose: a unit exactly at 0 passes no gradient.
/// NaN inputs give NaN, as max(x, 0) written with fmax would hide them.
struct Relu {
  static constexpr std::string_view name = "relu";
  static constexpr Domain domain{-3.0, 3.0, kOnlyAtZero};
  template <class T> static T forward(T x) noexcept { return x > T{0} ? x : (x <= T{0} ? T{0} : x); }
  template <class T> static T derivative(T x, T) noexcept { return x > T{0} ? T{1} : T{0}; }
  static constexpr bool second_is_zero = true;
};

/// Every one-argument op; the gradcheck test and the op benchmarks iterate this list, and the
/// expression nodes refuse (static_assert) an op that is not in it.
using UnaryOps = std::tuple<Neg, Sin, Cos, Tan, Asin, Acos, Atan, Sinh, Cosh, Tanh, Asinh, Acosh, Atanh, Exp,
                            Exp2, Expm1, Log, Log2, Log10, Log1p, Sqrt, Cbrt, Abs, Erf, Erfc, Tgamma, Lgamma,
                            Floor, Ceil, Round, Trunc, Sigmoid, Softplus, Relu>;

// clang-format on

}  // namespace tapegrad::ops
