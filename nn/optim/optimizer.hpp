// SPDX-License-Identifier: MIT
// optimizer.hpp: Optimizer, the base of SGD, Adam and AdamW.
// An optimizer holds handles to the parameters (sharing their data) and updates them in place from
// their .grad() in step(). Updates write the data directly, so they are never recorded on a tape, and
// their state tensors are allocated once in the constructor: a training loop's step() allocates nothing.
// The state is exposed as named tensors ("step", "0.exp_avg", ...) for checkpoints.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "tapegrad/autodiff/tensor/tensor.hpp"
#include "tapegrad/nn/modules/module.hpp"

namespace tapegrad::nn {

/// Base of the optimizers. Subclasses implement step() and register their state in the constructor.
class Optimizer {
 public:
  /// Throws DomainError naming the optimizer on an empty parameter list or a negative (or NaN) lr,
  /// TapeError if a parameter is undefined or not a leaf (the result of a recorded op).
  Optimizer(std::vector<Tensor> params, double lr, std::string name);
  virtual ~Optimizer() = default;
  Optimizer(const Optimizer&) = delete;
  Optimizer& operator=(const Optimizer&) = delete;

  /// One update of every parameter that has a gradient (parameters without one are skipped).
  /// Example: `loss.backward(); opt.step(); opt.zero_grad();`
  virtual void step() = 0;
  /// Forgets every parameter's gradient (PyTorch's set_to_none=true).
  void zero_grad();

  /// The learning rate η of the next step (schedulers change it).
  double lr() const noexcept { return lr_; }
  /// Throws DomainError naming the optimizer unless lr >= 0.
  void set_lr(double lr);
  const std::vector<Tensor>& params() const noexcept { return params_; }
  /// "SGD", "Adam", "AdamW".
  const std::string& name() const noexcept { return name_; }

  /// The state as named tensors sharing the optimizer's memory: "step" (float64 [P], the number of
  /// updates each of the P parameters has had) and per-parameter buffers "<i>.<buffer>" of parameter
  /// i's shape and dtype, such as "0.momentum_buffer" or "3.exp_avg_sq".
  const NamedTensors& state() const noexcept { return state_; }
  /// Copies `saved` (e.g. read from a checkpoint) into the state. All names must match state()'s, each
  /// with its shape and dtype; otherwise throws DomainError (unknown or missing name) or ShapeError
  /// naming the entry and both shapes, and leaves the state untouched.
  void load_state(const NamedTensors& saved);

 protected:
  /// Adds a zero state buffer "<index>.<buffer>" shaped like parameter `index` and returns it.
  Tensor add_state(std::size_t index, std::string_view buffer);
  /// Per-parameter update counts (the "step" state), float64, one per parameter.
  double* steps() const { return state_.front().second.data<double>(); }
  /// Throws DomainError naming this optimizer, the option and its value unless ok.
  void check_option(bool ok, std::string_view option, double value) const;

 private:
  std::vector<Tensor> params_;
  double lr_;
  std::string name_;
  NamedTensors state_;
};

namespace detail {
/// Calls f(p, g, n, index) with T* pointers to the data and gradient of each parameter that has a
/// gradient, T its element type (float or double).
template <class F>
void for_each_with_grad(const std::vector<Tensor>& params, F&& f) {
  for (std::size_t i = 0; i < params.size(); ++i) {
    const Tensor& p = params[i];
    const Tensor g = p.grad();
    if (!g.defined()) continue;
    if (p.dtype() == Dtype::float32)
      f(p.data<float>(), g.data<float>(), p.numel(), i);
    else
      f(p.data<double>(), g.data<double>(), p.numel(), i);
  }
}
}  // namespace detail

}  // namespace tapegrad::nn
