// SPDX-License-Identifier: MIT
// activation.hpp: the activation function φ of a Neuron, Layer or MLP, chosen by name.
// o_j = φ(net_j) in the seed article's notation. An enum rather than a callable, so that options
// structs stay aggregates, models print what they compute, and a checkpoint can name it.
#pragma once

#include <string_view>

#include "tapegrad/autodiff/tensor/tensor.hpp"

namespace tapegrad::nn {

/// φ, applied elementwise: identity (a linear unit), the logistic sigmoid 1 / (1 + e^-x), tanh,
/// relu max(0, x), or leaky_relu (x for x > 0, 0.01 x otherwise).
enum class Activation { identity, sigmoid, tanh, relu, leaky_relu };

/// "identity", "sigmoid", "tanh", "relu", "leaky_relu".
std::string_view activation_name(Activation activation) noexcept;

/// φ(x), same shape as x, built from tensor ops (so it is differentiated like any other op).
/// leaky_relu uses `negative_slope` (ignored by the others) and is tapegrad::leaky_relu: x for x > 0,
/// slope * x otherwise, with derivative `negative_slope` at exactly 0 (PyTorch's choice).
/// Example: `Tensor o = nn::activate(nn::Activation::sigmoid, net);`
Tensor activate(Activation activation, const Tensor& x, double negative_slope = 0.01);

}  // namespace tapegrad::nn
