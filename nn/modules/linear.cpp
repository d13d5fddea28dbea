// SPDX-License-Identifier: MIT
// linear.cpp: Linear's initialisation and forward, and the input checks every unit shares.
#include "tapegrad/nn/modules/linear.hpp"

#include <cmath>
#include <sstream>

#include "tapegrad/autodiff/core/error.hpp"
#include "tapegrad/autodiff/tensor/ops.hpp"
#include "tapegrad/nn/modules/init.hpp"

namespace tapegrad::nn {

// The message is built only on failure (TAPEGRAD_CHECK evaluates its arguments then), so a forward
// pays three comparisons for the check.
void detail::check_features(const Tensor& x, std::int64_t in_features, Dtype dtype, const Module& module) {
  TAPEGRAD_CHECK(x.defined(), TapeError, module.repr(), ": the input tensor is undefined");
  TAPEGRAD_CHECK(x.dim() >= 1 && x.shape().back() == in_features, ShapeError, module.repr(),
                 ": expected an input whose last dimension is in_features = ", in_features, ", got shape ",
                 to_string(x.shape()));
  TAPEGRAD_CHECK(x.dtype() == dtype, ShapeError, module.repr(), ": the input is ", x.dtype(),
                 " but the parameters are ", dtype, " (no implicit conversion)");
}

Tensor detail::matmul_last_dim(const Tensor& x, const Tensor& w) {
  // matmul takes a 2-D left operand: fold every leading dimension into rows (a view, no copy), then
  // unfold them again. A 1-D x is a single row.
  if (x.dim() == 2) return matmul(x, w);
  const std::int64_t in = x.shape().back();
  Shape out_shape(x.shape().begin(), x.shape().end() - 1);
  if (w.dim() == 2) out_shape.push_back(w.shape()[1]);
  return reshape(matmul(reshape(x, {-1, in}), w), out_shape);
}

Linear::Linear(const LinearOptions& options, Generator& gen) : options_(options) {
  TAPEGRAD_CHECK(options.in_features > 0 && options.out_features > 0, ShapeError,
                 "Linear: in_features and out_features must be positive, got in_features = ",
                 options.in_features, ", out_features = ", options.out_features);
  weight_slot_ =
      register_parameter("weight", zeros({options.in_features, options.out_features}, options.dtype));
  if (options.bias) bias_slot_ = register_parameter("bias", zeros({options.out_features}, options.dtype));
  reset_parameters(gen);
}

void Linear::reset_parameters(Generator& gen) {
  const double bound = 1.0 / std::sqrt(static_cast<double>(options_.in_features));
  init::uniform_(weight(), -bound, bound, gen);
  if (options_.bias) init::zeros_(bias());
}

std::string Linear::extra_repr() const {
  std::ostringstream os;
  os << "in_features=" << options_.in_features << ", out_features=" << options_.out_features
     << ", bias=" << (options_.bias ? "true" : "false");
  return os.str();
}

Tensor Linear::forward(const Tensor& x) {
  detail::check_features(x, options_.in_features, options_.dtype, *this);
  // A batch [m, in] with a bias is the common case: linear() records it as one op instead of two.
  if (options_.bias && x.dim() == 2) return linear(x, weight(), parameter_at(bias_slot_));
  Tensor y = detail::matmul_last_dim(x, weight());
  return options_.bias ? y + bias() : y;
}

}  // namespace tapegrad::nn
