// SPDX-License-Identifier: MIT
// adamw.hpp: AdamW (Loshchilov & Hutter, 2019): Adam whose weight decay shrinks the weights directly
// instead of entering the gradient, so it is not rescaled by Adam's per-weight step sizes.
#pragma once

#include <utility>
#include <vector>

#include "tapegrad/autodiff/tensor/tensor.hpp"
#include "tapegrad/nn/optim/adam.hpp"

namespace tapegrad::nn {

/// Options of AdamW, PyTorch's names and defaults (weight_decay 1e-2, where Adam's is 0).
struct AdamWOptions {
  double lr = 1e-3;
  std::pair<double, double> betas = {0.9, 0.999};
  double eps = 1e-8;
  double weight_decay = 1e-2;
  bool amsgrad = false;
};

/// As torch.optim.AdamW: w ← w (1 − lr · weight_decay), then Adam's update without the L2 term.
/// Same state names as Adam. Example: `nn::AdamW opt(net.parameters(), {.lr = 3e-3});`
class AdamW : public Adam {
 public:
  /// Throws DomainError naming the option as Adam does.
  AdamW(std::vector<Tensor> params, const AdamWOptions& options = {});
};

}  // namespace tapegrad::nn
