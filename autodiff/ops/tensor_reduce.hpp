// SPDX-License-Identifier: MIT
// tensor_reduce.hpp: sum and mean, over all elements or along one axis, forward and backward side by side.
// Along an axis the input is seen as [outer, n, inner] (detail::split_at) and the output as [outer, inner];
// the backward is the adjoint of that reduction: every input element receives its output's gradient
// (divided by n for the mean), i.e. the gradient is broadcast back along the reduced axis.
#pragma once

#include <array>
#include <cstddef>
#include <string_view>
#include <tuple>

#include "autodiff/detail/partial_sum.hpp"
#include "autodiff/detail/tensor_kernels.hpp"
#include "autodiff/ops/tensor_op.hpp"
#include "autodiff/tensor.hpp"

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
  // Sums over contiguous elements run in partial sums (detail/partial_sum.hpp), not one serial chain.
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

/// gx += scale * g broadcast back along the reduced elements.
template <class T>
void reduce_backward(const ReduceAttrs& r, const Tensor& x, const T* g, T* gx, T scale) {
  if (r.all) {
    const T gs = g[0] * scale;
    for (std::int64_t i = 0; i < x.numel(); ++i) gx[i] += gs;
    return;
  }
  const auto [outer, n, inner] = tapegrad::detail::split_at(x.shape(), r.axis);
  for (std::int64_t o = 0; o < outer; ++o)
    for (std::int64_t k = 0; k < n; ++k)
      for (std::int64_t j = 0; j < inner; ++j) gx[(o * n + k) * inner + j] += scale * g[o * inner + j];
}

inline std::int64_t reduced_count(const ReduceAttrs& r, const Tensor& x) {
  return r.all ? x.numel() : x.shape()[r.axis];
}
}  // namespace detail_reduce

/// y = sum of x's elements (all, or along an axis); dy/dx_i = 1.
struct Sum {
  static constexpr std::string_view name = "sum";
  static constexpr Kind kind = Kind::general;
  static constexpr std::size_t arity = 1;
  static constexpr Domain domain{-3.0, 3.0};
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
                       const std::array<T*, 1>& grads) {
    detail_reduce::reduce_backward<T>(r, in[0], g, grads[0], T{1});
  }
};

/// y = (sum of x's elements) / n, n the number of reduced elements (NaN when n = 0); dy/dx_i = 1/n.
struct Mean {
  static constexpr std::string_view name = "mean";
  static constexpr Kind kind = Kind::general;
  static constexpr std::size_t arity = 1;
  static constexpr Domain domain{-3.0, 3.0};
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
                       const std::array<T*, 1>& grads) {
    const auto n = static_cast<T>(detail_reduce::reduced_count(r, in[0]));
    detail_reduce::reduce_backward<T>(r, in[0], g, grads[0], T{1} / n);
  }
};

using ReduceOps = std::tuple<Sum, Mean>;

}  // namespace tapegrad::ops::tensor
