// SPDX-License-Identifier: MIT
// anomaly.hpp: an opt-in guard that finds where a NaN or Inf is born, like PyTorch's anomaly mode.
// Without it, tapegrad computes what <cmath> computes (log(-1) is NaN) and says nothing. While a guard
// is alive on a thread, the first op whose value or local derivative is NaN/Inf throws DomainError
// naming the op and its inputs, and backward() checks every propagated gradient. Without a guard the
// checks cost nothing: a guard makes every statement take the record path's slow path, which checks.
#pragma once

#include "tapegrad/autodiff/tape/tape.hpp"

namespace tapegrad {

/// Example: `{ tapegrad::AnomalyGuard guard; Var y = log(x); }  // throws if x <= 0`
class AnomalyGuard {
 public:
  AnomalyGuard() noexcept {
    ++detail::anomaly_depth;
    // Leave the active tape no room, so that its next statement takes the slow path, which checks
    // it (see detail::TapeHead). Other tapes get the same when they become active.
    detail::TapeHead* head = detail::active_head;
    if (head != &detail::no_tape) head->arg_end = head->arg;
  }
  ~AnomalyGuard() { --detail::anomaly_depth; }
  AnomalyGuard(const AnomalyGuard&) = delete;
  AnomalyGuard& operator=(const AnomalyGuard&) = delete;

  /// True while at least one guard is alive on this thread.
  static bool enabled() noexcept { return detail::anomaly_depth != 0; }
};

}  // namespace tapegrad
