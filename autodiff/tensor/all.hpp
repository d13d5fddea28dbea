// SPDX-License-Identifier: MIT
// all.hpp: the umbrella header of the tensor half of the core.
// Tensor and its factories, the tensor ops front end (free functions and their member spellings),
// NoGradGuard, the Var bridge, custom_op (user forward/backward) and tensor_gradcheck.
#pragma once

#include "tapegrad/autodiff/tensor/custom.hpp"
#include "tapegrad/autodiff/tensor/gradcheck.hpp"
#include "tapegrad/autodiff/tensor/ops.hpp"
#include "tapegrad/autodiff/tensor/rows/registry.hpp"
#include "tapegrad/autodiff/tensor/tensor.hpp"
