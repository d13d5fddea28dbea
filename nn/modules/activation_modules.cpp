// SPDX-License-Identifier: MIT
// activation_modules.cpp: forwards of the activation modules.
#include "tapegrad/nn/modules/activation_modules.hpp"

#include <sstream>

#include "tapegrad/autodiff/tensor/ops.hpp"
#include "tapegrad/nn/modules/activation.hpp"

namespace tapegrad::nn {

Tensor LeakyReLU::forward(const Tensor& x) {
  return activate(Activation::leaky_relu, x, options_.negative_slope);
}
std::string LeakyReLU::extra_repr() const {
  std::ostringstream os;
  os << "negative_slope=" << options_.negative_slope;
  return os.str();
}

Tensor Softmax::forward(const Tensor& x) {
  return softmax(x, options_.dim);
}
std::string Softmax::extra_repr() const {
  return "dim=" + std::to_string(options_.dim);
}

Tensor LogSoftmax::forward(const Tensor& x) {
  return log_softmax(x, options_.dim);
}
std::string LogSoftmax::extra_repr() const {
  return "dim=" + std::to_string(options_.dim);
}

}  // namespace tapegrad::nn
