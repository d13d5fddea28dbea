// SPDX-License-Identifier: MIT
// lr_scheduler.hpp: learning-rate schedules that set an optimizer's lr once per epoch (PyTorch's
// StepLR and CosineAnnealingLR, in their closed forms).
#pragma once

#include <cstdint>
#include <string>

#include "nn/optim/optimizer.hpp"

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

/// Options of StepLR (PyTorch's names and default gamma). Example: `{.step_size = 30, .gamma = 0.1}`.
struct StepLROptions {
  std::int64_t step_size = 1;
  double gamma = 0.1;
};

/// lr = base_lr · gamma^floor(epoch / step_size): decays by gamma every step_size epochs.
class StepLR : public LRScheduler {
 public:
  /// Throws DomainError unless step_size > 0 and gamma >= 0.
  StepLR(Optimizer& optimizer, const StepLROptions& options);
  double lr_at(std::int64_t epoch) const override;

 private:
  StepLROptions options_;
};

/// Options of CosineAnnealingLR (PyTorch's names). Example: `{.T_max = 100, .eta_min = 1e-5}`.
struct CosineAnnealingLROptions {
  std::int64_t T_max = 1;
  double eta_min = 0.0;
};

/// lr = eta_min + (base_lr − eta_min) · (1 + cos(π · epoch / T_max)) / 2: from base_lr down to eta_min
/// at epoch T_max along half a cosine (and back up after, as PyTorch's schedule does).
class CosineAnnealingLR : public LRScheduler {
 public:
  /// Throws DomainError unless T_max > 0 and eta_min >= 0.
  CosineAnnealingLR(Optimizer& optimizer, const CosineAnnealingLROptions& options);
  double lr_at(std::int64_t epoch) const override;

 private:
  CosineAnnealingLROptions options_;
};

}  // namespace tapegrad::nn
