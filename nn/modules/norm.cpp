// SPDX-License-Identifier: MIT
// norm.cpp: the normalisation modules: parameters and buffers, forward in either mode, repr.
#include "tapegrad/nn/modules/norm.hpp"

#include <cstdint>
#include <sstream>

#include "tapegrad/autodiff/core/error.hpp"
#include "tapegrad/autodiff/tensor/norm.hpp"
#include "tapegrad/autodiff/tensor/replica_state.hpp"
#include "tapegrad/nn/modules/init.hpp"

namespace tapegrad::nn {

BatchNormBase::BatchNormBase(const BatchNormOptions& options, std::string name)
    : options_(options), name_(std::move(name)) {
  TAPEGRAD_CHECK(options.num_features > 0, ShapeError, name_, ": num_features must be positive, got ",
                 options.num_features);
  TAPEGRAD_CHECK(options.eps > 0.0, DomainError, name_, ": eps must be positive, got ", options.eps);
  TAPEGRAD_CHECK(!options.momentum || (*options.momentum >= 0.0 && *options.momentum <= 1.0), DomainError,
                 name_, ": momentum must be in [0, 1], got ", options.momentum.value_or(0.0));
  const std::int64_t c = options.num_features;
  if (options.affine) {
    weight_slot_ = register_parameter("weight", ones({c}, options.dtype));
    bias_slot_ = register_parameter("bias", zeros({c}, options.dtype));
  }
  if (options.track_running_stats) {
    register_buffer("running_mean", zeros({c}, options.dtype));
    register_buffer("running_var", ones({c}, options.dtype));
    register_buffer("num_batches_tracked", zeros({}, Dtype::int64));
  }
}

void BatchNormBase::reset_running_stats() {
  if (!options_.track_running_stats) return;
  init::zeros_(running_mean());
  init::ones_(running_var());
  *num_batches_tracked().data<std::int64_t>() = 0;
}

Tensor BatchNormBase::forward(const Tensor& x) {
  TAPEGRAD_CHECK(x.defined(), TapeError, repr(), ": the input tensor is undefined");
  TAPEGRAD_CHECK(accepts_rank(x.dim()) && x.shape()[1] == options_.num_features, ShapeError, repr(),
                 ": expected an input ", layout(), " with C = num_features = ", options_.num_features,
                 ", got shape ", to_string(x.shape()));
  TAPEGRAD_CHECK(x.dtype() == options_.dtype, ShapeError, repr(), ": the input is ", x.dtype(),
                 " but the module is ", options_.dtype, " (no implicit conversion)");
  const bool use_batch = is_training() || !options_.track_running_stats;
  double momentum = options_.momentum.value_or(0.0);
  // A data-parallel worker other than the first leaves every running statistic to the first (replica_state.hpp).
  if (is_training() && options_.track_running_stats && !tapegrad::detail::running_stats_frozen) {
    std::int64_t& count = *num_batches_tracked().data<std::int64_t>();
    ++count;
    if (!options_.momentum) momentum = 1.0 / static_cast<double>(count);
  }
  // Running statistics are passed (and so updated) only while training; in evaluation they are read.
  const bool pass_running = options_.track_running_stats;
  return batch_norm(x, pass_running ? running_mean() : Tensor(), pass_running ? running_var() : Tensor(),
                    weight(), bias(), use_batch, momentum, options_.eps);
}

std::string BatchNormBase::extra_repr() const {
  std::ostringstream os;
  os << options_.num_features << ", eps=" << options_.eps << ", momentum=";
  if (options_.momentum)
    os << *options_.momentum;
  else
    os << "None";
  os << ", affine=" << (options_.affine ? "true" : "false")
     << ", track_running_stats=" << (options_.track_running_stats ? "true" : "false");
  return os.str();
}

LayerNorm::LayerNorm(const LayerNormOptions& options) : options_(options) {
  bool positive = !options.normalized_shape.empty();
  for (std::int64_t d : options.normalized_shape) positive = positive && d > 0;
  TAPEGRAD_CHECK(positive, ShapeError,
                 "LayerNorm: normalized_shape must be non-empty with positive sizes, got ",
                 to_string(options.normalized_shape));
  TAPEGRAD_CHECK(options.eps > 0.0, DomainError, "LayerNorm: eps must be positive, got ", options.eps);
  if (options.elementwise_affine) {
    register_parameter("weight", ones(options.normalized_shape, options.dtype));
    register_parameter("bias", zeros(options.normalized_shape, options.dtype));
  }
}

Tensor LayerNorm::forward(const Tensor& x) {
  TAPEGRAD_CHECK(x.defined(), TapeError, repr(), ": the input tensor is undefined");
  return layer_norm(x, options_.normalized_shape, weight(), bias(), options_.eps);
}

std::string LayerNorm::extra_repr() const {
  std::ostringstream os;
  os << "(";
  for (std::size_t i = 0; i < options_.normalized_shape.size(); ++i)
    os << (i ? ", " : "") << options_.normalized_shape[i];
  os << (options_.normalized_shape.size() == 1 ? ",)" : ")") << ", eps=" << options_.eps
     << ", elementwise_affine=" << (options_.elementwise_affine ? "true" : "false");
  return os.str();
}

}  // namespace tapegrad::nn
