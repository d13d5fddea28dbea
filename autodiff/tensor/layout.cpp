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
#include "tapegrad/autodiff/tensor/linalg.hpp"

namespace tapegrad {

namespace tops = ops::tensor;

Tensor transpose(const Tensor& x) {
  TAPEGRAD_CHECK(x.dim() == 2, ShapeError, "transpose: expected a 2-D tensor, got shape ",
                 to_string(x.shape()), " (transpose(x, axis0, axis1) swaps two axes of any rank)");
  return detail::apply<tops::Transpose>({.axis0 = 0, .axis1 = 1}, {x});
}

Tensor reshape(const Tensor& x, const Shape& shape) {
  return detail::apply<tops::Reshape>({.shape = tops::Reshape::resolve(shape, x.shape())}, {x});
}

namespace {

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
  return detail::apply<tops::Permute>({.axes = tops::Permute::normalize(axes, x.shape())}, {x});
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
  return detail::apply<tops::Slice>({.axis = 0, .start = first, .count = last - first, .step = 1}, {x});
}

Tensor slice(const Tensor& x, std::int64_t axis, std::int64_t start, std::int64_t stop, std::int64_t step) {
  TAPEGRAD_CHECK(x.defined(), TapeError, "slice: the input tensor is undefined");
  const std::size_t a = normalize_axis(axis, x.dim(), "slice");
  TAPEGRAD_CHECK(step > 0, DomainError, "slice: step must be positive, got ", step, " for axis ", axis,
                 " of x ", to_string(x.shape()));
  const std::int64_t size = x.shape()[a];
  const std::int64_t first = start < 0 ? start + size : start;
  const std::int64_t last = stop < 0 ? stop + size : stop;
  TAPEGRAD_CHECK(0 <= first && first <= last && last <= size, IndexError, "slice: [", start, ", ", stop,
                 ") is out of range for axis ", axis, " of size ", size, " of x ", to_string(x.shape()),
                 " (after counting negative bounds from the end, 0 <= start <= stop <= ", size,
                 " must hold)");
  // The elements first, first + step, ... below last: ceil((last - first) / step) of them.
  const std::int64_t count = (last - first + step - 1) / step;
  return detail::apply<tops::Slice>({.axis = a, .start = first, .count = count, .step = step}, {x});
}

Tensor squeeze(const Tensor& x) {
  TAPEGRAD_CHECK(x.defined(), TapeError, "squeeze: the input tensor is undefined");
  Shape s;
  for (const std::int64_t d : x.shape())
    if (d != 1) s.push_back(d);
  return reshape(x, s);
}

Tensor squeeze(const Tensor& x, std::int64_t axis) {
  TAPEGRAD_CHECK(x.defined(), TapeError, "squeeze: the input tensor is undefined");
  if (x.dim() == 0 && (axis == 0 || axis == -1)) return reshape(x, x.shape());  // as PyTorch: a 0-D stays
  const std::size_t a = normalize_axis(axis, x.dim(), "squeeze");
  Shape s = x.shape();
  if (s[a] == 1) s.erase(s.begin() + static_cast<std::ptrdiff_t>(a));
  return reshape(x, s);
}

Tensor unsqueeze(const Tensor& x, std::int64_t axis) {
  TAPEGRAD_CHECK(x.defined(), TapeError, "unsqueeze: the input tensor is undefined");
  const std::size_t a = normalize_axis(axis, x.dim() + 1, "unsqueeze");
  Shape s = x.shape();
  s.insert(s.begin() + static_cast<std::ptrdiff_t>(a), 1);
  return reshape(x, s);
}

Tensor flatten(const Tensor& x, std::int64_t start_dim, std::int64_t end_dim) {
  TAPEGRAD_CHECK(x.defined(), TapeError, "flatten: the input tensor is undefined");
  if (x.dim() == 0) return reshape(x, {1});  // as PyTorch: a 0-D tensor flattens to [1]
  const std::size_t first = normalize_axis(start_dim, x.dim(), "flatten");
  const std::size_t last = normalize_axis(end_dim, x.dim(), "flatten");
  TAPEGRAD_CHECK(first <= last, ShapeError, "flatten: start_dim ", start_dim, " comes after end_dim ",
                 end_dim, " for x of shape ", to_string(x.shape()));
  const Shape& xs = x.shape();
  Shape s(xs.begin(), xs.begin() + static_cast<std::ptrdiff_t>(first));
  s.push_back(dims_product(xs, first, last + 1));
  s.insert(s.end(), xs.begin() + static_cast<std::ptrdiff_t>(last + 1), xs.end());
  return reshape(x, s);
}

Tensor expand(const Tensor& x, const Shape& shape) {
  TAPEGRAD_CHECK(x.defined(), TapeError, "expand: the input tensor is undefined");
  return detail::apply<tops::Expand>({.shape = tops::Expand::resolve(shape, x.shape())}, {x});
}

Tensor narrow(const Tensor& x, std::int64_t axis, std::int64_t start, std::int64_t length) {
  const std::size_t a = normalize_axis(axis, x.dim(), "narrow");
  const std::int64_t size = x.shape()[a];
  const std::int64_t first = start < 0 ? start + size : start;
  TAPEGRAD_CHECK(0 <= first && 0 <= length && first + length <= size, IndexError, "narrow: elements [", start,
                 ", ", start, " + ", length, ") are out of range for axis ", axis, " of size ", size,
                 " of x ", to_string(x.shape()));
  return detail::apply<tops::Narrow>({.axis = a, .start = first, .length = length}, {x});
}

}  // namespace tapegrad
