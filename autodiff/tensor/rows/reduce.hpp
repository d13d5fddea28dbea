// SPDX-License-Identifier: MIT
// reduce.hpp: sum, mean, max, min and logsumexp, over all elements or along one axis, forward and
// backward side by side. Along an axis the input is seen as [outer, n, inner] (split_at); the loops are
// kernels/lanes.hpp and the output as [outer, inner]; the backward is the adjoint of that reduction: sum and
// mean broadcast the gradient back along the reduced axis, max and min send it to the extreme element(s),
// logsumexp weights it by the softmax of the lane.
#pragma once

#include <array>
#include <cmath>
#include <cstddef>
#include <limits>
#include <string_view>
#include <tuple>

#include "tapegrad/autodiff/kernels/lanes.hpp"
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

/// y = sum of x's elements (all, or along an axis); dy/dx_i = 1.
struct Sum : OneInputRow {
  static constexpr std::string_view name = "sum";
  using Attrs = ReduceAttrs;
  static Shape output_shape(const Attrs& r, const std::array<Tensor, 1>& in) {
    return tapegrad::detail::reduced_shape(in[0].shape(), r.all, r.axis, r.keepdim);
  }
  template <class T>
  static void forward(const Attrs& r, const std::array<Tensor, 1>& in, const Tensor& out) {
    tapegrad::detail::sum_lanes<T>(in[0].shape(), r.all, r.axis, in[0].data<T>(), out.data<T>(), T{1});
  }
  template <class T>
  static void backward(const Attrs& r, const std::array<Tensor, 1>& in, const Tensor& /*out*/, const T* g,
                       const std::array<T*, 1>& grads, const std::array<bool, 1>& fresh) {
    tapegrad::detail::spread_lanes<T>(in[0].shape(), r.all, r.axis, g, grads[0], T{1}, fresh[0]);
  }
};

/// y = (sum of x's elements) / n, n the number of reduced elements (NaN when n = 0); dy/dx_i = 1/n.
struct Mean : OneInputRow {
  static constexpr std::string_view name = "mean";
  using Attrs = ReduceAttrs;
  static Shape output_shape(const Attrs& r, const std::array<Tensor, 1>& in) {
    return tapegrad::detail::reduced_shape(in[0].shape(), r.all, r.axis, r.keepdim);
  }
  template <class T>
  static void forward(const Attrs& r, const std::array<Tensor, 1>& in, const Tensor& out) {
    const auto n = static_cast<T>(tapegrad::detail::lane_length(in[0].shape(), r.all, r.axis));
    tapegrad::detail::sum_lanes<T>(in[0].shape(), r.all, r.axis, in[0].data<T>(), out.data<T>(), T{1} / n);
  }
  template <class T>
  static void backward(const Attrs& r, const std::array<Tensor, 1>& in, const Tensor& /*out*/, const T* g,
                       const std::array<T*, 1>& grads, const std::array<bool, 1>& fresh) {
    const auto n = static_cast<T>(tapegrad::detail::lane_length(in[0].shape(), r.all, r.axis));
    tapegrad::detail::spread_lanes<T>(in[0].shape(), r.all, r.axis, g, grads[0], T{1} / n, fresh[0]);
  }
};

/// The row of max (kLargest) or min: one body, the two differ only in the comparison of the forward.
/// (gradcheck keeps the elements of a lane apart, so its samples have no ties.)
template <bool kLargest>
struct ExtremeRow : OneInputRow {
  static constexpr std::string_view name = kLargest ? "max" : "min";
  using Attrs = ReduceAttrs;
  static Shape output_shape(const Attrs& r, const std::array<Tensor, 1>& in) {
    tapegrad::detail::check_lanes_nonempty(name, in[0].shape(), r.all, r.axis);
    return tapegrad::detail::reduced_shape(in[0].shape(), r.all, r.axis, r.keepdim);
  }
  template <class T>
  static void forward(const Attrs& r, const std::array<Tensor, 1>& in, const Tensor& out) {
    tapegrad::detail::extreme_lanes<kLargest, T>(in[0].shape(), r.all, r.axis, in[0].data<T>(),
                                                 out.data<T>());
  }
  template <class T>
  static void backward(const Attrs& r, const std::array<Tensor, 1>& in, const Tensor& out, const T* g,
                       const std::array<T*, 1>& grads) {
    tapegrad::detail::extreme_lanes_backward<T>(in[0].shape(), r.all, r.axis, in[0].data<T>(), out.data<T>(),
                                                g, grads[0]);
  }
};

/// y = the largest element (all, or along an axis); NaN if the lane holds one. The gradient goes to the
/// largest element; when several are equal it is split evenly among them (PyTorch's full max() rule,
/// here along an axis too, and the scalar max's 0.5/0.5 at a tie). Throws ShapeError on an empty lane.
struct Max : ExtremeRow<true> {};

/// y = the smallest element; as Max, ties split evenly.
struct Min : ExtremeRow<false> {};

/// y = log sum_k exp(x_k), computed as m + log sum_k exp(x_k - m) with m the lane's maximum, so no exp
/// overflows (y = m when m is infinite; -inf for an empty lane; NaN if the lane holds one).
/// dx_k += g exp(x_k - y): the softmax of the lane.
struct LogSumExp : OneInputRow {
  static constexpr std::string_view name = "logsumexp";
  using Attrs = ReduceAttrs;
  static Shape output_shape(const Attrs& r, const std::array<Tensor, 1>& in) {
    return tapegrad::detail::reduced_shape(in[0].shape(), r.all, r.axis, r.keepdim);
  }
  template <class T>
  static void forward(const Attrs& r, const std::array<Tensor, 1>& in, const Tensor& out) {
    const T* x = in[0].data<T>();
    T* y = out.data<T>();
    tapegrad::detail::for_each_lane(
        in[0].shape(), r.all, r.axis,
        [&](std::int64_t first, std::int64_t stride, std::int64_t n, std::int64_t o) {
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
    tapegrad::detail::for_each_lane(
        in[0].shape(), r.all, r.axis,
        [&](std::int64_t first, std::int64_t stride, std::int64_t n, std::int64_t o) {
          for (std::int64_t k = 0; k < n; ++k) {
            const std::int64_t i = first + k * stride;
            grads[0][i] += g[o] * std::exp(x[i] - y[o]);
          }
        });
  }
};

using ReduceOps = std::tuple<Sum, Mean, Max, Min, LogSumExp>;

}  // namespace tapegrad::ops::tensor
