// SPDX-License-Identifier: MIT
// linear.hpp: the affine layer y = x W + b as one row of the tensor derivatives table.
// matmul(x, w) + b records two ops, allocates two outputs and runs the bias add through the general
// broadcasting walk forward and backward. One row does the same work with one record and one output, and
// its bias gradient is a plain column sum. The products are MatMul's own forward and backward (so every
// matmul kernel, BLAS or built-in, serves both rows), the bias is one extra pass over y.
//   x [m, k], W [k, n], b [n] -> y [m, n]
//   dx += g W^T, dW += x^T g (MatMul's backward), db_j += sum_i g_ij.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <string_view>
#include <tuple>

#include "tapegrad/autodiff/tensor/rows/matmul.hpp"
#include "tapegrad/autodiff/tensor/rows/row.hpp"
#include "tapegrad/autodiff/tensor/tensor.hpp"

namespace tapegrad::ops::tensor {

/// y = x W + b: x [m, k], W [k, n], b [n] give y [m, n] (a bias added to every row).
struct Linear {
  static constexpr std::string_view name = "linear";
  static constexpr Kind kind = Kind::general;
  static constexpr std::size_t arity = 3;
  static constexpr Domain domain{-2.0, 2.0};
  using Attrs = NoAttrs;

  static Shape output_shape(const Attrs& /*unused*/, const std::array<Tensor, 3>& in) {
    const Shape &x = in[0].shape(), &w = in[1].shape(), &b = in[2].shape();
    TAPEGRAD_CHECK(x.size() == 2 && w.size() == 2 && b.size() == 1, ShapeError,
                   "linear: expected x [m, k], weight [k, n] and bias [n], got x ", to_string(x), ", weight ",
                   to_string(w), " and bias ", to_string(b));
    TAPEGRAD_CHECK(x[1] == w[0] && w[1] == b[0], ShapeError,
                   "linear: sizes must match (x [m, k], weight [k, n], bias [n]), got x ", to_string(x),
                   ", weight ", to_string(w), " and bias ", to_string(b));
    return {x[0], w[1]};
  }

  template <class T>
  static void forward(const Attrs& attrs, const std::array<Tensor, 3>& in, const Tensor& out) {
    MatMul::forward<T>(attrs, {in[0], in[1]}, out);
    const std::int64_t m = out.shape()[0], n = out.shape()[1];
    const T* b = in[2].data<T>();
    T* y = out.data<T>();
    for (std::int64_t i = 0; i < m; ++i)
      for (std::int64_t j = 0; j < n; ++j) y[i * n + j] += b[j];
  }

  /// fresh[i]: grads[i] holds no values yet (the products overwrite it, the bias gradient starts from 0).
  template <class T>
  static void backward(const Attrs& attrs, const std::array<Tensor, 3>& in, const Tensor& out, const T* g,
                       const std::array<T*, 3>& grads, const std::array<bool, 3>& fresh) {
    if (grads[0] != nullptr || grads[1] != nullptr)
      MatMul::backward<T>(attrs, {in[0], in[1]}, out, g, {grads[0], grads[1]}, {fresh[0], fresh[1]});
    if (T* gb = grads[2]; gb != nullptr) {
      const std::int64_t m = out.shape()[0], n = out.shape()[1];
      if (fresh[2]) std::fill_n(gb, n, T{0});
      for (std::int64_t i = 0; i < m; ++i)
        for (std::int64_t j = 0; j < n; ++j) gb[j] += g[i * n + j];
    }
  }
};

using LinearOps = std::tuple<Linear>;

}  // namespace tapegrad::ops::tensor
