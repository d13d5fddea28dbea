// SPDX-License-Identifier: MIT
// pool.hpp: 2-D max, average and adaptive average pooling, forward and backward side by side.
// Inputs are [N, C, H, W] or [C, H, W]: every leading index is one plane of H x W, pooled alone. Output
// sizes use floor mode, OH = (H + 2 pad - kh) / stride + 1, as torch.nn.functional's defaults.
//  - max: each output is the largest element of its window (padding never wins: it is -inf). The gradient
//    goes to the FIRST maximum in row-major window order, so a tie sends all of it to one element (PyTorch's
//    CPU kernel makes the same choice). A NaN in the window is the maximum (it propagates, as in PyTorch).
//    The backward finds the winners again instead of storing their indices: no buffer lives on the tape.
//  - average: the window's sum over kh kw (count_include_pad, PyTorch's default) or over the elements
//    inside the input; the backward spreads g / count over the window.
//  - adaptive average: output cell i covers rows [floor(i H / OH), ceil((i + 1) H / OH)), likewise columns,
//    as torch's adaptive_avg_pool2d; OH = OW = 1 is global average pooling.
#pragma once

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string_view>
#include <tuple>

#include "tapegrad/autodiff/tensor/rows/row.hpp"
#include "tapegrad/autodiff/tensor/tensor.hpp"

