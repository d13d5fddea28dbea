// SPDX-License-Identifier: MIT
// layout.cpp: the layout front end: each function builds its row's Attrs and calls detail::apply.
#include "tapegrad/autodiff/tensor/layout.hpp"

#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tapegrad/autodiff/tensor/front_end.hpp"

namespace tapegrad {

namespace tops = ops::tensor;

Tensor transpose(const Tensor& x) {
  TAPEGRAD_CHECK(x.dim() == 2, ShapeError, "transpose: expected a 2-D tensor, got shape ",
                 to_string(x.shape()), " (transpose(x, axis0, axis1) swaps two axes of any rank)");
  return detail::apply<tops::Transpose>({.axis0 = 0, .axis1 = 1}, {x});
}

Tensor reshape(const Tensor& x, const Shape& shape) {
  // Resolve one -1 from the element count; anything else that does not fit is Reshape's error.
  Shape resolved = shape;
  std::int64_t known = 1;
  std::size_t inferred = shape.size();
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (shape[i] == -1 && inferred == shape.size()) {
      inferred = i;
      continue;
    }
    TAPEGRAD_CHECK(shape[i] >= 0, ShapeError,
                   "reshape: dimensions must be non-negative (one may be -1), got ", to_string(shape),
                   " for a tensor of shape ", to_string(x.shape()));
    known *= shape[i];
  }
  if (inferred != shape.size()) {
    TAPEGRAD_CHECK(known != 0 && x.numel() % known == 0, ShapeError, "reshape: cannot view shape ",
                   to_string(x.shape()), " (", x.numel(), " elements) as ", to_string(shape));
    resolved[inferred] = x.numel() / known;
  }
  return detail::apply<tops::Reshape>({.shape = resolved}, {x});
}

namespace {
std::string axes_text(std::span<const std::int64_t> axes) {
  std::string s = "(";
  for (std::size_t i = 0; i < axes.size(); ++i) (s += (i > 0 ? ", " : "")) += std::to_string(axes[i]);
  return s + ")";
}

detail::TensorList as_list(std::span<const Tensor> xs) {
  return detail::TensorList(xs.begin(), xs.end());
}
}  // namespace

Tensor transpose(const Tensor& x, std::int64_t axis0, std::int64_t axis1) {
  return detail::apply<tops::Transpose>({.axis0 = normalize_axis(axis0, x.dim(), "transpose"),
                                         .axis1 = normalize_axis(axis1, x.dim(), "transpose")},
                                        {x});
}

Tensor permute(const Tensor& x, std::span<const std::int64_t> axes) {
  const std::size_t rank = x.dim();
  TAPEGRAD_CHECK(axes.size() == rank, ShapeError, "permute: expected ", rank, " axes for x of shape ",
                 to_string(x.shape()), ", got ", axes_text(axes));
  Shape normalised(rank);
  Shape seen(rank, 0);
  for (std::size_t d = 0; d < rank; ++d) {
    const std::size_t a = normalize_axis(axes[d], rank, "permute");
    TAPEGRAD_CHECK(seen[a] == 0, ShapeError, "permute: axes ", axes_text(axes),
                   " are not a permutation of the dimensions of x of shape ", to_string(x.shape()), " (axis ",
                   a, " repeats)");
    seen[a] = 1;
    normalised[d] = static_cast<std::int64_t>(a);
  }
  // Copied, not moved: moving this small_vector made GCC 12 -O3 warn (a false -Wstringop-overread).
  return detail::apply<tops::Permute>({.axes = normalised}, {x});
}

Tensor permute(const Tensor& x, std::initializer_list<std::int64_t> axes) {
  return permute(x, std::span<const std::int64_t>(axes.begin(), axes.size()));
}

Tensor concat(std::span<const Tensor> xs, std::int64_t axis) {
  TAPEGRAD_CHECK(!xs.empty(), ShapeError, "concat: expected at least one tensor, got an empty list");
  return detail::apply<tops::Concat>({.axis = normalize_axis(axis, xs[0].dim(), "concat")}, as_list(xs));
}

Tensor concat(std::initializer_list<Tensor> xs, std::int64_t axis) {
  return concat(std::span<const Tensor>(xs.begin(), xs.size()), axis);
}

Tensor concat(const std::vector<Tensor>& xs, std::int64_t axis) {
  return concat(std::span<const Tensor>(xs), axis);
}

Tensor stack(std::span<const Tensor> xs, std::int64_t axis) {
  TAPEGRAD_CHECK(!xs.empty(), ShapeError, "stack: expected at least one tensor, got an empty list");
  return detail::apply<tops::Stack>({.axis = normalize_axis(axis, xs[0].dim() + 1, "stack")}, as_list(xs));
}

Tensor stack(std::initializer_list<Tensor> xs, std::int64_t axis) {
  return stack(std::span<const Tensor>(xs.begin(), xs.size()), axis);
}

Tensor stack(const std::vector<Tensor>& xs, std::int64_t axis) {
  return stack(std::span<const Tensor>(xs), axis);
}

Tensor slice(const Tensor& x, std::int64_t start, std::int64_t end) {
  TAPEGRAD_CHECK(x.dim() >= 1, ShapeError, "slice: expected a tensor with at least one dimension, got shape ",
                 to_string(x.shape()));
  const std::int64_t rows = x.shape()[0];
  const std::int64_t first = start < 0 ? start + rows : start;
  const std::int64_t last = end < 0 ? end + rows : end;
  TAPEGRAD_CHECK(0 <= first && first <= last && last <= rows, IndexError, "slice: rows [", start, ", ", end,
                 ") are out of range for the leading axis of size ", rows, " of x ", to_string(x.shape()),
                 " (after counting negative bounds from the end, 0 <= start <= end <= ", rows, " must hold)");
  return detail::apply<tops::Slice>({.start = first, .end = last}, {x});
}

}  // namespace tapegrad
