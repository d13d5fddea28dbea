// SPDX-License-Identifier: MIT
// sequential.cpp: a chain of modules.
#include "tapegrad/nn/modules/sequential.hpp"

#include "tapegrad/autodiff/core/error.hpp"

namespace tapegrad::nn {

void Sequential::push_back(std::shared_ptr<Module> module) {
  TAPEGRAD_CHECK(module != nullptr, DomainError, "Sequential: cannot append a null module");
  register_module(std::to_string(size()), std::move(module));
}

Tensor Sequential::forward(const Tensor& x) {
  Tensor y = x;
  for (const auto& [name, module] : children()) y = module->forward(y);
  return y;
}

Module& Sequential::operator[](std::size_t index) const {
  TAPEGRAD_CHECK(index < size(), DomainError, "Sequential: index ", index, " is out of range for ", size(),
                 " modules");
  return *children()[index].second;
}

}  // namespace tapegrad::nn
