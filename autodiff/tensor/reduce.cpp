// SPDX-License-Identifier: MIT
// reduce.cpp: the reduce front end: each function builds its row's Attrs and calls detail::apply.
#include "tapegrad/autodiff/tensor/reduce.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tapegrad/autodiff/kernels/lanes.hpp"
#include "tapegrad/autodiff/tensor/front_end.hpp"
#include "tapegrad/autodiff/tensor/indexing.hpp"
#include "tapegrad/autodiff/tensor/layout.hpp"
#include "tapegrad/autodiff/tensor/linalg.hpp"

namespace tapegrad {

namespace tops = ops::tensor;

Tensor sum(const Tensor& x, bool keepdim) {
  return detail::reduce<tops::Sum>(x, true, 0, keepdim);
}

Tensor mean(const Tensor& x, bool keepdim) {
  return detail::reduce<tops::Mean>(x, true, 0, keepdim);
}

Tensor sum(const Tensor& x, std::int64_t axis, bool keepdim) {
  return detail::reduce<tops::Sum>(x, false, axis, keepdim);
}

Tensor mean(const Tensor& x, std::int64_t axis, bool keepdim) {
  return detail::reduce<tops::Mean>(x, false, axis, keepdim);
}

Tensor max(const Tensor& x, bool keepdim) {
  return detail::reduce<tops::Max>(x, true, 0, keepdim);
}

Tensor max(const Tensor& x, std::int64_t axis, bool keepdim) {
  return detail::reduce<tops::Max>(x, false, axis, keepdim);
}

Tensor min(const Tensor& x, bool keepdim) {
  return detail::reduce<tops::Min>(x, true, 0, keepdim);
}

Tensor min(const Tensor& x, std::int64_t axis, bool keepdim) {
  return detail::reduce<tops::Min>(x, false, axis, keepdim);
}

Tensor logsumexp(const Tensor& x, bool keepdim) {
  return detail::reduce<tops::LogSumExp>(x, true, 0, keepdim);
}

Tensor logsumexp(const Tensor& x, std::int64_t axis, bool keepdim) {
  return detail::reduce<tops::LogSumExp>(x, false, axis, keepdim);
}

namespace {

/// The index of the extreme element of each lane along axis a (the first of equal ones; a NaN beats any
/// number), in the row-major order of the reduced shape.
template <bool kMax>
std::vector<std::int64_t> extreme_indices(const Tensor& x, std::size_t a, std::string_view op) {
  detail::check_lanes_nonempty(op, x.shape(), false, a);
  const auto [outer, n, inner] = detail::split_at(x.shape(), a);
  std::vector<std::int64_t> indices(static_cast<std::size_t>(outer * inner));
  detail::dispatch(x.dtype(), [&]<class T>() {
    const T* px = x.data<T>();
    detail::for_each_lane(x.shape(), false, a,
                          [&](std::int64_t first, std::int64_t stride, std::int64_t count, std::int64_t o) {
                            std::int64_t best = 0;
                            for (std::int64_t k = 1; k < count; ++k)
                              if (detail::beats<kMax>(px[first + k * stride], px[first + best * stride]))
                                best = k;
                            indices[static_cast<std::size_t>(o)] = best;
                          });
  });
  return indices;
}

/// Checks x as apply() would, so that the index loops above never meet an undefined or int64 tensor.
void check_float_input(const Tensor& x, std::string_view op) {
  TAPEGRAD_CHECK(x.defined(), TapeError, op, ": the input tensor is undefined");
  TAPEGRAD_CHECK(is_floating(x.dtype()), ShapeError, op, ": expected a float32 or float64 tensor, got ",
                 to_string(x.shape()), " ", x.dtype(),
                 " (int64 tensors hold indices and take no arithmetic)");
}

template <bool kMax>
ValuesIndices extreme_with_indices(const Tensor& x, std::int64_t axis, bool keepdim, std::string_view op) {
  check_float_input(x, op);
  const std::size_t a = normalize_axis(axis, x.dim(), op);
  const std::vector<std::int64_t> idx = extreme_indices<kMax>(x, a, op);
  // The values are x gathered at the indices, so the gradient goes to exactly the element chosen.
  Tensor values = gather(x, static_cast<std::int64_t>(a), std::span<const std::int64_t>(idx));
  const Shape shape = detail::reduced_shape(x.shape(), false, a, keepdim);
  if (!keepdim) values = reshape(values, shape);
  return {std::move(values), from<std::int64_t>(idx, shape)};
}

/// A reduction over several axes as one reduction along one axis: the reduced axes are moved to the end
/// (no move when they are already adjacent) and merged, so max and min still split a tie evenly over the
/// whole set of reduced elements. The rows used (permute, reshape, the reduction) carry the gradient.
template <class Op>
Tensor reduce_axes(const Tensor& x, std::span<const std::int64_t> axes, bool keepdim) {
  TAPEGRAD_CHECK(x.defined(), TapeError, Op::name, ": the input tensor is undefined");
  const auto text = [&] {
    std::string t = "(";
    for (std::size_t i = 0; i < axes.size(); ++i) (t += (i > 0 ? ", " : "")) += std::to_string(axes[i]);
    return t + ")";
  };
  TAPEGRAD_CHECK(!axes.empty(), ShapeError, Op::name, ": expected at least one axis for x of shape ",
                 to_string(x.shape()), " (the overload without axes reduces every element)");
  const std::size_t rank = x.dim();
  std::vector<bool> reduced(rank, false);
  for (const std::int64_t axis : axes) {
    const std::size_t a = normalize_axis(axis, rank, Op::name);
    TAPEGRAD_CHECK(!reduced[a], ShapeError, Op::name, ": axes ", text(), " for x of shape ",
                   to_string(x.shape()), " name axis ", a, " twice");
    reduced[a] = true;
  }
  const Shape& xs = x.shape();
  Shape kept_shape, keepdim_shape, order;
  std::int64_t merged = 1;
  for (std::size_t d = 0; d < rank; ++d) {
    keepdim_shape.push_back(reduced[d] ? 1 : xs[d]);
    if (reduced[d]) {
      merged *= xs[d];
    } else {
      kept_shape.push_back(xs[d]);
      order.push_back(static_cast<std::int64_t>(d));
    }
  }
  if (axes.size() == 1) return detail::reduce<Op>(x, false, axes[0], keepdim);
  std::size_t lo = rank, hi = 0;
  for (std::size_t d = 0; d < rank; ++d)
    if (reduced[d]) {
      lo = std::min(lo, d);
      hi = d;
    }
  const bool adjacent = hi - lo + 1 == axes.size();
  Tensor lanes;
  std::int64_t along = 0;
  if (adjacent) {  // [before, merged, after]: a view
    Shape s(xs.begin(), xs.begin() + static_cast<std::ptrdiff_t>(lo));
    s.push_back(merged);
    s.insert(s.end(), xs.begin() + static_cast<std::ptrdiff_t>(hi + 1), xs.end());
    lanes = reshape(x, s);
    along = static_cast<std::int64_t>(lo);
  } else {  // [kept..., reduced...] merged into [kept..., merged]
    for (std::size_t d = 0; d < rank; ++d)
      if (reduced[d]) order.push_back(static_cast<std::int64_t>(d));
    Shape s = kept_shape;
    s.push_back(merged);
    lanes = reshape(permute(x, std::span<const std::int64_t>(order.data(), order.size())), s);
    along = static_cast<std::int64_t>(kept_shape.size());
  }
  const Tensor y = detail::reduce<Op>(lanes, false, along, false);
  return keepdim ? reshape(y, keepdim_shape) : y;
}

}  // namespace

std::vector<std::int64_t> argmax(const Tensor& x, std::int64_t axis) {
  check_float_input(x, "argmax");
  return extreme_indices<true>(x, normalize_axis(axis, x.dim(), "argmax"), "argmax");
}

ValuesIndices max_with_indices(const Tensor& x, std::int64_t axis, bool keepdim) {
  return extreme_with_indices<true>(x, axis, keepdim, "max_with_indices");
}

ValuesIndices min_with_indices(const Tensor& x, std::int64_t axis, bool keepdim) {
  return extreme_with_indices<false>(x, axis, keepdim, "min_with_indices");
}

Tensor sum(const Tensor& x, std::span<const std::int64_t> axes, bool keepdim) {
  return reduce_axes<tops::Sum>(x, axes, keepdim);
}
Tensor mean(const Tensor& x, std::span<const std::int64_t> axes, bool keepdim) {
  return reduce_axes<tops::Mean>(x, axes, keepdim);
}
Tensor max(const Tensor& x, std::span<const std::int64_t> axes, bool keepdim) {
  return reduce_axes<tops::Max>(x, axes, keepdim);
}
Tensor min(const Tensor& x, std::span<const std::int64_t> axes, bool keepdim) {
  return reduce_axes<tops::Min>(x, axes, keepdim);
}
Tensor logsumexp(const Tensor& x, std::span<const std::int64_t> axes, bool keepdim) {
  return reduce_axes<tops::LogSumExp>(x, axes, keepdim);
}

Tensor sum(const Tensor& x, std::initializer_list<std::int64_t> axes, bool keepdim) {
  return sum(x, std::span<const std::int64_t>(axes.begin(), axes.size()), keepdim);
}
Tensor mean(const Tensor& x, std::initializer_list<std::int64_t> axes, bool keepdim) {
  return mean(x, std::span<const std::int64_t>(axes.begin(), axes.size()), keepdim);
}
Tensor max(const Tensor& x, std::initializer_list<std::int64_t> axes, bool keepdim) {
  return max(x, std::span<const std::int64_t>(axes.begin(), axes.size()), keepdim);
}
Tensor min(const Tensor& x, std::initializer_list<std::int64_t> axes, bool keepdim) {
  return min(x, std::span<const std::int64_t>(axes.begin(), axes.size()), keepdim);
}
Tensor logsumexp(const Tensor& x, std::initializer_list<std::int64_t> axes, bool keepdim) {
  return logsumexp(x, std::span<const std::int64_t>(axes.begin(), axes.size()), keepdim);
}

}  // namespace tapegrad
