// SPDX-License-Identifier: MIT
#include "tapegrad/nn/data/standardizer.hpp"

#include <cmath>
#include <limits>

#include "tapegrad/autodiff/core/error.hpp"

namespace tapegrad::nn {

namespace {

template <class T>
void fit_columns(const T* x, std::size_t n, std::size_t d, std::vector<double>& mean,
                 std::vector<double>& scale) {
  mean.assign(d, 0.0);
  scale.assign(d, 0.0);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < d; ++j) mean[j] += static_cast<double>(x[i * d + j]);
  for (double& m : mean) m /= static_cast<double>(n);
  // Two passes: the sum of squared deviations does not cancel catastrophically as E[x^2] - E[x]^2 does.
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < d; ++j) {
      const double dev = static_cast<double>(x[i * d + j]) - mean[j];
      scale[j] += dev * dev;
    }
  const double tolerance = static_cast<double>(n) * std::numeric_limits<double>::epsilon();
  for (std::size_t j = 0; j < d; ++j) {
    const double sd = std::sqrt(scale[j] / static_cast<double>(n));
    scale[j] = sd <= tolerance * std::fabs(mean[j]) ? 1.0 : sd;
  }
}

template <class T>
void apply_columns(const T* x, T* y, std::size_t n, std::size_t d, const std::vector<double>& mean,
                   const std::vector<double>& scale, bool inverse) {
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < d; ++j) {
      const double v = static_cast<double>(x[i * d + j]);
      y[i * d + j] = static_cast<T>(inverse ? v * scale[j] + mean[j] : (v - mean[j]) / scale[j]);
    }
}

}  // namespace

Standardizer::Standardizer(const Tensor& features) {
  TAPEGRAD_CHECK(features.defined(), ShapeError, "Standardizer: the features tensor is undefined");
  TAPEGRAD_CHECK(features.dim() == 2 && features.numel() > 0, ShapeError,
                 "Standardizer: expected non-empty 2-D features [n, d], got ", to_string(features.shape()));
  const auto n = static_cast<std::size_t>(features.shape()[0]);
  const auto d = static_cast<std::size_t>(features.shape()[1]);
  if (features.dtype() == Dtype::float32)
    fit_columns(features.data<float>(), n, d, mean_, scale_);
  else
    fit_columns(features.data<double>(), n, d, mean_, scale_);
}

Standardizer::Standardizer(std::span<const double> mean, std::span<const double> scale)
    : mean_(mean.begin(), mean.end()), scale_(scale.begin(), scale.end()) {
  TAPEGRAD_CHECK(!mean_.empty() && mean_.size() == scale_.size(), DomainError,
                 "Standardizer: expected as many means as scales (at least one), got ", mean_.size(),
                 " means and ", scale_.size(), " scales");
  for (std::size_t j = 0; j < mean_.size(); ++j) {
    TAPEGRAD_CHECK(std::isfinite(mean_[j]), DomainError, "Standardizer: mean[", j, "] = ", mean_[j],
                   " is not finite");
    TAPEGRAD_CHECK(std::isfinite(scale_[j]) && scale_[j] > 0.0, DomainError, "Standardizer: scale[", j,
                   "] = ", scale_[j], " is not a finite positive number");
  }
}

Tensor Standardizer::apply(const Tensor& x, bool inverse, const char* op) const {
  TAPEGRAD_CHECK(x.defined(), ShapeError, op, ": the tensor is undefined");
  TAPEGRAD_CHECK(x.dim() == 2 && x.shape()[1] == num_features(), ShapeError, op, ": expected [n, ",
                 num_features(), "] (the width it was fitted on), got ", to_string(x.shape()));
  Tensor y = zeros(x.shape(), x.dtype());
  const auto n = static_cast<std::size_t>(x.shape()[0]);
  const auto d = static_cast<std::size_t>(x.shape()[1]);
  if (x.dtype() == Dtype::float32)
    apply_columns(x.data<float>(), y.data<float>(), n, d, mean_, scale_, inverse);
  else
    apply_columns(x.data<double>(), y.data<double>(), n, d, mean_, scale_, inverse);
  return y;
}

Tensor Standardizer::transform(const Tensor& x) const {
  return apply(x, false, "Standardizer::transform");
}

Dataset Standardizer::transform(const Dataset& data) const {
  return data.with_features(transform(data.features()));
}

Tensor Standardizer::inverse_transform(const Tensor& x) const {
  return apply(x, true, "Standardizer::inverse_transform");
}

}  // namespace tapegrad::nn
