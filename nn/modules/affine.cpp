// SPDX-License-Identifier: MIT
// affine.cpp: the weights, initialisation, input checks and forward shared by Linear, Layer and Neuron.
#include "tapegrad/nn/modules/affine.hpp"

#include <cmath>

#include "tapegrad/autodiff/core/error.hpp"
#include "tapegrad/autodiff/tensor/ops.hpp"
#include "tapegrad/nn/modules/init.hpp"

namespace tapegrad::nn {

Affine::Affine(Module& owner, const AffineOptions& options, Generator& gen) : options_(options) {
  const bool unit = options.out_features == 0;
  weight_slot_ = owner.register_parameter(
      "weight", unit ? zeros({options.in_features}, options.dtype)
                     : zeros({options.in_features, options.out_features}, options.dtype));
  if (options.bias)
    bias_slot_ = owner.register_parameter(
        "bias", unit ? zeros({}, options.dtype) : zeros({options.out_features}, options.dtype));
  reset(owner, gen);
}

void Affine::reset(const Module& owner, Generator& gen) const {
  const double bound = 1.0 / std::sqrt(static_cast<double>(options_.in_features));
  init::uniform_(weight(owner), -bound, bound, gen);
  if (options_.bias) init::zeros_(bias(owner));
}

Tensor Affine::forward(const Module& owner, const Tensor& x) const {
  // The message is built only on failure (TAPEGRAD_CHECK evaluates its arguments then), so a forward
  // pays three comparisons for the check.
  TAPEGRAD_CHECK(x.defined(), TapeError, owner.repr(), ": the input tensor is undefined");
  TAPEGRAD_CHECK(x.dim() >= 1 && x.shape().back() == options_.in_features, ShapeError, owner.repr(),
                 ": expected an input whose last dimension is in_features = ", options_.in_features,
                 ", got shape ", to_string(x.shape()));
  TAPEGRAD_CHECK(x.dtype() == options_.dtype, ShapeError, owner.repr(), ": the input is ", x.dtype(),
                 " but the parameters are ", options_.dtype, " (no implicit conversion)");
  const Tensor& w = weight(owner);
  // A batch [m, in] with a bias is the common case: linear() records it as one op instead of two.
  if (options_.bias && x.dim() == 2 && w.dim() == 2) return linear(x, w, owner.parameter_at(bias_slot_));
  // matmul takes a 2-D left operand: fold every leading dimension into rows (a view, no copy), then unfold
  // them again. A 1-D x is a single row.
  Tensor y;
  if (x.dim() == 2) {
    y = matmul(x, w);
  } else {
    Shape out_shape(x.shape().begin(), x.shape().end() - 1);
    if (w.dim() == 2) out_shape.push_back(w.shape()[1]);
    y = reshape(matmul(reshape(x, {-1, options_.in_features}), w), out_shape);
  }
  return options_.bias ? y + bias(owner) : y;
}

}  // namespace tapegrad::nn
