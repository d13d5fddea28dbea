// SPDX-License-Identifier: MIT
// standardizer.hpp: input normalisation, x' = (x - mean) / std per feature column.
// Fit it on the training split only and apply it to every split: statistics taken from the test data
// would leak it into training. A column that is constant in the training data (std 0, e.g. a digits pixel
// that is always blank) gets scale 1, so it becomes x - mean (0 on the training data) instead of a
// division by zero; "constant" allows for the rounding of the mean, see scale().
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "tapegrad/autodiff/tensor/tensor.hpp"
#include "tapegrad/nn/data/dataset.hpp"

namespace tapegrad::nn {

class Standardizer {
 public:
  /// Fits the per-column mean and population standard deviation (divisor n, as scikit-learn's
  /// StandardScaler) of `features` [n, d], computed in double. Throws ShapeError unless features is a
  /// defined 2-D tensor with at least one row and one column.
  /// Example: `nn::Standardizer scaler(train.features()); auto x = scaler.transform(test.features());`
  explicit Standardizer(const Tensor& features);
  /// Fits on a dataset's features. Example: `nn::Standardizer scaler(split.train);`
  explicit Standardizer(const Dataset& train) : Standardizer(train.features()) {}

  /// Restores a fitted standardizer from its saved statistics (mean() and scale() of the original), so a
  /// model loaded elsewhere sees inputs normalised exactly as in training. Throws DomainError naming the
  /// offending column unless both are non-empty and of one length, every mean is finite and every scale
  /// finite and positive. Example: `nn::Standardizer scaler(saved_mean, saved_scale);`
  Standardizer(std::span<const double> mean, std::span<const double> scale);

  /// (x - mean) / scale per column: a new leaf tensor of x's shape and dtype.
  /// Throws ShapeError unless x is 2-D with num_features() columns.
  Tensor transform(const Tensor& x) const;
  /// The dataset with standardised features and the same targets.
  Dataset transform(const Dataset& data) const;
  /// x * scale + mean per column, undoing transform (e.g. for a standardised regression target).
  /// Throws ShapeError like transform.
  Tensor inverse_transform(const Tensor& x) const;

  std::int64_t num_features() const { return static_cast<std::int64_t>(mean_.size()); }
  /// Per-column means of the fitted data.
  std::span<const double> mean() const noexcept { return mean_; }
  /// Per-column standard deviations, except 1 for a column whose standard deviation is at most
  /// n * epsilon * |mean| (0 exactly, or what rounding leaves of 0 for a constant column).
  std::span<const double> scale() const noexcept { return scale_; }

 private:
  Tensor apply(const Tensor& x, bool inverse, const char* op) const;

  std::vector<double> mean_;
  std::vector<double> scale_;
};

}  // namespace tapegrad::nn
