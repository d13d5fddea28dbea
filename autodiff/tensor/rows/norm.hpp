// SPDX-License-Identifier: MIT
// norm.hpp: batch normalisation and layer normalisation as fused rows, forward and backward side by side.
// Composed from mean, sub, mul, sqrt and div, either would record about ten ops and keep as many
// temporaries; one row keeps x and a [3, C] (or [2, rows]) table of statistics, and its backward is the
// closed form. With x_hat = (x - mean) invstd, y = w x_hat + b, and M the elements per statistic:
//   db = sum g,  dw = sum g x_hat,
//   dx = w invstd (g - (sum g) / M - x_hat (sum g x_hat) / M)   when the statistics come from x itself,
//   dx = w invstd g                                             when they are constants (batch_norm in eval).
// Statistics are accumulated in double whatever the dtype. The variance is the biased one (divided by M),
// as PyTorch normalises with; batch_norm's front end turns it into the unbiased one for the running variance.
// The statistics table is written by the forward into a tensor the Attrs hold, so the backward reuses them
// and the front end reads the batch statistics from it.
#pragma once

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <tuple>
#include <utility>

#include "tapegrad/autodiff/tensor/rows/row.hpp"
#include "tapegrad/autodiff/tensor/tensor.hpp"

namespace tapegrad::ops::tensor {

/// batch_norm's attributes. stats: float64 [3, C] holding mean, invstd = 1 / sqrt(var + eps) and the
/// biased var per channel. In training the forward computes and writes them from x; otherwise the front end
/// has written them (from the running statistics) and they are constants.
struct BatchNormAttrs {
  bool training = true;
  double eps = 1e-5;
  Tensor stats;
};

/// layer_norm's attributes: the normalised trailing dimensions and eps; stats float64 [2, rows] (mean,
/// invstd per normalised row), written by the forward.
struct LayerNormAttrs {
  std::size_t dims = 1;
  double eps = 1e-5;
  Tensor stats;
};

namespace detail_norm {
/// Mean and biased variance (in double, two passes) of x[0, n).
template <class T>
std::pair<double, double> moments(const T* x, std::int64_t n) {
  double s = 0.0;
  for (std::int64_t i = 0; i < n; ++i) s += static_cast<double>(x[i]);
  const double mean = s / static_cast<double>(n);
  double v = 0.0;
  for (std::int64_t i = 0; i < n; ++i) {
    const double d = static_cast<double>(x[i]) - mean;
    v += d * d;
  }
  return {mean, v / static_cast<double>(n)};
}
}  // namespace detail_norm

/// y = (x - mean_c) invstd_c w_c + b_c over x [N, C, ...] (statistics per channel c over N and the rest).
struct BatchNorm {
  static constexpr std::string_view name = "batch_norm";
  static constexpr Kind kind = Kind::general;
  static constexpr std::size_t arity = 3;
  static constexpr Domain domain{-2.0, 2.0};
  using Attrs = BatchNormAttrs;

  static Shape output_shape(const Attrs& /*a*/, const std::array<Tensor, 3>& in) {
    const Shape &x = in[0].shape(), &w = in[1].shape(), &b = in[2].shape();
    TAPEGRAD_CHECK(x.size() >= 2 && w.size() == 1 && b.size() == 1 && w[0] == x[1] && b[0] == x[1],
                   ShapeError, "batch_norm: expected x [N, C, ...], weight [C] and bias [C], got x ",
                   to_string(x), ", weight ", to_string(w), " and bias ", to_string(b));
    return x;
  }

  struct Layout {
    std::int64_t n, c, s;  // x is [n, c, s]
  };
  static Layout layout(const Shape& x) {
    std::int64_t s = 1;
    for (std::size_t d = 2; d < x.size(); ++d) s *= x[d];
    return {x[0], x[1], s};
  }

  template <class T>
  static void forward(const Attrs& a, const std::array<Tensor, 3>& in, const Tensor& out) {
    const Layout l = layout(in[0].shape());
    const T* x = in[0].data<T>();
    const T* w = in[1].data<T>();
    const T* b = in[2].data<T>();
    T* y = out.data<T>();
    double* st = a.stats.data<double>();
    for (std::int64_t ch = 0; ch < l.c; ++ch) {
      if (a.training) {
        double sum = 0.0, sq = 0.0;
        for (std::int64_t n = 0; n < l.n; ++n) {
          const T* xc = x + (n * l.c + ch) * l.s;
          for (std::int64_t i = 0; i < l.s; ++i) sum += static_cast<double>(xc[i]);
        }
        const double mean = sum / static_cast<double>(l.n * l.s);
        for (std::int64_t n = 0; n < l.n; ++n) {  // two passes: no cancellation in E[x^2] - E[x]^2
          const T* xc = x + (n * l.c + ch) * l.s;
          for (std::int64_t i = 0; i < l.s; ++i) {
            const double dev = static_cast<double>(xc[i]) - mean;
            sq += dev * dev;
          }
        }
        const double var = sq / static_cast<double>(l.n * l.s);
        st[ch] = mean, st[l.c + ch] = 1.0 / std::sqrt(var + a.eps), st[2 * l.c + ch] = var;
      }
      const T mean = static_cast<T>(st[ch]), invstd = static_cast<T>(st[l.c + ch]);
      const T scale = invstd * w[ch], shift = b[ch];
      for (std::int64_t n = 0; n < l.n; ++n) {
        const std::int64_t base = (n * l.c + ch) * l.s;
        for (std::int64_t i = 0; i < l.s; ++i) y[base + i] = (x[base + i] - mean) * scale + shift;
      }
    }
  }

