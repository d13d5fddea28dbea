// SPDX-License-Identifier: MIT
// layer.cpp: Linear plus an activation.
#include "tapegrad/nn/modules/layer.hpp"

#include "tapegrad/autodiff/core/error.hpp"

namespace tapegrad::nn {

namespace {
/// Checked here rather than by Linear, so the message names Layer.
LinearOptions linear_options(const LayerOptions& options) {
  TAPEGRAD_CHECK(options.in_features > 0 && options.out_features > 0, ShapeError,
                 "Layer: in_features and out_features must be positive, got in_features = ",
                 options.in_features, ", out_features = ", options.out_features);
  return {.in_features = options.in_features,
          .out_features = options.out_features,
          .bias = options.bias,
          .dtype = options.dtype};
}
}  // namespace

Layer::Layer(const LayerOptions& options, Generator& gen)
    : Linear(linear_options(options), gen), activation_(options.activation) {}

std::string Layer::extra_repr() const {
  return Linear::extra_repr() + ", activation=" + std::string(activation_name(activation_));
}

Tensor Layer::forward(const Tensor& x) {
  return activate(activation_, Linear::forward(x));
}

}  // namespace tapegrad::nn
