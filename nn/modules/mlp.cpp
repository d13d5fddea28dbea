// SPDX-License-Identifier: MIT
// mlp.cpp: building the layer stack of an MLP.
#include "tapegrad/nn/modules/mlp.hpp"

#include <sstream>

#include "tapegrad/autodiff/core/error.hpp"

namespace tapegrad::nn {

MLP::MLP(const MLPOptions& options, Generator& gen) : options_(options) {
  TAPEGRAD_CHECK(options.in_features > 0, ShapeError, "MLP: in_features must be positive, got ",
                 options.in_features);
  TAPEGRAD_CHECK(options.out_features > 0, ShapeError, "MLP: out_features must be positive, got ",
                 options.out_features);
  for (std::size_t i = 0; i < options.hidden.size(); ++i)
    TAPEGRAD_CHECK(options.hidden[i] > 0, ShapeError, "MLP: hidden layer sizes must be positive, got hidden[",
                   i, "] = ", options.hidden[i]);

  sequential_ = register_module("layers", std::make_shared<Sequential>());
  std::int64_t in = options.in_features;
  for (std::size_t i = 0; i <= options.hidden.size(); ++i) {
    const bool last = i == options.hidden.size();
    const std::int64_t out = last ? options.out_features : options.hidden[i];
    auto layer = std::make_shared<Layer>(
        LayerOptions{.in_features = in,
                     .out_features = out,
                     .activation = last ? options.output_activation : options.activation,
                     .bias = options.bias,
                     .dtype = options.dtype},
        gen);
    sequential_->push_back(layer);
    layers_.push_back(std::move(layer));
    in = out;
  }
}

Tensor MLP::forward(const Tensor& x) {
  return sequential_->forward(x);
}

Layer& MLP::layer(std::size_t index) const {
  TAPEGRAD_CHECK(index < layers_.size(), DomainError, "MLP: layer index ", index, " is out of range for ",
                 layers_.size(), " layers");
  return *layers_[index];
}

std::string MLP::extra_repr() const {
  std::ostringstream os;
  os << "in_features=" << options_.in_features << ", hidden=[";
  for (std::size_t i = 0; i < options_.hidden.size(); ++i) os << (i ? ", " : "") << options_.hidden[i];
  os << "], out_features=" << options_.out_features << ", activation=" << activation_name(options_.activation)
     << ", output_activation=" << activation_name(options_.output_activation);
  if (!options_.bias) os << ", bias=false";
  return os.str();
}

}  // namespace tapegrad::nn
