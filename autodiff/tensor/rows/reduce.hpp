// SPDX-License-Identifier: MIT
// tensor_reduce.hpp: sum, mean, max, min and logsumexp, over all elements or along one axis, forward and
// backward side by side. Along an axis the input is seen as [outer, n, inner] (detail::split_at) and the
// output as [outer, inner]; the backward is the adjoint of that reduction: sum and mean broadcast the
// gradient back along the reduced axis, max and min send it to the extreme element(s), logsumexp weights it
// by the softmax of the lane.
#pragma once

#include <array>
#include <cmath>
#include <cstddef>
#include <limits>
#include <string_view>
#include <tuple>

#include "tapegrad/autodiff/kernels/partial_sum.hpp"
#include "tapegrad/autodiff/kernels/strided.hpp"
#include "tapegrad/autodiff/tensor/rows/row.hpp"
#include "tapegrad/autodiff/tensor/tensor.hpp"

namespace tapegrad::ops::tensor {

/// Which elements a reduction combines. all: every element (shape [] or, with keepdim, all ones).
/// Otherwise `axis` (already normalised by the front end) is removed, or kept with size 1.
struct ReduceAttrs {
  bool all = true;
  std::size_t axis = 0;
  bool keepdim = false;
};

namespace detail_reduce {
inline Shape reduced_shape(const ReduceAttrs& r, const Shape& in) {
  // Built by push_back into one named result: copy-then-erase made GCC 12 -O3 warn (a false
  // -Wstringop-overread inside small_vector's move).
  Shape out;
  for (std::size_t d = 0; d < in.size(); ++d) {
    if (r.all || d == r.axis) {
      if (r.keepdim) out.push_back(1);
    } else {
      out.push_back(in[d]);
    }
  }
  return out;
}

/// out = scale * sum over the reduced elements.
template <class T>
void reduce_forward(const ReduceAttrs& r, const Tensor& x, const Tensor& out, T scale) {
  const T* px = x.data<T>();
  T* py = out.data<T>();
  // Sums over contiguous elements run in partial sums (kernels/partial_sum.hpp), not one serial chain.
  if (r.all) {
    py[0] = tapegrad::detail::sum_terms<T>(x.numel(), [&](std::int64_t i) { return px[i]; }) * scale;
    return;
  }
  const auto [outer, n, inner] = tapegrad::detail::split_at(x.shape(), r.axis);
  if (inner == 1) {
    for (std::int64_t o = 0; o < outer; ++o) {
      const T* row = px + o * n;  // a pointer, not the structured binding: clang 14 cannot capture those
      py[o] = tapegrad::detail::sum_terms<T>(n, [row](std::int64_t k) { return row[k]; }) * scale;
    }
    return;
  }
  for (std::int64_t i = 0; i < outer * inner; ++i) py[i] = T{0};
  for (std::int64_t o = 0; o < outer; ++o)
    for (std::int64_t k = 0; k < n; ++k)
      for (std::int64_t j = 0; j < inner; ++j) py[o * inner + j] += px[(o * n + k) * inner + j];
  for (std::int64_t i = 0; i < outer * inner; ++i) py[i] *= scale;
}

/// gx += scale * g broadcast back along the reduced elements; with `fresh` (gx holds no values yet)
/// gx = 0 + that, every element of gx receiving exactly one term.
template <class T>
void reduce_backward(const ReduceAttrs& r, const Tensor& x, const T* g, T* gx, T scale, bool fresh) {
  if (r.all) {
    const T gs = g[0] * scale;
    const std::int64_t count = x.numel();
    if (fresh)
      std::fill_n(gx, count, T{0} + gs);
    else
      for (std::int64_t i = 0; i < count; ++i) gx[i] += gs;
    return;
  }
  const auto [outer, n, inner] = tapegrad::detail::split_at(x.shape(), r.axis);
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

inline std::int64_t reduced_count(const ReduceAttrs& r, const Tensor& x) {
  return r.all ? x.numel() : x.shape()[r.axis];
}
}  // namespace detail_reduce

/// y = sum of x's elements (all, or along an axis); dy/dx_i = 1.
struct Sum : OneInputRow {
  static constexpr std::string_view name = "sum";
  using Attrs = ReduceAttrs;
  static Shape output_shape(const Attrs& r, const std::array<Tensor, 1>& in) {
    return detail_reduce::reduced_shape(r, in[0].shape());
  }
  template <class T>
  static void forward(const Attrs& r, const std::array<Tensor, 1>& in, const Tensor& out) {
    detail_reduce::reduce_forward<T>(r, in[0], out, T{1});
  }
  template <class T>
  static void backward(const Attrs& r, const std::array<Tensor, 1>& in, const Tensor& /*out*/, const T* g,
                       const std::array<T*, 1>& grads, const std::array<bool, 1>& fresh) {
    detail_reduce::reduce_backward<T>(r, in[0], g, grads[0], T{1}, fresh[0]);
  }
};

/// y = (sum of x's elements) / n, n the number of reduced elements (NaN when n = 0); dy/dx_i = 1/n.
struct Mean : OneInputRow {
  static constexpr std::string_view name = "mean";
  using Attrs = ReduceAttrs;
  static Shape output_shape(const Attrs& r, const std::array<Tensor, 1>& in) {
    return detail_reduce::reduced_shape(r, in[0].shape());
  }
  template <class T>
  static void forward(const Attrs& r, const std::array<Tensor, 1>& in, const Tensor& out) {
    const auto n = static_cast<T>(detail_reduce::reduced_count(r, in[0]));
    detail_reduce::reduce_forward<T>(r, in[0], out, T{1} / n);
  }
  template <class T>
  static void backward(const Attrs& r, const std::array<Tensor, 1>& in, const Tensor& /*out*/, const T* g,
                       const std::array<T*, 1>& grads, const std::array<bool, 1>& fresh) {
    const auto n = static_cast<T>(detail_reduce::reduced_count(r, in[0]));
    detail_reduce::reduce_backward<T>(r, in[0], g, grads[0], T{1} / n, fresh[0]);
  }
};

namespace detail_reduce {
/// The lanes a reduction combines: [outer, n, inner] around the axis, or one lane of every element.
inline tapegrad::detail::AxisSplit lanes(const ReduceAttrs& r, const Shape& shape) {
  if (r.all) return {.outer = 1, .n = numel(shape), .inner = 1};
  return tapegrad::detail::split_at(shape, r.axis);
}

/// Calls f(first, stride, n, out) for every lane: its elements are first + k * stride for k < n, and out
/// is the index of its result.
template <class F>
void for_each_lane(const ReduceAttrs& r, const Shape& shape, F&& f) {
  const auto [outer, n, inner] = lanes(r, shape);
  for (std::int64_t o = 0; o < outer; ++o)
    for (std::int64_t j = 0; j < inner; ++j) f(o * n * inner + j, inner, n, o * inner + j);
}

/// max and min have no value on an empty lane: ShapeError naming the op and the shape.
inline void check_nonempty(std::string_view op, const ReduceAttrs& r, const Shape& shape) {
  if (r.all)
    TAPEGRAD_CHECK(numel(shape) > 0, ShapeError, op, ": cannot reduce a tensor with no elements, got shape ",
                   to_string(shape));
  else
    TAPEGRAD_CHECK(shape[r.axis] > 0, ShapeError, op, ": cannot reduce axis ", r.axis,
                   " of size 0, got shape ", to_string(shape));
}

/// True when v replaces the best value so far: larger (max) or smaller (min), and a NaN beats any number,
/// so a lane holding a NaN reduces to NaN (as PyTorch). Strict, so the first of equal values stays.
template <bool kMax, class T>
bool beats(T v, T best) {
  if (std::isnan(v)) return !std::isnan(best);
  return kMax ? v > best : v < best;
}

template <bool kMax, class T>
void extreme_forward(const ReduceAttrs& r, const Tensor& x, const Tensor& out) {
  const T* px = x.data<T>();
  T* py = out.data<T>();
  for_each_lane(r, x.shape(), [&](std::int64_t first, std::int64_t stride, std::int64_t n, std::int64_t o) {
    T best = px[first];
    for (std::int64_t k = 1; k < n; ++k)
      if (beats<kMax>(px[first + k * stride], best)) best = px[first + k * stride];
    py[o] = best;
  });
}

/// Every element equal to its lane's result (a NaN result: every NaN) gets g / (number of such elements).
template <class T>
void extreme_backward(const ReduceAttrs& r, const Tensor& x, const Tensor& out, const T* g, T* gx) {
  const T* px = x.data<T>();
  const T* py = out.data<T>();
  for_each_lane(r, x.shape(), [&](std::int64_t first, std::int64_t stride, std::int64_t n, std::int64_t o) {
    const T y = py[o];
    const auto is_extreme = [y](T v) { return v == y || (std::isnan(v) && std::isnan(y)); };
    std::int64_t ties = 0;
    for (std::int64_t k = 0; k < n; ++k) ties += is_extreme(px[first + k * stride]) ? 1 : 0;
    const T share = g[o] / static_cast<T>(ties);
    for (std::int64_t k = 0; k < n; ++k)
      if (is_extreme(px[first + k * stride])) gx[first + k * stride] += share;
  });
}
}  // namespace detail_reduce

namespace detail_reduce {
/// The row of max (kLargest) or min: one body, the two differ only in the comparison of the forward.
/// (gradcheck keeps the elements of a lane apart, so its samples have no ties.)
template <bool kLargest>
struct ExtremeRow : OneInputRow {
  static constexpr std::string_view name = kLargest ? "max" : "min";
  using Attrs = ReduceAttrs;
  static Shape output_shape(const Attrs& r, const std::array<Tensor, 1>& in) {
    check_nonempty(name, r, in[0].shape());
    return reduced_shape(r, in[0].shape());
  }
  template <class T>
  static void forward(const Attrs& r, const std::array<Tensor, 1>& in, const Tensor& out) {
    extreme_forward<kLargest, T>(r, in[0], out);
  }
  template <class T>
  static void backward(const Attrs& r, const std::array<Tensor, 1>& in, const Tensor& out, const T* g,
                       const std::array<T*, 1>& grads) {
    extreme_backward<T>(r, in[0], out, g, grads[0]);
  }
};
}  // namespace detail_reduce

/// y = the largest element (all, or along an axis); NaN if the lane holds one. The gradient goes to the
/// largest element; when several are equal it is split evenly among them (PyTorch's full max() rule,
/// here along an axis too, and the scalar max's 0.5/0.5 at a tie). Throws ShapeError on an empty lane.
struct Max : detail_reduce::ExtremeRow<true> {};

/// y = the smallest element; as Max, ties split evenly.
struct Min : detail_reduce::ExtremeRow<false> {};

/// y = log sum_k exp(x_k), computed as m + log sum_k exp(x_k - m) with m the lane's maximum, so no exp
/// overflows (y = m when m is infinite; -inf for an empty lane; NaN if the lane holds one).
/// dx_k += g exp(x_k - y): the softmax of the lane.
struct LogSumExp : OneInputRow {
  static constexpr std::string_view name = "logsumexp";
  using Attrs = ReduceAttrs;
  static Shape output_shape(const Attrs& r, const std::array<Tensor, 1>& in) {
    return detail_reduce::reduced_shape(r, in[0].shape());
  }
  template <class T>
  static void forward(const Attrs& r, const std::array<Tensor, 1>& in, const Tensor& out) {
    const T* x = in[0].data<T>();
    T* y = out.data<T>();
    detail_reduce::for_each_lane(
        r, in[0].shape(), [&](std::int64_t first, std::int64_t stride, std::int64_t n, std::int64_t o) {
          T m = -std::numeric_limits<T>::infinity();
          bool nan = false;
          for (std::int64_t k = 0; k < n; ++k) {
            const T v = x[first + k * stride];
            nan = nan || std::isnan(v);
            m = std::fmax(m, v);
          }
          if (nan || std::isinf(m)) {
            y[o] = nan ? std::numeric_limits<T>::quiet_NaN() : m;
            return;
          }
          T s{0};
          for (std::int64_t k = 0; k < n; ++k) s += std::exp(x[first + k * stride] - m);
          y[o] = m + std::log(s);
        });
  }
  template <class T>
  static void backward(const Attrs& r, const std::array<Tensor, 1>& in, const Tensor& out, const T* g,
                       const std::array<T*, 1>& grads) {
    const T* x = in[0].data<T>();
    const T* y = out.data<T>();
    detail_reduce::for_each_lane(
        r, in[0].shape(), [&](std::int64_t first, std::int64_t stride, std::int64_t n, std::int64_t o) {
          for (std::int64_t k = 0; k < n; ++k) {
            const std::int64_t i = first + k * stride;
            grads[0][i] += g[o] * std::exp(x[i] - y[o]);
          }
        });
  }
};

using ReduceOps = std::tuple<Sum, Mean, Max, Min, LogSumExp>;

}  // namespace tapegrad::ops::tensor
