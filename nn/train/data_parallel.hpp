// SPDX-License-Identifier: MIT
// data_parallel.hpp: DataParallel, one training step's batch split over N threads of one machine.
//
// Each worker thread owns a Tape and a GradSink over the model's parameters: it records the forward pass of
// its contiguous shard of the batch against the SAME parameter tensors (read only while the step runs),
// sweeps it, and leaves the parameters' gradients in its sink, weighted by its shard's share of the batch.
// The gradients are then summed into the parameters' .grad() in a fixed order (worker 0, 1, ..., N - 1 for
// every element; the elements are split among the workers, so the sum is parallel too). A run is therefore
// reproducible bit for bit, and equals the single-thread run on the same batch up to the rounding of that
// order (the batch mean becomes a weighted sum of shard means). The optimiser step stays the caller's.
//
// Threads rule: while a DataParallel lives, the kernels' thread count (set_num_threads) is
// max(1, T / workers), T the count before; so workers x kernel threads never exceeds T (no oversubscription),
// and it is restored on destruction. Module state: buffers (batch norm's running statistics) are updated by
// worker 0 only; dropout draws each worker's masks from that worker's own Generator (seeded from
// options.seed and the worker index), so a run with dropout is reproducible for a given worker count.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "tapegrad/autodiff/tensor/tensor.hpp"
#include "tapegrad/nn/data/dataloader.hpp"
#include "tapegrad/nn/modules/module.hpp"

namespace tapegrad::nn {

/// The loss of one batch (same as trainer.hpp's LossFn).
using ShardLossFn = std::function<Tensor(const Tensor& output, const Batch& batch)>;

/// Options of DataParallel.
struct DataParallelOptions {
  /// Worker threads (each records one shard of every batch). 1 works too (one worker thread).
  int workers = 2;
  /// Seed of the workers' dropout generators (worker w draws from Generator(seed + w)).
  std::uint64_t seed = 0x5eedULL;
};

/// Runs forward and backward of each batch over worker threads; see the header comment.
/// Example: `nn::DataParallel dp(net, loss, {.workers = 2}); opt.zero_grad(); dp.forward_backward(b);
/// opt.step();`
class DataParallel {
 public:
  /// Starts the workers. Throws DomainError unless 1 <= workers <= 256, or the loss is empty.
  DataParallel(Module& model, ShardLossFn loss_fn, DataParallelOptions options = {});
  /// Stops and joins the workers, restores the kernels' thread count.
  ~DataParallel();
  DataParallel(const DataParallel&) = delete;
  DataParallel& operator=(const DataParallel&) = delete;

  /// The batch's rows are split into `workers()` contiguous shards (sizes differ by at most 1; a worker
  /// without rows contributes nothing); each worker computes its shard's loss and gradients. Adds the
  /// gradient of the whole batch's mean loss into every parameter's .grad() (as loss.backward() would) and
  /// returns that mean loss. Rethrows the first worker's exception (by worker index), with the parameters'
  /// gradients left unchanged. Call from one thread at a time.
  double forward_backward(const Batch& batch);

  int workers() const noexcept { return static_cast<int>(workers_.size()); }
  /// Called by worker 0 with its output on its next step only (fit checks the output's shape with it).
  void check_next_output(std::function<void(const Tensor& output)> check) { check_ = std::move(check); }
  /// Heap blocks the workers' threads took from the system so far (buffer cache misses, summed): constant
  /// from the second step on in a steady training loop.
  std::size_t system_allocations() const;

 private:
  struct Worker;
  enum class Phase : std::uint8_t { compute, reduce, stop };
  void run(std::size_t w);
  void compute(Worker& worker, std::size_t w);
  void reduce(std::size_t w);
  void dispatch(Phase phase);  // wakes every worker for `phase` and waits until all are done

  Module& model_;
  ShardLossFn loss_fn_;
  DataParallelOptions options_;
  int kernel_threads_before_;
  std::vector<Tensor> params_;
  std::vector<std::unique_ptr<Worker>> workers_;
  std::vector<std::thread> threads_;
  std::function<void(const Tensor&)> check_;
  const Batch* batch_ = nullptr;  // the batch of the running step
  std::vector<std::uint8_t> fresh_;  // per parameter: its .grad() was made by this step (store, not add)

  std::mutex mutex_;
  std::condition_variable wake_, done_;
  std::uint64_t ticket_ = 0;  // incremented per dispatched phase
  Phase phase_ = Phase::compute;
  std::size_t pending_ = 0;  // workers still running the phase
};

}  // namespace tapegrad::nn
