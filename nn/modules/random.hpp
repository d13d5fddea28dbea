// SPDX-License-Identifier: MIT
// random.hpp: the generator nn draws initial weights from when the caller passes none.
// One per thread (no lock, no data race between threads that build models), seeded with a fixed value,
// so a program that builds its model the same way gets the same weights on every run and platform.
#pragma once

#include <cstdint>

#include "tapegrad/autodiff/tensor/tensor.hpp"

namespace tapegrad::nn {

/// This thread's default generator, used by module constructors and nn::init functions when no
/// Generator is passed. Example: `nn::Linear fc({.in_features = 2, .out_features = 3});  // draws from it`
Generator& default_generator();

/// Re-seeds this thread's default generator (PyTorch's torch.manual_seed), so the next models built
/// are reproducible from `seed`. Example: `nn::manual_seed(42); nn::MLP net({...});`
void manual_seed(std::uint64_t seed);

}  // namespace tapegrad::nn
