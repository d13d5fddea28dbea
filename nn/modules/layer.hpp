// SPDX-License-Identifier: MIT
// layer.hpp: Layer, the seed article's layer: out_features neurons side by side, o = φ(x W + b).
// Each column j of W holds neuron j's weights w_kj, so a whole layer is one matmul instead of
// out_features dot products; its parameters are Linear's (an Affine: "weight" and "bias").
#pragma once

#include <cstdint>
#include <string>

#include "tapegrad/autodiff/core/dtype.hpp"
#include "tapegrad/autodiff/tensor/tensor.hpp"
#include "tapegrad/nn/modules/activation.hpp"
#include "tapegrad/nn/modules/affine.hpp"
#include "tapegrad/nn/modules/module.hpp"
#include "tapegrad/nn/modules/random.hpp"

namespace tapegrad::nn {

/// Options of Layer. The default φ is the seed article's logistic sigmoid.
/// Example: `{.in_features = 2, .out_features = 4, .activation = Activation::tanh}`.
struct LayerOptions {
  std::int64_t in_features = 0;
  std::int64_t out_features = 0;
  Activation activation = Activation::sigmoid;
  bool bias = true;
  Dtype dtype = Dtype::float32;
};

/// φ(x W + b): Linear's affine part (Affine) followed by an activation. Input [..., in_features], output
/// [..., out_features]. Same parameters, initialisation and weight layout ([in, out]) as Linear.
/// Example: `nn::Layer hidden({.in_features = 2, .out_features = 4}); Tensor o = hidden(x);`
class Layer : public Module {
 public:
  /// Throws ShapeError naming both sizes unless they are positive.
  explicit Layer(const LayerOptions& options, Generator& gen = default_generator());

  /// Throws ShapeError naming the module and x's shape (or both dtypes) when x does not fit.
  Tensor forward(const Tensor& x) override;
  std::string type_name() const override { return "Layer"; }
  std::string extra_repr() const override;

  /// φ of this layer.
  Activation activation() const noexcept { return options_.activation; }
  /// W, [in_features, out_features].
  const Tensor& weight() const { return affine_.weight(*this); }
  /// b, [out_features]; an undefined Tensor when options.bias is false.
  Tensor bias() const { return affine_.bias(*this); }
  /// The options the layer was built with.
  const LayerOptions& options() const noexcept { return options_; }
  /// Draws W again from `gen` (as the constructor does) and sets b to 0.
  void reset_parameters(Generator& gen = default_generator()) { affine_.reset(*this, gen); }

 private:
  LayerOptions options_;
  Affine affine_;
};

}  // namespace tapegrad::nn
