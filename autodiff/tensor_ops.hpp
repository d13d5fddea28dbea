// SPDX-License-Identifier: MIT
// tensor_ops.hpp: the front end of the tensor derivatives table, one function per spelling.
// Each function runs one row of ops/tensor_*.hpp through detail::apply, which records it on the active
// tape when an input requires grad. Every op throws ShapeError when its inputs mix float32 and float64
// (no implicit promotion) and TapeError when an input is undefined or belongs to a cleared recording.
#pragma once

#include <concepts>
#include <cstdint>
#include <initializer_list>
#include <span>
#include <vector>

#include "autodiff/dtype.hpp"
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
Tensor sum(const Tensor& x, std::int64_t axis, bool keepdim = false);
Tensor mean(const Tensor& x, std::int64_t axis, bool keepdim = false);

// ---- linear algebra and shapes ---------------------------------------------------------------------------
/// Matrix product, as torch.matmul for operands of 1 to 3 dimensions: [m, k] @ [k, n] -> [m, n],
/// [m, k] @ [k] -> [m], [k] @ [k, n] -> [n], [k] @ [k] -> [] (dot product), and batches of matrices
/// [b, m, k] @ [b, k, n] -> [b, m, n], where a 2-D (or 1-D, or batch-size-1) side is shared by the whole
/// batch: [b, m, k] @ [k, n] -> [b, m, n] (the gradient of the shared side sums over the batch).
/// Throws ShapeError naming both shapes when the inner sizes or the batch sizes differ, or an operand has
/// 0 or more than 3 dimensions. Example: `auto h = matmul(x, w);`
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
Tensor max(const Tensor& x, std::int64_t axis, bool keepdim = false);
Tensor min(const Tensor& x, bool keepdim = false);
Tensor min(const Tensor& x, std::int64_t axis, bool keepdim = false);
/// log(sum(exp(x))) of all elements or along `axis`, shaped as sum's result, computed with the lane's
/// maximum subtracted, so no exp overflows (finite for any finite x; -inf for an empty lane). Its gradient
/// is softmax(x) along the lane. Throws ShapeError naming the op when the axis is out of range.
Tensor logsumexp(const Tensor& x, bool keepdim = false);
Tensor logsumexp(const Tensor& x, std::int64_t axis, bool keepdim = false);
/// Index of the largest element of each lane along `axis`, the first one when several are equal (a NaN
/// counts as largest), in the row-major order of the result shape without that axis. Not differentiable.
/// Throws ShapeError naming the op when the axis is out of range or has size 0.
/// Example: `argmax(logits, 1)` of [32, 10] gives 32 class indices.
std::vector<std::int64_t> argmax(const Tensor& x, std::int64_t axis);

