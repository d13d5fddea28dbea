// SPDX-License-Identifier: MIT
// autodiff.hpp: the umbrella header of tapegrad's core.
// Var and Tape (record during the forward pass, replay in reverse), the <cmath> front end, the
// gradient and Jacobian drivers, gradcheck, the anomaly guard, user-supplied derivatives
// (custom_function, custom_op), checkpoint(), and forward mode (Dual, jvp, forward_jacobian) with second
// order (hvp, hessian, hessian_check).
#pragma once

#include "tapegrad/autodiff/core/error.hpp"
#include "tapegrad/autodiff/forward/drivers.hpp"
#include "tapegrad/autodiff/forward/dual.hpp"
#include "tapegrad/autodiff/forward/hessian_check.hpp"
#include "tapegrad/autodiff/kernels/threading.hpp"
#include "tapegrad/autodiff/checkpoint/checkpoint.hpp"
#include "tapegrad/autodiff/scalar/custom.hpp"
#include "tapegrad/autodiff/scalar/drivers.hpp"
#include "tapegrad/autodiff/scalar/gradcheck.hpp"
#include "tapegrad/autodiff/scalar/math.hpp"
#include "tapegrad/autodiff/scalar/var.hpp"
#include "tapegrad/autodiff/tape/anomaly.hpp"
#include "tapegrad/autodiff/tape/tape.hpp"
#include "tapegrad/autodiff/tensor/all.hpp"
