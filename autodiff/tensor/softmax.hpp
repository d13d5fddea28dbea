// SPDX-License-Identifier: MIT
// softmax.hpp: softmax and log_softmax along one axis, computed with the lane maximum subtracted.
// Both share one row body (tensor/rows/softmax.hpp).
// Every op throws ShapeError when its inputs mix float32 and float64 (no implicit promotion) and TapeError
// when an input is undefined or belongs to a cleared recording.
#pragma once

#include <cstdint>

#include "tapegrad/autodiff/core/shape.hpp"
#include "tapegrad/autodiff/tensor/tensor.hpp"

namespace tapegrad {

/// exp(x) normalised to sum 1 along `axis` (default: the last), computed with the maximum subtracted, so no
/// exp overflows. Same shape as x. Throws ShapeError naming the op when the axis is out of range.
Tensor softmax(const Tensor& x, std::int64_t axis = -1);
/// log(softmax(x)) along `axis`, computed as x - max - log(sum exp(x - max)) (finite for any finite x).
Tensor log_softmax(const Tensor& x, std::int64_t axis = -1);

}  // namespace tapegrad
