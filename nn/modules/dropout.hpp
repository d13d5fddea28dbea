// SPDX-License-Identifier: MIT
// dropout.hpp: Dropout, inverted dropout in training mode and the identity in evaluation mode.
#pragma once

#include <string>

#include "tapegrad/autodiff/tensor/tensor.hpp"
#include "tapegrad/nn/modules/module.hpp"
#include "tapegrad/nn/modules/random.hpp"

namespace tapegrad::nn {

/// Options of Dropout (PyTorch's name and default).
struct DropoutOptions {
  double p = 0.5;
};

/// In training mode (is_training()), zeroes each element with probability p and scales the rest by
/// 1 / (1 - p); in evaluation mode returns x. The masks are drawn from `gen` (kept by reference: it must
/// outlive the module), so a seeded generator makes training reproducible.
/// Example: `nn::Dropout drop({.p = 0.25});`
class Dropout : public Module {
 public:
  /// Throws DomainError naming the module and p unless 0 <= p <= 1.
  explicit Dropout(const DropoutOptions& options = {}, Generator& gen = default_generator());
  Tensor forward(const Tensor& x) override;
  std::string type_name() const override { return "Dropout"; }
  std::string extra_repr() const override;

 private:
  DropoutOptions options_;
  Generator* gen_;
};

}  // namespace tapegrad::nn
