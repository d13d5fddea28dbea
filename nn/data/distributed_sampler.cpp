// SPDX-License-Identifier: MIT
// distributed_sampler.cpp: one permutation per epoch from (seed, epoch), cut into global batches and
// dealt round-robin to the ranks.
#include "tapegrad/nn/data/distributed_sampler.hpp"

#include <algorithm>
#include <numeric>

#include "tapegrad/autodiff/core/error.hpp"
#include "tapegrad/autodiff/tensor/tensor.hpp"
#include "tapegrad/nn/data/shuffle.hpp"

namespace tapegrad::nn {

DistributedSampler::DistributedSampler(std::int64_t n, DistributedSamplerOptions options)
    : options_(options) {
  TAPEGRAD_CHECK(n >= 1, DomainError, "DistributedSampler: need at least one example, got ", n);
  TAPEGRAD_CHECK(options.world >= 1 && options.rank >= 0 && options.rank < options.world, DomainError,
                 "DistributedSampler: rank ", options.rank, " is not in [0, world = ", options.world, ")");
  order_.resize(static_cast<std::size_t>(n));
  set_epoch(0);
}

void DistributedSampler::set_epoch(std::int64_t epoch) {
  if (epoch == epoch_) return;
  epoch_ = epoch;
  std::iota(order_.begin(), order_.end(), std::int64_t{0});
  if (!options_.shuffle) return;
  // One stream per (seed, epoch): the odd multiplier spreads consecutive epochs over the seed space.
  Generator gen(options_.seed ^ (0x9e3779b97f4a7c15ULL * (static_cast<std::uint64_t>(epoch) + 1)));
  shuffle(order_, gen);
}

std::int64_t DistributedSampler::num_batches(std::int64_t batch) const {
  TAPEGRAD_CHECK(batch >= 1, DomainError, "DistributedSampler: batch must be at least 1, got ", batch);
  return (size() + batch - 1) / batch;
}

std::int64_t DistributedSampler::part_size(std::int64_t index, std::int64_t batch, std::int64_t r) const {
  TAPEGRAD_CHECK(index >= 0 && index < num_batches(batch), DomainError, "DistributedSampler: batch ", index,
                 " is not in [0, ", num_batches(batch), ")");
  const std::int64_t begin = index * batch, end = std::min(size(), begin + batch);
  // Positions p in [begin, end) with p % world == r.
  const std::int64_t w = options_.world;
  const std::int64_t first = begin + ((r - begin % w) % w + w) % w;
  return first >= end ? 0 : (end - first + w - 1) / w;
}

void DistributedSampler::part(std::int64_t index, std::int64_t batch, std::vector<std::int64_t>& out) const {
  const std::int64_t count = part_size(index, batch, options_.rank);
  const std::int64_t begin = index * batch, w = options_.world;
  const std::int64_t first = begin + ((options_.rank - begin % w) % w + w) % w;
  out.clear();
  for (std::int64_t k = 0; k < count; ++k) out.push_back(order_[static_cast<std::size_t>(first + k * w)]);
}

std::vector<std::int64_t> DistributedSampler::shard() const {
  std::vector<std::int64_t> out;
  for (std::int64_t p = options_.rank; p < size(); p += options_.world)
    out.push_back(order_[static_cast<std::size_t>(p)]);
  return out;
}

}  // namespace tapegrad::nn
