// SPDX-License-Identifier: MIT
// module.hpp: Module, the base of every layer and model in tapegrad::nn.
// A Module owns named parameters (leaf Tensors with requires_grad) and named sub-modules, so a whole
// model is a tree: parameters() and named_parameters() walk it (own parameters first, then children in
// registration order, as PyTorch does), names are dotted paths such as "layers.0.weight", and
// zero_grad()/train()/eval() reach every node. forward() only composes tensor ops, so backward() needs
// nothing from nn/. Modules are not copyable (a copy would silently share or split parameters): share
// one with std::shared_ptr, or move it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tapegrad/autodiff/tensor/tensor.hpp"
#include "tapegrad/nn/io/named_tensors.hpp"

namespace tapegrad::nn {

class Affine;

/// The base class of layers and models. Subclasses register their parameters and children in their
/// constructor and implement forward(), type_name() and (optionally) extra_repr().
class Module {
 public:
  Module() = default;
  virtual ~Module() = default;
  Module(const Module&) = delete;
  Module& operator=(const Module&) = delete;
  Module(Module&&) noexcept = default;
  Module& operator=(Module&&) noexcept = default;

  /// The module's computation, from tensor ops only (recorded when a parameter or x requires grad).
  /// Throws ShapeError naming the module and the shapes when x does not fit.
  virtual Tensor forward(const Tensor& x) = 0;
  /// Same as forward(x). Example: `Tensor y = net(x);`
  Tensor operator()(const Tensor& x) { return forward(x); }

  /// The class name shown when printing ("Linear").
  virtual std::string type_name() const = 0;
  /// The options shown in parentheses when printing ("in_features=2, out_features=3, bias=true").
  virtual std::string extra_repr() const { return {}; }
  /// type_name(extra_repr()), the module's one-line description used in error messages.
  std::string repr() const { return type_name() + "(" + extra_repr() + ")"; }

  /// Every parameter of this module and its descendants (handles sharing the data), in named order.
  /// Example: `nn::SGD opt(net.parameters(), {.lr = 0.1});`
  std::vector<Tensor> parameters() const;
  /// The same parameters with dotted names ("layers.0.weight"), for checkpoints and inspection. A
  /// tensor reachable by two paths (a shared sub-module) is listed once, under the first path.
  NamedTensors named_parameters() const;
  /// Every buffer (non-trainable state such as batch norm's running statistics) of this module and its
  /// descendants with dotted names, in the order of named_parameters(). Buffers have requires_grad false,
  /// are not in parameters() (so optimizers never touch them) and are updated in place by forward().
  NamedTensors named_buffers() const;
  /// The buffers alone, in named order.
  std::vector<Tensor> buffers() const;
  /// What a checkpoint holds for this module: named_parameters() followed by named_buffers() (PyTorch's
  /// state_dict). Example: `nn::save_checkpoint("model.tgc", net.state_dict(), opt.named_state());`
  NamedTensors state_dict() const;
  /// Total number of parameter elements (weights and biases).
  std::int64_t num_parameters() const;
  /// The parameter at a dotted path. Throws DomainError naming the path when there is none.
  /// Example: `Tensor w = net.parameter("layers.0.weight");`
  Tensor parameter(std::string_view dotted_name) const;
  /// Replaces the parameter at a dotted path with `value` (stored as is, requires_grad untouched), e.g.
  /// for weight tying or to evaluate the module at other parameter values. Throws DomainError for an
  /// unknown path and ShapeError, naming the path and both shapes and dtypes, unless value matches.
  void set_parameter(std::string_view dotted_name, Tensor value);

  /// Forgets every parameter's gradient (PyTorch's zero_grad with set_to_none=true).
  void zero_grad();
  /// Sets training mode on this module and all descendants (modules such as dropout may read it).
  void train(bool on = true);
  /// Same as train(false).
  void eval() { train(false); }
  bool is_training() const noexcept { return training_; }

  /// The directly registered sub-modules with their names, in registration order.
  const std::vector<std::pair<std::string, std::shared_ptr<Module>>>& children() const noexcept {
    return children_;
  }

  /// Writes this module's tree, one line per module with its own parameters' shapes, indented by
  /// `indent` levels. operator<< adds the total parameter count.
  void print_tree(std::ostream& os, int indent = 0) const;

 protected:
  friend class Affine;  // registers and reads the weight and bias of the module that owns it
  /// Adds a parameter under `name` (turning its requires_grad on) and returns its slot, through which
  /// the subclass reads it (parameter_at), so set_parameter() can replace it. Throws DomainError on an
  /// empty name, a name with '.', or a name already used; TapeError if value is not a leaf.
  std::size_t register_parameter(std::string name, Tensor value);
  /// Adds a buffer under `name` (requires_grad stays false) and returns its slot (see buffer_at). Throws as
  /// register_parameter does.
  std::size_t register_buffer(std::string name, Tensor value);
  /// The buffer in `slot`. Throws TapeError naming the module if it has no such slot (a moved-from module).
  const Tensor& buffer_at(std::size_t slot) const {
    if (slot >= buffers_.size()) [[unlikely]]
      throw_moved_from();
    return buffers_[slot].second;
  }
  /// Adds a child module under `name` and returns it. Throws DomainError as register_parameter does.
  template <class M>
  std::shared_ptr<M> register_module(std::string name, std::shared_ptr<M> module) {
    check_new_name(name);
    children_.emplace_back(std::move(name), module);
    return module;
  }
  /// The parameter in `slot` (as returned by register_parameter). Throws TapeError naming the module if
  /// it has no such slot, which happens only to a module whose contents were moved away.
  const Tensor& parameter_at(std::size_t slot) const {
    if (slot >= parameters_.size()) [[unlikely]]
      throw_moved_from();
    return parameters_[slot].second;
  }

 private:
  [[noreturn]] void throw_moved_from() const;
  void check_new_name(std::string_view name) const;
  void collect(const std::string& prefix, NamedTensors& out) const;
  void collect(std::vector<Tensor>& out) const;
  void collect_buffers(const std::string& prefix, NamedTensors& out) const;
  /// The module and own-parameter slot a dotted path names; DomainError naming `op` if none.
  std::pair<const Module*, std::size_t> locate(std::string_view dotted_name, std::string_view op) const;

  NamedTensors parameters_;
  NamedTensors buffers_;
  std::vector<std::pair<std::string, std::shared_ptr<Module>>> children_;
  bool training_ = true;
};

/// Prints the module tree, each line with the module's options and its parameters' shapes, then the
/// total parameter count. Example output:
///   MLP(in_features=2, hidden=[4], out_features=1, activation=tanh, output_activation=identity)
///     (layers): Sequential()
///       (0): Layer(in_features=2, out_features=4, bias=true, activation=tanh)  weight [2, 4], bias [4]
///       (1): Layer(in_features=4, out_features=1, bias=true, activation=identity)  weight [4, 1], bias [1]
///   parameters: 17
std::ostream& operator<<(std::ostream& os, const Module& module);

}  // namespace tapegrad::nn
