// SPDX-License-Identifier: MIT
// dataloader.hpp: DataLoader, which walks a Dataset in mini-batches, optionally in a seeded random order.
// Each pass of a range-for is one epoch; with shuffle on, every epoch draws a new order from one Generator
// seeded at construction, so a run is reproducible from its seed alone. A batch's rows are memcpy'd into a
// fresh tensor taken from the thread's tensor buffer cache and the label vector is refilled in place, so a
// training loop that takes batches by reference makes no heap allocation once the cache is warm.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <vector>

#include "tapegrad/autodiff/tensor/tensor.hpp"
#include "tapegrad/nn/data/dataset.hpp"

namespace tapegrad::nn {

/// How a DataLoader batches (PyTorch's DataLoader argument names).
struct DataLoaderOptions {
  std::int64_t batch_size = 32;
  /// Draw a new random order of the examples at the start of every epoch.
  bool shuffle = false;
  /// Leave out the last batch when it would be smaller than batch_size.
  bool drop_last = false;
  /// Seed of the shuffling Generator.
  std::uint64_t seed = 0;
};

/// One mini-batch: row i of `features` goes with labels[i] (classification) or row i of `targets`
/// (regression); the other of the two is empty / undefined.
struct Batch {
  Tensor features;                   ///< [b, d], a leaf with requires_grad false
  std::vector<std::int64_t> labels;  ///< b class labels (classification), else empty
  Tensor targets;                    ///< [b, k] (regression), else undefined
  /// Number of examples b (batch_size, or fewer in a last batch kept by drop_last = false).
  std::int64_t size() const { return features.shape()[0]; }
};

class DataLoader {
 public:
  /// Throws DomainError if options.batch_size < 1, and ShapeError if drop_last leaves no batch at all
  /// (fewer examples than batch_size). Keeps its own copy of the Dataset (a cheap handle copy).
  /// Example: `nn::DataLoader loader(train, {.batch_size = 64, .shuffle = true, .seed = 1});`
  explicit DataLoader(Dataset data, DataLoaderOptions options = {});

  /// Batches per epoch: ceil(n / batch_size), or floor with drop_last.
  std::int64_t num_batches() const noexcept { return num_batches_; }
  const Dataset& dataset() const noexcept { return data_; }
  const DataLoaderOptions& options() const noexcept { return options_; }
  /// Number of epochs begun so far (calls of begin()).
  std::int64_t epochs_started() const noexcept { return epochs_started_; }

  /// Input iterator over one epoch's batches. Dereferencing gives the loader's current Batch, which the
  /// next increment overwrites: copy it (or its tensors, which are handles) to keep it longer.
  class Iterator {
   public:
    using iterator_concept = std::input_iterator_tag;
    using value_type = Batch;
    using difference_type = std::ptrdiff_t;

    Iterator() = default;
    const Batch& operator*() const { return loader_->batch_; }
    const Batch* operator->() const { return &loader_->batch_; }
    Iterator& operator++();
    void operator++(int) { ++*this; }
    bool operator==(std::default_sentinel_t) const noexcept { return index_ >= loader_->num_batches_; }

   private:
    friend class DataLoader;
    explicit Iterator(DataLoader* loader) : loader_(loader) {}
    DataLoader* loader_ = nullptr;
    std::int64_t index_ = 0;
  };

  /// Starts a new epoch (a new order when shuffling) and returns its first batch. Only one pass at a time
  /// per loader: beginning another restarts the batch sequence.
  /// Example: `for (const nn::Batch& batch : loader) { auto loss = ...(net(batch.features), batch.labels); }`
  Iterator begin();
  std::default_sentinel_t end() const noexcept { return {}; }

 private:
  void load_batch(std::int64_t index);

  Dataset data_;
  DataLoaderOptions options_;
  std::int64_t num_batches_ = 0;
  std::int64_t epochs_started_ = 0;
  Generator gen_;
  std::vector<std::int64_t> order_;  // the epoch's order of example indices
  Batch batch_;
};

}  // namespace tapegrad::nn
