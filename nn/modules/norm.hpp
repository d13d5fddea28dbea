// SPDX-License-Identifier: MIT
// norm.hpp: BatchNorm1d, BatchNorm2d and LayerNorm over tensor/norm.hpp's fused rows.
// Batch norm keeps its running statistics as buffers (running_mean, running_var, num_batches_tracked):
// named_buffers() reaches them, state_dict() and so checkpoints carry them, optimizers never see them, and
// forward() updates them in training mode only. num_batches_tracked is an int64 0-D tensor, as PyTorch's.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "tapegrad/autodiff/core/dtype.hpp"
#include "tapegrad/autodiff/core/shape.hpp"
#include "tapegrad/autodiff/tensor/tensor.hpp"
#include "tapegrad/nn/modules/module.hpp"

namespace tapegrad::nn {

/// Options of BatchNorm1d/2d (PyTorch's names and defaults). momentum nullopt: a cumulative average
/// (momentum 1 / num_batches_tracked), as PyTorch's momentum=None.
struct BatchNormOptions {
  std::int64_t num_features = 0;
  double eps = 1e-5;
  std::optional<double> momentum = 0.1;
  bool affine = true;
  bool track_running_stats = true;
  Dtype dtype = Dtype::float32;
};

/// What BatchNorm1d and BatchNorm2d share; they differ in the input ranks they accept.
class BatchNormBase : public Module {
 public:
  /// Throws ShapeError unless num_features > 0, DomainError unless eps > 0 and 0 <= momentum <= 1.
  BatchNormBase(const BatchNormOptions& options, std::string name);
  /// Training: normalises with the batch's statistics and updates the running ones; evaluation: with the
  /// running ones (the batch's when track_running_stats is false). Throws ShapeError naming the module and
  /// x's shape when the rank or C does not fit.
  Tensor forward(const Tensor& x) override;
  std::string type_name() const override { return name_; }
  std::string extra_repr() const override;
  const BatchNormOptions& options() const noexcept { return options_; }
  /// weight (gamma) and bias (beta), [C]; undefined without affine.
  Tensor weight() const { return options_.affine ? parameter_at(weight_slot_) : Tensor(); }
  Tensor bias() const { return options_.affine ? parameter_at(bias_slot_) : Tensor(); }
  /// The buffers, [C] in the module's dtype (num_batches_tracked: [] int64); undefined without
  /// track_running_stats.
  Tensor running_mean() const { return options_.track_running_stats ? buffer_at(0) : Tensor(); }
  Tensor running_var() const { return options_.track_running_stats ? buffer_at(1) : Tensor(); }
  Tensor num_batches_tracked() const { return options_.track_running_stats ? buffer_at(2) : Tensor(); }
  /// Running statistics back to mean 0, variance 1, no batches.
  void reset_running_stats();

 protected:
  virtual bool accepts_rank(std::size_t rank) const = 0;
  virtual const char* layout() const = 0;

 private:
  BatchNormOptions options_;
  std::string name_;
  std::size_t weight_slot_ = 0, bias_slot_ = 0;
};

/// Batch normalisation of [N, C] or [N, C, L] inputs per channel C.
/// Example: `nn::BatchNorm1d bn({.num_features = 120});`
class BatchNorm1d : public BatchNormBase {
 public:
  explicit BatchNorm1d(const BatchNormOptions& options) : BatchNormBase(options, "BatchNorm1d") {}

 protected:
  bool accepts_rank(std::size_t rank) const override { return rank == 2 || rank == 3; }
  const char* layout() const override { return "[N, C] or [N, C, L]"; }
};

/// Batch normalisation of [N, C, H, W] inputs per channel C.
/// Example: `nn::BatchNorm2d bn({.num_features = 6});`
class BatchNorm2d : public BatchNormBase {
 public:
  explicit BatchNorm2d(const BatchNormOptions& options) : BatchNormBase(options, "BatchNorm2d") {}

 protected:
  bool accepts_rank(std::size_t rank) const override { return rank == 4; }
  const char* layout() const override { return "[N, C, H, W]"; }
};

/// Options of LayerNorm (PyTorch's names and defaults).
struct LayerNormOptions {
  Shape normalized_shape;
  double eps = 1e-5;
  bool elementwise_affine = true;
  Dtype dtype = Dtype::float32;
};

/// Layer normalisation over the trailing normalized_shape; weight 1 and bias 0 of that shape.
/// Example: `nn::LayerNorm ln({.normalized_shape = {64}});`
class LayerNorm : public Module {
 public:
  /// Throws ShapeError unless normalized_shape is non-empty with positive sizes, DomainError unless eps > 0.
  explicit LayerNorm(const LayerNormOptions& options);
  Tensor forward(const Tensor& x) override;
  std::string type_name() const override { return "LayerNorm"; }
  std::string extra_repr() const override;
  Tensor weight() const { return options_.elementwise_affine ? parameter_at(0) : Tensor(); }
  Tensor bias() const { return options_.elementwise_affine ? parameter_at(1) : Tensor(); }

 private:
  LayerNormOptions options_;
};

}  // namespace tapegrad::nn
