// SPDX-License-Identifier: MIT
// conv.hpp: Conv2d and Conv1d, convolution layers over tensor/conv.hpp's conv2d and conv1d.
// Weights have PyTorch's layout [out_channels, in_channels / groups, kh, kw] (Conv1d: [.., k]), and PyTorch's
// default initialisation: kaiming_uniform_ with a = sqrt(5), which is U(-1/sqrt(fan_in), 1/sqrt(fan_in)) with
// fan_in = in_channels / groups * kernel elements, and the bias from the same range; so a recipe ported from
// PyTorch starts from the same distribution.
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "tapegrad/autodiff/core/dtype.hpp"
#include "tapegrad/autodiff/tensor/tensor.hpp"
#include "tapegrad/nn/modules/module.hpp"
#include "tapegrad/nn/modules/random.hpp"

namespace tapegrad::nn {

/// Options of Conv2d (PyTorch's field names; sizes per axis: height, width).
/// Example: `{.in_channels = 1, .out_channels = 6, .kernel_size = {5, 5}, .padding = {2, 2}}`.
struct Conv2dOptions {
  std::int64_t in_channels = 0;
  std::int64_t out_channels = 0;
  std::array<std::int64_t, 2> kernel_size{1, 1};
  std::array<std::int64_t, 2> stride{1, 1};
  std::array<std::int64_t, 2> padding{0, 0};
  std::array<std::int64_t, 2> dilation{1, 1};
  std::int64_t groups = 1;
  bool bias = true;
  Dtype dtype = Dtype::float32;
};

/// y = conv2d(x, weight, bias): [N, in_channels, H, W] -> [N, out_channels, OH, OW].
/// Example: `nn::Conv2d conv({.in_channels = 1, .out_channels = 6, .kernel_size = {5, 5}}); auto y =
/// conv(x);`
class Conv2d : public Module {
 public:
  /// Throws ShapeError naming the options unless the channels and kernel are positive and both channel
  /// counts are divisible by groups.
  explicit Conv2d(const Conv2dOptions& options, Generator& gen = default_generator());
  /// Throws ShapeError naming the module (its repr) and x's shape unless x is [N, in_channels, H, W] of
  /// the parameters' dtype and at least the (dilated) kernel after padding.
  Tensor forward(const Tensor& x) override;
  std::string type_name() const override { return "Conv2d"; }
  std::string extra_repr() const override;
  const Tensor& weight() const { return parameter_at(weight_slot_); }
  Tensor bias() const { return options_.bias ? parameter_at(bias_slot_) : Tensor(); }
  const Conv2dOptions& options() const noexcept { return options_; }
  /// Draws the weight and bias again as the constructor does.
  void reset_parameters(Generator& gen = default_generator());

 private:
  Conv2dOptions options_;
  std::size_t weight_slot_ = 0, bias_slot_ = 0;
};

/// Options of Conv1d.
struct Conv1dOptions {
  std::int64_t in_channels = 0;
  std::int64_t out_channels = 0;
  std::int64_t kernel_size = 1;
  std::int64_t stride = 1;
  std::int64_t padding = 0;
  std::int64_t dilation = 1;
  std::int64_t groups = 1;
  bool bias = true;
  Dtype dtype = Dtype::float32;
};

/// y = conv1d(x, weight, bias): [N, in_channels, L] -> [N, out_channels, OL].
class Conv1d : public Module {
 public:
  explicit Conv1d(const Conv1dOptions& options, Generator& gen = default_generator());
  Tensor forward(const Tensor& x) override;
  std::string type_name() const override { return "Conv1d"; }
  std::string extra_repr() const override;
  const Tensor& weight() const { return parameter_at(weight_slot_); }
  Tensor bias() const { return options_.bias ? parameter_at(bias_slot_) : Tensor(); }
  const Conv1dOptions& options() const noexcept { return options_; }
  void reset_parameters(Generator& gen = default_generator());

 private:
  Conv1dOptions options_;
  std::size_t weight_slot_ = 0, bias_slot_ = 0;
};

}  // namespace tapegrad::nn
