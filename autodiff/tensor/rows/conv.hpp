// SPDX-License-Identifier: MIT
// conv.hpp: 2-D convolution (cross-correlation, as torch.nn.functional.conv2d) lowered onto gemm, forward
// and backward side by side. conv1d is this row on a height-1 image (tensor/conv.cpp).
//   x [N, C, H, W], w [O, C/groups, kh, kw], b [O] -> y [N, O, OH, OW],
//   OH = (H + 2 pad - dil (kh - 1) - 1) / stride + 1 (floor), likewise OW.
// Per sample n and group g, im2col copies the receptive fields into col [K = C/groups kh kw, OH OW] (zeros
// where a field reaches into the padding), and then
//   y_ng = W_g col + b          (W_g [O/groups, K] is the group's weight rows, read in place)
//   dW_g += dy_ng colT          (colT [OH OW, K]: im2col written transposed, so gemm reads it row-major)
//   dcol = W_g^T dy_ng, dx_ng += col2im(dcol)   (W^T through gemm's strided A, no copy)
//   db_o += sum over n and pixels of dy.
// A 1x1 kernel with stride 1 and no padding needs no im2col: col is the input itself. The scratch buffers
// come from the buffer cache, so a training loop repeating the same shapes stops allocating after its first
// step. Large batches split over the thread pool by samples (each task its own scratch and, for dW, its own
// partial sum, added in task order so the result does not depend on timing).
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <tuple>
#include <vector>

#include "tapegrad/autodiff/kernels/buffer.hpp"
#include "tapegrad/autodiff/kernels/gemm.hpp"
#include "tapegrad/autodiff/kernels/thread_pool.hpp"
#include "tapegrad/autodiff/kernels/threading.hpp"
#include "tapegrad/autodiff/tensor/rows/row.hpp"
#include "tapegrad/autodiff/tensor/tensor.hpp"