  template <class T>
  static void backward(const Attrs& a, const std::array<Tensor, 3>& in, const Tensor& /*out*/, const T* g,
                       const std::array<T*, 3>& grads) {
    const Layout l = layout(in[0].shape());
    const T* x = in[0].data<T>();
    const T* w = in[1].data<T>();
    const double* st = a.stats.data<double>();
    const double m = static_cast<double>(l.n * l.s);
    for (std::int64_t ch = 0; ch < l.c; ++ch) {
      const double mean = st[ch], invstd = st[l.c + ch];
      double sum_g = 0.0, sum_gx = 0.0;
      for (std::int64_t n = 0; n < l.n; ++n) {
        const std::int64_t base = (n * l.c + ch) * l.s;
        for (std::int64_t i = 0; i < l.s; ++i) {
          const double gi = static_cast<double>(g[base + i]);
          sum_g += gi;
          sum_gx += gi * (static_cast<double>(x[base + i]) - mean) * invstd;
        }
      }
      if (grads[2] != nullptr) grads[2][ch] += static_cast<T>(sum_g);
      if (grads[1] != nullptr) grads[1][ch] += static_cast<T>(sum_gx);
      if (T* dx = grads[0]; dx != nullptr) {
        const double scale = static_cast<double>(w[ch]) * invstd;
        const double mg = a.training ? sum_g / m : 0.0, mgx = a.training ? sum_gx / m : 0.0;
        for (std::int64_t n = 0; n < l.n; ++n) {
          const std::int64_t base = (n * l.c + ch) * l.s;
          for (std::int64_t i = 0; i < l.s; ++i) {
            const double xhat = (static_cast<double>(x[base + i]) - mean) * invstd;
            dx[base + i] += static_cast<T>(scale * (static_cast<double>(g[base + i]) - mg - xhat * mgx));
          }
        }
      }
    }
  }
};

/// y = (x - mean_r) invstd_r w + b for each row r of the trailing `dims` dimensions (w and b their shape).
struct LayerNorm {
  static constexpr std::string_view name = "layer_norm";
  static constexpr Kind kind = Kind::general;
  static constexpr std::size_t arity = 3;
  static constexpr Domain domain{-2.0, 2.0};
  using Attrs = LayerNormAttrs;

  static Shape output_shape(const Attrs& a, const std::array<Tensor, 3>& in) {
    const Shape &x = in[0].shape(), &w = in[1].shape(), &b = in[2].shape();
    bool fits = a.dims >= 1 && x.size() >= a.dims && w.size() == a.dims && b == w;
    for (std::size_t d = 0; fits && d < a.dims; ++d) fits = x[x.size() - a.dims + d] == w[d];
    TAPEGRAD_CHECK(
        fits, ShapeError,
        "layer_norm: expected weight and bias of the normalized shape, the trailing dimensions of x, "
        "got x ",
        to_string(x), ", weight ", to_string(w), " and bias ", to_string(b));
    return x;
  }

  template <class T>
  static void forward(const Attrs& a, const std::array<Tensor, 3>& in, const Tensor& out) {
    const std::int64_t d = in[1].numel(), rows = d == 0 ? 0 : in[0].numel() / d;
    const T* x = in[0].data<T>();
    const T* w = in[1].data<T>();
    const T* b = in[2].data<T>();
    T* y = out.data<T>();
    double* st = a.stats.data<double>();
    for (std::int64_t r = 0; r < rows; ++r) {
      const T* xr = x + r * d;
      const auto [mean, var] = detail_norm::moments(xr, d);
      const double invstd = 1.0 / std::sqrt(var + a.eps);
      st[r] = mean, st[rows + r] = invstd;
      T* yr = y + r * d;
      const T mt = static_cast<T>(mean), it = static_cast<T>(invstd);
      for (std::int64_t i = 0; i < d; ++i) yr[i] = (xr[i] - mt) * it * w[i] + b[i];
    }
  }

  template <class T>
  static void backward(const Attrs& a, const std::array<Tensor, 3>& in, const Tensor& /*out*/, const T* g,
                       const std::array<T*, 3>& grads) {
    const std::int64_t d = in[1].numel(), rows = d == 0 ? 0 : in[0].numel() / d;
    const T* x = in[0].data<T>();
    const T* w = in[1].data<T>();
    const double* st = a.stats.data<double>();
    for (std::int64_t r = 0; r < rows; ++r) {
      const T* xr = x + r * d;
      const T* gr = g + r * d;
      const double mean = st[r], invstd = st[rows + r];
      double sum_g = 0.0, sum_gx = 0.0;  // of dx_hat = g w
      for (std::int64_t i = 0; i < d; ++i) {
        const double xhat = (static_cast<double>(xr[i]) - mean) * invstd;
        const double gw = static_cast<double>(gr[i]) * static_cast<double>(w[i]);
        sum_g += gw;
        sum_gx += gw * xhat;
        if (grads[1] != nullptr) grads[1][i] += static_cast<T>(static_cast<double>(gr[i]) * xhat);
        if (grads[2] != nullptr) grads[2][i] += gr[i];
      }
      if (T* dx = grads[0]; dx != nullptr) {
        const double dd = static_cast<double>(d);
        for (std::int64_t i = 0; i < d; ++i) {
          const double xhat = (static_cast<double>(xr[i]) - mean) * invstd;
          const double gw = static_cast<double>(gr[i]) * static_cast<double>(w[i]);
          dx[r * d + i] += static_cast<T>(invstd * (gw - sum_g / dd - xhat * sum_gx / dd));
        }
      }
    }
  }
};

using NormOps = std::tuple<BatchNorm, LayerNorm>;

}  // namespace tapegrad::ops::tensor
