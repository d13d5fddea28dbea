// SPDX-License-Identifier: MIT
// flatten.hpp: Flatten, dimensions start_dim..end_dim merged into one (a reshape: a view, no copy).
#pragma once

#include <cstdint>
#include <string>

#include "tapegrad/autodiff/tensor/tensor.hpp"
#include "tapegrad/nn/modules/module.hpp"

namespace tapegrad::nn {

/// Options of Flatten (PyTorch's names and defaults: keep the batch dimension, merge the rest).
struct FlattenOptions {
  std::int64_t start_dim = 1;
  std::int64_t end_dim = -1;
};

/// [N, C, H, W] -> [N, C H W] by default. Example: `nn::Flatten()` between a conv stack and a Linear.
class Flatten : public Module {
 public:
  explicit Flatten(const FlattenOptions& options = {}) : options_(options) {}
  /// Throws ShapeError naming the module and x's shape when start_dim or end_dim is out of range for x or
  /// end_dim comes before start_dim.
  Tensor forward(const Tensor& x) override;
  std::string type_name() const override { return "Flatten"; }
  std::string extra_repr() const override;

 private:
  FlattenOptions options_;
};

}  // namespace tapegrad::nn
