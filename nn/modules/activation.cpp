// SPDX-License-Identifier: MIT
// activation.cpp: the activation table.
#include "tapegrad/nn/modules/activation.hpp"

#include <cmath>

#include "tapegrad/autodiff/tensor/ops.hpp"

namespace tapegrad::nn {
namespace {

constexpr ActivationInfo kTable[] = {
    {Activation::identity, "identity", "Identity", [](const Tensor& x, double) { return x; },
     [](double) { return 1.0; }},
    {Activation::sigmoid, "sigmoid", "Sigmoid", [](const Tensor& x, double) { return sigmoid(x); },
     [](double) { return 1.0; }},
    {Activation::tanh, "tanh", "Tanh", [](const Tensor& x, double) { return tanh(x); },
     [](double) { return 5.0 / 3.0; }},
    {Activation::relu, "relu", "ReLU", [](const Tensor& x, double) { return relu(x); },
     [](double) { return std::sqrt(2.0); }},
    // tapegrad::leaky_relu: its derivative at 0 is the slope (PyTorch's choice).
    {Activation::leaky_relu, "leaky_relu", "LeakyReLU",
     [](const Tensor& x, double slope) { return leaky_relu(x, slope); },
     [](double slope) { return std::sqrt(2.0 / (1.0 + slope * slope)); }},
};

// The table is indexed by the enum: each row must sit at its enum's position.
constexpr bool in_enum_order() {
  for (std::size_t i = 0; i < std::size(kTable); ++i)
    if (static_cast<std::size_t>(kTable[i].activation) != i) return false;
  return true;
}
static_assert(in_enum_order() && std::size(kTable) == static_cast<std::size_t>(Activation::leaky_relu) + 1,
              "activation table: one row per Activation, in enum order");

}  // namespace

const ActivationInfo& activation_info(Activation activation) noexcept {
  return kTable[static_cast<std::size_t>(activation)];
}

}  // namespace tapegrad::nn
