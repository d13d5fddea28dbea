// SPDX-License-Identifier: MIT
// norm.hpp: batch normalisation and layer normalisation (fused rows, tensor/rows/norm.hpp), with
// torch.nn.functional's arguments and semantics.
// Every op throws ShapeError when its inputs mix float32 and float64 (no implicit promotion) and TapeError
// when an input is undefined or belongs to a cleared recording.
#pragma once

#include <cstdint>

#include "tapegrad/autodiff/core/shape.hpp"
#include "tapegrad/autodiff/tensor/tensor.hpp"

namespace tapegrad {

/// Batch normalisation of x [N, C, ...] per channel: y = (x - mean) / sqrt(var + eps) * weight + bias.
/// In training the batch's mean and biased variance are used, and when running_mean and running_var
/// ([C], x's dtype) are given they are updated in place, as PyTorch does:
///   running = (1 - momentum) running + momentum batch_stat, with the UNBIASED variance for running_var.
/// Otherwise (training false) the running statistics are used and are constants for the gradient.
/// weight and bias [C] may be undefined (1 and 0). Throws ShapeError naming batch_norm and the shapes when
/// they do not fit, when training sees one value per channel (N times the spatial size is 1), or when
/// training is false without running statistics. Example:
/// `auto y = batch_norm(x, rm, rv, gamma, beta, /*training=*/true);`
Tensor batch_norm(const Tensor& x, const Tensor& running_mean, const Tensor& running_var,
                  const Tensor& weight, const Tensor& bias, bool training, double momentum = 0.1,
                  double eps = 1e-5);

/// Layer normalisation over the trailing dimensions `normalized_shape` of x: each row of
/// numel(normalized_shape) elements is normalised by its own mean and biased variance, then multiplied by
/// weight and shifted by bias (both of normalized_shape; undefined: 1 and 0). Throws ShapeError naming
/// layer_norm and the shapes unless x ends with normalized_shape. Example: `layer_norm(x, {64}, w, b)`.
Tensor layer_norm(const Tensor& x, const Shape& normalized_shape, const Tensor& weight = {},
                  const Tensor& bias = {}, double eps = 1e-5);

}  // namespace tapegrad
