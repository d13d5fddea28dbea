// SPDX-License-Identifier: MIT
// elementwise.hpp: elementwise rows of the tensor derivatives table, forward and backward side by
// side. Each row is a scalar formula over T = float or double; the kernels in tensor/apply.hpp map it
// over the elements (binary rows with NumPy broadcasting, their gradients summed back over broadcast
// dimensions). In a backward, x is the input, y the forward's result and g the incoming gradient.
//
// Where the scalar table (ops/unary.hpp, ops/binary.hpp) has the function, the tensor row is made from that
// row (UnaryFromScalar, BinaryFromScalar): one formula, so a Tensor computes exactly what a Var computes,
// kinks and ties included. Only tensor-only functions (leaky_relu, clamp, x^p with a constant p) are
// written here.
#pragma once

#include <string_view>
#include <tuple>

#include "tapegrad/autodiff/ops/binary.hpp"
#include "tapegrad/autodiff/ops/unary.hpp"
#include "tapegrad/autodiff/tensor/rows/row.hpp"

namespace tapegrad::ops::tensor {

namespace scalar = ::tapegrad::ops;

/// The tensor row of a one-argument scalar row: y = Row::forward(x), dx = g * Row::derivative(x, y).
template <class Row>
struct UnaryFromScalar {
  static constexpr std::string_view name = Row::name;
  static constexpr Kind kind = Kind::unary;
  static constexpr Domain domain = Row::domain;
  template <class T>
  static T forward(T x) {
    return Row::template forward<T>(x);
  }
  template <class T>
  static T backward(T x, T y, T g) {
    return g * Row::template derivative<T>(x, y);
  }
};

/// The tensor row of a two-argument scalar row: y = Row::forward(a, b), da = g * d_a, db = g * d_b.
template <class Row>
struct BinaryFromScalar {
  static constexpr std::string_view name = Row::name;
  static constexpr Kind kind = Kind::binary;
  static constexpr Domain domain_a = Row::domain_a, domain_b = Row::domain_b;
  static constexpr bool kink_on_diagonal = Row::kink_on_diagonal;  // max, min: ties at a == b
  template <class T>
  static T forward(T a, T b) {
    return Row::template forward<T>(a, b);
  }
  template <class T>
  static T grad_a(T a, T b, T y, T g) {
    return g * Row::template d_a<T>(a, b, y);
  }
  template <class T>
  static T grad_b(T a, T b, T y, T g) {
    return g * Row::template d_b<T>(a, b, y);
  }
};

// ---- one argument, from the scalar table (kinks: abs'(0) = 0, relu'(0) = 0, sqrt'(0) = +inf) ------------

struct Neg : UnaryFromScalar<scalar::Neg> {};            // -x
struct Exp : UnaryFromScalar<scalar::Exp> {};            // e^x; dy/dx = y
struct Log : UnaryFromScalar<scalar::Log> {};            // ln x (NaN below 0, -inf at 0); 1/x
struct Sqrt : UnaryFromScalar<scalar::Sqrt> {};          // 0.5 / y, +inf at 0 (for -0.0 too)
struct Abs : UnaryFromScalar<scalar::Abs> {};            // sign(x), 0 at the kink x = 0
struct Tanh : UnaryFromScalar<scalar::Tanh> {};          // 1 - y^2
struct Sigmoid : UnaryFromScalar<scalar::Sigmoid> {};    // y (1 - y); exp never overflows
struct Relu : UnaryFromScalar<scalar::Relu> {};          // 1 for x > 0, else 0 (0 at the kink)
struct Sin : UnaryFromScalar<scalar::Sin> {};            // cos x
struct Cos : UnaryFromScalar<scalar::Cos> {};            // -sin x
struct Softplus : UnaryFromScalar<scalar::Softplus> {};  // log(1 + e^x), stable; sigmoid(x)

// ---- one argument with an attribute (tensor only) ------------------------------------------------------

/// y = x for x > 0, slope * x otherwise; dy/dx = 1 for x > 0, else slope: at the kink x = 0 the slope, as
/// PyTorch (so slope 0 gives relu's choice, 0).
struct LeakyRelu {
  static constexpr std::string_view name = "leaky_relu";
  static constexpr Kind kind = Kind::unary;
  static constexpr Domain domain{-3.0, 3.0, kOnlyAtZero};
  struct Attrs {
    double negative_slope = 0.01;
  };
  template <class T>
  static T forward(const Attrs& a, T x) {
    return x > T{0} ? x : static_cast<T>(a.negative_slope) * x;
  }
  template <class T>
  static T backward(const Attrs& a, T x, T /*y*/, T g) {
    return x > T{0} ? g : static_cast<T>(a.negative_slope) * g;
  }
};

/// y = lo for x < lo, hi for x > hi, else x (NaN stays NaN); dy/dx = 1 for lo <= x <= hi, else 0: 1 at the
/// bounds themselves, as PyTorch, and 0 for NaN. The front end checks lo <= hi.
struct Clamp {
  static constexpr std::string_view name = "clamp";
  static constexpr Kind kind = Kind::unary;
  static constexpr Domain domain{-3.0, 3.0, 1.0};  // gradcheck clamps to integer bounds: stay off them
  struct Attrs {
    double lo = 0.0, hi = 0.0;
  };
  template <class T>
  static T forward(const Attrs& a, T x) {
    const auto lo = static_cast<T>(a.lo), hi = static_cast<T>(a.hi);
    return x < lo ? lo : (x > hi ? hi : x);
  }
  template <class T>
  static T backward(const Attrs& a, T x, T /*y*/, T g) {
    return (x >= static_cast<T>(a.lo) && x <= static_cast<T>(a.hi)) ? g : T{0};
  }
};

/// y = x^p for a constant p: the scalar Pow row with b = p. dy/dx = p x^(p-1), exactly 0 when p = 0; at
/// x = 0 that is 1 for p = 1, 0 for p > 1, +inf for 0 < p < 1 (see docs/derivatives.md).
struct PowScalar {
  static constexpr std::string_view name = "pow";
  static constexpr Kind kind = Kind::unary;
  static constexpr Domain domain = scalar::Pow::domain_a;
  struct Attrs {
    double exponent = 1.0;
  };
  template <class T>
  static T forward(const Attrs& a, T x) {
    return scalar::Pow::forward<T>(x, static_cast<T>(a.exponent));
  }
  template <class T>
  static T backward(const Attrs& a, T x, T y, T g) {
    return g * scalar::Pow::d_a<T>(x, static_cast<T>(a.exponent), y);
  }
};

// ---- two arguments, from the scalar table, with NumPy broadcasting ----------------------------------------

struct Add : BinaryFromScalar<scalar::Add> {};  // a + b
struct Sub : BinaryFromScalar<scalar::Sub> {};  // a - b
struct Mul : BinaryFromScalar<scalar::Mul> {};  // a b
struct Div : BinaryFromScalar<scalar::Div> {};  // a / b; dy/db = -y / b
/// a^b; da = b a^(b-1) (0 when b = 0), db = y log a (0 where a = 0 and b >= 0; NaN for a < 0).
struct Pow : BinaryFromScalar<scalar::Pow> {};
/// (a < b) ? b : a, as the scalar max; the gradient goes to the argument returned, 0.5 to each at a tie.
struct Maximum : BinaryFromScalar<scalar::Max> {
  static constexpr std::string_view name = "maximum";
};
/// (b < a) ? b : a, as the scalar min; the gradient goes to the argument returned, 0.5 to each at a tie.
struct Minimum : BinaryFromScalar<scalar::Min> {
  static constexpr std::string_view name = "minimum";
};

using ElementwiseOps = std::tuple<Neg, Exp, Log, Sqrt, Abs, Tanh, Sigmoid, Relu, Add, Sub, Mul, Div, Sin, Cos,
                                  Softplus, LeakyRelu, Clamp, PowScalar, Pow, Maximum, Minimum>;

}  // namespace tapegrad::ops::tensor
