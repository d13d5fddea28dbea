// SPDX-License-Identifier: MIT
// dataloader_test.cpp: batch sizes, drop_last, seeded shuffling, labels and targets travel with their rows,
// and no new buffer is taken from the system once the first epoch has warmed the cache.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <vector>

#include "tapegrad/autodiff/kernels/buffer.hpp"
#include "tapegrad/nn/nn.hpp"

using tapegrad::Tensor;
using tapegrad::nn::Batch;
using tapegrad::nn::DataLoader;
using tapegrad::nn::Dataset;

namespace {

// Row i has features (i, 100 + i) and label i % 3.
Dataset numbered(std::int64_t n) {
  std::vector<float> x;
  std::vector<std::int64_t> labels;
  for (std::int64_t i = 0; i < n; ++i) {
    x.push_back(static_cast<float>(i));
    x.push_back(static_cast<float>(100 + i));
    labels.push_back(i % 3);
  }
  return Dataset(tapegrad::from(x, {n, 2}), labels, 3);
}

// The row numbers of one epoch, batch by batch.
std::vector<std::vector<std::int64_t>> epoch_rows(DataLoader& loader) {
  std::vector<std::vector<std::int64_t>> out;
  for (const Batch& batch : loader) {
    const std::vector<float> x = batch.features.to_vector<float>();
    std::vector<std::int64_t> rows;
    for (std::size_t i = 0; i < x.size(); i += 2) rows.push_back(static_cast<std::int64_t>(x[i]));
    out.push_back(rows);
  }
  return out;
}

}  // namespace

TEST_CASE("DataLoader: batches cover the data in order, the last one smaller") {
  DataLoader loader(numbered(10), {.batch_size = 4});
  CHECK(loader.num_batches() == 3);
  const auto rows = epoch_rows(loader);
  REQUIRE(rows.size() == 3);
  CHECK(rows[0] == std::vector<std::int64_t>{0, 1, 2, 3});
  CHECK(rows[2] == std::vector<std::int64_t>{8, 9});
  std::int64_t batches = 0;
  for (const Batch& batch : loader) {
    CHECK(batch.features.shape()[1] == 2);
    CHECK(batch.size() == static_cast<std::int64_t>(batch.labels.size()));
    CHECK_FALSE(batch.targets.defined());
    CHECK_FALSE(batch.features.requires_grad());
    ++batches;
  }
  CHECK(batches == 3);
}

TEST_CASE("DataLoader: drop_last leaves out the short batch") {
  DataLoader loader(numbered(10), {.batch_size = 4, .drop_last = true});
  CHECK(loader.num_batches() == 2);
  CHECK(epoch_rows(loader).size() == 2);
  DataLoader exact(numbered(8), {.batch_size = 4, .drop_last = true});
  CHECK(exact.num_batches() == 2);
}

TEST_CASE("DataLoader: labels and targets stay with their rows") {
  DataLoader loader(numbered(9), {.batch_size = 4, .shuffle = true, .seed = 3});
  for (const Batch& batch : loader) {
    const std::vector<float> x = batch.features.to_vector<float>();
    for (std::size_t i = 0; i < batch.labels.size(); ++i) {
      CHECK(batch.labels[i] == static_cast<std::int64_t>(x[2 * i]) % 3);
      CHECK(x[2 * i + 1] == x[2 * i] + 100.0f);
    }
  }
  const Dataset reg(tapegrad::from<double>({0, 1, 2, 3, 4}, {5, 1}),
                    tapegrad::from<double>({0, 10, 20, 30, 40}, {5}));
  DataLoader reg_loader(reg, {.batch_size = 2, .shuffle = true, .seed = 4});
  std::int64_t seen = 0;
  for (const Batch& batch : reg_loader) {
    CHECK(batch.labels.empty());
    const std::vector<double> x = batch.features.to_vector<double>();
    const std::vector<double> t = batch.targets.to_vector<double>();
    REQUIRE(t.size() == x.size());
    for (std::size_t i = 0; i < x.size(); ++i) CHECK(t[i] == 10.0 * x[i]);
    seen += batch.size();
  }
  CHECK(seen == 5);
}

TEST_CASE("DataLoader: shuffling is seeded, differs between epochs and visits every row once") {
  DataLoader a(numbered(20), {.batch_size = 6, .shuffle = true, .seed = 11});
  DataLoader b(numbered(20), {.batch_size = 6, .shuffle = true, .seed = 11});
  DataLoader c(numbered(20), {.batch_size = 6, .shuffle = true, .seed = 12});
  const auto a1 = epoch_rows(a);
  const auto a2 = epoch_rows(a);
  CHECK(a1 == epoch_rows(b));
  CHECK(a2 == epoch_rows(b));
  CHECK(a1 != a2);
  CHECK(a1 != epoch_rows(c));
  CHECK(a.epochs_started() == 2);
  std::vector<std::int64_t> all;
  for (const auto& rows : a1) all.insert(all.end(), rows.begin(), rows.end());
  std::sort(all.begin(), all.end());
  for (std::size_t i = 0; i < all.size(); ++i) CHECK(all[i] == static_cast<std::int64_t>(i));
  CHECK(all.size() == 20);
}

TEST_CASE("DataLoader: a batch the caller keeps is not overwritten by the next one") {
  DataLoader loader(numbered(4), {.batch_size = 2});
  std::vector<Tensor> kept;
  for (const Batch& batch : loader) kept.push_back(batch.features);
  REQUIRE(kept.size() == 2);
  CHECK(kept[0].to_vector<float>() == std::vector<float>{0, 100, 1, 101});
  CHECK(kept[1].to_vector<float>() == std::vector<float>{2, 102, 3, 103});
}

TEST_CASE("DataLoader: steady-state epochs take no new buffer and keep the label storage") {
  DataLoader loader(numbered(64), {.batch_size = 16, .shuffle = true, .seed = 2});
  for (const Batch& batch : loader) (void)batch;  // warms the thread's buffer cache
  const std::size_t before = tapegrad::detail::system_allocations();
  const std::int64_t* labels = nullptr;
  for (int epoch = 0; epoch < 3; ++epoch)
    for (const Batch& batch : loader) {
      if (labels == nullptr) labels = batch.labels.data();
      CHECK(batch.labels.data() == labels);
    }
  CHECK(tapegrad::detail::system_allocations() == before);
}

TEST_CASE("DataLoader: bad options are errors") {
  CHECK_THROWS_WITH_AS(DataLoader(numbered(5), {.batch_size = 0}),
                       doctest::Contains("DataLoader: batch_size must be at least 1, got 0"),
                       tapegrad::DomainError);
  CHECK_THROWS_WITH_AS(DataLoader(numbered(5), {.batch_size = 8, .drop_last = true}),
                       doctest::Contains("drop_last with batch_size 8 leaves no batch of 5 examples"),
                       tapegrad::ShapeError);
}
