// SPDX-License-Identifier: MIT
// adam.cpp: the Adam / AdamW update, in place.
#include "tapegrad/nn/optim/adam.hpp"

#include <algorithm>
#include <cmath>

namespace tapegrad::nn {

Adam::Adam(std::vector<Tensor> params, const AdamOptions& options)
    : Adam(std::move(params), options, false, "Adam") {}

Adam::Adam(std::vector<Tensor> params, const AdamOptions& options, bool decoupled, std::string name)
    : Optimizer(std::move(params), options.lr, std::move(name)), options_(options), decoupled_(decoupled) {
  const auto [beta1, beta2] = options.betas;
  check_option(beta1 >= 0.0 && beta1 < 1.0, "beta1 (expected 0 <= beta1 < 1)", beta1);
  check_option(beta2 >= 0.0 && beta2 < 1.0, "beta2 (expected 0 <= beta2 < 1)", beta2);
  check_option(options.eps >= 0.0, "eps (expected >= 0)", options.eps);
  check_option(options.weight_decay >= 0.0, "weight_decay (expected >= 0)", options.weight_decay);
  for (std::size_t i = 0; i < this->params().size(); ++i) {
    exp_avg_.push_back(add_state(i, "exp_avg"));
    exp_avg_sq_.push_back(add_state(i, "exp_avg_sq"));
    if (options.amsgrad) max_exp_avg_sq_.push_back(add_state(i, "max_exp_avg_sq"));
  }
}

void Adam::step() {
  NoGradGuard no_grad;  // the update writes data directly; nothing may record, now or later
  double* steps = this->steps();
  const double beta1 = options_.betas.first, beta2 = options_.betas.second;  // captured below
  detail::for_each_with_grad(params(), [&]<class T>(T* w, const T* g, std::int64_t n, std::size_t i) {
    const double t = steps[i] += 1.0;
    // The bias corrections in double: beta^t of a float would lose digits as t grows.
    const auto step_size = static_cast<T>(lr() / (1.0 - std::pow(beta1, t)));
    const auto inv_sqrt_bc2 = static_cast<T>(1.0 / std::sqrt(1.0 - std::pow(beta2, t)));
    const auto b1 = static_cast<T>(beta1), b2 = static_cast<T>(beta2);
    const auto eps = static_cast<T>(options_.eps);
    const auto l2 = static_cast<T>(decoupled_ ? 0.0 : options_.weight_decay);
    const auto shrink = static_cast<T>(decoupled_ ? 1.0 - lr() * options_.weight_decay : 1.0);
    T* m = exp_avg_[i].data<T>();
    T* v = exp_avg_sq_[i].data<T>();
    T* vmax = options_.amsgrad ? max_exp_avg_sq_[i].data<T>() : nullptr;
    for (std::int64_t k = 0; k < n; ++k) {
      const T d = g[k] + l2 * w[k];
      m[k] = b1 * m[k] + (T{1} - b1) * d;
      v[k] = b2 * v[k] + (T{1} - b2) * d * d;
      T second = v[k];
      if (vmax != nullptr) second = vmax[k] = std::max(vmax[k], v[k]);
      w[k] = shrink * w[k] - step_size * m[k] / (std::sqrt(second) * inv_sqrt_bc2 + eps);
    }
  });
}

}  // namespace tapegrad::nn
