// SPDX-License-Identifier: MIT
// clip_grad.hpp: gradient clipping by global norm and by value (torch.nn.utils' names), in place on
// the parameters' .grad(), between backward() and the optimizer's step(). Never recorded.
#pragma once

#include <vector>

#include "tapegrad/autodiff/tensor/tensor.hpp"

namespace tapegrad::nn {

/// Computes the norm of all gradients together, as if concatenated into one vector (norm_type p > 0, or
/// infinity for the largest magnitude), and if it exceeds max_norm scales every gradient by
/// max_norm / (norm + 1e-6). Parameters without a gradient are skipped. Returns the norm before
/// clipping. Throws DomainError unless max_norm >= 0 and norm_type > 0, and, with error_if_nonfinite,
/// when the norm is NaN or infinite (then nothing is scaled).
/// Example: `loss.backward(); nn::clip_grad_norm_(net.parameters(), 1.0); opt.step();`
double clip_grad_norm_(const std::vector<Tensor>& params, double max_norm, double norm_type = 2.0,
                       bool error_if_nonfinite = false);

/// Clamps every gradient element into [-clip_value, clip_value]. Throws DomainError unless
/// clip_value >= 0. Example: `nn::clip_grad_value_(net.parameters(), 0.5);`
void clip_grad_value_(const std::vector<Tensor>& params, double clip_value);

}  // namespace tapegrad::nn
