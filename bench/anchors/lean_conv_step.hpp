// SPDX-License-Identifier: MIT
// lean_conv_step.hpp: config E's "lean" floor, a LeNet-5 training step written by hand on OpenBLAS (im2col +
// cblas_sgemm per sample, max-pool with stored winners, cross-entropy, Adam 1e-3), no autograd, no tape,
// every buffer allocated once. What a specialised engine could reach with the same products; conv_peer times
// it next to tapegrad and libtorch. lean_conv_step.cpp is compiled as the anchors compile their lean step
// (-march=native, OpenBLAS), behind this opaque handle.
#pragma once

#include <memory>

namespace conv_peer {

class LeanLeNet {
 public:
  /// LeNet-5 as config E (conv_steps.hpp) for `batch` images of 28 x 28, inputs and labels drawn once.
  explicit LeanLeNet(int batch);
  ~LeanLeNet();
  LeanLeNet(const LeanLeNet&) = delete;
  LeanLeNet& operator=(const LeanLeNet&) = delete;
  /// One training step (forward, loss, backward, Adam); returns the loss.
  float step();

 private:
  struct Net;
  std::unique_ptr<Net> net_;
};

}  // namespace conv_peer
