// SPDX-License-Identifier: MIT
// sgd.cpp: the SGD update, in place.
#include "tapegrad/nn/optim/sgd.hpp"

namespace tapegrad::nn {

SGD::SGD(std::vector<Tensor> params, const SGDOptions& options)
    : Optimizer(std::move(params), options.lr, "SGD"), options_(options) {
  check_option(options.momentum >= 0.0, "momentum (expected >= 0)", options.momentum);
  check_option(options.dampening >= 0.0, "dampening (expected >= 0)", options.dampening);
  check_option(options.weight_decay >= 0.0, "weight_decay (expected >= 0)", options.weight_decay);
  check_option(!options.nesterov || (options.momentum > 0.0 && options.dampening == 0.0),
               "nesterov setting (it needs momentum > 0 and dampening = 0), momentum", options.momentum);
  if (options.momentum != 0.0)
    for (std::size_t i = 0; i < this->params().size(); ++i)
      momentum_buffers_.push_back(add_state(i, "momentum_buffer"));
}

void SGD::step() {
  NoGradGuard no_grad;  // the update writes data directly; nothing may record, now or later
  double* steps = this->steps();
  detail::for_each_with_grad(params(), [&]<class T>(T* w, const T* g, std::int64_t n, std::size_t i) {
    const T lr = static_cast<T>(this->lr());
    const T decay = static_cast<T>(options_.weight_decay);
    const T momentum = static_cast<T>(options_.momentum);
    const T keep = static_cast<T>(1.0 - options_.dampening);
    T* b = options_.momentum != 0.0 ? momentum_buffers_[i].data<T>() : nullptr;
    const bool first = steps[i] == 0.0;
    for (std::int64_t k = 0; k < n; ++k) {
      T d = g[k] + decay * w[k];
      if (b != nullptr) {
        b[k] = first ? d : momentum * b[k] + keep * d;
        d = options_.nesterov ? d + momentum * b[k] : b[k];
      }
      w[k] -= lr * d;
    }
    steps[i] += 1.0;
  });
}

}  // namespace tapegrad::nn
