// SPDX-License-Identifier: MIT
// adam.hpp: Adam (Kingma & Ba, 2015) with PyTorch's semantics and defaults, and the shared update
// that AdamW (adamw.hpp) reuses with decoupled weight decay.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "tapegrad/autodiff/tensor/tensor.hpp"
#include "tapegrad/nn/optim/optimizer.hpp"

namespace tapegrad::nn {

/// Options of Adam, PyTorch's names and defaults. Example: `{.lr = 1e-2, .betas = {0.9, 0.99}}`.
struct AdamOptions {
  double lr = 1e-3;
  std::pair<double, double> betas = {0.9, 0.999};
  double eps = 1e-8;
  double weight_decay = 0.0;
  bool amsgrad = false;
};

/// Per parameter w with gradient g, at its t-th update (t = 1, 2, ...), as torch.optim.Adam:
///   g ← g + weight_decay · w                      (L2 penalty folded into the gradient)
///   m ← β1 m + (1 − β1) g,   v ← β2 v + (1 − β2) g²
///   v̂max ← max(v̂max, v) if amsgrad (v below then means v̂max)
///   w ← w − lr / (1 − β1^t) · m / (sqrt(v) / sqrt(1 − β2^t) + eps)
/// State: "<i>.exp_avg" (m), "<i>.exp_avg_sq" (v) and with amsgrad "<i>.max_exp_avg_sq".
/// Example: `nn::Adam opt(net.parameters(), {.lr = 1e-2});`
class Adam : public Optimizer {
 public:
  /// Throws DomainError naming the option unless lr, eps, weight_decay >= 0 and 0 <= β1, β2 < 1.
  Adam(std::vector<Tensor> params, const AdamOptions& options = {});

  void step() override;
  /// The options given at construction (lr() is the current learning rate).
  const AdamOptions& options() const noexcept { return options_; }

 protected:
  /// decoupled: AdamW's weight decay w ← w (1 − lr · weight_decay) instead of the L2 term.
  Adam(std::vector<Tensor> params, const AdamOptions& options, bool decoupled, std::string name);

 private:
  AdamOptions options_;
  bool decoupled_;
  std::vector<Tensor> exp_avg_, exp_avg_sq_, max_exp_avg_sq_;
};

}  // namespace tapegrad::nn
