// SPDX-License-Identifier: MIT
// binary.hpp: the derivatives table for two- and three-argument scalar functions.
// One struct per op: forward exactly as <cmath> computes it, and one partial per argument,
// d_a/d_b(/d_c), each given the arguments and the result y. The partials are separate functions so
// that when an argument is a plain double its partial is never evaluated (pow's d_b calls log).
// Ties and kinks: min/max split the gradient evenly at a == b (so max(x, x) has derivative 1);
// see docs/derivatives.md for the whole table.
// The rows are templates over the floating type, so the elementwise tensor rows reuse them for float too.
// Second derivatives (forward/dual.hpp, for Hessians): d_aa, d_ab, d_bb (d_ab = d_ba), given the
// arguments and y; a row whose second derivatives are all zero says `second_is_zero = true` instead.
// `d_aa_is_zero` / `d_bb_is_zero` say that d_aa / d_bb is 0 everywhere (mul; div in a): the second-order
// tape then skips that term, and records `x * c` (c a constant) without partial tangents.
#pragma once

#include <cmath>
#include <string_view>
#include <tuple>

#include "tapegrad/autodiff/ops/domain.hpp"

namespace tapegrad::ops {

// One line per function reads as the table it is; clang-format 14 would split each templated one in four.
// clang-format off

struct Add {
  static constexpr std::string_view name = "add";
  static constexpr Domain domain_a{}, domain_b{};
  static constexpr bool kink_on_diagonal = false;
  template <class T> static T forward(T a, T b) noexcept { return a + b; }
  template <class T> static T d_a(T, T, T) noexcept { return T{1}; }
  template <class T> static T d_b(T, T, T) noexcept { return T{1}; }
  static constexpr bool second_is_zero = true;
};

struct Sub {
  static constexpr std::string_view name = "sub";
  static constexpr Domain domain_a{}, domain_b{};
  static constexpr bool kink_on_diagonal = false;
  template <class T> static T forward(T a, T b) noexcept { return a - b; }
  template <class T> static T d_a(T, T, T) noexcept { return T{1}; }
  template <class T> static T d_b(T, T, T) noexcept { return T{-1}; }
  static constexpr bool second_is_zero = true;
};

struct Mul {
  static constexpr std::string_view name = "mul";
  static constexpr Domain domain_a{}, domain_b{};
  static constexpr bool kink_on_diagonal = false;
  template <class T> static T forward(T a, T b) noexcept { return a * b; }
  template <class T> static T d_a(T, T b, T) noexcept { return b; }
  template <class T> static T d_b(T a, T, T) noexcept { return a; }
  template <class T> static T d_aa(T, T, T) noexcept { return T{0}; }
  template <class T> static T d_ab(T, T, T) noexcept { return T{1}; }
  template <class T> static T d_bb(T, T, T) noexcept { return T{0}; }
  static constexpr bool d_aa_is_zero = true, d_bb_is_zero = true;
};

struct Div {
  static constexpr std::string_view name = "div";
  static constexpr Domain domain_a{}, domain_b{0.5, 3.0};
  static constexpr bool kink_on_diagonal = false;
  template <class T> static T forward(T a, T b) noexcept { return a / b; }
  template <class T> static T d_a(T, T b, T) noexcept { return T{1} / b; }
  template <class T> static T d_b(T, T b, T y) noexcept { return -y / b; }
  template <class T> static T d_aa(T, T, T) noexcept { return T{0}; }
  static constexpr bool d_aa_is_zero = true;
  template <class T> static T d_ab(T, T b, T) noexcept { return T{-1} / (b * b); }
  template <class T> static T d_bb(T, T b, T y) noexcept { return T{2} * y / (b * b); }
};

/// d/da a^b = b a^(b-1) (not b y / a, which is 0/0 at a = 0), and exactly 0 when b == 0 (a^0 is
/// constant, while 0 * 0^-1 would be NaN).
/// d/db a^b = y log(a), taken as 0 where a == 0 and b >= 0: the limit from the right for b > 0, and a
/// convention at b == 0, where the value jumps.
struct Pow {
  static constexpr std::string_view name = "pow";
  static constexpr Domain domain_a{0.5, 3.0}, domain_b{-2.0, 2.0};
  static constexpr bool kink_on_diagonal = false;
  template <class T> static T forward(T a, T b) noexcept { return std::pow(a, b); }
  template <class T> static T d_a(T a, T b, T) noexcept {
    return b == T{0} ? T{0} : b * std::pow(a, b - T{1});
  }
  template <class T> static T d_b(T a, T b, T y) noexcept {
    return (a == T{0} && b >= T{0}) ? T{0} : y * std::log(a);
  }
  template <class T> static T d_aa(T a, T b, T) noexcept {
    return (b == T{0} || b == T{1}) ? T{0} : b * (b - T{1}) * std::pow(a, b - T{2});
  }
  template <class T> static T d_ab(T a, T b, T) noexcept {
    return a == T{0} ? T{0} : std::pow(a, b - T{1}) * (T{1} + b * std::log(a));
  }
  template <class T> static T d_bb(T a, T b, T y) noexcept {
    return (a == T{0} && b >= T{0}) ? T{0} : y * std::log(a) * std::log(a);
  }
};

/// atan2(a, b) is the angle of the point (b, a); at the origin, where it has no derivative, both
/// partials are 0.
struct Atan2 {
  static constexpr std::string_view name = "atan2";
  static constexpr Domain domain_a{}, domain_b{0.5, 3.0};
  static constexpr bool kink_on_diagonal = false;
  template <class T> static T forward(T a, T b) noexcept { return std::atan2(a, b); }
  template <class T> static T d_a(T a, T b, T) noexcept {
    const T r2 = a * a + b * b;
    return r2 == T{0} ? T{0} : b / r2;
  }
  template <class T> static T d_b(T a, T b, T) noexcept {
    const T r2 = a * a + b * b;
    return r2 == T{0} ? T{0} : -a / r2;
  }
  template <class T> static T d_aa(T a, T b, T) noexcept {
    const T r2 = a * a + b * b;
    return r2 == T{0} ? T{0} : T{-2} * a * b / (r2 * r2);
  }
  template <class T> static T d_ab(T a, T b, T) noexcept {
    const T r2 = a * a + b * b;
    return r2 == T{0} ? T{0} : (a * a - b * b) / (r2 * r2);
  }
  template <class T> static T d_bb(T a, T b, T) noexcept {
    const T r2 = a * a + b * b;
    return r2 == T{0} ? T{0} : T{2} * a * b / (r2 * r2);
  }
};

/// hypot(a, b) = sqrt(a^2 + b^2) without overflow; at the origin (a cone's tip) both partials are 0.
struct Hypot {
  static constexpr std::string_view name = "hypot";
  static constexpr Domain domain_a{0.5, 3.0}, domain_b{};
  static constexpr bool kink_on_diagonal = false;
  template <class T> static T forward(T a, T b) noexcept { return std::hypot(a, b); }
  template <class T> static T d_a(T a, T, T y) noexcept { return y == T{0} ? T{0} : a / y; }
  template <class T> static T d_b(T, T b, T y) noexcept { return y == T{0} ? T{0} : b / y; }
  template <class T> static T d_aa(T, T b, T y) noexcept { return y == T{0} ? T{0} : b * b / (y * y * y); }
  template <class T> static T d_ab(T a, T b, T y) noexcept { return y == T{0} ? T{0} : -a * b / (y * y * y); }
  template <class T> static T d_bb(T a, T, T y) noexcept { return y == T{0} ? T{0} : a * a / (y * y * y); }
};

/// std::min(a, b) = (b < a) ? b : a; the gradient goes to the argument returned, halved at a tie.
struct Min {
  static constexpr std::string_view name = "min";
  static constexpr Domain domain_a{}, domain_b{};
  static constexpr bool kink_on_diagonal = true;
  template <class T> static T forward(T a, T b) noexcept { return (b < a) ? b : a; }
  template <class T> static T d_a(T a, T b, T) noexcept { return (b < a) ? T{0} : (a == b ? T{0.5} : T{1}); }
  template <class T> static T d_b(T a, T b, T) noexcept { return (b < a) ? T{1} : (a == b ? T{0.5} : T{0}); }
  static constexpr bool second_is_zero = true;
};

/// std::max(a, b) = (a < b) ? b : a; the gradient goes to the argument returned, halved at a tie.
struct Max {
  static constexpr std::string_view name = "max";
  static constexpr Domain domain_a{}, domain_b{};
  static constexpr bool kink_on_diagonal = true;
  template <class T> static T forward(T a, T b) noexcept { return (a < b) ? b : a; }
  template <class T> static T d_a(T a, T b, T) noexcept { return (a < b) ? T{0} : (a == b ? T{0.5} : T{1}); }
  template <class T> static T d_b(T a, T b, T) noexcept { return (a < b) ? T{1} : (a == b ? T{0.5} : T{0}); }
  static constexpr bool second_is_zero = true;
};

/// std::fmin ignores a NaN argument; the gradient follows the argument it returns, halved at a tie.
struct Fmin {
  static constexpr std::string_view name = "fmin";
  static constexpr Domain domain_a{}, domain_b{};
  static constexpr bool kink_on_diagonal = true;
  template <class T> static T forward(T a, T b) noexcept { return std::fmin(a, b); }
  template <class T> static T d_a(T a, T b, T) noexcept {
    if (std::isnan(a)) return T{0};
    if (std::isnan(b)) return T{1};
    return a < b ? T{1} : (a == b ? T{0.5} : T{0});
  }
  template <class T> static T d_b(T a, T b, T y) noexcept { return d_a(b, a, y); }
  static constexpr bool second_is_zero = true;
};

/// std::fmax ignores a NaN argument; the gradient follows the argument it returns, halved at a tie.
struct Fmax {
  static constexpr std::string_view name = "fmax";
  static constexpr Domain domain_a{}, domain_b{};
  static constexpr bool kink_on_diagonal = true;
  template <class T> static T forward(T a, T b) noexcept { return std::fmax(a, b); }
  template <class T> static T d_a(T a, T b, T) noexcept {
    if (std::isnan(a)) return T{0};
    if (std::isnan(b)) return T{1};
    return a > b ? T{1} : (a == b ? T{0.5} : T{0});
  }
  template <class T> static T d_b(T a, T b, T y) noexcept { return d_a(b, a, y); }
  static constexpr bool second_is_zero = true;
};

/// Every two-argument op; see UnaryOps.
using BinaryOps = std::tuple<Add, Sub, Mul, Div, Pow, Atan2, Hypot, Min, Max, Fmin, Fmax>;

/// fma(a, b, c) = a b + c rounded once, as std::fma computes it.
struct Fma {
  static constexpr std::string_view name = "fma";
  static constexpr Domain domain_a{}, domain_b{}, domain_c{};
  template <class T> static T forward(T a, T b, T c) noexcept { return std::fma(a, b, c); }
  template <class T> static T d_a(T, T b, T, T) noexcept { return b; }
  template <class T> static T d_b(T a, T, T, T) noexcept { return a; }
  template <class T> static T d_c(T, T, T, T) noexcept { return T{1}; }
  template <class T> static T d_aa(T, T, T, T) noexcept { return T{0}; }
  template <class T> static T d_ab(T, T, T, T) noexcept { return T{1}; }
  template <class T> static T d_ac(T, T, T, T) noexcept { return T{0}; }
  template <class T> static T d_bb(T, T, T, T) noexcept { return T{0}; }
  template <class T> static T d_bc(T, T, T, T) noexcept { return T{0}; }
  template <class T> static T d_cc(T, T, T, T) noexcept { return T{0}; }
};

/// Every three-argument op; see UnaryOps.
using TernaryOps = std::tuple<Fma>;

// clang-format on

}  // namespace tapegrad::ops
