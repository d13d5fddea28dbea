// SPDX-License-Identifier: MIT
// ops.hpp: the whole tensor front end, one header per family of ops. Each function runs one row of
// tensor/rows/*.hpp through detail::apply (tensor/apply.hpp), which records it on the active tape when an
// input requires grad.
#pragma once

#include "tapegrad/autodiff/tensor/compare.hpp"
#include "tapegrad/autodiff/tensor/conv.hpp"
#include "tapegrad/autodiff/tensor/dropout.hpp"
#include "tapegrad/autodiff/tensor/elementwise.hpp"
#include "tapegrad/autodiff/tensor/indexing.hpp"
#include "tapegrad/autodiff/tensor/layout.hpp"
#include "tapegrad/autodiff/tensor/linalg.hpp"
#include "tapegrad/autodiff/tensor/norm.hpp"
#include "tapegrad/autodiff/tensor/pool.hpp"
#include "tapegrad/autodiff/tensor/recurrent.hpp"
#include "tapegrad/autodiff/tensor/reduce.hpp"
#include "tapegrad/autodiff/tensor/softmax.hpp"
