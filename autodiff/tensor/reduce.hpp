// SPDX-License-Identifier: MIT
// reduce.hpp: sums, means, extremes and logsumexp, of all elements or along one or several axes; the
// extremes with their indices; argmax.
// An integer (not bool) second argument always means an axis, as in PyTorch.
// Every op throws ShapeError when its inputs mix float32 and float64 (no implicit promotion) and TapeError
// when an input is undefined or belongs to a cleared recording.
#pragma once

#include <concepts>
#include <cstdint>
#include <initializer_list>
#include <span>
#include <vector>

#include "tapegrad/autodiff/core/shape.hpp"
#include "tapegrad/autodiff/tensor/tensor.hpp"

namespace tapegrad {

/// Sum (or mean) of all elements: shape [] (all ones of the same rank with keepdim).
/// Example: `Tensor loss = mean((y - target) * (y - target));`
Tensor sum(const Tensor& x, bool keepdim = false);
Tensor mean(const Tensor& x, bool keepdim = false);
/// Sum (or mean) along `axis` (negative counts from the end): that dimension is removed, or kept as 1 with
/// keepdim. Throws ShapeError naming the op when the axis is out of range. Example: `sum(x, 1)` of [2, 3] is
/// [2].
Tensor sum(const Tensor& x, std::int64_t axis, bool keepdim = false);
Tensor mean(const Tensor& x, std::int64_t axis, bool keepdim = false);

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

/// The same reductions over several axes at once (negative count from the end), as torch's dim=(0, 2):
/// those dimensions are removed, or kept as 1 with keepdim. max and min split a tie evenly over all the
/// reduced elements of a lane. Throws ShapeError naming the op, the axes and x's shape for an empty list,
/// an axis out of range or one named twice. Example: `mean(x, {2, 3})` of [n, c, h, w] is [n, c].
Tensor sum(const Tensor& x, std::span<const std::int64_t> axes, bool keepdim = false);
Tensor sum(const Tensor& x, std::initializer_list<std::int64_t> axes, bool keepdim = false);
Tensor mean(const Tensor& x, std::span<const std::int64_t> axes, bool keepdim = false);
Tensor mean(const Tensor& x, std::initializer_list<std::int64_t> axes, bool keepdim = false);
Tensor max(const Tensor& x, std::span<const std::int64_t> axes, bool keepdim = false);
Tensor max(const Tensor& x, std::initializer_list<std::int64_t> axes, bool keepdim = false);
Tensor min(const Tensor& x, std::span<const std::int64_t> axes, bool keepdim = false);
Tensor min(const Tensor& x, std::initializer_list<std::int64_t> axes, bool keepdim = false);
Tensor logsumexp(const Tensor& x, std::span<const std::int64_t> axes, bool keepdim = false);
Tensor logsumexp(const Tensor& x, std::initializer_list<std::int64_t> axes, bool keepdim = false);

/// What max_with_indices and min_with_indices return (torch.max(x, dim)'s (values, indices)).
struct ValuesIndices {
  Tensor values;   // x's dtype
  Tensor indices;  // int64, the same shape
};
/// The largest (smallest) element of each lane along `axis` and its index there (the first one when
/// several are equal; a NaN counts as largest and as smallest, as in PyTorch): both of x's shape without
/// that axis (kept as 1 with keepdim). Differentiable in values: the gradient goes to the one element
/// chosen (unlike max(x, axis), which splits a tie). Throws ShapeError naming the op for an int64 x, an
/// axis out of range or an empty lane. Example: `auto [score, label] = max_with_indices(logits, 1);`
ValuesIndices max_with_indices(const Tensor& x, std::int64_t axis, bool keepdim = false);
ValuesIndices min_with_indices(const Tensor& x, std::int64_t axis, bool keepdim = false);

// Without these, `sum(x, 1)` would convert 1 to the all-elements overload's `bool keepdim` and silently sum
// everything. An integer (not bool) second argument always means an axis, as in PyTorch.
template <std::integral I>
requires(!std::same_as<I, bool>) Tensor sum(const Tensor& x, I axis, bool keepdim = false) {
  return sum(x, static_cast<std::int64_t>(axis), keepdim);
}
template <std::integral I>
requires(!std::same_as<I, bool>) Tensor mean(const Tensor& x, I axis, bool keepdim = false) {
  return mean(x, static_cast<std::int64_t>(axis), keepdim);
}
template <std::integral I>
requires(!std::same_as<I, bool>) Tensor max(const Tensor& x, I axis, bool keepdim = false) {
  return max(x, static_cast<std::int64_t>(axis), keepdim);
}
template <std::integral I>
requires(!std::same_as<I, bool>) Tensor min(const Tensor& x, I axis, bool keepdim = false) {
  return min(x, static_cast<std::int64_t>(axis), keepdim);
}
template <std::integral I>
requires(!std::same_as<I, bool>) Tensor logsumexp(const Tensor& x, I axis, bool keepdim = false) {
  return logsumexp(x, static_cast<std::int64_t>(axis), keepdim);
}

}  // namespace tapegrad