namespace tapegrad::ops::tensor {

/// Geometry of a 2-D convolution: per spatial axis (height, width) stride, padding and dilation.
struct Conv2dAttrs {
  std::array<std::int64_t, 2> stride{1, 1};
  std::array<std::int64_t, 2> padding{0, 0};
  std::array<std::int64_t, 2> dilation{1, 1};
  std::int64_t groups = 1;
};

namespace detail_conv {

/// Every size the kernels need, derived once from the shapes.
struct Geometry {
  std::int64_t n, c, h, w, o, kh, kw, oh, ow, groups;
  std::int64_t cg, og, k, pixels;  // channels and outputs per group, K = cg kh kw, OH OW
  Conv2dAttrs a;
  bool direct() const {  // 1x1, stride 1, no padding: col is x itself
    return kh == 1 && kw == 1 && a.stride[0] == 1 && a.stride[1] == 1 && a.padding[0] == 0 &&
           a.padding[1] == 0;
  }
};

inline std::int64_t out_size(std::int64_t in, std::int64_t k, std::int64_t s, std::int64_t p,
                             std::int64_t d) {
  return (in + 2 * p - d * (k - 1) - 1) / s + 1;
}

inline Geometry geometry(const Conv2dAttrs& a, const Shape& x, const Shape& w) {
  Geometry g{};
  g.n = x[0], g.c = x[1], g.h = x[2], g.w = x[3];
  g.o = w[0], g.kh = w[2], g.kw = w[3], g.groups = a.groups;
  g.oh = out_size(g.h, g.kh, a.stride[0], a.padding[0], a.dilation[0]);
  g.ow = out_size(g.w, g.kw, a.stride[1], a.padding[1], a.dilation[1]);
  g.cg = g.c / g.groups, g.og = g.o / g.groups;
  g.k = g.cg * g.kh * g.kw, g.pixels = g.oh * g.ow;
  g.a = a;
  return g;
}

/// Writes the receptive fields of one group of one sample (x: its first channel) into col, element
/// (row r = (c, i, j), pixel p) at col[r * row_step + p * pixel_step]: col [K, OH OW] is (OH OW, 1), its
/// transpose (1, K).
template <class T>
void im2col(const Geometry& g, const T* x, T* col, std::int64_t row_step, std::int64_t pixel_step) {
  const auto& a = g.a;
  for (std::int64_t c = 0; c < g.cg; ++c)
    for (std::int64_t i = 0; i < g.kh; ++i)
      for (std::int64_t j = 0; j < g.kw; ++j) {
        T* dst = col + ((c * g.kh + i) * g.kw + j) * row_step;
        const T* plane = x + c * g.h * g.w;
        for (std::int64_t oy = 0; oy < g.oh; ++oy) {
          const std::int64_t iy = oy * a.stride[0] - a.padding[0] + i * a.dilation[0];
          T* out = dst + oy * g.ow * pixel_step;
          if (iy < 0 || iy >= g.h) {
            for (std::int64_t ox = 0; ox < g.ow; ++ox) out[ox * pixel_step] = T{0};
            continue;
          }
          const T* row = plane + iy * g.w;
          for (std::int64_t ox = 0; ox < g.ow; ++ox) {
            const std::int64_t ix = ox * a.stride[1] - a.padding[1] + j * a.dilation[1];
            out[ox * pixel_step] = (ix >= 0 && ix < g.w) ? row[ix] : T{0};
          }
        }
      }
}

/// The adjoint of im2col (col [K, OH OW] row-major): adds every column entry back into dx.
template <class T>
void col2im(const Geometry& g, const T* col, T* dx) {
  const auto& a = g.a;
  for (std::int64_t c = 0; c < g.cg; ++c)
    for (std::int64_t i = 0; i < g.kh; ++i)
      for (std::int64_t j = 0; j < g.kw; ++j) {
        const T* src = col + ((c * g.kh + i) * g.kw + j) * g.pixels;
        T* plane = dx + c * g.h * g.w;
        for (std::int64_t oy = 0; oy < g.oh; ++oy) {
          const std::int64_t iy = oy * a.stride[0] - a.padding[0] + i * a.dilation[0];
          if (iy < 0 || iy >= g.h) continue;
          T* row = plane + iy * g.w;
          const T* in = src + oy * g.ow;
          for (std::int64_t ox = 0; ox < g.ow; ++ox) {
            const std::int64_t ix = ox * a.stride[1] - a.padding[1] + j * a.dilation[1];
            if (ix >= 0 && ix < g.w) row[ix] += in[ox];
          }
        }
      }
}

/// How many tasks split the batch: one unless the batch is large enough to pay for waking the pool
/// (about 2^21 multiply-adds per task).
inline int tasks_for(const Geometry& g) {
  const std::int64_t work = g.n * g.o * g.k * g.pixels;
  const std::int64_t by_work = work >> 21;
  const std::int64_t t = std::min<std::int64_t>({static_cast<std::int64_t>(num_threads()), g.n, by_work});
  return static_cast<int>(std::max<std::int64_t>(t, 1));
}

/// Samples [first, last) of task t out of `tasks`.
inline std::pair<std::int64_t, std::int64_t> samples_of(const Geometry& g, int t, int tasks) {
  return {g.n * t / tasks, g.n * (t + 1) / tasks};
}

}  // namespace detail_conv

/// y = conv2d(x, w) + b, with stride, padding, dilation and groups (see the header comment).
struct Conv2d {
  static constexpr std::string_view name = "conv2d";
  static constexpr Kind kind = Kind::general;
  static constexpr std::size_t arity = 3;
  static constexpr Domain domain{-2.0, 2.0};
  using Attrs = Conv2dAttrs;

