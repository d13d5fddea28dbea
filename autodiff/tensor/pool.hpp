// SPDX-License-Identifier: MIT
// pool.hpp: 2-D max, average and adaptive average pooling (tensor/rows/pool.hpp), on [N, C, H, W] or
// [C, H, W] inputs, floor mode, PyTorch's argument names and defaults (stride = kernel_size).
// Every op throws ShapeError when the input is not 3-D or 4-D or the window does not fit, naming the op and
// the shape, and TapeError when the input is undefined or belongs to a cleared recording.
#pragma once

#include <array>
#include <cstdint>

#include "tapegrad/autodiff/tensor/tensor.hpp"

namespace tapegrad {

/// Window of max_pool2d and avg_pool2d. A stride of {0, 0} (the default) means stride = kernel_size.
struct Pool2dParams {
  std::array<std::int64_t, 2> kernel_size{2, 2};
  std::array<std::int64_t, 2> stride{0, 0};
  std::array<std::int64_t, 2> padding{0, 0};
  bool count_include_pad = true;  // avg_pool2d: divide by kh kw even where the window covers padding
};

/// The maximum of each window: [.., H, W] -> [.., OH, OW], OH = (H + 2 padding - kh) / stride + 1.
/// Padding never wins (it counts as -inf) and must be at most half the kernel. The gradient goes to the
/// FIRST maximum of each window (row-major order): tied elements do not share it. A NaN wins its window.
/// Example: `auto y = max_pool2d(x, {.kernel_size = {2, 2}});`
Tensor max_pool2d(const Tensor& x, const Pool2dParams& params = {});
/// The mean of each window, same sizes as max_pool2d.
Tensor avg_pool2d(const Tensor& x, const Pool2dParams& params = {});
/// The mean over adaptive cells giving [.., OH, OW] = output_size (cell i covers rows
/// [floor(i H / OH), ceil((i + 1) H / OH))); {1, 1} is global average pooling.
/// Example: `auto features = adaptive_avg_pool2d(x, {1, 1});  // [N, C, 1, 1]`
Tensor adaptive_avg_pool2d(const Tensor& x, std::array<std::int64_t, 2> output_size);

}  // namespace tapegrad
