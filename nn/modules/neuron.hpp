// SPDX-License-Identifier: MIT
// neuron.hpp: Neuron, one unit of the seed article: o_j = φ(net_j) = φ(Σ_k w_kj o_k + b_j).
// micrograd's Neuron, on tensors: a batch of inputs [batch, in] gives one output per example, [batch].
// Written with the parts of Linear (an Affine whose weight is a vector [in]: out_features = 0), so it is
// initialised and checked as Linear is; a Layer computes many neurons side by side in one matmul.
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

/// Options of Neuron. The default φ is the seed article's logistic sigmoid.
/// Example: `{.in_features = 2, .activation = Activation::identity}` (the seed's linear neuron).
struct NeuronOptions {
  std::int64_t in_features = 0;
  Activation activation = Activation::sigmoid;
  bool bias = true;
  Dtype dtype = Dtype::float32;
};

/// o = φ(x · w + b): input [..., in_features], output [...] (a 1-D input gives a 0-D output).
/// Initialisation: w ~ U(-1/sqrt(in), 1/sqrt(in)), b = 0.
/// Example: `nn::Neuron n({.in_features = 3}); Tensor o = n(x);  // x [8, 3] -> o [8]`
class Neuron : public Module {
 public:
  /// Throws ShapeError naming in_features unless it is positive.
  explicit Neuron(const NeuronOptions& options, Generator& gen = default_generator());

  /// Throws ShapeError naming the module and x's shape (or both dtypes) when x does not fit.
  Tensor forward(const Tensor& x) override;
  std::string type_name() const override { return "Neuron"; }
  std::string extra_repr() const override;

  /// w, [in_features]: w[k] is the seed's w_kj for this neuron j.
  const Tensor& weight() const { return affine_.weight(*this); }
  /// b, a 0-D tensor; undefined when options.bias is false.
  Tensor bias() const { return affine_.bias(*this); }
  /// The options the neuron was built with.
  const NeuronOptions& options() const noexcept { return options_; }

  /// Draws w again from `gen` (as the constructor does) and sets b to 0.
  void reset_parameters(Generator& gen = default_generator()) { affine_.reset(*this, gen); }

 private:
  NeuronOptions options_;
  Affine affine_;
};

}  // namespace tapegrad::nn
