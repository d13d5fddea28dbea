// SPDX-License-Identifier: MIT
// softmax.hpp: softmax and log_softmax along an axis, forward and backward side by side.
// Both subtract the slice's maximum before exponentiating, so no exp overflows (the result is unchanged:
// softmax is invariant under a shift). The axis splits x into [outer, n, inner] (detail::split_at); each
// (outer, inner) pair is one slice of n elements at stride inner.
#pragma once

#include <array>
#include <cmath>
#include <cstddef>
#include <string_view>
#include <tuple>

#include "tapegrad/autodiff/kernels/strided.hpp"
#include "tapegrad/autodiff/tensor/rows/row.hpp"
#include "tapegrad/autodiff/tensor/tensor.hpp"

namespace tapegrad::ops::tensor {

struct SoftmaxAttrs {
  std::size_t axis = 0;  // normalised by the front end
};

namespace detail_softmax {
/// Calls f(base, stride, n) for every slice along the axis.
template <class F>
void for_each_slice(const Shape& shape, std::size_t axis, F&& f) {
  const auto [outer, n, inner] = tapegrad::detail::split_at(shape, axis);
  if (n == 0) return;  // empty slices: nothing to normalise (and no element to take the max of)
  for (std::int64_t o = 0; o < outer; ++o)
    for (std::int64_t j = 0; j < inner; ++j) f(o * n * inner + j, inner, n);
}

/// Writes x - max into y for one slice and returns log(sum exp(x - max)).
template <class T>
T shifted_logsumexp(const T* x, T* y, std::int64_t base, std::int64_t stride, std::int64_t n) {
  T m = x[base];
  for (std::int64_t k = 1; k < n; ++k) m = std::fmax(m, x[base + k * stride]);
  T s{0};
  for (std::int64_t k = 0; k < n; ++k) {
    y[base + k * stride] = x[base + k * stride] - m;
    s += std::exp(y[base + k * stride]);
  }
  return std::log(s);
}
}  // namespace detail_softmax

namespace detail_softmax {
/// The row softmax and log_softmax share: per slice, the forward takes the shifted logsumexp and finishes
/// each element with Formulas::finish(x_k - max, lse); the backward sums Formulas::slice_term(g_k, y_k) over
/// the slice and adds Formulas::grad(g_k, y_k, that sum) to dx_k. Formulas is the derived row (CRTP).
template <class Formulas>
struct SoftmaxRow : OneInputRow {
  using Attrs = SoftmaxAttrs;
  static Shape output_shape(const Attrs& /*r*/, const std::array<Tensor, 1>& in) { return in[0].shape(); }
  template <class T>
  static void forward(const Attrs& r, const std::array<Tensor, 1>& in, const Tensor& out) {
    const T* x = in[0].data<T>();
    T* y = out.data<T>();
    for_each_slice(in[0].shape(), r.axis, [&](std::int64_t base, std::int64_t stride, std::int64_t n) {
      const T lse = shifted_logsumexp(x, y, base, stride, n);
      for (std::int64_t k = 0; k < n; ++k) {
        T& yk = y[base + k * stride];
        yk = Formulas::finish(yk, lse);
      }
    });
  }
  template <class T>
  static void backward(const Attrs& r, const std::array<Tensor, 1>& in, const Tensor& out, const T* g,
                       const std::array<T*, 1>& grads) {
    const T* y = out.data<T>();
    for_each_slice(in[0].shape(), r.axis, [&](std::int64_t base, std::int64_t stride, std::int64_t n) {
      T total{0};
      for (std::int64_t k = 0; k < n; ++k)
        total += Formulas::slice_term(g[base + k * stride], y[base + k * stride]);
      for (std::int64_t k = 0; k < n; ++k) {
        const std::int64_t i = base + k * stride;
        grads[0][i] += Formulas::grad(g[i], y[i], total);
      }
    });
  }
};
}  // namespace detail_softmax

/// y_k = exp(x_k - max) / sum_j exp(x_j - max); dx_k += y_k (g_k - sum_j g_j y_j).
struct Softmax : detail_softmax::SoftmaxRow<Softmax> {
  static constexpr std::string_view name = "softmax";
  template <class T>
  static T finish(T shifted, T lse) {
    return std::exp(shifted - lse);
  }
  template <class T>
  static T slice_term(T g, T y) {
    return g * y;
  }
  template <class T>
  static T grad(T g, T y, T dot) {
    return y * (g - dot);
  }
};

/// y_k = x_k - max - log sum_j exp(x_j - max); dx_k += g_k - softmax_k sum_j g_j, softmax_k = exp(y_k).
struct LogSoftmax : detail_softmax::SoftmaxRow<LogSoftmax> {
  static constexpr std::string_view name = "log_softmax";
  template <class T>
  static T finish(T shifted, T lse) {
    return shifted - lse;
  }
  template <class T>
  static T slice_term(T g, T /*y*/) {
    return g;
  }
  template <class T>
  static T grad(T g, T y, T total) {
    return g - std::exp(y) * total;
  }
};

using SoftmaxOps = std::tuple<Softmax, LogSoftmax>;

}  // namespace tapegrad::ops::tensor
