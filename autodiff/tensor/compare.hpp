// SPDX-License-Identifier: MIT
// compare.hpp: where() and the comparison masks (gt, lt, ge, le, eq).
// where is differentiable in its two value inputs; the masks are constants (nothing about a comparison
// has a derivative), computed by a plain loop that records nothing.
// Every op throws ShapeError when its inputs mix float32 and float64 (no implicit promotion) and TapeError
// when an input is undefined or belongs to a cleared recording.
#pragma once

#include <cstdint>

#include "tapegrad/autodiff/core/dtype.hpp"
#include "tapegrad/autodiff/core/shape.hpp"
#include "tapegrad/autodiff/tensor/tensor.hpp"

namespace tapegrad {

/// Comparison masks: 1 where a > b (gt), a < b (lt), a >= b (ge), a <= b (le), a == b (eq), 0 elsewhere
/// (NaN compares false), in a's dtype, with NumPy broadcasting; a double operand acts as a 0-D tensor.
/// Not differentiable: they record nothing, and the result is a constant (requires_grad false).
/// Throws ShapeError for shapes that do not broadcast or mixed dtypes. Example: `where(lt(x, 0.0), -x, x)`.
Tensor gt(const Tensor& a, const Tensor& b);
Tensor lt(const Tensor& a, const Tensor& b);
Tensor ge(const Tensor& a, const Tensor& b);
Tensor le(const Tensor& a, const Tensor& b);
Tensor eq(const Tensor& a, const Tensor& b);
Tensor gt(const Tensor& a, double b);
Tensor lt(const Tensor& a, double b);
Tensor ge(const Tensor& a, double b);
Tensor le(const Tensor& a, double b);
Tensor eq(const Tensor& a, double b);

}  // namespace tapegrad
