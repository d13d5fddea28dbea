// SPDX-License-Identifier: MIT
// distributed_fit.hpp: fit() over the ranks of an MPI job: data-parallel training that reaches the parameters
// of one process training on the same global batches (up to the rounding of the gradient sums).
//
// Per step, rank r trains on its part of global batch g (DistributedSampler: reshuffled each epoch from a
// shared seed, disjoint shards covering the epoch), seeds its backward with its share of the global batch
// (rows_r / rows), so the SUM of the ranks' gradients is the gradient of the global batch's mean loss;
// GradientBuckets sums them across the ranks while the sweep runs; every rank then takes the same optimizer
// step. At the start rank 0's parameters and buffers are broadcast; after each step rank 0's buffers (batch
// norm's running statistics) are. Epoch metrics (train_loss, val_loss, val_accuracy) are reduced over the
// ranks, so every rank returns the same History; only rank 0 draws the progress bar. On an exception the
// rank prints it and stops the whole job (MPI_Abort): the others do not hang in their next collective.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>

#include "tapegrad/nn/data/dataset.hpp"
#include "tapegrad/nn/distributed/communicator.hpp"
#include "tapegrad/nn/distributed/gradient_buckets.hpp"
#include "tapegrad/nn/modules/module.hpp"
#include "tapegrad/nn/optim/lr_scheduler.hpp"
#include "tapegrad/nn/optim/optimizer.hpp"
#include "tapegrad/nn/train/history.hpp"
#include "tapegrad/nn/train/trainer.hpp"

namespace tapegrad::nn::distributed {

/// Options of distributed::fit.
struct FitOptions {
  std::int64_t epochs = 1;
  /// The GLOBAL batch: each step the ranks share batch_size examples (about batch_size / ranks each).
  std::int64_t batch_size = 64;
  /// Seed of the shared epoch permutation (the same on every rank).
  std::uint64_t seed = 0;
  bool shuffle = true;
  /// Evaluated after every epoch, each rank on its shard, the sums reduced.
  std::optional<Dataset> validation{};
  /// Drawn by rank 0 only.
  FitProgress progress{};
  LRScheduler* scheduler = nullptr;
  std::int64_t eval_batch_size = 1024;
  BucketOptions buckets{};
  /// Called on every rank with the reduced record; all ranks see the same values, so they stop together.
  std::function<FitControl(const EpochRecord& record)> on_epoch_end{};
  /// On an exception: print it with the rank and stop the job (true), or rethrow it (false, for a
  /// Communicator::self() run or a caller that handles it on every rank).
  bool abort_on_error = true;
};

/// Trains `model` on `train` for options.epochs across the ranks of `comm` and returns the History (the same
/// on every rank). Throws DomainError for epochs < 1 or batch_size < 1 (or aborts the job, see
/// abort_on_error), and what the model and loss throw.
/// Example: `auto h = nn::distributed::fit(net, adam, nn::default_loss(train), train, {.epochs = 5}, comm);`
History fit(Module& model, Optimizer& optimizer, const LossFn& loss_fn, const Dataset& train,
            const FitOptions& options, const Communicator& comm);

}  // namespace tapegrad::nn::distributed
