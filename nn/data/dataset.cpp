// SPDX-License-Identifier: MIT
#include "tapegrad/nn/data/dataset.hpp"

#include <utility>

#include "tapegrad/autodiff/tensor/ops.hpp"
#include "tapegrad/nn/io/tensor_bytes.hpp"

namespace tapegrad::nn {

void Dataset::check_features(const Tensor& features) {
  TAPEGRAD_CHECK(features.defined(), ShapeError, "Dataset: the features tensor is undefined");
  TAPEGRAD_CHECK(features.dim() == 2, ShapeError, "Dataset: features must be 2-D [n, d], got ",
                 to_string(features.shape()));
  TAPEGRAD_CHECK(features.shape()[0] > 0, ShapeError, "Dataset: empty dataset (features ",
                 to_string(features.shape()), ")");
  TAPEGRAD_CHECK(features.shape()[1] > 0, ShapeError, "Dataset: features ", to_string(features.shape()),
                 " have no columns");
}

Dataset::Dataset(Tensor features, std::vector<std::int64_t> labels, std::int64_t num_classes) {
  check_features(features);
  const std::int64_t n = features.shape()[0];
  TAPEGRAD_CHECK(static_cast<std::int64_t>(labels.size()) == n, ShapeError, "Dataset: ", n,
                 " feature rows but ", labels.size(), " labels");
  TAPEGRAD_CHECK(num_classes >= 1, DomainError, "Dataset: num_classes must be at least 1, got ", num_classes);
  for (std::size_t i = 0; i < labels.size(); ++i)
    TAPEGRAD_CHECK(labels[i] >= 0 && labels[i] < num_classes, DomainError, "Dataset: label ", labels[i],
                   " at row ", i, " is out of range for ", num_classes, " classes (expected 0 to ",
                   num_classes - 1, ")");
  features_ = features.detach();
  labels_ = std::make_shared<const std::vector<std::int64_t>>(std::move(labels));
  num_classes_ = num_classes;
}

Dataset::Dataset(Tensor features, Tensor targets) {
  check_features(features);
  TAPEGRAD_CHECK(targets.defined(), ShapeError, "Dataset: the targets tensor is undefined");
  TAPEGRAD_CHECK(targets.dim() == 1 || targets.dim() == 2, ShapeError,
                 "Dataset: targets must be 1-D [n] or 2-D [n, k], got ", to_string(targets.shape()));
  const std::int64_t n = features.shape()[0];
  TAPEGRAD_CHECK(targets.shape()[0] == n, ShapeError, "Dataset: ", n, " feature rows but ",
                 targets.shape()[0], " target rows (features ", to_string(features.shape()), ", targets ",
                 to_string(targets.shape()), ")");
  TAPEGRAD_CHECK(targets.numel() > 0, ShapeError, "Dataset: targets ", to_string(targets.shape()),
                 " have no columns");
  TAPEGRAD_CHECK(targets.dtype() == features.dtype(), ShapeError, "Dataset: features are ", features.dtype(),
                 " but targets are ", targets.dtype());
  features_ = features.detach();
  targets_ = targets.dim() == 1 ? reshape(targets.detach(), {n, 1}) : targets.detach();
}

std::span<const std::int64_t> Dataset::labels() const noexcept {
  if (!labels_) return {};
  return *labels_;
}

Dataset Dataset::subset(std::span<const std::int64_t> indices) const {
  TAPEGRAD_CHECK(!indices.empty(), ShapeError, "Dataset::subset: no indices given (empty dataset)");
  for (std::size_t i = 0; i < indices.size(); ++i)
    TAPEGRAD_CHECK(indices[i] >= 0 && indices[i] < size(), ShapeError, "Dataset::subset: index ", indices[i],
                   " (position ", i, ") is out of range for ", size(), " rows");
  const auto rows = static_cast<std::int64_t>(indices.size());
  Dataset out;
  out.features_ = zeros({rows, num_features()}, dtype());
  detail::copy_rows(features_, indices, out.features_);
  out.num_classes_ = num_classes_;
  if (labels_) {
    std::vector<std::int64_t> labels(indices.size());
    for (std::size_t i = 0; i < indices.size(); ++i)
      labels[i] = (*labels_)[static_cast<std::size_t>(indices[i])];
    out.labels_ = std::make_shared<const std::vector<std::int64_t>>(std::move(labels));
  } else {
    out.targets_ = zeros({rows, targets_.shape()[1]}, dtype());
    detail::copy_rows(targets_, indices, out.targets_);
  }
  return out;
}

Dataset Dataset::with_features(Tensor features) const {
  check_features(features);
  TAPEGRAD_CHECK(features.shape()[0] == size(), ShapeError, "Dataset::with_features: ", features.shape()[0],
                 " feature rows but the dataset has ", size(), " examples");
  TAPEGRAD_CHECK(has_labels() || features.dtype() == targets_.dtype(), ShapeError,
                 "Dataset::with_features: features are ", features.dtype(), " but the targets are ",
                 targets_.dtype());
  Dataset out = *this;
  out.features_ = features.detach();
  return out;
}

}  // namespace tapegrad::nn
