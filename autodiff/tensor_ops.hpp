// SPDX-License-Identifier: MIT
// tensor_ops.hpp: the front end of the tensor derivatives table, one function per spelling.
// Each function runs one row of ops/tensor_*.hpp through detail::apply, which records it on the active
// tape when an input requires grad. Every op throws ShapeError when its inputs mix float32 and float64
// (no implicit promotion) and TapeError when an input is undefined or belongs to a cleared recording.
#pragma once

#include <cstdint>
#include <vector>

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

// ---- more elementwise functions ------------------------------------------------------------------------
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

/// Comparison masks: 1 where a > b (gt), a < b (lt), a >= b (ge), a <= b (le), a == b (eq), 0 elsewhere
/// (NaN compares false), in a's dtype, with NumPy broadcasting; a double operand acts as a 0-D tensor.
/// Not differentiable: they record nothing, and the result is a constant (requires_grad false).
/// Throws ShapeError for shapes that do not broadcast or mixed dtypes. Example: `where(lt(x, 0.0), -x, x)`.
Tensor gt(const Tensor& a, const Tensor& b);
Tensor lt(const Tensor& a, const Tensor& b);
Tensor ge(const Tensor& a, const Tensor& b);
Tensor le(const Tensor& a, const Tensor& b);
Tensor eq(const Tensor& a, const Tensor& b);
Tensor gt(const Tensor& a, double b);
Tensor lt(const Tensor& a, double b);
Tensor ge(const Tensor& a, double b);
Tensor le(const Tensor& a, double b);
Tensor eq(const Tensor& a, double b);

// ---- more reductions
// ---------------------------------------------------------------------------------------
/// Largest (max) or smallest (min) element, of all elements (shape [], or all ones with keepdim) or along
/// `axis` (negative counts from the end; removed, or kept as 1 with keepdim). A lane holding a NaN gives
/// NaN. The gradient goes to the extreme element; when several are equal it is split evenly among them.
/// Throws ShapeError naming the op when the axis is out of range or the reduced lane is empty.
/// Example: `max(logits, 1, true)` of [32, 10] is [32, 1].
Tensor max(const Tensor& x, bool keepdim = false);
Tensor max(const Tensor& x, std::int64_t axis, bool keepdim);
Tensor min(const Tensor& x, bool keepdim = false);
Tensor min(const Tensor& x, std::int64_t axis, bool keepdim);
/// log(sum(exp(x))) of all elements or along `axis`, shaped as sum's result, computed with the lane's
/// maximum subtracted, so no exp overflows (finite for any finite x; -inf for an empty lane). Its gradient
/// is softmax(x) along the lane. Throws ShapeError naming the op when the axis is out of range.
Tensor logsumexp(const Tensor& x, bool keepdim = false);
Tensor logsumexp(const Tensor& x, std::int64_t axis, bool keepdim);
/// Index of the largest element of each lane along `axis`, the first one when several are equal (a NaN
/// counts as largest), in the row-major order of the result shape without that axis. Not differentiable.
/// Throws ShapeError naming the op when the axis is out of range or has size 0.
/// Example: `argmax(logits, 1)` of [32, 10] gives 32 class indices.
std::vector<std::int64_t> argmax(const Tensor& x, std::int64_t axis);

}  // namespace tapegrad
