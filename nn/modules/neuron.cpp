// SPDX-License-Identifier: MIT
// neuron.cpp: a single unit: an Affine with one output, then its activation.
#include "tapegrad/nn/modules/neuron.hpp"

#include <sstream>

#include "tapegrad/autodiff/core/error.hpp"

namespace tapegrad::nn {

namespace {
/// Checked before the parameters exist, so the message names Neuron.
const NeuronOptions& checked(const NeuronOptions& options) {
  TAPEGRAD_CHECK(options.in_features > 0, ShapeError, "Neuron: in_features must be positive, got ",
                 options.in_features);
  return options;
}
}  // namespace

Neuron::Neuron(const NeuronOptions& options, Generator& gen)
    : options_(checked(options)),
      affine_(*this,
              {.in_features = options.in_features,
               .out_features = 0,
               .bias = options.bias,
               .dtype = options.dtype},
              gen) {}

std::string Neuron::extra_repr() const {
  std::ostringstream os;
  os << "in_features=" << options_.in_features << ", bias=" << (options_.bias ? "true" : "false")
     << ", activation=" << activation_name(options_.activation);
  return os.str();
}

Tensor Neuron::forward(const Tensor& x) {
  return activate(options_.activation, affine_.forward(*this, x));
}

}  // namespace tapegrad::nn
