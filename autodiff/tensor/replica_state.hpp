// SPDX-License-Identifier: MIT
// replica_state.hpp: the per-thread switches a data-parallel worker sets so that concurrent replicas of one
// model write no shared state from their forward passes (nn/train/data_parallel.hpp). Read by batch_norm and
// dropout only.
#pragma once

#include "tapegrad/autodiff/tensor/tensor.hpp"

namespace tapegrad::detail {

/// While true on a thread, batch_norm in training leaves running_mean and running_var as they are. Set on
/// the data-parallel workers other than the first, whose updates would race with the first's on the same
/// buffers (the statistics kept are the first worker's, as DistributedDataParallel keeps rank 0's).
inline constinit thread_local bool running_stats_frozen = false;

/// While set on a thread, dropout draws its masks from this generator instead of the one passed: each
/// data-parallel worker has its own (one Generator shared by concurrent workers would be a data race).
inline constinit thread_local Generator* dropout_generator = nullptr;

}  // namespace tapegrad::detail
