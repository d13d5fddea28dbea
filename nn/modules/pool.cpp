// SPDX-License-Identifier: MIT
// pool.cpp: the pooling modules' forward and repr.
#include "tapegrad/nn/modules/pool.hpp"

#include <sstream>

#include "tapegrad/autodiff/tensor/pool.hpp"

namespace tapegrad::nn {

namespace {
Pool2dParams params(const Pool2dOptions& o) {
  return {.kernel_size = o.kernel_size,
          .stride = o.stride,
          .padding = o.padding,
          .count_include_pad = o.count_include_pad};
}
std::string window_repr(const Pool2dOptions& o) {
  const auto stride = (o.stride[0] == 0 && o.stride[1] == 0) ? o.kernel_size : o.stride;
  std::ostringstream os;
  os << "kernel_size=(" << o.kernel_size[0] << ", " << o.kernel_size[1] << "), stride=(" << stride[0] << ", "
     << stride[1] << "), padding=(" << o.padding[0] << ", " << o.padding[1] << ")";
  return os.str();
}
}  // namespace

Tensor MaxPool2d::forward(const Tensor& x) {
  return max_pool2d(x, params(options_));
}
std::string MaxPool2d::extra_repr() const {
  return window_repr(options_);
}

Tensor AvgPool2d::forward(const Tensor& x) {
  return avg_pool2d(x, params(options_));
}
std::string AvgPool2d::extra_repr() const {
  return window_repr(options_) + (options_.count_include_pad ? "" : ", count_include_pad=false");
}

Tensor AdaptiveAvgPool2d::forward(const Tensor& x) {
  return adaptive_avg_pool2d(x, output_size_);
}
std::string AdaptiveAvgPool2d::extra_repr() const {
  return "output_size=(" + std::to_string(output_size_[0]) + ", " + std::to_string(output_size_[1]) + ")";
}

}  // namespace tapegrad::nn
