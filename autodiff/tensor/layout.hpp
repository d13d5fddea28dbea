// SPDX-License-Identifier: MIT
// layout.hpp: ops that move elements without computing new ones: reshape, transpose, permute,
// concat, stack, slice and narrow, squeeze, unsqueeze, flatten and expand.
// reshape (and squeeze, unsqueeze, flatten, which are reshapes) is a view (it shares the data); the others
// copy, since every Tensor is contiguous. Every op throws ShapeError when its inputs mix float32 and float64
// (no implicit promotion) and TapeError when an input is undefined or belongs to a cleared recording.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <span>
#include <vector>

#include "tapegrad/autodiff/core/shape.hpp"
#include "tapegrad/autodiff/tensor/tensor.hpp"

namespace tapegrad {

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

/// Elements start, start + step, ... below stop along any `axis` (Python's x[..., start:stop:step, ...]
/// on that axis; negative axis and bounds count from the end), a copy: x's shape with that axis of size
/// ceil((stop - start) / step). Bounds are not clamped: after resolving them, 0 <= start <= stop <= size
/// must hold, else IndexError naming the range, the axis and the shape; ShapeError for a bad axis,
/// DomainError unless step > 0. Example: `slice(x, 1, 0, 8, 2)` of [n, 8] is its even columns, [n, 4].
Tensor slice(const Tensor& x, std::int64_t axis, std::int64_t start, std::int64_t stop,
             std::int64_t step = 1);

/// x without its dimensions of size 1 (squeeze(x)), or without dimension `axis` if it has size 1 (else
/// x's shape is kept, as PyTorch); a view (reshape). Throws ShapeError naming the op for a bad axis.
/// Example: `squeeze(x)` of [3, 1, 4, 1] is [3, 4]; `squeeze(x, 1)` is [3, 4, 1].
Tensor squeeze(const Tensor& x);
Tensor squeeze(const Tensor& x, std::int64_t axis);
/// x with a new dimension of size 1 at `axis`, in [-(rank + 1), rank] (negative counts from the end of
/// the result); a view. Throws ShapeError naming the op for a bad axis. Example: `unsqueeze(x, 0)` of [3]
/// is [1, 3], `unsqueeze(x, -1)` is [3, 1].
Tensor unsqueeze(const Tensor& x, std::int64_t axis);
/// Dimensions start_dim..end_dim (inclusive, negative count from the end) merged into one; a view. A 0-D
/// x gives [1]. Throws ShapeError naming the op for a bad axis or end_dim before start_dim.
/// Example: `flatten(x, 1)` of [n, c, h, w] is [n, c h w]; `flatten(x)` is [n c h w].
Tensor flatten(const Tensor& x, std::int64_t start_dim = 0, std::int64_t end_dim = -1);
/// x broadcast to `shape` (NumPy rules: x's dimensions align at the end and each equals the target's or
/// is 1; new leading dimensions may be added; -1 keeps x's size), a copy, since every Tensor is
/// contiguous. The gradient is summed over the broadcast dimensions. Throws ShapeError naming both shapes
/// when x does not broadcast to it. Example: `expand(b, {32, 10})` of [10] is [32, 10].
Tensor expand(const Tensor& x, const Shape& shape);

/// Elements [start, start + length) along `axis` (negative axis counts from the end), a copy: x's shape
/// with that axis of size length (torch.narrow). Throws ShapeError for a bad axis, IndexError naming the
/// range and the shape unless 0 <= start and start + length <= size (a negative start counts from the end).
/// Example: the forget gate of an LSTM's gates [batch, 4h] is `narrow(gates, 1, h, h)`.
Tensor narrow(const Tensor& x, std::int64_t axis, std::int64_t start, std::int64_t length);

}  // namespace tapegrad
