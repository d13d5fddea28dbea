// SPDX-License-Identifier: MIT
// affine.hpp: Affine, the part Linear, Layer and Neuron are made of: weight W, optional bias b, their
// initialisation, the input checks, and x W + b over the last dimension of x.
// Not a Module: it registers W and b on the module that owns it, so their names stay "weight" and "bias"
// (checkpoints and named_parameters() read the same whichever unit holds them). It keeps their slots, not
// the owner's address, so the owner can be moved; each call is given the owner.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "tapegrad/autodiff/core/dtype.hpp"
#include "tapegrad/autodiff/core/error.hpp"
#include "tapegrad/autodiff/tensor/tensor.hpp"
#include "tapegrad/nn/modules/module.hpp"
#include "tapegrad/nn/modules/random.hpp"

namespace tapegrad::nn {

/// Sizes of an Affine. out_features = 0 is the seed's single unit: W is a vector [in_features] and b a 0-D
/// tensor, so an input [..., in] gives [...]; otherwise W is [in, out] and b [out], [..., in] -> [..., out].
struct AffineOptions {
  std::int64_t in_features = 0;
  std::int64_t out_features = 0;
  bool bias = true;
  Dtype dtype = Dtype::float32;
};

/// The sizes check of a unit with in_features inputs and out_features outputs (Linear, Layer), run before
/// its parameters exist so that the message names `unit`. Returns `options` for use in an initialiser list.
template <class Options>
const Options& checked_sizes(std::string_view unit, const Options& options) {
  TAPEGRAD_CHECK(options.in_features > 0 && options.out_features > 0, ShapeError, unit,
                 ": in_features and out_features must be positive, got in_features = ", options.in_features,
                 ", out_features = ", options.out_features);
  return options;
}

class Affine {
 public:
  /// Registers "weight" (and "bias") on `owner` and draws them as reset() does. The caller has checked
  /// the sizes (so its error names the caller).
  Affine(Module& owner, const AffineOptions& options, Generator& gen);

  /// W ~ U(-1/sqrt(in), 1/sqrt(in)), PyTorch's default for Linear, and b = 0.
  void reset(const Module& owner, Generator& gen) const;

  /// x W + b. Throws ShapeError naming owner.repr() and x's shape unless x's last dimension is
  /// in_features, ShapeError naming both dtypes when x's dtype differs, TapeError for an undefined x.
  Tensor forward(const Module& owner, const Tensor& x) const;

  const Tensor& weight(const Module& owner) const { return owner.parameter_at(weight_slot_); }
  /// b; an undefined Tensor when options.bias is false.
  Tensor bias(const Module& owner) const { return options_.bias ? owner.parameter_at(bias_slot_) : Tensor(); }
  const AffineOptions& options() const noexcept { return options_; }

 private:
  AffineOptions options_;
  std::size_t weight_slot_ = 0;
  std::size_t bias_slot_ = 0;
};

}  // namespace tapegrad::nn
