// SPDX-License-Identifier: MIT
// activation.cpp: activation functions by name.
#include "tapegrad/nn/modules/activation.hpp"

#include "tapegrad/autodiff/tensor/ops.hpp"

namespace tapegrad::nn {

std::string_view activation_name(Activation activation) noexcept {
  switch (activation) {
    case Activation::identity:
      return "identity";
    case Activation::sigmoid:
      return "sigmoid";
    case Activation::tanh:
      return "tanh";
    case Activation::relu:
      return "relu";
    case Activation::leaky_relu:
      return "leaky_relu";
  }
  return "unknown";
}

Tensor activate(Activation activation, const Tensor& x, double negative_slope) {
  switch (activation) {
    case Activation::identity:
      return x;
    case Activation::sigmoid:
      return sigmoid(x);
    case Activation::tanh:
      return tanh(x);
    case Activation::relu:
      return relu(x);
    case Activation::leaky_relu:
      return leaky_relu(x, negative_slope);  // tapegrad::leaky_relu: derivative at 0 is the slope
  }
  return x;
}

}  // namespace tapegrad::nn
