// SPDX-License-Identifier: MIT
// conv.cpp: the convolution front end: conv2d builds its row's Attrs, conv1d reshapes onto conv2d.
#include "tapegrad/autodiff/tensor/conv.hpp"

#include "tapegrad/autodiff/tensor/front_end.hpp"
#include "tapegrad/autodiff/tensor/linalg.hpp"

namespace tapegrad {

namespace tops = ops::tensor;

namespace {
/// The bias conv2d adds: `bias`, or zeros of [O] (a constant: no gradient is computed for it).
Tensor bias_or_zeros(const Tensor& bias, const Tensor& weight) {
  if (bias.defined()) return bias;
  return zeros({weight.dim() >= 1 ? weight.shape()[0] : 0}, weight.dtype());
}
}  // namespace

Tensor conv2d(const Tensor& x, const Tensor& weight, const Tensor& bias, const Conv2dParams& params) {
  TAPEGRAD_CHECK(x.defined() && weight.defined(), TapeError, "conv2d: the input or the weight is undefined");
  return detail::apply<tops::Conv2d>({.stride = params.stride,
                                      .padding = params.padding,
                                      .dilation = params.dilation,
                                      .groups = params.groups},
                                     {x, weight, bias_or_zeros(bias, weight)});
}

Tensor conv1d(const Tensor& x, const Tensor& weight, const Tensor& bias, const Conv1dParams& params) {
  TAPEGRAD_CHECK(x.defined() && weight.defined(), TapeError, "conv1d: the input or the weight is undefined");
  TAPEGRAD_CHECK(x.dim() == 3 && weight.dim() == 3, ShapeError,
                 "conv1d: expected x [N, C, L] and weight [O, C/groups, k], got x ", to_string(x.shape()),
                 " and weight ", to_string(weight.shape()));
  const Shape& xs = x.shape();
  const Shape& ws = weight.shape();
  const Tensor y =
      conv2d(reshape(x, {xs[0], xs[1], 1, xs[2]}), reshape(weight, {ws[0], ws[1], 1, ws[2]}), bias,
             {.stride = {1, params.stride},
              .padding = {0, params.padding},
              .dilation = {1, params.dilation},
              .groups = params.groups});
  return reshape(y, {y.shape()[0], y.shape()[1], y.shape()[3]});
}

}  // namespace tapegrad