namespace tapegrad::ops::tensor {

/// Window of max_pool2d and avg_pool2d, per spatial axis (height, width).
struct Pool2dAttrs {
  std::array<std::int64_t, 2> kernel{2, 2};
  std::array<std::int64_t, 2> stride{2, 2};
  std::array<std::int64_t, 2> padding{0, 0};
  bool count_include_pad = true;  // avg_pool2d only
};

/// Output size of adaptive_avg_pool2d.
struct AdaptivePool2dAttrs {
  std::array<std::int64_t, 2> output_size{1, 1};
};

namespace detail_pool {

/// The planes and sizes of a pooling, derived from the shapes.
struct Planes {
  std::int64_t planes, h, w, oh, ow;
};

inline Shape pooled_shape(const Shape& x, std::int64_t oh, std::int64_t ow) {
  Shape out(x.begin(), x.end() - 2);
  out.push_back(oh);
  out.push_back(ow);
  return out;
}

inline void check_input(std::string_view op, const Shape& x) {
  TAPEGRAD_CHECK(x.size() == 3 || x.size() == 4, ShapeError, op,
                 ": expected an input [N, C, H, W] or [C, H, W], got ", to_string(x));
}

inline Planes planes_of(const Shape& x, const Shape& y) {
  const std::size_t d = x.size();
  std::int64_t planes = 1;
  for (std::size_t i = 0; i + 2 < d; ++i) planes *= x[i];
  return {planes, x[d - 2], x[d - 1], y[d - 2], y[d - 1]};
}

inline Shape window_shape(std::string_view op, const Pool2dAttrs& a, const Shape& x) {
  check_input(op, x);
  for (std::size_t i = 0; i < 2; ++i)
    TAPEGRAD_CHECK(
        a.kernel[i] >= 1 && a.stride[i] >= 1 && a.padding[i] >= 0 && 2 * a.padding[i] <= a.kernel[i],
        ShapeError, op,
        ": kernel and stride must be positive and padding at most half the kernel, got "
        "kernel [",
        a.kernel[0], ", ", a.kernel[1], "], stride [", a.stride[0], ", ", a.stride[1], "], padding [",
        a.padding[0], ", ", a.padding[1], "]");
  const std::size_t d = x.size();
  TAPEGRAD_CHECK(x[d - 2] >= 1 && x[d - 1] >= 1, ShapeError, op,
                 ": the input's height and width must be positive, got ", to_string(x));
  const std::int64_t oh = (x[d - 2] + 2 * a.padding[0] - a.kernel[0]) / a.stride[0] + 1;
  const std::int64_t ow = (x[d - 1] + 2 * a.padding[1] - a.kernel[1]) / a.stride[1] + 1;
  TAPEGRAD_CHECK(x[d - 2] + 2 * a.padding[0] >= a.kernel[0] && x[d - 1] + 2 * a.padding[1] >= a.kernel[1],
                 ShapeError, op, ": the window [", a.kernel[0], ", ", a.kernel[1], "] (padding [",
                 a.padding[0], ", ", a.padding[1], "]) does not fit the input ", to_string(x));
  return pooled_shape(x, oh, ow);
}

/// Calls f(out_index, y0, y1, x0, x1) for every output cell of every plane, with the cell's window clipped
/// to the input ([y0, y1) x [x0, x1), plane-relative) and plane offsets folded into out_index's plane.
template <class F>
void for_each_window(const Pool2dAttrs& a, const Planes& p, F&& f) {
  for (std::int64_t pl = 0; pl < p.planes; ++pl)
    for (std::int64_t oy = 0; oy < p.oh; ++oy) {
      const std::int64_t ys = oy * a.stride[0] - a.padding[0];
      const std::int64_t y0 = std::max<std::int64_t>(ys, 0), y1 = std::min(ys + a.kernel[0], p.h);
      for (std::int64_t ox = 0; ox < p.ow; ++ox) {
        const std::int64_t xs = ox * a.stride[1] - a.padding[1];
        const std::int64_t x0 = std::max<std::int64_t>(xs, 0), x1 = std::min(xs + a.kernel[1], p.w);
        f(pl, (pl * p.oh + oy) * p.ow + ox, y0, y1, x0, x1);
      }
    }
}

/// Index (plane-relative) of the first maximum of the window.
template <class T>
std::int64_t first_max(const T* plane, std::int64_t w, std::int64_t y0, std::int64_t y1, std::int64_t x0,
                       std::int64_t x1) {
  std::int64_t best = y0 * w + x0;
  T value = plane[best];
  for (std::int64_t y = y0; y < y1; ++y)
    for (std::int64_t x = x0; x < x1; ++x) {
      const T v = plane[y * w + x];
      if (v > value || (std::isnan(v) && !std::isnan(value))) value = v, best = y * w + x;
    }
  return best;
}

/// The common window (2 x 2, stride 2, no padding, the output inside the input) has its own loops: the
/// general ones spend most of their time on the window's bounds.
inline bool pairs(const Pool2dAttrs& a, const Planes& p) {
  return a.kernel[0] == 2 && a.kernel[1] == 2 && a.stride[0] == 2 && a.stride[1] == 2 && a.padding[0] == 0 &&
         a.padding[1] == 0 && 2 * p.oh <= p.h && 2 * p.ow <= p.w;
}

/// Whether v replaces the maximum so far, m (first maximum wins; NaN is the maximum).
template <class T>
bool beats(T v, T m) {
  return v > m || (std::isnan(v) && !std::isnan(m));
}

/// max_pool2d's forward on 2 x 2 windows of stride 2.
template <class T>
void max_pairs_forward(const Planes& p, const T* x, T* y) {
  for (std::int64_t pl = 0; pl < p.planes; ++pl)
    for (std::int64_t oy = 0; oy < p.oh; ++oy) {
      const T* r0 = x + (pl * p.h + 2 * oy) * p.w;
      const T* r1 = r0 + p.w;
      T* out = y + (pl * p.oh + oy) * p.ow;
      for (std::int64_t ox = 0; ox < p.ow; ++ox) {
        T m = r0[2 * ox];
        if (beats(r0[2 * ox + 1], m)) m = r0[2 * ox + 1];
        if (beats(r1[2 * ox], m)) m = r1[2 * ox];
        if (beats(r1[2 * ox + 1], m)) m = r1[2 * ox + 1];
        out[ox] = m;
      }
    }
}

/// Its backward: each output's gradient to its window's first maximum.
template <class T>
void max_pairs_backward(const Planes& p, const T* x, const T* g, T* gx) {
  for (std::int64_t pl = 0; pl < p.planes; ++pl)
    for (std::int64_t oy = 0; oy < p.oh; ++oy) {
      const std::int64_t row = (pl * p.h + 2 * oy) * p.w;
      const T* gy = g + (pl * p.oh + oy) * p.ow;
      for (std::int64_t ox = 0; ox < p.ow; ++ox) {
        std::int64_t best = row + 2 * ox;
        T m = x[best];
        for (const std::int64_t at : {row + 2 * ox + 1, row + p.w + 2 * ox, row + p.w + 2 * ox + 1})
          if (beats(x[at], m)) m = x[at], best = at;
        gx[best] += gy[ox];
      }
    }
}

}  // namespace detail_pool

/// y = the maximum of each window; the gradient goes to the window's first maximum.
struct MaxPool2d : OneInputRow {
  static constexpr std::string_view name = "max_pool2d";
  using Attrs = Pool2dAttrs;
  static Shape output_shape(const Attrs& a, const std::array<Tensor, 1>& in) {
    return detail_pool::window_shape(name, a, in[0].shape());
  }
  template <class T>
  static void forward(const Attrs& a, const std::array<Tensor, 1>& in, const Tensor& out) {
    const auto p = detail_pool::planes_of(in[0].shape(), out.shape());
    const T* x = in[0].data<T>();
    T* y = out.data<T>();
    if (detail_pool::pairs(a, p)) return detail_pool::max_pairs_forward(p, x, y);
    detail_pool::for_each_window(a, p,
                                 [&](std::int64_t pl, std::int64_t o, std::int64_t y0, std::int64_t y1,
                                     std::int64_t x0, std::int64_t x1) {
                                   const T* plane = x + pl * p.h * p.w;
                                   y[o] = plane[detail_pool::first_max(plane, p.w, y0, y1, x0, x1)];
                                 });
  }
  template <class T>
  static void backward(const Attrs& a, const std::array<Tensor, 1>& in, const Tensor& out, const T* g,
                       const std::array<T*, 1>& grads) {
    const auto p = detail_pool::planes_of(in[0].shape(), out.shape());
    const T* x = in[0].data<T>();
    if (detail_pool::pairs(a, p)) return detail_pool::max_pairs_backward(p, x, g, grads[0]);
    detail_pool::for_each_window(
        a, p,
        [&](std::int64_t pl, std::int64_t o, std::int64_t y0, std::int64_t y1, std::int64_t x0,
            std::int64_t x1) {
          const T* plane = x + pl * p.h * p.w;
          grads[0][pl * p.h * p.w + detail_pool::first_max(plane, p.w, y0, y1, x0, x1)] += g[o];
        });
  }
};

/// y = the mean of each window (over kh kw with count_include_pad, else over the elements in the input).
struct AvgPool2d : OneInputRow {
  static constexpr std::string_view name = "avg_pool2d";
  using Attrs = Pool2dAttrs;
  static Shape output_shape(const Attrs& a, const std::array<Tensor, 1>& in) {
    return detail_pool::window_shape(name, a, in[0].shape());
  }
  template <class T>
  static T count(const Attrs& a, std::int64_t y0, std::int64_t y1, std::int64_t x0, std::int64_t x1) {
    return static_cast<T>(a.count_include_pad ? a.kernel[0] * a.kernel[1] : (y1 - y0) * (x1 - x0));
  }
  template <class T>
  static void forward(const Attrs& a, const std::array<Tensor, 1>& in, const Tensor& out) {
    const auto p = detail_pool::planes_of(in[0].shape(), out.shape());
    const T* x = in[0].data<T>();
    T* y = out.data<T>();
    detail_pool::for_each_window(a, p,
                                 [&](std::int64_t pl, std::int64_t o, std::int64_t y0, std::int64_t y1,
                                     std::int64_t x0, std::int64_t x1) {
                                   const T* plane = x + pl * p.h * p.w;
                                   T s{0};
                                   for (std::int64_t r = y0; r < y1; ++r)
                                     for (std::int64_t c = x0; c < x1; ++c) s += plane[r * p.w + c];
                                   y[o] = s / count<T>(a, y0, y1, x0, x1);
                                 });
  }
  template <class T>
  static void backward(const Attrs& a, const std::array<Tensor, 1>& in, const Tensor& out, const T* g,
                       const std::array<T*, 1>& grads) {
    const auto p = detail_pool::planes_of(in[0].shape(), out.shape());
    detail_pool::for_each_window(a, p,
                                 [&](std::int64_t pl, std::int64_t o, std::int64_t y0, std::int64_t y1,
                                     std::int64_t x0, std::int64_t x1) {
                                   T* plane = grads[0] + pl * p.h * p.w;
                                   const T share = g[o] / count<T>(a, y0, y1, x0, x1);
                                   for (std::int64_t r = y0; r < y1; ++r)
                                     for (std::int64_t c = x0; c < x1; ++c) plane[r * p.w + c] += share;
                                 });
  }
};

/// y = the mean of each adaptive cell (see the header comment).
struct AdaptiveAvgPool2d : OneInputRow {
  static constexpr std::string_view name = "adaptive_avg_pool2d";
  using Attrs = AdaptivePool2dAttrs;
  static Shape output_shape(const Attrs& a, const std::array<Tensor, 1>& in) {
    const Shape& x = in[0].shape();
    detail_pool::check_input(name, x);
    TAPEGRAD_CHECK(a.output_size[0] >= 1 && a.output_size[1] >= 1, ShapeError, name,
                   ": output_size must be positive, got [", a.output_size[0], ", ", a.output_size[1], "]");
    return detail_pool::pooled_shape(x, a.output_size[0], a.output_size[1]);
  }
  /// Calls f(plane, out_index, y0, y1, x0, x1) for every cell.
  template <class F>
  static void for_each_cell(const detail_pool::Planes& p, F&& f) {
    for (std::int64_t pl = 0; pl < p.planes; ++pl)
      for (std::int64_t oy = 0; oy < p.oh; ++oy) {
        const std::int64_t y0 = oy * p.h / p.oh, y1 = ((oy + 1) * p.h + p.oh - 1) / p.oh;
        for (std::int64_t ox = 0; ox < p.ow; ++ox) {
          const std::int64_t x0 = ox * p.w / p.ow, x1 = ((ox + 1) * p.w + p.ow - 1) / p.ow;
          f(pl, (pl * p.oh + oy) * p.ow + ox, y0, y1, x0, x1);
        }
      }
  }
  template <class T>
  static void forward(const Attrs& /*a*/, const std::array<Tensor, 1>& in, const Tensor& out) {
    const auto p = detail_pool::planes_of(in[0].shape(), out.shape());
    const T* x = in[0].data<T>();
    T* y = out.data<T>();
    for_each_cell(p, [&](std::int64_t pl, std::int64_t o, std::int64_t y0, std::int64_t y1, std::int64_t x0,
                         std::int64_t x1) {
      const T* plane = x + pl * p.h * p.w;
      T s{0};
      for (std::int64_t r = y0; r < y1; ++r)
        for (std::int64_t c = x0; c < x1; ++c) s += plane[r * p.w + c];
      // An empty cell (input smaller than the output: never, since y1 > y0 whenever oh >= 1) reads 0.
      const std::int64_t n = (y1 - y0) * (x1 - x0);
      y[o] = n > 0 ? s / static_cast<T>(n) : T{0};
    });
  }
  template <class T>
  static void backward(const Attrs& /*a*/, const std::array<Tensor, 1>& in, const Tensor& out, const T* g,
                       const std::array<T*, 1>& grads) {
    const auto p = detail_pool::planes_of(in[0].shape(), out.shape());
    for_each_cell(p, [&](std::int64_t pl, std::int64_t o, std::int64_t y0, std::int64_t y1, std::int64_t x0,
                         std::int64_t x1) {
      const std::int64_t n = (y1 - y0) * (x1 - x0);
      if (n == 0) return;
      T* plane = grads[0] + pl * p.h * p.w;
      const T share = g[o] / static_cast<T>(n);
      for (std::int64_t r = y0; r < y1; ++r)
        for (std::int64_t c = x0; c < x1; ++c) plane[r * p.w + c] += share;
    });
  }
};

using PoolOps = std::tuple<MaxPool2d, AvgPool2d, AdaptiveAvgPool2d>;

}  // namespace tapegrad::ops::tensor
