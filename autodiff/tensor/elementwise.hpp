// SPDX-License-Identifier: MIT
// elementwise.hpp: arithmetic with NumPy broadcasting and the elementwise functions (exp ... clamp, maximum).
// Each is one row of tensor/rows/elementwise.hpp run through detail::apply; the scalar formulas are
// the derivatives table of autodiff/ops/, shared with Var.
// Every op throws ShapeError when its inputs mix float32 and float64 (no implicit promotion) and TapeError
// when an input is undefined or belongs to a cleared recording.
#pragma once

#include <cstdint>

#include "tapegrad/autodiff/core/dtype.hpp"
#include "tapegrad/autodiff/core/shape.hpp"
#include "tapegrad/autodiff/tensor/tensor.hpp"

namespace tapegrad {

/// a op b with NumPy broadcasting: the shapes align at their last dimension and each pair of dimensions
/// must be equal or 1; the result has the broadcast shape. Throws ShapeError naming the op and both shapes
/// otherwise. A double operand acts as a 0-D tensor of the other operand's dtype.
/// Example: `auto y = x * w + b;  // [3, 4] * [4] + [3, 1] -> [3, 4]`
Tensor operator+(const Tensor& a, const Tensor& b);
Tensor operator-(const Tensor& a, const Tensor& b);
Tensor operator*(const Tensor& a, const Tensor& b);
Tensor operator/(const Tensor& a, const Tensor& b);
Tensor operator+(const Tensor& a, double b);
Tensor operator-(const Tensor& a, double b);
Tensor operator*(const Tensor& a, double b);
Tensor operator/(const Tensor& a, double b);
Tensor operator+(double a, const Tensor& b);
Tensor operator-(double a, const Tensor& b);
Tensor operator*(double a, const Tensor& b);
Tensor operator/(double a, const Tensor& b);
/// -x, same shape.
Tensor operator-(const Tensor& x);

/// Elementwise functions, same shape in and out; values and kinks as <cmath> and tensor/rows/elementwise.hpp.
Tensor exp(const Tensor& x);
Tensor log(const Tensor& x);
Tensor sqrt(const Tensor& x);
Tensor abs(const Tensor& x);
Tensor tanh(const Tensor& x);
Tensor sigmoid(const Tensor& x);
Tensor relu(const Tensor& x);

/// x^p for a constant p (same shape as x), a^b with NumPy broadcasting, or a constant base a raised to b.
/// Values as std::pow (NaN for a negative base with a non-integer exponent); derivatives as the scalar pow
/// (docs/derivatives.md): d/da = b a^(b-1), exactly 0 when b = 0; d/db = y log a, taken as 0 where a = 0
/// and b >= 0. Throws ShapeError for shapes that do not broadcast. Example: `auto sq = pow(x, 2.0);`
Tensor pow(const Tensor& x, double p);
Tensor pow(const Tensor& a, const Tensor& b);
Tensor pow(double a, const Tensor& b);
/// sin x and cos x, elementwise.
Tensor sin(const Tensor& x);
Tensor cos(const Tensor& x);
/// log(1 + e^x), computed as max(x, 0) + log1p(e^-|x|), so it neither overflows nor loses small values; its
/// derivative is sigmoid(x).
Tensor softplus(const Tensor& x);
/// x for x > 0, negative_slope * x otherwise. The derivative at the kink x = 0 is negative_slope (PyTorch's
/// choice). Throws DomainError unless negative_slope is finite. Example: `leaky_relu(h, 0.1)`.
Tensor leaky_relu(const Tensor& x, double negative_slope = 0.01);
/// x limited to [lo, hi] (NaN stays NaN). Gradient 1 for lo <= x <= hi, at the bounds too (PyTorch's
/// choice), and 0 outside. Throws DomainError unless lo <= hi. Example: `clamp(p, 1e-7, 1.0)`.
Tensor clamp(const Tensor& x, double lo, double hi);
/// Elementwise larger (maximum) or smaller (minimum) of a and b, with NumPy broadcasting, as the scalar
/// max/min compute it: maximum is (a < b) ? b : a, so a NaN in a is returned and one in b is not. The
/// gradient goes to the element returned; at a tie a == b each side gets half. Throws ShapeError for shapes
/// that do not broadcast. Example: `maximum(x, zeros({}, x.dtype()))`.
Tensor maximum(const Tensor& a, const Tensor& b);
Tensor minimum(const Tensor& a, const Tensor& b);
/// a where mask != 0, b elsewhere; mask, a and b broadcast together (NumPy rules, three ways). The mask has
/// a's dtype (the comparisons below make one) and receives no gradient. Throws ShapeError naming the three
/// shapes when they do not broadcast. Example: `where(gt(x, y), x, y)`.
Tensor where(const Tensor& mask, const Tensor& a, const Tensor& b);

}  // namespace tapegrad