  static Shape output_shape(const Attrs& a, const std::array<Tensor, 3>& in) {
    const Shape &x = in[0].shape(), &w = in[1].shape(), &b = in[2].shape();
    TAPEGRAD_CHECK(x.size() == 4 && w.size() == 4 && b.size() == 1, ShapeError,
                   "conv2d: expected x [N, C, H, W], weight [O, C/groups, kh, kw] and bias [O], got x ",
                   to_string(x), ", weight ", to_string(w), " and bias ", to_string(b));
    TAPEGRAD_CHECK(a.groups >= 1 && a.stride[0] >= 1 && a.stride[1] >= 1 && a.dilation[0] >= 1 &&
                       a.dilation[1] >= 1 && a.padding[0] >= 0 && a.padding[1] >= 0,
                   ShapeError,
                   "conv2d: stride, dilation and groups must be positive and padding >= 0, got stride [",
                   a.stride[0], ", ", a.stride[1], "], padding [", a.padding[0], ", ", a.padding[1],
                   "], dilation [", a.dilation[0], ", ", a.dilation[1], "], groups ", a.groups);
    TAPEGRAD_CHECK(x[1] % a.groups == 0 && w[0] % a.groups == 0 && w[1] * a.groups == x[1] && b[0] == w[0] &&
                       w[2] >= 1 && w[3] >= 1,
                   ShapeError,
                   "conv2d: channels must match (x [N, C, H, W], weight [O, C/groups, kh, kw], bias [O], ",
                   "C and O divisible by groups = ", a.groups, "), got x ", to_string(x), ", weight ",
                   to_string(w), " and bias ", to_string(b));
    const auto g = detail_conv::geometry(a, x, w);
    TAPEGRAD_CHECK(g.oh >= 1 && g.ow >= 1, ShapeError, "conv2d: the kernel ", to_string(w),
                   " (dilated, with padding [", a.padding[0], ", ", a.padding[1],
                   "]) does not fit the input ", to_string(x));
    return {g.n, g.o, g.oh, g.ow};
  }

  template <class T>
  static void forward(const Attrs& a, const std::array<Tensor, 3>& in, const Tensor& out) {
    using namespace detail_conv;
    const Geometry g = geometry(a, in[0].shape(), in[1].shape());
    const T* x = in[0].data<T>();
    const T* w = in[1].data<T>();
    const T* b = in[2].data<T>();
    T* y = out.data<T>();
    const int tasks = tasks_for(g);
    const auto run = [&](int t) {
      const auto [first, last] = samples_of(g, t, tasks);
      tapegrad::detail::Buffer scratch;
      if (!g.direct())
        scratch = tapegrad::detail::Buffer(static_cast<std::size_t>(g.k * g.pixels) * sizeof(T));
      T* col = static_cast<T*>(scratch.data());
      for (std::int64_t s = first; s < last; ++s)
        for (std::int64_t q = 0; q < g.groups; ++q) {
          const T* xg = x + (s * g.c + q * g.cg) * g.h * g.w;
          if (g.direct())
            col = const_cast<T*>(xg);  // read only
          else
            im2col(g, xg, col, g.pixels, 1);
          T* yg = y + (s * g.o + q * g.og) * g.pixels;
          tapegrad::detail::gemm<T>(g.og, g.pixels, g.k, w + q * g.og * g.k, g.k, 1, col, g.pixels, yg,
                                    g.pixels, true);
          for (std::int64_t o = 0; o < g.og; ++o) {
            const T bias = b[q * g.og + o];
            T* row = yg + o * g.pixels;
            for (std::int64_t p = 0; p < g.pixels; ++p) row[p] += bias;
          }
        }
    };
    if (tasks == 1)
      run(0);
    else
      tapegrad::detail::parallel_for(tasks, run);
  }

