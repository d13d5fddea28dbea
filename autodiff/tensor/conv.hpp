// SPDX-License-Identifier: MIT
// conv.hpp: 2-D and 1-D convolution (cross-correlation, as torch.nn.functional.conv2d and conv1d), with
// stride, padding, dilation and groups. Both run one row (tensor/rows/conv.hpp), lowered onto gemm by
// im2col; conv1d is conv2d on a height-1 image (two reshapes, which are views).
// Every op throws ShapeError when its inputs mix float32 and float64 (no implicit promotion) and TapeError
// when an input is undefined or belongs to a cleared recording.
#pragma once

#include <array>
#include <cstdint>

#include "tapegrad/autodiff/tensor/tensor.hpp"

namespace tapegrad {

/// Geometry of conv2d, per spatial axis (height, width); PyTorch's argument names.
struct Conv2dParams {
  std::array<std::int64_t, 2> stride{1, 1};
  std::array<std::int64_t, 2> padding{0, 0};
  std::array<std::int64_t, 2> dilation{1, 1};
  std::int64_t groups = 1;
};
/// Geometry of conv1d.
struct Conv1dParams {
  std::int64_t stride = 1;
  std::int64_t padding = 0;
  std::int64_t dilation = 1;
  std::int64_t groups = 1;
};

/// y = conv2d(x, weight) + bias: x [N, C, H, W], weight [O, C/groups, kh, kw], bias [O] (undefined: none)
/// give y [N, O, OH, OW], OH = (H + 2 padding - dilation (kh - 1) - 1) / stride + 1 (likewise OW).
/// Throws ShapeError naming conv2d and the shapes when the ranks or channels do not fit, the kernel does not
/// fit the padded input, or a stride, dilation or groups is not positive.
/// Example: `auto y = conv2d(x, w, b, {.padding = {2, 2}});`
Tensor conv2d(const Tensor& x, const Tensor& weight, const Tensor& bias = {},
              const Conv2dParams& params = {});

/// y = conv1d(x, weight) + bias: x [N, C, L], weight [O, C/groups, k], bias [O] (undefined: none) give
/// y [N, O, OL]. Throws ShapeError naming conv1d and the shapes as conv2d does.
/// Example: `auto y = conv1d(x, w, {}, {.stride = 2});`
Tensor conv1d(const Tensor& x, const Tensor& weight, const Tensor& bias = {},
              const Conv1dParams& params = {});

}  // namespace tapegrad
