// SPDX-License-Identifier: MIT
// sgd.hpp: SGD, gradient descent Δw = −η ∂E/∂w (the seed article's rule), with PyTorch's momentum,
// dampening, Nesterov and (L2) weight decay.
#pragma once

#include <vector>

#include "tapegrad/autodiff/tensor/tensor.hpp"
#include "tapegrad/nn/optim/optimizer.hpp"

namespace tapegrad::nn {

/// Options of SGD, PyTorch's names and defaults. Example: `{.lr = 0.1, .momentum = 0.9}`.
struct SGDOptions {
  double lr = 1e-3;
  double momentum = 0.0;
  double dampening = 0.0;
  double weight_decay = 0.0;
  bool nesterov = false;
};

/// Per parameter w with gradient g, as torch.optim.SGD:
///   g ← g + weight_decay · w
///   b ← g on the first update, else momentum · b + (1 − dampening) · g      (only if momentum ≠ 0)
///   g ← g + momentum · b if nesterov, else b                                (only if momentum ≠ 0)
///   w ← w − lr · g
/// State: "<i>.momentum_buffer" (b) for each parameter when momentum ≠ 0.
/// Example: `nn::SGD opt(net.parameters(), {.lr = 0.5}); ... opt.step();`
class SGD : public Optimizer {
 public:
  /// Throws DomainError naming the option unless lr, momentum, dampening and weight_decay are >= 0, and
  /// for nesterov without momentum > 0 and dampening = 0 (as PyTorch).
  SGD(std::vector<Tensor> params, const SGDOptions& options = {});

  void step() override;
  /// The options given at construction (lr() is the current learning rate).
  const SGDOptions& options() const noexcept { return options_; }

 private:
  SGDOptions options_;
  std::vector<Tensor> momentum_buffers_;
};

}  // namespace tapegrad::nn
