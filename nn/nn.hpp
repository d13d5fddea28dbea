// SPDX-License-Identifier: MIT
// nn.hpp: umbrella header of tapegrad::nn (modules, initialisation, losses, optimizers), with the
// autodiff core it is built on.
#pragma once

#include <autodiff/autodiff.hpp>

// modules
#include "nn/activation.hpp"
#include "nn/activation_modules.hpp"
#include "nn/layer.hpp"
#include "nn/linear.hpp"
#include "nn/mlp.hpp"
#include "nn/module.hpp"
#include "nn/neuron.hpp"
#include "nn/sequential.hpp"

// initialisation
#include "nn/init.hpp"
#include "nn/random.hpp"

// losses
#include "nn/loss.hpp"

// optimizers
#include "nn/optim/adam.hpp"
#include "nn/optim/adamw.hpp"
#include "nn/optim/clip_grad.hpp"
#include "nn/optim/lr_scheduler.hpp"
#include "nn/optim/optimizer.hpp"
#include "nn/optim/sgd.hpp"
