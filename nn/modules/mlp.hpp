// SPDX-License-Identifier: MIT
// mlp.hpp: MLP, a multi-layer perceptron: Layers of the given sizes, the last one linear unless asked.
// micrograd's MLP on tensors. Its layers live in a Sequential named "layers", so the parameters are
// "layers.0.weight", "layers.0.bias", "layers.1.weight", ...
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "tapegrad/autodiff/core/dtype.hpp"
#include "tapegrad/autodiff/tensor/tensor.hpp"
#include "tapegrad/nn/modules/activation.hpp"
#include "tapegrad/nn/modules/layer.hpp"
#include "tapegrad/nn/modules/module.hpp"
#include "tapegrad/nn/modules/random.hpp"
#include "tapegrad/nn/modules/sequential.hpp"

namespace tapegrad::nn {

/// Options of MLP: sizes in_features -> hidden[0] -> ... -> out_features. Hidden layers use
/// `activation` (default relu, as micrograd's and torchvision's MLPs); the output layer uses
/// `output_activation` (default identity: logits or a regression output, what the losses expect).
/// Example: `{.in_features = 2, .hidden = {4}, .out_features = 1, .activation = Activation::tanh}`.
struct MLPOptions {
  std::int64_t in_features = 0;
  std::vector<std::int64_t> hidden = {};
  std::int64_t out_features = 0;
  Activation activation = Activation::relu;
  Activation output_activation = Activation::identity;
  bool bias = true;
  Dtype dtype = Dtype::float32;
};

/// Input [..., in_features], output [..., out_features]. Each Layer initialises as Linear does, drawing
/// from `gen` in order. Example: `nn::MLP net({.in_features = 2, .hidden = {16, 16}, .out_features = 1});`
class MLP : public Module {
 public:
  /// Throws ShapeError naming the offending size unless every size is positive.
  explicit MLP(const MLPOptions& options, Generator& gen = default_generator());

  /// Throws ShapeError naming the first layer and x's shape when x's last dimension is not in_features.
  Tensor forward(const Tensor& x) override;
  std::string type_name() const override { return "MLP"; }
  std::string extra_repr() const override;

  /// Number of Layers (hidden.size() + 1).
  std::size_t num_layers() const noexcept { return layers_.size(); }
  /// The Layer at `index` (0 is the first hidden layer). Throws DomainError when out of range.
  Layer& layer(std::size_t index) const;
  /// The options the network was built with.
  const MLPOptions& options() const noexcept { return options_; }

 private:
  MLPOptions options_;
  std::shared_ptr<Sequential> sequential_;
  std::vector<std::shared_ptr<Layer>> layers_;  // the same modules as sequential_, typed
};

}  // namespace tapegrad::nn
