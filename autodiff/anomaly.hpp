// SPDX-License-Identifier: MIT
// anomaly.hpp: an opt-in guard that finds where a NaN or Inf is born, like PyTorch's anomaly mode.
// Without it, tapegrad computes what <cmath> computes (log(-1) is NaN) and says nothing. While a guard
// is alive on a thread, the first op whose value or local derivative is NaN/Inf throws DomainError
// naming the op and its inputs, and backward() checks every propagated gradient. The checks cost one
// branch per statement when no guard is alive.
#pragma once

#include "autodiff/tape.hpp"

namespace tapegrad {

/// Example: `{ tapegrad::AnomalyGuard guard; Var y = log(x); }  // throws if x <= 0`
class AnomalyGuard {
 public:
  AnomalyGuard() noexcept { ++detail::anomaly_depth; }
  ~AnomalyGuard() { --detail::anomaly_depth; }
  AnomalyGuard(const AnomalyGuard&) = delete;
  AnomalyGuard& operator=(const AnomalyGuard&) = delete;

  /// True while at least one guard is alive on this thread.
  static bool enabled() noexcept { return detail::anomaly_depth != 0; }
};

}  // namespace tapegrad
