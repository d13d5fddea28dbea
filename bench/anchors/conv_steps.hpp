// SPDX-License-Identifier: MIT
// conv_steps.hpp: the convolutional training steps of configs E and F, behind a plain interface, so the
// tapegrad side (C++20) and the libtorch side (C++17, torch's headers) compile apart and link into one
// binary that times them interleaved (conv_peer.cpp).
//   E: LeNet-5 on [64, 1, 28, 28]: conv 5x5 x6 pad 2, ReLU, max-pool 2, conv 5x5 x16, ReLU, max-pool 2,
//      120, ReLU, 84, ReLU, 10; cross-entropy; Adam 1e-3.
//   F: [128, 1, 28, 28]: conv 3x3 x32, ReLU, conv 3x3 x64, ReLU, max-pool 2, 128, ReLU, 10; same loss and
//      optimizer (PyTorch's MNIST example net, without dropout).
// One step: forward, loss, backward, Adam update, gradients cleared. Both sides draw their own inputs
// (normal) and labels (i % 10); only the time is compared.
#pragma once

#include <memory>

namespace conv_peer {

enum class Config { E, F };

/// One side's training step for a config; step() returns the loss (so it is not optimised away).
class Step {
 public:
  virtual ~Step() = default;
  virtual double step() = 0;
};

std::unique_ptr<Step> make_tapegrad_step(Config config);
/// Null when built without libtorch.
std::unique_ptr<Step> make_torch_step(Config config);
void set_torch_threads(int threads);

}  // namespace conv_peer
