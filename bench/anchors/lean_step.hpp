// SPDX-License-Identifier: MIT
// lean_step.hpp: the anchors' hand-written "lean" MLP step (../shared/anchors/tensor/lean_net.hpp), behind
// an opaque handle. lean_step.cpp includes lean_net.hpp by path and is compiled as the anchors compile it
// (-march=native, OpenBLAS), while the peer that times it next to tapegrad is built like a user's program.
#pragma once

#include <memory>
#include <vector>

namespace tapegrad::bench {

class LeanStep {
 public:
  /// sizes: input, hidden..., output; mse: MSE loss, else cross-entropy (as lean::Net).
  LeanStep(const std::vector<int>& sizes, int batch, bool mse);
  ~LeanStep();
  LeanStep(const LeanStep&) = delete;
  LeanStep& operator=(const LeanStep&) = delete;
  /// One training step; returns the loss.
  float step();

 private:
  struct Net;
  std::unique_ptr<Net> net_;
};

}  // namespace tapegrad::bench
