// SPDX-License-Identifier: MIT
// dropout.hpp: inverted dropout, reproducible from a Generator.
// No row of its own: the mask is data (drawn from the generator, not recorded) and the op is one Mul, so
// its gradient is the mask times g, through the Mul row's broadcast kernels.
#pragma once

#include "tapegrad/autodiff/tensor/tensor.hpp"

namespace tapegrad {

/// In training, each element of x is zeroed with probability p and the others are scaled by 1 / (1 - p),
/// so the expectation is unchanged and evaluation needs no rescaling (inverted dropout, as PyTorch). The
/// mask's uniforms come from `gen`: the same seed gives the same mask. With training false or p = 0, x is
/// returned as it is; p = 1 gives zeros. Throws DomainError naming dropout and p unless 0 <= p <= 1.
/// Example: `auto h = dropout(x, 0.5, gen, net.is_training());`
Tensor dropout(const Tensor& x, double p, Generator& gen, bool training = true);

}  // namespace tapegrad
