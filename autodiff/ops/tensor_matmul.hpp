// SPDX-License-Identifier: MIT
// tensor_matmul.hpp: the matrix product, forward and backward side by side.
// a [m, k] @ b [k, n] = y [m, n]; a [m, k] @ v [k] = y [m] (v is a [k, 1] matrix to the kernels).
// Backward: da += g b^T (b is transposed into a scratch buffer so the kernel keeps unit stride),
//           db += a^T g.
#pragma once

#include <array>
#include <cstddef>
#include <cstring>
#include <string_view>
#include <tuple>

#include "autodiff/detail/tensor_kernels.hpp"
#include "autodiff/ops/tensor_op.hpp"
#include "autodiff/tensor.hpp"

namespace tapegrad::ops::tensor {

struct MatMul {
  static constexpr std::string_view name = "matmul";
  static constexpr Kind kind = Kind::general;
  static constexpr std::size_t arity = 2;
  static constexpr Domain domain{-2.0, 2.0};
  using Attrs = NoAttrs;

  static Shape output_shape(const Attrs& /*unused*/, const std::array<Tensor, 2>& in) {
    const Shape &a = in[0].shape(), &b = in[1].shape();
    TAPEGRAD_CHECK(a.size() == 2 && (b.size() == 1 || b.size() == 2), ShapeError,
                   "matmul: expected a 2-D a and a 1-D or 2-D b, got a ", to_string(a), " and b ",
                   to_string(b));
    TAPEGRAD_CHECK(a[1] == b[0], ShapeError, "matmul: inner sizes must match, got a ", to_string(a),
                   " and b ", to_string(b));
    return b.size() == 2 ? Shape{a[0], b[1]} : Shape{a[0]};
  }

  template <class T>
  static void forward(const Attrs& /*unused*/, const std::array<Tensor, 2>& in, const Tensor& out) {
    const auto [m, k, n] = sizes(in);
    T* y = out.data<T>();
    std::memset(y, 0, static_cast<std::size_t>(m * n) * sizeof(T));
    tapegrad::detail::gemm<T>(m, n, k, in[0].data<T>(), k, 1, in[1].data<T>(), n, y, n);
  }

  template <class T>
  static void backward(const Attrs& /*unused*/, const std::array<Tensor, 2>& in, const Tensor& /*out*/,
                       const T* g, const std::array<T*, 2>& grads) {
    const auto [m, k, n] = sizes(in);
    if (grads[0] != nullptr) {
      const T* bt = in[1].data<T>();  // b^T [n, k]: for a vector (n = 1) it is b itself
      tapegrad::detail::Buffer scratch;
      if (n > 1) {
        scratch = tapegrad::detail::Buffer(static_cast<std::size_t>(k * n) * sizeof(T));
        tapegrad::detail::transpose_2d<T>(k, n, in[1].data<T>(), static_cast<T*>(scratch.data()));
        bt = static_cast<const T*>(scratch.data());
      }
      tapegrad::detail::gemm<T>(m, k, n, g, n, 1, bt, k, grads[0], k);
    }
    if (grads[1] != nullptr) tapegrad::detail::gemm<T>(k, n, m, in[0].data<T>(), 1, k, g, n, grads[1], n);
  }

 private:
  struct Sizes {
    std::int64_t m, k, n;
  };
  static Sizes sizes(const std::array<Tensor, 2>& in) {
    const Shape &a = in[0].shape(), &b = in[1].shape();
    return {a[0], a[1], b.size() == 2 ? b[1] : 1};
  }
};

using MatmulOps = std::tuple<MatMul>;

}  // namespace tapegrad::ops::tensor
