// SPDX-License-Identifier: MIT
// lanes.hpp: the loops under the reductions (sum, mean, max, min, logsumexp, argmax), on raw memory.
// A reduction combines *lanes*: along an axis the input is seen as [outer, n, inner] (split_at) and each of
// the outer * inner lanes holds n elements, `inner` apart; over all elements there is one lane. `all` and
// `axis` say which (the axis already normalised).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "tapegrad/autodiff/core/error.hpp"
#include "tapegrad/autodiff/core/shape.hpp"
#include "tapegrad/autodiff/kernels/partial_sum.hpp"
#include "tapegrad/autodiff/kernels/strided.hpp"

namespace tapegrad::detail {

/// The shape of a reduction's result: the axis (or every axis) removed, or kept with size 1 (keepdim).
inline Shape reduced_shape(const Shape& in, bool all, std::size_t axis, bool keepdim) {
  // Built by push_back into one named result: copy-then-erase made GCC 12 -O3 warn (a false
  // -Wstringop-overread inside small_vector's move).
  Shape out;
  for (std::size_t d = 0; d < in.size(); ++d) {
    if (all || d == axis) {
      if (keepdim) out.push_back(1);
    } else {
      out.push_back(in[d]);
    }
  }
  return out;
}

/// Elements per lane.
inline std::int64_t lane_length(const Shape& shape, bool all, std::size_t axis) {
  return all ? numel(shape) : shape[axis];
}

/// The lanes: [outer, n, inner] around the axis, or one lane of every element.
inline AxisSplit lanes(const Shape& shape, bool all, std::size_t axis) {
  if (all) return {.outer = 1, .n = numel(shape), .inner = 1};
  return split_at(shape, axis);
}

/// Calls f(first, stride, n, out) for every lane: its elements are first + k * stride for k < n, and out
/// is the index of its result.
template <class F>
void for_each_lane(const Shape& shape, bool all, std::size_t axis, F&& f) {
  const auto [outer, n, inner] = lanes(shape, all, axis);
  for (std::int64_t o = 0; o < outer; ++o)
    for (std::int64_t j = 0; j < inner; ++j) f(o * n * inner + j, inner, n, o * inner + j);
}

/// max, min and argmax have no value on an empty lane: ShapeError naming the op and the shape.
inline void check_lanes_nonempty(std::string_view op, const Shape& shape, bool all, std::size_t axis) {
  if (all)
    TAPEGRAD_CHECK(numel(shape) > 0, ShapeError, op, ": cannot reduce a tensor with no elements, got shape ",
                   to_string(shape));
  else
    TAPEGRAD_CHECK(shape[axis] > 0, ShapeError, op, ": cannot reduce axis ", axis, " of size 0, got shape ",
                   to_string(shape));
}

/// True when v replaces the best value so far: larger (max) or smaller (min), and a NaN beats any number,
/// so a lane holding a NaN reduces to NaN (as PyTorch). Strict, so the first of equal values stays.
template <bool kMax, class T>
bool beats(T v, T best) {
  if (std::isnan(v)) return !std::isnan(best);
  return kMax ? v > best : v < best;
}

/// y = scale * the sum of each lane of x (shape `shape`).
template <class T>
void sum_lanes(const Shape& shape, bool all, std::size_t axis, const T* px, T* py, T scale) {
  // Sums over contiguous elements run in partial sums (partial_sum.hpp), not one serial chain.
  if (all) {
    py[0] = sum_terms<T>(numel(shape), [&](std::int64_t i) { return px[i]; }) * scale;
    return;
  }
  const auto [outer, n, inner] = split_at(shape, axis);
  if (inner == 1) {
    for (std::int64_t o = 0; o < outer; ++o) {
      const T* row = px + o * n;  // a pointer, not the structured binding: clang 14 cannot capture those
      py[o] = sum_terms<T>(n, [row](std::int64_t k) { return row[k]; }) * scale;
    }
    return;
  }
  for (std::int64_t i = 0; i < outer * inner; ++i) py[i] = T{0};
  for (std::int64_t o = 0; o < outer; ++o)
    for (std::int64_t k = 0; k < n; ++k)
      for (std::int64_t j = 0; j < inner; ++j) py[o * inner + j] += px[(o * n + k) * inner + j];
  for (std::int64_t i = 0; i < outer * inner; ++i) py[i] *= scale;
}

/// The adjoint of sum_lanes: gx += scale * g spread along each lane; with `fresh` (gx holds no values yet)
/// gx = 0 + that, every element of gx receiving exactly one term.
template <class T>
void spread_lanes(const Shape& shape, bool all, std::size_t axis, const T* g, T* gx, T scale, bool fresh) {
  if (all) {
    const T gs = g[0] * scale;
    const std::int64_t count = numel(shape);
    if (fresh)
      std::fill_n(gx, count, T{0} + gs);
    else
      for (std::int64_t i = 0; i < count; ++i) gx[i] += gs;
    return;
  }
  const auto [outer, n, inner] = split_at(shape, axis);
  for (std::int64_t o = 0; o < outer; ++o)
    for (std::int64_t k = 0; k < n; ++k) {
      T* __restrict dst = gx + (o * n + k) * inner;
      const T* __restrict src = g + o * inner;
      if (fresh)
        for (std::int64_t j = 0; j < inner; ++j) dst[j] = T{0} + scale * src[j];
      else
        for (std::int64_t j = 0; j < inner; ++j) dst[j] += scale * src[j];
    }
}

/// y = the largest (kMax) or smallest element of each lane.
template <bool kMax, class T>
void extreme_lanes(const Shape& shape, bool all, std::size_t axis, const T* px, T* py) {
  for_each_lane(shape, all, axis,
                [&](std::int64_t first, std::int64_t stride, std::int64_t n, std::int64_t o) {
                  T best = px[first];
                  for (std::int64_t k = 1; k < n; ++k)
                    if (beats<kMax>(px[first + k * stride], best)) best = px[first + k * stride];
                  py[o] = best;
                });
}

/// The adjoint of extreme_lanes: every element equal to its lane's result y (a NaN result: every NaN) gets
/// g / (number of such elements).
template <class T>
void extreme_lanes_backward(const Shape& shape, bool all, std::size_t axis, const T* px, const T* py,
                            const T* g, T* gx) {
  for_each_lane(shape, all, axis,
                [&](std::int64_t first, std::int64_t stride, std::int64_t n, std::int64_t o) {
                  const T y = py[o];
                  const auto is_extreme = [y](T v) { return v == y || (std::isnan(v) && std::isnan(y)); };
                  std::int64_t ties = 0;
                  for (std::int64_t k = 0; k < n; ++k) ties += is_extreme(px[first + k * stride]) ? 1 : 0;
                  const T share = g[o] / static_cast<T>(ties);
                  for (std::int64_t k = 0; k < n; ++k)
                    if (is_extreme(px[first + k * stride])) gx[first + k * stride] += share;
                });
}

}  // namespace tapegrad::detail
