// SPDX-License-Identifier: MIT
// lr_scheduler.cpp: closed-form learning-rate schedules.
#include "tapegrad/nn/optim/lr_scheduler.hpp"

#include <cmath>
#include <numbers>

#include "tapegrad/autodiff/core/error.hpp"

namespace tapegrad::nn {

LRScheduler::LRScheduler(Optimizer& optimizer)
    : optimizer_(optimizer), base_lr_(optimizer.lr()), last_lr_(optimizer.lr()) {}

void LRScheduler::step() {
  ++last_epoch_;
  last_lr_ = lr_at(last_epoch_);
  optimizer_.set_lr(last_lr_);
}

template <>
void ClosedFormLR<StepLROptions>::check_options(const StepLROptions& options) {
  TAPEGRAD_CHECK(options.step_size > 0 && options.gamma >= 0.0, DomainError,
                 "StepLR: expected step_size > 0 and gamma >= 0, got step_size = ", options.step_size,
                 ", gamma = ", options.gamma);
}

template <>
double ClosedFormLR<StepLROptions>::lr_at(std::int64_t epoch) const {
  return base_lr() * std::pow(options_.gamma, static_cast<double>(epoch / options_.step_size));
}

template <>
void ClosedFormLR<CosineAnnealingLROptions>::check_options(const CosineAnnealingLROptions& options) {
  TAPEGRAD_CHECK(options.T_max > 0 && options.eta_min >= 0.0, DomainError,
                 "CosineAnnealingLR: expected T_max > 0 and eta_min >= 0, got T_max = ", options.T_max,
                 ", eta_min = ", options.eta_min);
}

template <>
double ClosedFormLR<CosineAnnealingLROptions>::lr_at(std::int64_t epoch) const {
  const double phase = std::numbers::pi * static_cast<double>(epoch) / static_cast<double>(options_.T_max);
  return options_.eta_min + (base_lr() - options_.eta_min) * (1.0 + std::cos(phase)) / 2.0;
}

template class ClosedFormLR<StepLROptions>;
template class ClosedFormLR<CosineAnnealingLROptions>;

}  // namespace tapegrad::nn
