// SPDX-License-Identifier: MIT
// layer.cpp: an Affine plus an activation.
#include "tapegrad/nn/modules/layer.hpp"

#include <sstream>

namespace tapegrad::nn {

Layer::Layer(const LayerOptions& options, Generator& gen)
    : options_(checked_sizes("Layer", options)),
      affine_(*this,
              {.in_features = options.in_features,
               .out_features = options.out_features,
               .bias = options.bias,
               .dtype = options.dtype},
              gen) {}

std::string Layer::extra_repr() const {
  std::ostringstream os;
  os << "in_features=" << options_.in_features << ", out_features=" << options_.out_features
     << ", bias=" << (options_.bias ? "true" : "false")
     << ", activation=" << activation_name(options_.activation);
  return os.str();
}

Tensor Layer::forward(const Tensor& x) {
  return activate(options_.activation, affine_.forward(*this, x));
}

}  // namespace tapegrad::nn
