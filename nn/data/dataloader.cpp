// SPDX-License-Identifier: MIT
#include "tapegrad/nn/data/dataloader.hpp"

#include <algorithm>
#include <numeric>
#include <span>
#include <utility>

#include "tapegrad/nn/data/shuffle.hpp"
#include "tapegrad/nn/io/tensor_bytes.hpp"

namespace tapegrad::nn {

DataLoader::DataLoader(Dataset data, DataLoaderOptions options)
    : data_(std::move(data)), options_(options), gen_(options.seed) {
  TAPEGRAD_CHECK(options_.batch_size >= 1, DomainError, "DataLoader: batch_size must be at least 1, got ",
                 options_.batch_size);
  const std::int64_t n = data_.size();
  num_batches_ =
      options_.drop_last ? n / options_.batch_size : (n + options_.batch_size - 1) / options_.batch_size;
  TAPEGRAD_CHECK(num_batches_ > 0, ShapeError, "DataLoader: drop_last with batch_size ", options_.batch_size,
                 " leaves no batch of ", n, " examples");
  order_.resize(static_cast<std::size_t>(n));
  std::iota(order_.begin(), order_.end(), std::int64_t{0});
  batch_.labels.reserve(static_cast<std::size_t>(std::min(n, options_.batch_size)));
}

DataLoader::Iterator DataLoader::begin() {
  ++epochs_started_;
  if (options_.shuffle) {
    std::iota(order_.begin(), order_.end(), std::int64_t{0});
    shuffle(order_, gen_);
  }
  load_batch(0);
  return Iterator(this);
}

DataLoader::Iterator& DataLoader::Iterator::operator++() {
  ++index_;
  if (index_ < loader_->num_batches_) loader_->load_batch(index_);
  return *this;
}

void DataLoader::load_batch(std::int64_t index) {
  const std::int64_t start = index * options_.batch_size;
  const std::int64_t stop = std::min(start + options_.batch_size, data_.size());
  const std::span<const std::int64_t> rows(order_.data() + start, static_cast<std::size_t>(stop - start));
  const auto b = static_cast<std::int64_t>(rows.size());
  // A fresh handle each batch (from the buffer cache): a batch the caller still holds keeps its values.
  batch_.features = zeros({b, data_.num_features()}, data_.dtype());
  detail::copy_rows(data_.features(), rows, batch_.features);
  if (data_.has_labels()) {
    const std::span<const std::int64_t> labels = data_.labels();
    batch_.labels.resize(rows.size());
    for (std::size_t i = 0; i < rows.size(); ++i)
      batch_.labels[i] = labels[static_cast<std::size_t>(rows[i])];
  } else {
    batch_.targets = zeros({b, data_.targets().shape()[1]}, data_.dtype());
    detail::copy_rows(data_.targets(), rows, batch_.targets);
  }
}

}  // namespace tapegrad::nn
