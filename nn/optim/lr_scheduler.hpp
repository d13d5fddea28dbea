// SPDX-License-Identifier: MIT
// lr_scheduler.hpp: learning-rate schedules that set an optimizer's lr once per epoch (PyTorch's
// StepLR and CosineAnnealingLR, in their closed forms).
#pragma once

#include <cstdint>
#include <string>

#include "tapegrad/nn/optim/optimizer.hpp"

namespace tapegrad::nn {

/// Base of the schedules: remembers the optimizer's lr at construction (base_lr) and, at each step(),
/// sets lr = lr_at(epoch) for the next epoch. The optimizer must outlive the scheduler.
/// Example: `for (epoch ...) { train_one_epoch(); scheduler.step(); }`
class LRScheduler {
 public:
  explicit LRScheduler(Optimizer& optimizer);
  virtual ~LRScheduler() = default;
  LRScheduler(const LRScheduler&) = delete;
  LRScheduler& operator=(const LRScheduler&) = delete;

  /// Advances one epoch and sets the optimizer's lr for it.
  void step();
  /// The lr set by the last step() (base_lr before any).
  double get_last_lr() const noexcept { return last_lr_; }
  /// Epochs stepped so far (0 after construction).
  std::int64_t last_epoch() const noexcept { return last_epoch_; }
  double base_lr() const noexcept { return base_lr_; }
  /// The schedule's lr at `epoch` (epoch 0 gives base_lr).
  virtual double lr_at(std::int64_t epoch) const = 0;

 private:
  Optimizer& optimizer_;
  double base_lr_;
  double last_lr_;
  std::int64_t last_epoch_ = 0;
};

/// A schedule given by its options type: the options are checked once (DomainError naming the schedule
/// and the offending values) and lr_at evaluates the closed form. Each Options type below specialises
/// check_options and lr_at in lr_scheduler.cpp; use the aliases StepLR and CosineAnnealingLR.
template <class Options>
class ClosedFormLR : public LRScheduler {
 public:
  ClosedFormLR(Optimizer& optimizer, const Options& options) : LRScheduler(optimizer), options_(options) {
    check_options(options);
  }
  double lr_at(std::int64_t epoch) const override;
  const Options& options() const noexcept { return options_; }

 private:
  static void check_options(const Options& options);
  Options options_;
};

/// Options of StepLR (PyTorch's names and default gamma). Example: `{.step_size = 30, .gamma = 0.1}`.
struct StepLROptions {
  std::int64_t step_size = 1;
  double gamma = 0.1;
};

/// lr = base_lr · gamma^floor(epoch / step_size): decays by gamma every step_size epochs.
/// The constructor throws DomainError unless step_size > 0 and gamma >= 0.
/// Example: `nn::StepLR schedule(opt, {.step_size = 30, .gamma = 0.1});`
using StepLR = ClosedFormLR<StepLROptions>;

/// Options of CosineAnnealingLR (PyTorch's names). Example: `{.T_max = 100, .eta_min = 1e-5}`.
struct CosineAnnealingLROptions {
  std::int64_t T_max = 1;
  double eta_min = 0.0;
};

/// lr = eta_min + (base_lr − eta_min) · (1 + cos(π · epoch / T_max)) / 2: from base_lr down to eta_min
/// at epoch T_max along half a cosine (and back up after, as PyTorch's schedule does).
/// The constructor throws DomainError unless T_max > 0 and eta_min >= 0.
/// Example: `nn::CosineAnnealingLR schedule(opt, {.T_max = 100});`
using CosineAnnealingLR = ClosedFormLR<CosineAnnealingLROptions>;

template <>
void ClosedFormLR<StepLROptions>::check_options(const StepLROptions& options);
template <>
double ClosedFormLR<StepLROptions>::lr_at(std::int64_t epoch) const;
template <>
void ClosedFormLR<CosineAnnealingLROptions>::check_options(const CosineAnnealingLROptions& options);
template <>
double ClosedFormLR<CosineAnnealingLROptions>::lr_at(std::int64_t epoch) const;

}  // namespace tapegrad::nn
