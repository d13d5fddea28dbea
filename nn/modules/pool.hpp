// SPDX-License-Identifier: MIT
// pool.hpp: MaxPool2d, AvgPool2d and AdaptiveAvgPool2d, parameter-free modules over tensor/pool.hpp.
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "tapegrad/autodiff/tensor/tensor.hpp"
#include "tapegrad/nn/modules/module.hpp"

namespace tapegrad::nn {

/// Options of MaxPool2d and AvgPool2d (PyTorch's names). stride {0, 0}, the default, means kernel_size.
struct Pool2dOptions {
  std::array<std::int64_t, 2> kernel_size{2, 2};
  std::array<std::int64_t, 2> stride{0, 0};
  std::array<std::int64_t, 2> padding{0, 0};
  bool count_include_pad = true;  // AvgPool2d only
};

/// The maximum of each window; the gradient goes to the window's first maximum (see max_pool2d).
/// Example: `nn::MaxPool2d pool({.kernel_size = {2, 2}});`
class MaxPool2d : public Module {
 public:
  explicit MaxPool2d(const Pool2dOptions& options = {}) : options_(options) {}
  /// Throws ShapeError naming max_pool2d and x's shape unless x is [N, C, H, W] or [C, H, W] and fits.
  Tensor forward(const Tensor& x) override;
  std::string type_name() const override { return "MaxPool2d"; }
  std::string extra_repr() const override;

 private:
  Pool2dOptions options_;
};

/// The mean of each window.
class AvgPool2d : public Module {
 public:
  explicit AvgPool2d(const Pool2dOptions& options = {}) : options_(options) {}
  Tensor forward(const Tensor& x) override;
  std::string type_name() const override { return "AvgPool2d"; }
  std::string extra_repr() const override;

 private:
  Pool2dOptions options_;
};

/// The mean over adaptive cells to a fixed output_size ({1, 1}: global average pooling).
class AdaptiveAvgPool2d : public Module {
 public:
  explicit AdaptiveAvgPool2d(std::array<std::int64_t, 2> output_size = {1, 1}) : output_size_(output_size) {}
  Tensor forward(const Tensor& x) override;
  std::string type_name() const override { return "AdaptiveAvgPool2d"; }
  std::string extra_repr() const override;

 private:
  std::array<std::int64_t, 2> output_size_;
};

}  // namespace tapegrad::nn
