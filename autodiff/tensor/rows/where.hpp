// SPDX-License-Identifier: MIT
// where.hpp: where(mask, a, b), the elementwise choice between two tensors, forward and backward side
// by side. mask, a and b broadcast together (NumPy rules, three ways). The walk over the output is done
// twice with the two-input broadcast kernel, once pairing the mask with a and once with b, so no
// three-input walker is needed: each output element is written (and each gradient element reached) by
// exactly one of the two passes.
#pragma once

#include <array>
#include <cstddef>
#include <string_view>
#include <tuple>

#include "tapegrad/autodiff/kernels/strided.hpp"
#include "tapegrad/autodiff/tensor/rows/row.hpp"
#include "tapegrad/autodiff/tensor/tensor.hpp"

namespace tapegrad::ops::tensor {

/// y = (mask != 0) ? a : b elementwise (a NaN mask element picks a). da += g where mask != 0, db += g where
/// mask == 0, each summed back over its broadcast dimensions. The mask is not differentiable: it receives
/// no gradient (if it requires grad, its grad stays zero). It has a's dtype, as the comparison masks do.
struct Where {
  static constexpr std::string_view name = "where";
  static constexpr Kind kind = Kind::general;
  static constexpr std::size_t arity = 3;
  static constexpr Domain domain{-3.0, 3.0};
  using Attrs = NoAttrs;
  static Shape output_shape(const Attrs& /*unused*/, const std::array<Tensor, 3>& in) {
    const Shape &mask = in[0].shape(), &a = in[1].shape(), &b = in[2].shape();
    TAPEGRAD_CHECK(can_broadcast(a, b) && can_broadcast(mask, broadcast_shapes(a, b, name)), ShapeError,
                   "where: mask ", to_string(mask), ", a ", to_string(a), " and b ", to_string(b),
                   " cannot be broadcast together");
    return broadcast_shapes(mask, broadcast_shapes(a, b, name), name);
  }
  template <class T>
  static void forward(const Attrs& /*unused*/, const std::array<Tensor, 3>& in, const Tensor& out) {
    const T* m = in[0].data<T>();
    const T* a = in[1].data<T>();
    const T* b = in[2].data<T>();
    T* y = out.data<T>();
    tapegrad::detail::for_each_broadcast(out.shape(), in[0].shape(), in[1].shape(),
                                         [&](std::int64_t o, std::int64_t im, std::int64_t ia) {
                                           if (m[im] != T{0}) y[o] = a[ia];
                                         });
    tapegrad::detail::for_each_broadcast(out.shape(), in[0].shape(), in[2].shape(),
                                         [&](std::int64_t o, std::int64_t im, std::int64_t ib) {
                                           if (!(m[im] != T{0})) y[o] = b[ib];
                                         });
  }
  template <class T>
  static void backward(const Attrs& /*unused*/, const std::array<Tensor, 3>& in, const Tensor& out,
                       const T* g, const std::array<T*, 3>& grads) {
    const T* m = in[0].data<T>();
    if (T* ga = grads[1]; ga != nullptr)
      tapegrad::detail::for_each_broadcast(out.shape(), in[0].shape(), in[1].shape(),
                                           [&](std::int64_t o, std::int64_t im, std::int64_t ia) {
                                             if (m[im] != T{0}) ga[ia] += g[o];
                                           });
    if (T* gb = grads[2]; gb != nullptr)
      tapegrad::detail::for_each_broadcast(out.shape(), in[0].shape(), in[2].shape(),
                                           [&](std::int64_t o, std::int64_t im, std::int64_t ib) {
                                             if (!(m[im] != T{0})) gb[ib] += g[o];
                                           });
  }
};

using WhereOps = std::tuple<Where>;

}  // namespace tapegrad::ops::tensor
