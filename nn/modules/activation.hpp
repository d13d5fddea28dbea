// SPDX-License-Identifier: MIT
// activation.hpp: the activation functions φ of Neuron, Layer and MLP, in one table.
// o_j = φ(net_j) in the seed article's notation. Each row gives the name a model prints and a checkpoint
// keeps, the function (built from tensor ops, so it is differentiated like any other op), the gain
// PyTorch's calculate_gain recommends for it, and the name of its Module (activation_modules.hpp). The
// enum, the initialisers (init.hpp) and the modules all read this table: a new activation is one enum value
// and one row.
#pragma once

#include <array>
#include <cstddef>
#include <string_view>

#include "tapegrad/autodiff/tensor/tensor.hpp"

namespace tapegrad::nn {

/// φ, applied elementwise: identity (a linear unit), the logistic sigmoid 1 / (1 + e^-x), tanh,
/// relu max(0, x), or leaky_relu (x for x > 0, negative_slope * x otherwise). The order is the table's.
enum class Activation { identity, sigmoid, tanh, relu, leaky_relu };

/// One row of the activation table.
struct ActivationInfo {
  Activation activation;
  std::string_view name;         ///< "identity", "sigmoid", "tanh", "relu", "leaky_relu"
  std::string_view module_name;  ///< "Identity", "Sigmoid", "Tanh", "ReLU", "LeakyReLU"
  /// φ(x), same shape as x; `param` is leaky_relu's negative slope (ignored by the others).
  Tensor (*apply)(const Tensor& x, double param);
  /// The recommended gain for initialisation (PyTorch's calculate_gain) with the same `param`.
  double (*gain)(double param);
};

/// The row of `activation`.
const ActivationInfo& activation_info(Activation activation) noexcept;

/// "identity", "sigmoid", "tanh", "relu", "leaky_relu".
inline std::string_view activation_name(Activation activation) noexcept {
  return activation_info(activation).name;
}

/// φ(x), same shape as x. leaky_relu uses `negative_slope` and is tapegrad::leaky_relu: x for x > 0,
/// slope * x otherwise, with derivative `negative_slope` at exactly 0 (PyTorch's choice).
/// Example: `Tensor o = nn::activate(nn::Activation::sigmoid, net);`
inline Tensor activate(Activation activation, const Tensor& x, double negative_slope = 0.01) {
  return activation_info(activation).apply(x, negative_slope);
}

}  // namespace tapegrad::nn
