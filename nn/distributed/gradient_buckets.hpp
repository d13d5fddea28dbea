// SPDX-License-Identifier: MIT
// gradient_buckets.hpp: GradientBuckets, the gradient allreduce of data-parallel training over MPI, in a few
// large buckets that start while the backward sweep is still running.
//
// The buckets are runs of consecutive parameters of one dtype, taken from the LAST parameter to the first
// (the reverse sweep reaches the output layer's parameters first), each up to bucket_bytes. The gradients
// live in the GradSink this class is (one flat buffer, so a bucket is one contiguous range that MPI reduces
// in place: no packing copy). A parameter's gradient is final once the sweep has passed every op that
// writes into it; the sink counts the writes per parameter after each swept record, and the first step
// learns how many there are. From the second step on, a bucket whose parameters all have their count is
// complete, and the buckets are started (MPI_Iallreduce) strictly in bucket order, as soon as each is
// complete, so every rank issues the same collectives in the same order. finish() starts the rest, waits,
// and adds the sums into the parameters' .grad(). The graph must be the same every step (as
// DistributedDataParallel's static graph); a parameter that gets more writes than in the first step makes
// finish() throw, and overlap = false turns the early start off.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "tapegrad/autodiff/tensor/grad_sink.hpp"
#include "tapegrad/autodiff/tensor/tensor.hpp"
#include "tapegrad/nn/distributed/communicator.hpp"

namespace tapegrad::nn::distributed {

/// Options of GradientBuckets.
struct BucketOptions {
  /// Largest bucket, in bytes of gradient (a single larger parameter gets a bucket of its own).
  std::size_t bucket_bytes = std::size_t{1} << 20;
  /// Start a bucket's allreduce during the sweep, as soon as it is complete (from the second step on).
  bool overlap = true;
};

/// The summed gradients of `params` over the ranks of a communicator. Example, per step:
/// `buckets.begin_step(); { GradSinkScope s(buckets); loss.backward(); } buckets.finish(); opt.step();`
class GradientBuckets : public GradSink {
 public:
  /// Throws DomainError unless bucket_bytes >= 1, TapeError for a parameter that is not a leaf.
  GradientBuckets(std::vector<Tensor> params, const Communicator& comm, BucketOptions options = {});
  ~GradientBuckets() override;

  /// Starts a step (hides GradSink::begin_step, which it calls): counts and buckets reset.
  void begin_step();
  /// Starts the buckets not yet started (unwritten gradients count as zero), waits for all, and adds each
  /// summed gradient into its parameter's .grad() (creating it), as backward() adds. Throws
  /// DistributedError if an MPI call fails or a parameter received more writes than in the first step.
  void finish();

  std::size_t num_buckets() const noexcept { return buckets_.size(); }
  /// The parameter slots (indices into params) of bucket b, first to last.
  std::pair<std::size_t, std::size_t> bucket_slots(std::size_t b) const { return {buckets_[b].lo, buckets_[b].hi}; }
  /// Buckets of the last step started during the sweep (before finish()): the overlap achieved.
  std::size_t started_during_sweep() const noexcept { return started_in_sweep_; }

 protected:
  void on_record_swept(std::span<const std::uint32_t> slots) noexcept override;

 private:
  struct Bucket {
    std::size_t lo = 0, hi = 0;   // slots lo..hi (inclusive), contiguous in the flat buffer
    std::size_t missing = 0;      // parameters whose gradient is not final yet
    bool started = false;
  };
  struct Requests;
  void start(std::size_t b) noexcept;
  void start_ready() noexcept;

  Communicator comm_;
  BucketOptions options_;
  std::vector<Bucket> buckets_;
  std::vector<std::size_t> bucket_of_;   // slot -> bucket
  std::vector<std::uint32_t> expected_;  // writes per slot per step, learned in the first step
  std::vector<std::uint32_t> count_;     // writes this step
  bool learned_ = false;
  bool overrun_ = false;
  int error_ = 0;  // first MPI error code of the step
  std::size_t next_ = 0;  // next bucket to start
  std::size_t started_in_sweep_ = 0;
  std::unique_ptr<Requests> requests_;
};

}  // namespace tapegrad::nn::distributed
