// SPDX-License-Identifier: MIT
// conv.hpp: 2-D convolution (cross-correlation, as torch.nn.functional.conv2d), forward and backward side
// by side; conv1d is this row on a height-1 image (tensor/conv.cpp).
//   x [N, C, H, W], w [O, C/groups, kh, kw], b [O] -> y [N, O, OH, OW],
//   OH = (H + 2 pad - dil (kh - 1) - 1) / stride + 1 (floor), likewise OW.
// The row checks the shapes; the loops (im2col + gemm, chunks of the batch on the thread pool, dW the same
// at any thread count) are kernels/conv.hpp's.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <tuple>

#include "tapegrad/autodiff/kernels/conv.hpp"
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

inline std::array<std::int64_t, 4> dims4(const Shape& s) {
  return {s[0], s[1], s[2], s[3]};
}
inline tapegrad::detail::ConvGeometry geometry(const Conv2dAttrs& a, const Shape& x, const Shape& w) {
  return tapegrad::detail::conv_geometry(dims4(x), dims4(w), a.stride, a.padding, a.dilation, a.groups);
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
    const auto g = detail_conv::geometry(a, x, w);  // sizes only: the checks above passed
    TAPEGRAD_CHECK(g.oh >= 1 && g.ow >= 1, ShapeError, "conv2d: the kernel ", to_string(w),
                   " (dilated, with padding [", a.padding[0], ", ", a.padding[1],
                   "]) does not fit the input ", to_string(x));
    return {g.n, g.o, g.oh, g.ow};
  }

  template <class T>
  static void forward(const Attrs& a, const std::array<Tensor, 3>& in, const Tensor& out) {
    tapegrad::detail::conv2d_forward<T>(detail_conv::geometry(a, in[0].shape(), in[1].shape()),
                                        in[0].data<T>(), in[1].data<T>(), in[2].data<T>(), out.data<T>());
  }

  template <class T>
  static void backward(const Attrs& a, const std::array<Tensor, 3>& in, const Tensor& /*out*/, const T* dy,
                       const std::array<T*, 3>& grads, const std::array<bool, 3>& fresh) {
    tapegrad::detail::conv2d_backward<T>(detail_conv::geometry(a, in[0].shape(), in[1].shape()),
                                         in[0].data<T>(), in[1].data<T>(), dy, grads[0], grads[1], grads[2],
                                         fresh);
  }
};

using ConvOps = std::tuple<Conv2d>;

}  // namespace tapegrad::ops::tensor
