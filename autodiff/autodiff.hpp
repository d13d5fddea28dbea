// SPDX-License-Identifier: MIT
// autodiff.hpp: the umbrella header of tapegrad's core.
// Var and Tape (record during the forward pass, replay in reverse), the <cmath> front end, the
// gradient and Jacobian drivers, gradcheck, and the anomaly guard.
#pragma once

#include "autodiff/anomaly.hpp"
#include "autodiff/drivers.hpp"
#include "autodiff/error.hpp"
#include "autodiff/gradcheck.hpp"
#include "autodiff/math.hpp"
#include "autodiff/tape.hpp"
#include "autodiff/tensor_all.hpp"
#include "autodiff/threading.hpp"
#include "autodiff/var.hpp"