  template <class T>
  static void backward(const Attrs& a, const std::array<Tensor, 3>& in, const Tensor& /*out*/, const T* dy,
                       const std::array<T*, 3>& grads, const std::array<bool, 3>& fresh) {
    using namespace detail_conv;
    const Geometry g = geometry(a, in[0].shape(), in[1].shape());
    const T* x = in[0].data<T>();
    const T* w = in[1].data<T>();
    T* dx = grads[0];
    T* dw = grads[1];
    T* db = grads[2];
    if (dx != nullptr && fresh[0]) std::fill_n(dx, in[0].numel(), T{0});
    if (db != nullptr) {
      if (fresh[2]) std::fill_n(db, g.o, T{0});
      for (std::int64_t s = 0; s < g.n; ++s)
        for (std::int64_t o = 0; o < g.o; ++o) {
          const T* row = dy + (s * g.o + o) * g.pixels;
          T total{0};
          for (std::int64_t p = 0; p < g.pixels; ++p) total += row[p];
          db[o] += total;
        }
    }
    if (dx == nullptr && dw == nullptr) return;
    const int tasks = tasks_for(g);
    const std::int64_t wsize = g.o * g.k;
    // Task 0 accumulates straight into dw; the others into partial sums added afterwards, in task order.
    tapegrad::detail::Buffer partial;
    if (dw != nullptr && tasks > 1)
      partial = tapegrad::detail::Buffer(static_cast<std::size_t>((tasks - 1) * wsize) * sizeof(T));
    if (dw != nullptr && fresh[1] && g.n == 0) std::fill_n(dw, wsize, T{0});
    const auto run = [&](int t) {
      const auto [first, last] = samples_of(g, t, tasks);
      T* dwt = t == 0 ? dw : static_cast<T*>(partial.data()) + (t - 1) * wsize;
      bool overwrite = t != 0 || fresh[1];  // the first product into a fresh (or partial) sum overwrites
      if (first == last && dwt != nullptr && overwrite) std::fill_n(dwt, wsize, T{0});
      const std::size_t bytes = static_cast<std::size_t>(g.k * g.pixels) * sizeof(T);
      tapegrad::detail::Buffer col_t_buf, dcol_buf;
      if (dw != nullptr) col_t_buf = tapegrad::detail::Buffer(bytes);
      if (dx != nullptr && !g.direct()) dcol_buf = tapegrad::detail::Buffer(bytes);
      T* col_t = static_cast<T*>(col_t_buf.data());
      T* dcol = static_cast<T*>(dcol_buf.data());
      for (std::int64_t s = first; s < last; ++s) {
        for (std::int64_t q = 0; q < g.groups; ++q) {
          const T* dyg = dy + (s * g.o + q * g.og) * g.pixels;
          const T* wg = w + q * g.og * g.k;
          if (dw != nullptr) {
            im2col(g, x + (s * g.c + q * g.cg) * g.h * g.w, col_t, 1, g.k);
            tapegrad::detail::gemm<T>(g.og, g.k, g.pixels, dyg, g.pixels, 1, col_t, g.k, dwt + q * g.og * g.k,
                                      g.k, overwrite);
          }
          if (dx != nullptr) {
            T* dxg = dx + (s * g.c + q * g.cg) * g.h * g.w;
            if (g.direct()) {  // dx_g += W_g^T dy_g, straight into dx
              tapegrad::detail::gemm<T>(g.k, g.pixels, g.og, wg, 1, g.k, dyg, g.pixels, dxg, g.pixels, false);
            } else {
              tapegrad::detail::gemm<T>(g.k, g.pixels, g.og, wg, 1, g.k, dyg, g.pixels, dcol, g.pixels, true);
              col2im(g, dcol, dxg);
            }
          }
        }
        overwrite = false;
      }
    };
    if (tasks == 1)
      run(0);
    else
      tapegrad::detail::parallel_for(tasks, run);
    if (dw != nullptr)
      for (int t = 1; t < tasks; ++t) {
        const T* p = static_cast<const T*>(partial.data()) + (t - 1) * wsize;
        for (std::int64_t i = 0; i < wsize; ++i) dw[i] += p[i];
      }
  }
};

using ConvOps = std::tuple<Conv2d>;

}  // namespace tapegrad::ops::tensor