// ---- axes, joining, slicing and indexing ------------------------------------------------------------------
/// x with axes axis0 and axis1 swapped (negative axes count from the end), a copy; any rank. Throws
/// ShapeError naming the op when an axis is out of range. Example: `transpose(x, 1, 2)` of [b, m, n] is
/// [b, n, m].
Tensor transpose(const Tensor& x, std::int64_t axis0, std::int64_t axis1);
/// x with its axes reordered, a copy: dimension d of the result is dimension axes[d] of x (negative axes
/// count from the end). Throws ShapeError naming the axes and x's shape unless they are a permutation of
/// x's dimensions. Example: `permute(x, {2, 0, 1})` of [a, b, c] is [c, a, b].
Tensor permute(const Tensor& x, std::span<const std::int64_t> axes);
Tensor permute(const Tensor& x, std::initializer_list<std::int64_t> axes);
/// The tensors joined along an existing `axis` (negative counts from the end): every other dimension must
/// match. Throws ShapeError on an empty list, a bad axis, or a mismatch (naming both shapes).
/// Example: `concat({a, b}, 0)` of [2, 3] and [4, 3] is [6, 3].
Tensor concat(std::span<const Tensor> xs, std::int64_t axis);
Tensor concat(std::initializer_list<Tensor> xs, std::int64_t axis);
Tensor concat(const std::vector<Tensor>& xs, std::int64_t axis);
/// The tensors (all of one shape) joined along a new `axis` in 0..rank (negative counts from the end of
/// the result's rank + 1). Throws ShapeError on an empty list, a bad axis or differing shapes.
/// Example: `stack({a, b, c}, 0)` of three [4] is [3, 4].
Tensor stack(std::span<const Tensor> xs, std::int64_t axis);
Tensor stack(std::initializer_list<Tensor> xs, std::int64_t axis);
Tensor stack(const std::vector<Tensor>& xs, std::int64_t axis);
/// Rows [start, end) of the leading axis (a batch), a copy of shape [end - start, ...]. Negative bounds
/// count from the end as in Python (-1 is the last row), but out-of-range bounds are not clamped: after
/// resolving them, 0 <= start <= end <= rows must hold, else IndexError naming the range and the shape.
/// A 0-D x throws ShapeError. Example: `slice(x, 0, 32)` is the first batch of 32 rows; `slice(x, -2, n)`
/// the last two of n.
Tensor slice(const Tensor& x, std::int64_t start, std::int64_t end);
/// The slices of x at `indices` along `axis` (negative axis counts from the end), in that order, repeats
/// allowed: the result has x's shape with that axis of size indices.size(). The gradient of a repeated
/// index accumulates. Indices are not wrapped: each must lie in [0, size), else IndexError naming the
/// index and the size. Example: `index_select(embedding, 0, token_ids)` of [vocab, dim] is [n, dim].
Tensor index_select(const Tensor& x, std::int64_t axis, std::span<const std::int64_t> indices);
Tensor index_select(const Tensor& x, std::int64_t axis, std::initializer_list<std::int64_t> indices);
/// One element per lane along `axis`: the result has x's shape with that axis of size 1, and holds
/// x[..., index[lane], ...] for each lane, index listing the lanes in the result's row-major order (as
/// torch.gather with an index of size 1 along the axis). Throws ShapeError unless index has one entry per
/// lane, IndexError (index, size) unless each is in [0, size). Example, a cross-entropy over [batch,
/// classes]: `-mean(gather(log_softmax(logits, 1), 1, labels))`.
Tensor gather(const Tensor& x, std::int64_t axis, std::span<const std::int64_t> index);
Tensor gather(const Tensor& x, std::int64_t axis, std::initializer_list<std::int64_t> index);
/// A [labels.size(), num_classes] tensor of 0s with a 1 at (i, labels[i]): a factory, so a leaf without
/// grad. Throws ShapeError for a negative num_classes, IndexError (label, num_classes) unless every label is
/// in [0, num_classes). Example: `one_hot({2, 0}, 3)` is [[0, 0, 1], [1, 0, 0]].
Tensor one_hot(std::span<const std::int64_t> labels, std::int64_t num_classes, Dtype dtype = Dtype::float32);
Tensor one_hot(std::initializer_list<std::int64_t> labels, std::int64_t num_classes,
               Dtype dtype = Dtype::float32);

// ---- an int second argument is an axis -------------------------------------------------------------------
// Without these, `sum(x, 1)` would convert 1 to the all-elements overload's `bool keepdim` and silently sum
// everything. An integer (not bool) second argument always means an axis, as in PyTorch.
template <std::integral I>
  requires(!std::same_as<I, bool>)
Tensor sum(const Tensor& x, I axis, bool keepdim = false) {
  return sum(x, static_cast<std::int64_t>(axis), keepdim);
}
template <std::integral I>
  requires(!std::same_as<I, bool>)
Tensor mean(const Tensor& x, I axis, bool keepdim = false) {
  return mean(x, static_cast<std::int64_t>(axis), keepdim);
}
template <std::integral I>
  requires(!std::same_as<I, bool>)
Tensor max(const Tensor& x, I axis, bool keepdim = false) {
  return max(x, static_cast<std::int64_t>(axis), keepdim);
}
template <std::integral I>
  requires(!std::same_as<I, bool>)
Tensor min(const Tensor& x, I axis, bool keepdim = false) {
  return min(x, static_cast<std::int64_t>(axis), keepdim);
}
template <std::integral I>
  requires(!std::same_as<I, bool>)
Tensor logsumexp(const Tensor& x, I axis, bool keepdim = false) {
  return logsumexp(x, static_cast<std::int64_t>(axis), keepdim);
}

}  // namespace tapegrad
