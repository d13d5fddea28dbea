// SPDX-License-Identifier: MIT
// named_tensors.hpp: NamedTensors, the one currency of parameters, buffers and optimizer state between
// modules, optimizers and checkpoints.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "tapegrad/autodiff/tensor/tensor.hpp"

namespace tapegrad::nn {

/// Tensors by name, in order, as Module::named_parameters() and Optimizer::state() return them.
using NamedTensors = std::vector<std::pair<std::string, Tensor>>;

}  // namespace tapegrad::nn
