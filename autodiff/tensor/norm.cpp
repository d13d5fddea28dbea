// SPDX-License-Identifier: MIT
// norm.cpp: the normalisation front end: statistics tables, defaults for weight and bias, and batch_norm's
// running statistics (updated in place, never recorded).
#include "tapegrad/autodiff/tensor/norm.hpp"

#include <cmath>

#include "tapegrad/autodiff/kernels/dtype_dispatch.hpp"
#include "tapegrad/autodiff/tensor/front_end.hpp"
#include "tapegrad/autodiff/tensor/replica_state.hpp"

namespace tapegrad {

namespace tops = ops::tensor;

namespace {
Tensor or_full(const Tensor& t, const Shape& shape, double value, Dtype dtype) {
  return t.defined() ? t : full(shape, value, dtype);
}
}  // namespace

Tensor batch_norm(const Tensor& x, const Tensor& running_mean, const Tensor& running_var,
                  const Tensor& weight, const Tensor& bias, bool training, double momentum, double eps) {
  TAPEGRAD_CHECK(x.defined(), TapeError, "batch_norm: the input is undefined");
  TAPEGRAD_CHECK(x.dim() >= 2, ShapeError, "batch_norm: expected x [N, C, ...], got ", to_string(x.shape()));
  const std::int64_t c = x.shape()[1];
  const std::int64_t per_channel = c == 0 ? 0 : x.numel() / c;
  const bool tracked = running_mean.defined() && running_var.defined();
  TAPEGRAD_CHECK(running_mean.defined() == running_var.defined(), ShapeError,
                 "batch_norm: give both running_mean and running_var or neither");
  if (tracked)
    TAPEGRAD_CHECK(running_mean.shape() == Shape{c} && running_var.shape() == Shape{c} &&
                       running_mean.dtype() == x.dtype() && running_var.dtype() == x.dtype(),
                   ShapeError, "batch_norm: expected running_mean and running_var [", c, "] of ", x.dtype(),
                   " for x ", to_string(x.shape()), ", got ", to_string(running_mean.shape()), " and ",
                   to_string(running_var.shape()));
  TAPEGRAD_CHECK(training || tracked, ShapeError,
                 "batch_norm: evaluation (training = false) needs running_mean and running_var");
  TAPEGRAD_CHECK(!training || per_channel > 1, ShapeError,
                 "batch_norm: training needs more than one value per channel, got x ", to_string(x.shape()));
  TAPEGRAD_CHECK(eps > 0.0, DomainError, "batch_norm: eps must be positive, got ", eps);

  tops::BatchNormAttrs attrs{.training = training, .eps = eps, .stats = zeros({3, c}, Dtype::float64)};
  double* st = attrs.stats.data<double>();
  if (!training)
    detail::dispatch(x.dtype(), [&]<class T>() {
      const T* rm = running_mean.data<T>();
      const T* rv = running_var.data<T>();
      for (std::int64_t i = 0; i < c; ++i) {
        st[i] = static_cast<double>(rm[i]);
        st[c + i] = 1.0 / std::sqrt(static_cast<double>(rv[i]) + eps);
        st[2 * c + i] = static_cast<double>(rv[i]);
      }
    });
  const Tensor stats = attrs.stats;  // a handle: the forward writes the batch statistics into it
  Tensor y = detail::apply<tops::BatchNorm>(
      std::move(attrs), {x, or_full(weight, {c}, 1.0, x.dtype()), or_full(bias, {c}, 0.0, x.dtype())});
  if (training && tracked && !detail::running_stats_frozen)
    detail::dispatch(x.dtype(), [&]<class T>() {
      T* rm = running_mean.data<T>();
      T* rv = running_var.data<T>();
      const double* s = stats.data<double>();
      const double unbias = static_cast<double>(per_channel) / static_cast<double>(per_channel - 1);
      for (std::int64_t i = 0; i < c; ++i) {
        rm[i] = static_cast<T>((1.0 - momentum) * static_cast<double>(rm[i]) + momentum * s[i]);
        rv[i] =
            static_cast<T>((1.0 - momentum) * static_cast<double>(rv[i]) + momentum * s[2 * c + i] * unbias);
      }
    });
  return y;
}

Tensor layer_norm(const Tensor& x, const Shape& normalized_shape, const Tensor& weight, const Tensor& bias,
                  double eps) {
  TAPEGRAD_CHECK(x.defined(), TapeError, "layer_norm: the input is undefined");
  TAPEGRAD_CHECK(!normalized_shape.empty() && x.dim() >= normalized_shape.size(), ShapeError,
                 "layer_norm: normalized_shape ", to_string(normalized_shape),
                 " must be non-empty and end the shape of x ", to_string(x.shape()));
  TAPEGRAD_CHECK(eps > 0.0, DomainError, "layer_norm: eps must be positive, got ", eps);
  const std::int64_t d = numel(normalized_shape);
  const std::int64_t rows = d == 0 ? 0 : x.numel() / d;
  tops::LayerNormAttrs attrs{
      .dims = normalized_shape.size(), .eps = eps, .stats = zeros({2, rows}, Dtype::float64)};
  return detail::apply<tops::LayerNorm>(std::move(attrs),
                                        {x, or_full(weight, normalized_shape, 1.0, x.dtype()),
                                         or_full(bias, normalized_shape, 0.0, x.dtype())});
}

}  // namespace tapegrad
