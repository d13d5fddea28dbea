// SPDX-License-Identifier: MIT
// linalg.hpp: matrix products: matmul (1-D to 3-D, batches broadcast) and the affine map linear().
// Both run on the kernels of autodiff/kernels/gemm.hpp (blocked, per-instruction-set, optional BLAS).
// Every op throws ShapeError when its inputs mix float32 and float64 (no implicit promotion) and TapeError
// when an input is undefined or belongs to a cleared recording.
#pragma once

#include <cstdint>

#include "tapegrad/autodiff/core/shape.hpp"
#include "tapegrad/autodiff/tensor/tensor.hpp"

namespace tapegrad {

/// Matrix product, as torch.matmul for operands of 1 to 3 dimensions: [m, k] @ [k, n] -> [m, n],
/// [m, k] @ [k] -> [m], [k] @ [k, n] -> [n], [k] @ [k] -> [] (dot product), and batches of matrices
/// [b, m, k] @ [b, k, n] -> [b, m, n], where a 2-D (or 1-D, or batch-size-1) side is shared by the whole
/// batch: [b, m, k] @ [k, n] -> [b, m, n] (the gradient of the shared side sums over the batch).
/// Throws ShapeError naming both shapes when the inner sizes or the batch sizes differ, or an operand has
/// 0 or more than 3 dimensions. Example: `auto h = matmul(x, w);`
Tensor matmul(const Tensor& a, const Tensor& b);
/// The affine map x W + b in one op: x [m, k], weight [k, n] and bias [n] give [m, n]. Same values and
/// gradients as matmul(x, weight) + bias, with one record and one output instead of two (nn's Linear uses
/// it). Throws ShapeError naming the three shapes unless they have these ranks and matching sizes.
/// Example: `auto h = relu(linear(x, w1, b1));`
Tensor linear(const Tensor& x, const Tensor& weight, const Tensor& bias);
/// The transpose of a 2-D tensor ([m, n] -> [n, m], a copy). Throws ShapeError for other ranks.
Tensor transpose(const Tensor& x);
/// The same elements seen as `shape` (one dimension may be -1: inferred), sharing x's data.
/// Throws ShapeError naming both shapes when the element counts differ.
Tensor reshape(const Tensor& x, const Shape& shape);

}  // namespace tapegrad
