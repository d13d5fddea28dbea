// SPDX-License-Identifier: MIT
#include "tapegrad/autodiff/kernels/conv.hpp"

#include <algorithm>
#include <cstddef>

#include "tapegrad/autodiff/kernels/buffer.hpp"
#include "tapegrad/autodiff/kernels/gemm.hpp"
#include "tapegrad/autodiff/kernels/thread_pool.hpp"

namespace tapegrad::detail {
namespace {

// A chunk of samples is worth a task from about 2^21 multiply-adds on; at most kMaxChunks chunks, so the
// dW parts stay few and small.
constexpr std::int64_t kChunkMacs = std::int64_t{1} << 21;
constexpr std::int64_t kMaxChunks = 16;

/// Samples per chunk: a function of the geometry only (see the header: dW must not depend on threads).
std::int64_t chunk_samples(const ConvGeometry& g) {
  const std::int64_t per_sample = std::max<std::int64_t>(g.o * g.k * g.pixels, 1);
  const std::int64_t by_work = (kChunkMacs + per_sample - 1) / per_sample;
  const std::int64_t by_count = (g.n + kMaxChunks - 1) / kMaxChunks;
  return std::max<std::int64_t>({by_work, by_count, 1});
}

/// The output columns [first, last) of one kernel column j whose input column ix = ox s - p + j d lies in
/// [0, W); `offset` gets j d - p (so ix = ox s + offset).
struct Span {
  std::int64_t first, last, offset;
};
Span valid_columns(const ConvGeometry& g, std::int64_t j) {
  const std::int64_t s = g.stride[1], offset = j * g.dilation[1] - g.padding[1];
  std::int64_t first = offset >= 0 ? 0 : (-offset + s - 1) / s;
  std::int64_t last = g.w - 1 - offset < 0 ? 0 : (g.w - 1 - offset) / s + 1;
  first = std::min(first, g.ow);
  last = std::clamp(last, first, g.ow);
  return {first, last, offset};
}

/// The output rows [first, last) of kernel row i whose input row iy = oy s + offset (offset = i d - p) lies
/// in [0, H); the rows outside read padding only.
Span valid_rows(const ConvGeometry& g, std::int64_t i) {
  const std::int64_t s = g.stride[0], offset = i * g.dilation[0] - g.padding[0];
  std::int64_t first = offset >= 0 ? 0 : (-offset + s - 1) / s;
  std::int64_t last = g.h - 1 - offset < 0 ? 0 : (g.h - 1 - offset) / s + 1;
  first = std::min(first, g.oh);
  last = std::clamp(last, first, g.oh);
  return {first, last, offset};
}

/// col [K, OH OW] (row r = (c, i, j), column p = (oy, ox)) for one group of one sample (x: its first
/// channel). Rows of the field that read only padding are one fill; the others copy their valid columns
/// with a plain loop (the runs are short: a call per run cost more than the copy).
template <class T>
void im2col(const ConvGeometry& g, const T* x, T* col) {
  const std::int64_t sx = g.stride[1];
  for (std::int64_t c = 0; c < g.cg; ++c) {
    const T* plane = x + c * g.h * g.w;
    for (std::int64_t i = 0; i < g.kh; ++i) {
      const Span rows = valid_rows(g, i);
      for (std::int64_t j = 0; j < g.kw; ++j) {
        const Span cols = valid_columns(g, j);
        T* dst = col + ((c * g.kh + i) * g.kw + j) * g.pixels;
        std::fill(dst, dst + rows.first * g.ow, T{0});
        for (std::int64_t oy = rows.first; oy < rows.last; ++oy) {
          T* __restrict out = dst + oy * g.ow;
          const T* __restrict row = plane + (oy * g.stride[0] + rows.offset) * g.w;
          const std::int64_t at = cols.offset;  // input column of ox: ox sx + at, inside [first, last)
          for (std::int64_t ox = 0; ox < cols.first; ++ox) out[ox] = T{0};
          if (sx == 1)
            for (std::int64_t ox = cols.first; ox < cols.last; ++ox) out[ox] = row[ox + at];
          else
            for (std::int64_t ox = cols.first; ox < cols.last; ++ox) out[ox] = row[ox * sx + at];
          for (std::int64_t ox = cols.last; ox < g.ow; ++ox) out[ox] = T{0};
        }
        std::fill(dst + rows.last * g.ow, dst + g.pixels, T{0});
      }
    }
  }
}

/// The adjoint of im2col: adds every entry of col [K, OH OW] back into dx (one group of one sample).
template <class T>
void col2im(const ConvGeometry& g, const T* col, T* dx) {
  const std::int64_t sx = g.stride[1];
  for (std::int64_t c = 0; c < g.cg; ++c) {
    T* plane = dx + c * g.h * g.w;
    for (std::int64_t i = 0; i < g.kh; ++i) {
      const Span rows = valid_rows(g, i);
      for (std::int64_t j = 0; j < g.kw; ++j) {
        const Span cols = valid_columns(g, j);
        const T* src = col + ((c * g.kh + i) * g.kw + j) * g.pixels;
        for (std::int64_t oy = rows.first; oy < rows.last; ++oy) {
          const T* __restrict in = src + oy * g.ow;
          T* __restrict row = plane + (oy * g.stride[0] + rows.offset) * g.w;
          const std::int64_t at = cols.offset;
          if (sx == 1)
            for (std::int64_t ox = cols.first; ox < cols.last; ++ox) row[ox + at] += in[ox];
          else
            for (std::int64_t ox = cols.first; ox < cols.last; ++ox) row[ox * sx + at] += in[ox];
        }
      }
    }
  }
}

template <class T>
T* as(Buffer& b) {
  return static_cast<T*>(b.data());
}
template <class T>
Buffer buffer_of(std::int64_t elements) {
  return Buffer(static_cast<std::size_t>(std::max<std::int64_t>(elements, 1)) * sizeof(T));
}

}  // namespace

ConvGeometry conv_geometry(const std::array<std::int64_t, 4>& x, const std::array<std::int64_t, 4>& w,
                           const std::array<std::int64_t, 2>& stride,
                           const std::array<std::int64_t, 2>& padding,
                           const std::array<std::int64_t, 2>& dilation, std::int64_t groups) {
  ConvGeometry g;
  g.n = x[0], g.c = x[1], g.h = x[2], g.w = x[3];
  g.o = w[0], g.kh = w[2], g.kw = w[3], g.groups = groups;
  g.stride = stride, g.padding = padding, g.dilation = dilation;
  g.oh = conv_out_size(g.h, g.kh, stride[0], padding[0], dilation[0]);
  g.ow = conv_out_size(g.w, g.kw, stride[1], padding[1], dilation[1]);
  g.cg = g.c / groups, g.og = g.o / groups;
  g.k = g.cg * g.kh * g.kw, g.pixels = g.oh * g.ow;
  return g;
}

template <class T>
void conv2d_forward(const ConvGeometry& g, const T* x, const T* w, const T* b, T* y) {
  const std::int64_t per_chunk = chunk_samples(g);
  const auto chunks = static_cast<int>((g.n + per_chunk - 1) / per_chunk);
  parallel_for(chunks, [&](int chunk) {
    Buffer scratch;
    if (!g.pointwise()) scratch = buffer_of<T>(g.k * g.pixels);
    const std::int64_t first = chunk * per_chunk, last = std::min(g.n, first + per_chunk);
    for (std::int64_t s = first; s < last; ++s)
      for (std::int64_t q = 0; q < g.groups; ++q) {
        const T* xg = x + (s * g.c + q * g.cg) * g.h * g.w;
        const T* col = xg;
        if (!g.pointwise()) {
          im2col(g, xg, as<T>(scratch));
          col = as<T>(scratch);
        }
        T* yg = y + (s * g.o + q * g.og) * g.pixels;
        for (std::int64_t o = 0; o < g.og; ++o) std::fill_n(yg + o * g.pixels, g.pixels, b[q * g.og + o]);
        gemm<T>(g.og, g.pixels, g.k, w + q * g.og * g.k, g.k, 1, col, g.pixels, yg, g.pixels, false);
      }
  });
}

template <class T>
void conv2d_backward(const ConvGeometry& g, const T* x, const T* w, const T* dy, T* dx, T* dw, T* db,
                     const std::array<bool, 3>& fresh) {
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
  if (dx != nullptr && fresh[0]) std::fill_n(dx, g.n * g.c * g.h * g.w, T{0});
  const std::int64_t wsize = g.o * g.k;
  if (dw != nullptr && fresh[1]) std::fill_n(dw, wsize, T{0});
  if ((dx == nullptr && dw == nullptr) || g.n == 0) return;

  const std::int64_t per_chunk = chunk_samples(g);
  const auto chunks = static_cast<int>((g.n + per_chunk - 1) / per_chunk);
  // Each chunk's dW part, per group dWT [K, og]: dWT += col dyT keeps im2col's layout and transposes the
  // small dy instead (og P values against K P).
  Buffer parts;
  if (dw != nullptr) parts = buffer_of<T>(chunks * wsize);
  parallel_for(chunks, [&](int chunk) {
    const std::int64_t first = chunk * per_chunk, last = std::min(g.n, first + per_chunk);
    const std::int64_t cols = g.k * g.pixels;
    Buffer col_buf, dy_t_buf, dcol_buf;
    if (dw != nullptr && !g.pointwise()) col_buf = buffer_of<T>(cols);
    if (dw != nullptr) dy_t_buf = buffer_of<T>(g.og * g.pixels);
    if (dx != nullptr && !g.pointwise()) dcol_buf = buffer_of<T>(cols);
    T* part = dw != nullptr ? as<T>(parts) + chunk * wsize : nullptr;
    for (std::int64_t s = first; s < last; ++s)
      for (std::int64_t q = 0; q < g.groups; ++q) {
        const T* xg = x + (s * g.c + q * g.cg) * g.h * g.w;
        const T* dyg = dy + (s * g.o + q * g.og) * g.pixels;
        const T* wg = w + q * g.og * g.k;
        if (dw != nullptr) {
          T* pq = part + q * g.og * g.k;
          const bool overwrite = s == first;
          const T* col = xg;
          if (!g.pointwise()) {
            im2col(g, xg, as<T>(col_buf));
            col = as<T>(col_buf);
          }
          T* dy_t = as<T>(dy_t_buf);
          for (std::int64_t o = 0; o < g.og; ++o)
            for (std::int64_t p = 0; p < g.pixels; ++p) dy_t[p * g.og + o] = dyg[o * g.pixels + p];
          gemm<T>(g.k, g.og, g.pixels, col, g.pixels, 1, dy_t, g.og, pq, g.og, overwrite);
        }
        if (dx != nullptr) {
          T* dxg = dx + (s * g.c + q * g.cg) * g.h * g.w;
          if (g.pointwise()) {  // dx_g += W_g^T dy_g, straight into dx
            gemm<T>(g.k, g.pixels, g.og, wg, 1, g.k, dyg, g.pixels, dxg, g.pixels, false);
          } else {
            gemm<T>(g.k, g.pixels, g.og, wg, 1, g.k, dyg, g.pixels, as<T>(dcol_buf), g.pixels, true);
            col2im(g, as<T>(dcol_buf), dxg);
          }
        }
      }
  });
  if (dw == nullptr) return;
  // The parts in chunk order (the same sums at any thread count), transposed back into dW.
  const T* all = as<T>(parts);
  for (int chunk = 0; chunk < chunks; ++chunk)
    for (std::int64_t q = 0; q < g.groups; ++q) {
      const T* pq = all + chunk * wsize + q * g.og * g.k;
      T* dq = dw + q * g.og * g.k;
      for (std::int64_t r = 0; r < g.k; ++r)
        for (std::int64_t o = 0; o < g.og; ++o) dq[o * g.k + r] += pq[r * g.og + o];
    }
}

template void conv2d_forward<float>(const ConvGeometry&, const float*, const float*, const float*, float*);
template void conv2d_forward<double>(const ConvGeometry&, const double*, const double*, const double*,
                                     double*);
template void conv2d_backward<float>(const ConvGeometry&, const float*, const float*, const float*, float*,
                                     float*, float*, const std::array<bool, 3>&);
template void conv2d_backward<double>(const ConvGeometry&, const double*, const double*, const double*,
                                      double*, double*, double*, const std::array<bool, 3>&);

}  // namespace tapegrad::detail
