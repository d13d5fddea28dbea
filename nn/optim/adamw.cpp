// SPDX-License-Identifier: MIT
// adamw.cpp: AdamW is Adam's update with decoupled weight decay.
#include "tapegrad/nn/optim/adamw.hpp"

namespace tapegrad::nn {

AdamW::AdamW(std::vector<Tensor> params, const AdamWOptions& options)
    : Adam(std::move(params),
           AdamOptions{.lr = options.lr,
                       .betas = options.betas,
                       .eps = options.eps,
                       .weight_decay = options.weight_decay,
                       .amsgrad = options.amsgrad},
           true, "AdamW") {}

}  // namespace tapegrad::nn
