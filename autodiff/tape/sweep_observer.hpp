// SPDX-License-Identifier: MIT
// sweep_observer.hpp: a per-thread hook the reverse sweep calls after each external record's backward().
// Data-parallel gradient buckets learn from it when a leaf's gradient is final (every op that writes into it
// has been swept). Without an observer (the default) the sweep pays one thread-local load per record.
#pragma once

namespace tapegrad::detail {

/// Told by the reverse sweep, on the sweeping thread, each time an external record's backward() returns.
class SweepObserver {
 public:
  virtual ~SweepObserver() = default;
  /// The external record just swept has finished writing its inputs' gradients. Must not throw.
  virtual void record_swept() noexcept = 0;
};

/// The observer of sweeps on this thread; null: none.
inline constinit thread_local SweepObserver* sweep_observer = nullptr;

}  // namespace tapegrad::detail
