// SPDX-License-Identifier: MIT
// activation_modules.hpp: activation functions as parameter-free modules, for Sequential.
// Each applies its function elementwise (Softmax and LogSoftmax along one dimension) and accepts any
// shape; all are composed from tensor ops.
#pragma once

#include <cstdint>
#include <string>

#include "tapegrad/autodiff/tensor/tensor.hpp"
#include "tapegrad/nn/modules/activation.hpp"
#include "tapegrad/nn/modules/module.hpp"

namespace tapegrad::nn {

/// φ of the activation table as a parameter-free module: forward is activate(A, x), type_name the table's
/// module name. Example: `nn::Sequential net; net.push_back(nn::ReLU());`
template <Activation A>
class ActivationModule : public Module {
 public:
  Tensor forward(const Tensor& x) override { return activate(A, x); }
  std::string type_name() const override { return std::string(activation_info(A).module_name); }
};

/// y = x. Example: a placeholder in a Sequential built from a list.
using Identity = ActivationModule<Activation::identity>;
/// y = 1 / (1 + e^-x), the seed article's logistic function.
using Sigmoid = ActivationModule<Activation::sigmoid>;
/// y = tanh x.
using Tanh = ActivationModule<Activation::tanh>;
/// y = max(0, x); derivative 0 at x = 0.
using ReLU = ActivationModule<Activation::relu>;

/// Options of LeakyReLU (PyTorch's field name and default).
struct LeakyReLUOptions {
  double negative_slope = 0.01;
};

/// y = x for x > 0, negative_slope * x otherwise (see activate() in activation.hpp).
/// Example: `nn::LeakyReLU act({.negative_slope = 0.2});`
class LeakyReLU : public Module {
 public:
  explicit LeakyReLU(const LeakyReLUOptions& options = {}) : options_(options) {}
  Tensor forward(const Tensor& x) override;
  std::string type_name() const override {
    return std::string(activation_info(Activation::leaky_relu).module_name);
  }
  std::string extra_repr() const override;
  const LeakyReLUOptions& options() const noexcept { return options_; }

 private:
  LeakyReLUOptions options_;
};

/// Options of Softmax and LogSoftmax: the dimension that sums to 1 (PyTorch's field name; -1 = last).
struct SoftmaxOptions {
  std::int64_t dim = -1;
};

/// exp(x) normalised along options.dim (stable: the maximum is subtracted first). Throws ShapeError
/// naming the op when dim is out of range for x. Example: `nn::Softmax probs({.dim = 1});`
class Softmax : public Module {
 public:
  explicit Softmax(const SoftmaxOptions& options = {}) : options_(options) {}
  Tensor forward(const Tensor& x) override;
  std::string type_name() const override { return "Softmax"; }
  std::string extra_repr() const override;
  const SoftmaxOptions& options() const noexcept { return options_; }

 private:
  SoftmaxOptions options_;
};

/// log(softmax(x)) along options.dim, computed stably (what nll_loss expects).
class LogSoftmax : public Module {
 public:
  explicit LogSoftmax(const SoftmaxOptions& options = {}) : options_(options) {}
  Tensor forward(const Tensor& x) override;
  std::string type_name() const override { return "LogSoftmax"; }
  std::string extra_repr() const override;
  const SoftmaxOptions& options() const noexcept { return options_; }

 private:
  SoftmaxOptions options_;
};

}  // namespace tapegrad::nn
