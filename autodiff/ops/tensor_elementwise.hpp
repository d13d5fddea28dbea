// SPDX-License-Identifier: MIT
// tensor_elementwise.hpp: elementwise rows of the tensor derivatives table, forward and backward side by
// side. Each row is a scalar formula over T = float or double; the kernels in detail/tensor_apply.hpp map it
// over the elements (binary rows with NumPy broadcasting, their gradients summed back over broadcast
// dimensions). In a backward, x is the input, y the forward's result and g the incoming gradient.
#pragma once

#include <cmath>
#include <string_view>
#include <tuple>

#include "autodiff/ops/tensor_op.hpp"

namespace tapegrad::ops::tensor {

/// y = -x.
struct Neg {
  static constexpr std::string_view name = "neg";
  static constexpr Kind kind = Kind::unary;
  static constexpr Domain domain{-3.0, 3.0};
  template <class T>
  static T forward(T x) {
    return -x;
  }
  template <class T>
  static T backward(T /*x*/, T /*y*/, T g) {
    return -g;
  }
};

/// y = e^x; the backward reuses y.
struct Exp {
  static constexpr std::string_view name = "exp";
  static constexpr Kind kind = Kind::unary;
  static constexpr Domain domain{-3.0, 3.0};
  template <class T>
  static T forward(T x) {
    return std::exp(x);
  }
  template <class T>
  static T backward(T /*x*/, T y, T g) {
    return g * y;
  }
};

/// y = ln x (NaN for x < 0, -inf at 0, as <cmath>); dy/dx = 1/x.
struct Log {
  static constexpr std::string_view name = "log";
  static constexpr Kind kind = Kind::unary;
  static constexpr Domain domain{0.1, 3.0};
  template <class T>
  static T forward(T x) {
    return std::log(x);
  }
  template <class T>
  static T backward(T x, T /*y*/, T g) {
    return g / x;
  }
};

/// y = sqrt x; dy/dx = 1 / (2y), which is +inf at 0 (as the scalar Sqrt).
struct Sqrt {
  static constexpr std::string_view name = "sqrt";
  static constexpr Kind kind = Kind::unary;
  static constexpr Domain domain{0.1, 3.0};
  template <class T>
  static T forward(T x) {
    return std::sqrt(x);
  }
  template <class T>
  static T backward(T /*x*/, T y, T g) {
    return g / (T{2} * y);
  }
};

/// y = |x|; dy/dx = sign(x), and 0 at the kink x = 0 (PyTorch's choice).
struct Abs {
  static constexpr std::string_view name = "abs";
  static constexpr Kind kind = Kind::unary;
  static constexpr Domain domain{-3.0, 3.0, kOnlyAtZero};
  template <class T>
  static T forward(T x) {
    return std::fabs(x);
  }
  template <class T>
  static T backward(T x, T /*y*/, T g) {
    return x > T{0} ? g : (x < T{0} ? -g : T{0});
  }
};

/// y = tanh x; dy/dx = 1 - y^2, cheaper than another tanh.
struct Tanh {
  static constexpr std::string_view name = "tanh";
  static constexpr Kind kind = Kind::unary;
  static constexpr Domain domain{-3.0, 3.0};
  template <class T>
  static T forward(T x) {
    return std::tanh(x);
  }
  template <class T>
  static T backward(T /*x*/, T y, T g) {
    return g * (T{1} - y * y);
  }
};

/// y = 1 / (1 + e^-x), evaluated so that exp never overflows; dy/dx = y (1 - y).
struct Sigmoid {
  static constexpr std::string_view name = "sigmoid";
  static constexpr Kind kind = Kind::unary;
  static constexpr Domain domain{-4.0, 4.0};
  template <class T>
  static T forward(T x) {
    if (x >= T{0}) return T{1} / (T{1} + std::exp(-x));
    const T e = std::exp(x);
    return e / (T{1} + e);
  }
  template <class T>
  static T backward(T /*x*/, T y, T g) {
    return g * y * (T{1} - y);
  }
};

/// y = max(x, 0); dy/dx = 1 for x > 0, and 0 at the kink x = 0 (PyTorch's choice).
struct Relu {
  static constexpr std::string_view name = "relu";
  static constexpr Kind kind = Kind::unary;
  static constexpr Domain domain{-3.0, 3.0, kOnlyAtZero};
  template <class T>
  static T forward(T x) {
    return x > T{0} ? x : T{0};
  }
  template <class T>
  static T backward(T x, T /*y*/, T g) {
    return x > T{0} ? g : T{0};
  }
};

/// y = a + b.
struct Add {
  static constexpr std::string_view name = "add";
  static constexpr Kind kind = Kind::binary;
  static constexpr Domain domain_a{-3.0, 3.0}, domain_b{-3.0, 3.0};
  template <class T>
  static T forward(T a, T b) {
    return a + b;
  }
  template <class T>
  static T grad_a(T /*a*/, T /*b*/, T /*y*/, T g) {
    return g;
  }
  template <class T>
  static T grad_b(T /*a*/, T /*b*/, T /*y*/, T g) {
    return g;
  }
};

/// y = a - b.
struct Sub {
  static constexpr std::string_view name = "sub";
  static constexpr Kind kind = Kind::binary;
  static constexpr Domain domain_a{-3.0, 3.0}, domain_b{-3.0, 3.0};
  template <class T>
  static T forward(T a, T b) {
    return a - b;
  }
  template <class T>
  static T grad_a(T /*a*/, T /*b*/, T /*y*/, T g) {
    return g;
  }
  template <class T>
  static T grad_b(T /*a*/, T /*b*/, T /*y*/, T g) {
    return -g;
  }
};

/// y = a b.
struct Mul {
  static constexpr std::string_view name = "mul";
  static constexpr Kind kind = Kind::binary;
  static constexpr Domain domain_a{-3.0, 3.0}, domain_b{-3.0, 3.0};
  template <class T>
  static T forward(T a, T b) {
    return a * b;
  }
  template <class T>
  static T grad_a(T /*a*/, T b, T /*y*/, T g) {
    return g * b;
  }
  template <class T>
  static T grad_b(T a, T /*b*/, T /*y*/, T g) {
    return g * a;
  }
};

/// y = a / b; dy/da = 1/b, dy/db = -a/b^2 = -y/b (reusing y saves a division).
struct Div {
  static constexpr std::string_view name = "div";
  static constexpr Kind kind = Kind::binary;
  static constexpr Domain domain_a{-3.0, 3.0}, domain_b{0.5, 3.0};
  template <class T>
  static T forward(T a, T b) {
    return a / b;
  }
  template <class T>
  static T grad_a(T /*a*/, T b, T /*y*/, T g) {
    return g / b;
  }
  template <class T>
  static T grad_b(T /*a*/, T b, T y, T g) {
    return -g * y / b;
  }
};

using ElementwiseOps = std::tuple<Neg, Exp, Log, Sqrt, Abs, Tanh, Sigmoid, Relu, Add, Sub, Mul, Div>;

}  // namespace tapegrad::ops::tensor
