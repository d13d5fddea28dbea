// SPDX-License-Identifier: MIT
// pool.cpp: the pooling front end: each function builds its row's Attrs and calls detail::apply.
#include "tapegrad/autodiff/tensor/pool.hpp"

#include "tapegrad/autodiff/tensor/front_end.hpp"

namespace tapegrad {

namespace tops = ops::tensor;

namespace {
tops::Pool2dAttrs window(const Pool2dParams& p) {
  tops::Pool2dAttrs a{.kernel = p.kernel_size,
                      .stride = p.stride,
                      .padding = p.padding,
                      .count_include_pad = p.count_include_pad};
  if (a.stride[0] == 0 && a.stride[1] == 0) a.stride = a.kernel;
  return a;
}
}  // namespace

Tensor max_pool2d(const Tensor& x, const Pool2dParams& params) {
  return detail::apply<tops::MaxPool2d>(window(params), {x});
}

Tensor avg_pool2d(const Tensor& x, const Pool2dParams& params) {
  return detail::apply<tops::AvgPool2d>(window(params), {x});
}

Tensor adaptive_avg_pool2d(const Tensor& x, std::array<std::int64_t, 2> output_size) {
  return detail::apply<tops::AdaptiveAvgPool2d>({.output_size = output_size}, {x});
}

}  // namespace tapegrad
