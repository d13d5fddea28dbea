// SPDX-License-Identifier: MIT
// lean_step.cpp: see lean_step.hpp. Needs -I<anchors/tensor> and cblas.h; built by run_tensor_anchors.sh.
#include "lean_step.hpp"

#include "lean_net.hpp"

namespace tapegrad::bench {

struct LeanStep::Net {
  lean::Net net;
};

LeanStep::LeanStep(const std::vector<int>& sizes, int batch, bool mse)
    : net_(new Net{lean::Net(sizes, batch, mse)}) {}
LeanStep::~LeanStep() = default;
float LeanStep::step() {
  return net_->net.step();
}

}  // namespace tapegrad::bench
