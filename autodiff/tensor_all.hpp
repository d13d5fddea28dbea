// SPDX-License-Identifier: MIT
// tensor_all.hpp: the umbrella header of the tensor half of the core.
// Tensor and its factories, the tensor ops front end (free functions and their member spellings),
// NoGradGuard, the Var bridge and tensor_gradcheck.
#pragma once

#include "autodiff/ops/tensor_registry.hpp"
#include "autodiff/tensor.hpp"
#include "autodiff/tensor_gradcheck.hpp"
#include "autodiff/tensor_methods.hpp"
#include "autodiff/tensor_ops.hpp"
