// SPDX-License-Identifier: MIT
// conv.hpp: the loops under conv2d (cross-correlation, as torch.nn.functional.conv2d), on raw memory,
// lowered onto gemm. Shapes: x [N, C, H, W], w [O, C/groups, kh, kw], b [O], y [N, O, OH, OW].
// Per sample n and group g, im2col copies the receptive fields into col [K = C/groups kh kw, OH OW] (zeros
// where a field reaches into the padding; each row of a field is one memcpy when the stride is 1), and
//   y_ng = b + W_g col                  (y starts as the bias and gemm accumulates: one pass over y)
//   dW_gT += col dy_ngT                 (the small dy transposed, col in im2col's layout; dW_g = its
//   transpose) dcol = W_g^T dy_ng, dx_ng += col2im(dcol)   (W^T through gemm's strided A, no copy) db_o +=
//   sum over n and pixels of dy.
// A 1x1 kernel with stride 1 and no padding needs no im2col: col is the input itself.
// The batch is cut into chunks fixed by the geometry alone (never by the thread count): chunks run on the
// thread pool, each sums its own dW part, and the parts are added in chunk order, so dW is the same at 1
// and 2 threads. Scratch comes from the per-thread buffer cache: a training loop repeating the same shapes
// stops allocating after its first step.
#pragma once

#include <array>
#include <cstdint>

namespace tapegrad::detail {

/// Every size the conv2d loops need, derived once from the shapes and the geometry.
struct ConvGeometry {
  std::int64_t n = 0, c = 0, h = 0, w = 0;         // input
  std::int64_t o = 0, kh = 0, kw = 0;              // weight
  std::int64_t oh = 0, ow = 0, groups = 1;         // output, groups
  std::int64_t cg = 0, og = 0, k = 0, pixels = 0;  // per group: channels, outputs, K = cg kh kw; OH OW
  std::array<std::int64_t, 2> stride{1, 1}, padding{0, 0}, dilation{1, 1};
  /// 1x1, stride 1, no padding: col is x itself.
  bool pointwise() const noexcept {
    return kh == 1 && kw == 1 && stride[0] == 1 && stride[1] == 1 && padding[0] == 0 && padding[1] == 0;
  }
};

/// (in + 2 pad - dil (k - 1) - 1) / stride + 1, the output size along one axis (floor).
inline std::int64_t conv_out_size(std::int64_t in, std::int64_t k, std::int64_t stride, std::int64_t pad,
                                  std::int64_t dil) {
  return (in + 2 * pad - dil * (k - 1) - 1) / stride + 1;
}

/// The geometry of x [n, c, h, w] by w [o, c / groups, kh, kw]; the caller has checked that they fit.
ConvGeometry conv_geometry(const std::array<std::int64_t, 4>& x, const std::array<std::int64_t, 4>& w,
                           const std::array<std::int64_t, 2>& stride,
                           const std::array<std::int64_t, 2>& padding,
                           const std::array<std::int64_t, 2>& dilation, std::int64_t groups);

/// y = conv2d(x, w) + b. Instantiated for float and double.
template <class T>
void conv2d_forward(const ConvGeometry& g, const T* x, const T* w, const T* b, T* y);

/// The adjoints of conv2d_forward for the output gradient dy: dx += ..., dw += ..., db += ... (each may be
/// null: not wanted), or = when its `fresh` flag is set (the buffer then holds garbage on entry).
template <class T>
void conv2d_backward(const ConvGeometry& g, const T* x, const T* w, const T* dy, T* dx, T* dw, T* db,
                     const std::array<bool, 3>& fresh);

}  // namespace tapegrad::detail
