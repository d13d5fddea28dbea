// SPDX-License-Identifier: MIT
// linear.cpp: Linear, an Affine with a name and a repr.
#include "tapegrad/nn/modules/linear.hpp"

#include <sstream>

namespace tapegrad::nn {

Linear::Linear(const LinearOptions& options, Generator& gen)
    : options_(checked_sizes("Linear", options)),
      affine_(*this,
              {.in_features = options.in_features,
               .out_features = options.out_features,
               .bias = options.bias,
               .dtype = options.dtype},
              gen) {}

void Linear::reset_parameters(Generator& gen) {
  affine_.reset(*this, gen);
}

std::string Linear::extra_repr() const {
  std::ostringstream os;
  os << "in_features=" << options_.in_features << ", out_features=" << options_.out_features
     << ", bias=" << (options_.bias ? "true" : "false");
  return os.str();
}

Tensor Linear::forward(const Tensor& x) {
  return affine_.forward(*this, x);
}

}  // namespace tapegrad::nn
