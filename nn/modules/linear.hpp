// SPDX-License-Identifier: MIT
// linear.hpp: Linear, the affine map y = x W + b applied to the last dimension of x.
//
// Weight layout: W is [in_features, out_features], the transpose of PyTorch's [out, in]. Row-major x
// [batch, in] times W [in, out] is then one plain matmul with no transpose, in the forward and in both
// backward products, and W[k][j] is the seed article's w_kj, the weight from input unit k to unit j.
// Checkpoints and init follow this layout (nn/modules/init.hpp computes fan_in = shape[0]).
#pragma once

#include <cstdint>
#include <string>

#include "tapegrad/autodiff/core/dtype.hpp"
#include "tapegrad/autodiff/tensor/tensor.hpp"
#include "tapegrad/nn/modules/affine.hpp"
#include "tapegrad/nn/modules/module.hpp"
#include "tapegrad/nn/modules/random.hpp"

namespace tapegrad::nn {

/// Options of Linear (PyTorch's field names). Example: `{.in_features = 2, .out_features = 3}`.
struct LinearOptions {
  std::int64_t in_features = 0;
  std::int64_t out_features = 0;
  bool bias = true;
  Dtype dtype = Dtype::float32;  // float64 for gradient checks or when the digits matter
};

/// y = x W + b. Input [..., in_features], output [..., out_features] (a 1-D input gives a 1-D output).
/// Initialisation: W ~ U(-1/sqrt(in), 1/sqrt(in)), PyTorch's default for Linear, and b = 0.
/// Example: `nn::Linear fc({.in_features = 784, .out_features = 10}); Tensor logits = fc(x);`
class Linear : public Module {
 public:
  /// Throws ShapeError naming both sizes unless in_features and out_features are positive.
  explicit Linear(const LinearOptions& options, Generator& gen = default_generator());

  /// Throws ShapeError naming the module and x's shape unless x's last dimension is in_features, and
  /// ShapeError naming both dtypes when x's dtype differs from the parameters'.
  Tensor forward(const Tensor& x) override;
  std::string type_name() const override { return "Linear"; }
  std::string extra_repr() const override;

  /// W, [in_features, out_features].
  const Tensor& weight() const { return affine_.weight(*this); }
  /// b, [out_features]; an undefined Tensor when options.bias is false.
  Tensor bias() const { return affine_.bias(*this); }
  /// The options the layer was built with.
  const LinearOptions& options() const noexcept { return options_; }

  /// Draws W again from `gen` (as the constructor does) and sets b to 0.
  void reset_parameters(Generator& gen = default_generator());

 private:
  LinearOptions options_;
  Affine affine_;
};

}  // namespace tapegrad::nn
