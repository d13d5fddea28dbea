// SPDX-License-Identifier: MIT
// distributed_sampler_test.cpp: the shards are disjoint and cover each epoch, the ranks' parts of a global
// batch are the batch one process would draw, and every epoch is a new order shared by all ranks.
#include "tapegrad/nn/data/distributed_sampler.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <vector>

#include "tapegrad/autodiff/core/error.hpp"

using tapegrad::nn::DistributedSampler;

TEST_CASE("DistributedSampler: shards are disjoint and cover the epoch and parts rebuild the global batch") {
  for (const std::int64_t n : {1, 7, 10, 33}) {
    for (const std::int64_t world : {1, 2, 3, 4}) {
      for (const std::int64_t batch : {1, 4, 5}) {
        CAPTURE(n);
        CAPTURE(world);
        CAPTURE(batch);
        DistributedSampler one(n, {.world = 1, .rank = 0, .seed = 9});
        std::vector<DistributedSampler> ranks;
        for (std::int64_t r = 0; r < world; ++r)
          ranks.emplace_back(n,
                             tapegrad::nn::DistributedSamplerOptions{.world = world, .rank = r, .seed = 9});
        for (std::int64_t epoch = 0; epoch < 2; ++epoch) {
          one.set_epoch(epoch);
          std::vector<std::int64_t> all;
          for (auto& s : ranks) {
            s.set_epoch(epoch);
            const std::vector<std::int64_t> shard = s.shard();
            all.insert(all.end(), shard.begin(), shard.end());
          }
          std::sort(all.begin(), all.end());
          std::vector<std::int64_t> expected(static_cast<std::size_t>(n));
          for (std::int64_t i = 0; i < n; ++i) expected[static_cast<std::size_t>(i)] = i;
          CHECK(all == expected);  // disjoint (no repeats) and covering (every index)
          CHECK(one.num_batches(batch) == (n + batch - 1) / batch);
          std::vector<std::int64_t> part, single;
          for (std::int64_t g = 0; g < one.num_batches(batch); ++g) {
            std::vector<std::int64_t> joined;
            std::int64_t counted = 0;
            for (std::int64_t r = 0; r < world; ++r) {
              ranks[static_cast<std::size_t>(r)].part(g, batch, part);
              CHECK(static_cast<std::int64_t>(part.size()) == ranks[0].part_size(g, batch, r));
              counted += static_cast<std::int64_t>(part.size());
              joined.insert(joined.end(), part.begin(), part.end());
            }
            one.part(g, batch, single);
            CHECK(counted == static_cast<std::int64_t>(single.size()));
            std::sort(joined.begin(), joined.end());
            std::sort(single.begin(), single.end());
            CHECK(joined == single);
          }
        }
      }
    }
  }
}

TEST_CASE("DistributedSampler: a new order each epoch and the same order for the same seed") {
  DistributedSampler a(50, {.world = 2, .rank = 1, .seed = 3}), b(50, {.world = 2, .rank = 1, .seed = 3});
  a.set_epoch(1);
  b.set_epoch(1);
  CHECK(a.shard() == b.shard());
  const std::vector<std::int64_t> first = a.shard();
  a.set_epoch(2);
  CHECK(a.shard() != first);
  DistributedSampler fixed(6, {.world = 2, .rank = 0, .shuffle = false});
  CHECK(fixed.shard() == std::vector<std::int64_t>{0, 2, 4});
}

TEST_CASE("DistributedSampler: bad arguments are named") {
  CHECK_THROWS_AS(DistributedSampler(0, {}), tapegrad::DomainError);
  CHECK_THROWS_WITH_AS(DistributedSampler(5, {.world = 2, .rank = 2}),
                       "DistributedSampler: rank 2 is not in [0, world = 2)", tapegrad::DomainError);
  DistributedSampler s(5, {});
  CHECK_THROWS_AS(s.num_batches(0), tapegrad::DomainError);
  std::vector<std::int64_t> out;
  CHECK_THROWS_AS(s.part(3, 2, out), tapegrad::DomainError);
}
