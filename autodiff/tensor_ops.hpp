// SPDX-License-Identifier: MIT
// tensor_ops.hpp: the front end of the tensor derivatives table, one function per spelling.
// Each function runs one row of ops/tensor_*.hpp through detail::apply, which records it on the active
// tape when an input requires grad. Every op throws ShapeError when its inputs mix float32 and float64
// (no implicit promotion) and TapeError when an input is undefined or belongs to a cleared recording.
#pragma once

#include <cstdint>

#include "autodiff/shape.hpp"
#include "autodiff/tensor.hpp"

namespace tapegrad {

// ---- elementwise, with NumPy broadcasting -------------------------------------------------------------
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

/// Elementwise functions, same shape in and out; values and kinks as <cmath> and ops/tensor_elementwise.hpp.
Tensor exp(const Tensor& x);
Tensor log(const Tensor& x);
Tensor sqrt(const Tensor& x);
Tensor abs(const Tensor& x);
Tensor tanh(const Tensor& x);
Tensor sigmoid(const Tensor& x);
Tensor relu(const Tensor& x);

// ---- reductions ---------------------------------------------------------------------------------------
/// Sum (or mean) of all elements: shape [] (all ones of the same rank with keepdim).
/// Example: `Tensor loss = mean((y - target) * (y - target));`
Tensor sum(const Tensor& x, bool keepdim = false);
Tensor mean(const Tensor& x, bool keepdim = false);
/// Sum (or mean) along `axis` (negative counts from the end): that dimension is removed, or kept as 1 with
/// keepdim. Throws ShapeError naming the op when the axis is out of range. Example: `sum(x, 1)` of [2, 3] is
/// [2].
Tensor sum(const Tensor& x, std::int64_t axis, bool keepdim);
Tensor mean(const Tensor& x, std::int64_t axis, bool keepdim);

// ---- linear algebra and shapes ---------------------------------------------------------------------------
/// Matrix product: a [m, k] times b [k, n] gives [m, n]; a [m, k] times a vector [k] gives [m].
/// Throws ShapeError unless a is 2-D, b is 1-D or 2-D and the inner sizes match.
/// Example: `auto h = matmul(x, w);`
Tensor matmul(const Tensor& a, const Tensor& b);
/// The affine map x W + b in one op: x [m, k], weight [k, n] and bias [n] give [m, n]. Same values and
/// gradients as matmul(x, weight) + bias, with one record and one output instead of two (nn's Linear uses
/// it). Throws ShapeError naming the three shapes unless they have these ranks and matching sizes.
/// Example: `auto h = relu(linear(x, w1, b1));`
Tensor linear(const Tensor& x, const Tensor& weight, const Tensor& bias);
/// The transpose of a 2-D tensor ([m, n] -> [n, m], a copy). Throws ShapeError for other ranks.
Tensor transpose(const Tensor& x);
/// The same elements seen as `shape` (one dimension may be -1: inferred), sharing x's data.
/// Throws ShapeError naming both shapes when the element counts differ.
Tensor reshape(const Tensor& x, const Shape& shape);

// ---- softmax ----------------------------------------------------------------------------------------------
/// exp(x) normalised to sum 1 along `axis` (default: the last), computed with the maximum subtracted, so no
/// exp overflows. Same shape as x. Throws ShapeError naming the op when the axis is out of range.
Tensor softmax(const Tensor& x, std::int64_t axis = -1);
/// log(softmax(x)) along `axis`, computed as x - max - log(sum exp(x - max)) (finite for any finite x).
Tensor log_softmax(const Tensor& x, std::int64_t axis = -1);

}  // namespace tapegrad
