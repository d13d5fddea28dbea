// SPDX-License-Identifier: MIT
// conv.cpp: Conv2d and Conv1d: option checks, PyTorch's default initialisation, forward.
#include "tapegrad/nn/modules/conv.hpp"

#include <cmath>
#include <sstream>

#include "tapegrad/autodiff/core/error.hpp"
#include "tapegrad/autodiff/tensor/conv.hpp"
#include "tapegrad/nn/modules/init.hpp"

namespace tapegrad::nn {

namespace {
void check_channels(std::string_view module, std::int64_t in, std::int64_t out, std::int64_t groups,
                    std::int64_t kernel_elements) {
  TAPEGRAD_CHECK(
      in > 0 && out > 0 && groups > 0 && kernel_elements > 0 && in % groups == 0 && out % groups == 0,
      ShapeError, module,
      ": in_channels, out_channels, groups and kernel_size must be positive and the channels "
      "divisible by groups, got in_channels = ",
      in, ", out_channels = ", out, ", groups = ", groups);
}

/// PyTorch's reset_parameters for convolutions: kaiming_uniform_(a = sqrt(5)) gives the bound
/// sqrt(2 / (1 + 5)) * sqrt(3 / fan_in) = 1 / sqrt(fan_in); the bias shares it.
void reset_conv(const Tensor& weight, const Tensor& bias, std::int64_t fan_in, Generator& gen) {
  const double bound = 1.0 / std::sqrt(static_cast<double>(fan_in));
  init::uniform_(weight, -bound, bound, gen);
  if (bias.defined()) init::uniform_(bias, -bound, bound, gen);
}

void check_input(const Module& m, const Tensor& x, std::size_t rank, std::int64_t channels, Dtype dtype,
                 std::string_view layout) {
  TAPEGRAD_CHECK(x.defined(), TapeError, m.repr(), ": the input tensor is undefined");
  TAPEGRAD_CHECK(x.dim() == rank && x.shape()[1] == channels, ShapeError, m.repr(), ": expected an input ",
                 layout, " with C = in_channels = ", channels, ", got shape ", to_string(x.shape()));
  TAPEGRAD_CHECK(x.dtype() == dtype, ShapeError, m.repr(), ": the input is ", x.dtype(),
                 " but the parameters are ", dtype, " (no implicit conversion)");
}
}  // namespace

Conv2d::Conv2d(const Conv2dOptions& options, Generator& gen) : options_(options) {
  const auto& o = options;
  check_channels("Conv2d", o.in_channels, o.out_channels, o.groups,
                 o.kernel_size[0] > 0 && o.kernel_size[1] > 0 ? o.kernel_size[0] * o.kernel_size[1] : 0);
  weight_slot_ = register_parameter(
      "weight",
      zeros({o.out_channels, o.in_channels / o.groups, o.kernel_size[0], o.kernel_size[1]}, o.dtype));
  if (o.bias) bias_slot_ = register_parameter("bias", zeros({o.out_channels}, o.dtype));
  reset_parameters(gen);
}

void Conv2d::reset_parameters(Generator& gen) {
  reset_conv(weight(), bias(), weight().numel() / options_.out_channels, gen);
}

std::string Conv2d::extra_repr() const {
  const auto& o = options_;
  std::ostringstream os;
  os << o.in_channels << ", " << o.out_channels << ", kernel_size=(" << o.kernel_size[0] << ", "
     << o.kernel_size[1] << "), stride=(" << o.stride[0] << ", " << o.stride[1] << ")";
  if (o.padding[0] != 0 || o.padding[1] != 0)
    os << ", padding=(" << o.padding[0] << ", " << o.padding[1] << ")";
  if (o.dilation[0] != 1 || o.dilation[1] != 1)
    os << ", dilation=(" << o.dilation[0] << ", " << o.dilation[1] << ")";
  if (o.groups != 1) os << ", groups=" << o.groups;
  if (!o.bias) os << ", bias=false";
  return os.str();
}

Tensor Conv2d::forward(const Tensor& x) {
  check_input(*this, x, 4, options_.in_channels, options_.dtype, "[N, C, H, W]");
  const auto& o = options_;
  return conv2d(x, weight(), bias(),
                {.stride = o.stride, .padding = o.padding, .dilation = o.dilation, .groups = o.groups});
}

Conv1d::Conv1d(const Conv1dOptions& options, Generator& gen) : options_(options) {
  const auto& o = options;
  check_channels("Conv1d", o.in_channels, o.out_channels, o.groups, o.kernel_size);
  weight_slot_ =
      register_parameter("weight", zeros({o.out_channels, o.in_channels / o.groups, o.kernel_size}, o.dtype));
  if (o.bias) bias_slot_ = register_parameter("bias", zeros({o.out_channels}, o.dtype));
  reset_parameters(gen);
}

void Conv1d::reset_parameters(Generator& gen) {
  reset_conv(weight(), bias(), weight().numel() / options_.out_channels, gen);
}

std::string Conv1d::extra_repr() const {
  const auto& o = options_;
  std::ostringstream os;
  os << o.in_channels << ", " << o.out_channels << ", kernel_size=(" << o.kernel_size << ",), stride=("
     << o.stride << ",)";
  if (o.padding != 0) os << ", padding=(" << o.padding << ",)";
  if (o.dilation != 1) os << ", dilation=(" << o.dilation << ",)";
  if (o.groups != 1) os << ", groups=" << o.groups;
  if (!o.bias) os << ", bias=false";
  return os.str();
}

Tensor Conv1d::forward(const Tensor& x) {
  check_input(*this, x, 3, options_.in_channels, options_.dtype, "[N, C, L]");
  const auto& o = options_;
  return conv1d(x, weight(), bias(),
                {.stride = o.stride, .padding = o.padding, .dilation = o.dilation, .groups = o.groups});
}

}  // namespace tapegrad::nn
