// SPDX-License-Identifier: MIT
// dataset.hpp: Dataset, an in-memory table of examples: features [n, d] plus one target per row.
// A target is either an integer class label (classification) or a row of a regression tensor [n, k].
// Everything is checked once, here, so a DataLoader or a loss never meets a ragged or out-of-range row.
// A Dataset is immutable and cheap to copy: the features are a Tensor handle (detached, so batches never
// record on a tape) and the labels are shared, not copied.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "tapegrad/autodiff/tensor/tensor.hpp"

namespace tapegrad::nn {

class Dataset {
 public:
  /// Classification: row i of `features` [n, d] has class labels[i], one of 0 .. num_classes - 1.
  /// Throws ShapeError if features is undefined, not 2-D or empty (n or d is 0), or if labels.size() != n;
  /// DomainError if num_classes < 1 or a label is outside [0, num_classes) (the message names the row).
  /// Example: `nn::Dataset data(x, {0, 2, 1, 0}, 3);`
  Dataset(Tensor features, std::vector<std::int64_t> labels, std::int64_t num_classes);

  /// Regression: row i of `features` [n, d] has target row i of `targets` [n, k] (a 1-D [n] is taken as
  /// [n, 1]). Throws ShapeError if either is undefined or empty, features is not 2-D, targets is not 1-D or
  /// 2-D, the row counts differ, or the dtypes differ (losses do not mix float32 and float64 either).
  /// Example: `nn::Dataset data(x, tapegrad::sin(x));`
  Dataset(Tensor features, Tensor targets);

  /// Number of examples n.
  std::int64_t size() const { return features_.shape()[0]; }
  /// Width d of one feature row.
  std::int64_t num_features() const { return features_.shape()[1]; }
  Dtype dtype() const { return features_.dtype(); }
  /// The features [n, d], sharing the tensor given to the constructor (detached).
  const Tensor& features() const noexcept { return features_; }

  /// True for a classification dataset (labels), false for regression (targets).
  bool has_labels() const noexcept { return labels_ != nullptr; }
  /// The class labels (empty for a regression dataset).
  std::span<const std::int64_t> labels() const noexcept;
  /// Number of classes (0 for a regression dataset).
  std::int64_t num_classes() const noexcept { return num_classes_; }
  /// The regression targets [n, k] (undefined for a classification dataset).
  const Tensor& targets() const noexcept { return targets_; }

  /// A new dataset of the rows `indices` (in that order, repeats allowed), copied.
  /// Throws ShapeError if indices is empty or an index is outside [0, size()), naming it.
  /// Example: `auto first_ten = data.subset(std::vector<std::int64_t>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9});`
  Dataset subset(std::span<const std::int64_t> indices) const;

  /// The same targets with other features (same row count, any width; a regression dataset's dtype):
  /// what Standardizer uses. Throws ShapeError like the constructors.
  Dataset with_features(Tensor features) const;

 private:
  Dataset() = default;
  static void check_features(const Tensor& features);

  Tensor features_;
  std::shared_ptr<const std::vector<std::int64_t>> labels_;
  std::int64_t num_classes_ = 0;
  Tensor targets_;
};

}  // namespace tapegrad::nn
