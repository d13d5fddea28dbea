// SPDX-License-Identifier: MIT
// neuron.cpp: a single unit, weighted sum plus activation.
#include "tapegrad/nn/modules/neuron.hpp"

#include <cmath>
#include <sstream>

#include "tapegrad/autodiff/core/error.hpp"
#include "tapegrad/autodiff/tensor/ops.hpp"
#include "tapegrad/nn/modules/init.hpp"
#include "tapegrad/nn/modules/linear.hpp"

namespace tapegrad::nn {

Neuron::Neuron(const NeuronOptions& options, Generator& gen) : options_(options) {
  TAPEGRAD_CHECK(options.in_features > 0, ShapeError, "Neuron: in_features must be positive, got ",
                 options.in_features);
  weight_slot_ = register_parameter("weight", zeros({options.in_features}, options.dtype));
  if (options.bias) bias_slot_ = register_parameter("bias", zeros({}, options.dtype));
  reset_parameters(gen);
}

void Neuron::reset_parameters(Generator& gen) {
  const double bound = 1.0 / std::sqrt(static_cast<double>(options_.in_features));
  init::uniform_(weight(), -bound, bound, gen);
  if (options_.bias) init::zeros_(bias());
}

std::string Neuron::extra_repr() const {
  std::ostringstream os;
  os << "in_features=" << options_.in_features << ", bias=" << (options_.bias ? "true" : "false")
     << ", activation=" << activation_name(options_.activation);
  return os.str();
}

Tensor Neuron::forward(const Tensor& x) {
  detail::check_features(x, options_.in_features, options_.dtype, *this);
  const Tensor net = detail::matmul_last_dim(x, weight());
  return activate(options_.activation, options_.bias ? net + bias() : net);
}

}  // namespace tapegrad::nn
