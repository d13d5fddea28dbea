// SPDX-License-Identifier: MIT
// linalg.hpp: matrix products: matmul (any rank from 1-D, batch dimensions broadcast) and the affine map
// linear(). Both run on the kernels of autodiff/kernels/gemm.hpp (blocked, per-instruction-set, optional
// BLAS). Every op throws ShapeError when its inputs mix float32 and float64 (no implicit promotion) and
// TapeError when an input is undefined or belongs to a cleared recording.
#pragma once

#include <cstdint>

#include "tapegrad/autodiff/core/shape.hpp"
#include "tapegrad/autodiff/tensor/tensor.hpp"

namespace tapegrad {

/// Matrix product, as torch.matmul: [m, k] @ [k, n] -> [m, n], [m, k] @ [k] -> [m], [k] @ [k, n] -> [n],
/// [k] @ [k] -> [] (dot product), and batches of matrices of any rank, whose batch dimensions (all but the
/// last two) broadcast against each other as NumPy's do: [b, m, k] @ [b, k, n] -> [b, m, n],
/// [b, m, k] @ [k, n] -> [b, m, n], [2, 1, m, k] @ [3, k, n] -> [2, 3, m, n]. A broadcast operand's
/// gradient is summed over the batch entries that shared it. Throws ShapeError naming both shapes when the
/// inner sizes differ, the batch dimensions do not broadcast, or an operand is 0-D.
/// Example: `auto h = matmul(x, w);`
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
