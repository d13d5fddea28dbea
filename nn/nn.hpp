// SPDX-License-Identifier: MIT
// nn.hpp: umbrella header of tapegrad::nn.
// The nn modules (Neuron, Layer, MLP, losses, SGD) arrive with the nn issue;
// for now this umbrella only exposes the autodiff core, so consumers can already link tapegrad::nn.
#pragma once

#include <autodiff/autodiff.hpp>
