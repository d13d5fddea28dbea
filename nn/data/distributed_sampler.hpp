// SPDX-License-Identifier: MIT
// distributed_sampler.hpp: DistributedSampler, which examples each of `world` processes trains on.
//
// Every epoch all ranks draw the same permutation of the n examples from a shared seed (seed and epoch
// number only, no communication). Global batch g is positions [gB, gB + B) of that permutation, and rank r
// takes the positions p of it with p % world == r. So rank r's shard over the epoch is perm[r], perm[r +
// world], ...: the shards are disjoint and together cover the epoch, and the union of the ranks' parts of
// batch g is exactly the batch g that one process with batch size B would train on. Every rank runs the
// same number of steps, ceil(n / B); near the end of an epoch a rank's part may be empty.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace tapegrad::nn {

/// Options of DistributedSampler.
struct DistributedSamplerOptions {
  std::int64_t world = 1;   ///< number of processes (ranks)
  std::int64_t rank = 0;    ///< this process, in [0, world)
  std::uint64_t seed = 0;   ///< shared by all ranks
  bool shuffle = true;      ///< false: the permutation is the identity every epoch
};

/// The shard of each rank, epoch by epoch. Example:
/// `nn::DistributedSampler s(60000, {.world = 2, .rank = r, .seed = 1}); s.set_epoch(3); s.part(g, 128);`
class DistributedSampler {
 public:
  /// Throws DomainError unless n >= 1, world >= 1 and 0 <= rank < world.
  DistributedSampler(std::int64_t n, DistributedSamplerOptions options);

  /// Draws epoch `epoch`'s permutation (the same on every rank for the same seed and epoch).
  void set_epoch(std::int64_t epoch);
  std::int64_t epoch() const noexcept { return epoch_; }
  std::int64_t size() const noexcept { return static_cast<std::int64_t>(order_.size()); }
  std::int64_t world() const noexcept { return options_.world; }
  std::int64_t rank() const noexcept { return options_.rank; }

  /// Steps per epoch for a global batch size: ceil(n / batch). Throws DomainError unless batch >= 1.
  std::int64_t num_batches(std::int64_t batch) const;
  /// This rank's example indices of global batch `index` (positions p of [index * batch, (index + 1) *
  /// batch) with p % world == rank), written into `out` (its capacity is reused). Throws DomainError for an
  /// index outside [0, num_batches(batch)).
  void part(std::int64_t index, std::int64_t batch, std::vector<std::int64_t>& out) const;
  /// How many examples rank `r` gets of global batch `index` (all ranks can compute every rank's count).
  std::int64_t part_size(std::int64_t index, std::int64_t batch, std::int64_t r) const;
  /// The whole epoch's shard of this rank: perm[rank], perm[rank + world], ...
  std::vector<std::int64_t> shard() const;
  /// The epoch's permutation (the same on every rank).
  std::span<const std::int64_t> order() const noexcept { return order_; }

 private:
  DistributedSamplerOptions options_;
  std::int64_t epoch_ = -1;
  std::vector<std::int64_t> order_;
};

}  // namespace tapegrad::nn
