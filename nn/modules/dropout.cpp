// SPDX-License-Identifier: MIT
// dropout.cpp: Dropout's option check, forward and repr.
#include "tapegrad/nn/modules/dropout.hpp"

#include <sstream>

#include "tapegrad/autodiff/core/error.hpp"
#include "tapegrad/autodiff/tensor/dropout.hpp"

namespace tapegrad::nn {

Dropout::Dropout(const DropoutOptions& options, Generator& gen) : options_(options), gen_(&gen) {
  TAPEGRAD_CHECK(options.p >= 0.0 && options.p <= 1.0, DomainError, "Dropout: p must be in [0, 1], got ",
                 options.p);
}

Tensor Dropout::forward(const Tensor& x) {
  return dropout(x, options_.p, *gen_, is_training());
}

std::string Dropout::extra_repr() const {
  std::ostringstream os;
  os << "p=" << options_.p;
  return os.str();
}

}  // namespace tapegrad::nn
