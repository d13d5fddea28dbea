// SPDX-License-Identifier: MIT
// sequential.hpp: Sequential, modules applied one after the other, named "0", "1", ... .
#pragma once

#include <concepts>
#include <cstddef>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>

#include "tapegrad/autodiff/tensor/tensor.hpp"
#include "tapegrad/nn/modules/module.hpp"

namespace tapegrad::nn {

/// A module passed by value (a temporary, or std::move(m)): Sequential takes it over.
template <class M>
concept MovedModule = std::derived_from<std::remove_cvref_t<M>, Module> && !std::is_lvalue_reference_v<M>;

/// What a Sequential accepts: a module moved in, or a shared_ptr to one (to share it).
template <class M>
concept SequentialElement = MovedModule<M> || std::convertible_to<M, std::shared_ptr<Module>>;

/// y = f_n(... f_1(f_0(x))). An empty Sequential returns its input.
/// Example: `nn::Sequential net(nn::Linear({.in_features = 2, .out_features = 8}), nn::Tanh(),
///                              nn::Linear({.in_features = 8, .out_features = 1}));`
class Sequential : public Module {
 public:
  Sequential() = default;
  /// The modules in order, named "0", "1", ... (a single Sequential&& argument moves instead).
  template <SequentialElement... Ms>
  requires(sizeof...(Ms) > 0) explicit Sequential(Ms&&... modules) {
    (push_back(std::forward<Ms>(modules)), ...);
  }

  /// Appends a shared module under the next index. Throws DomainError if module is null.
  void push_back(std::shared_ptr<Module> module);
  /// Appends a module moved in. Example: `net.push_back(nn::ReLU());`
  template <MovedModule M>
  void push_back(M&& module) {
    push_back(std::shared_ptr<Module>(std::make_shared<std::remove_cvref_t<M>>(std::forward<M>(module))));
  }

  /// Throws whatever the first module that rejects its input throws (its message names it).
  Tensor forward(const Tensor& x) override;
  std::string type_name() const override { return "Sequential"; }

  /// Number of modules.
  std::size_t size() const noexcept { return children().size(); }
  /// The module at `index`. Throws DomainError naming the index and the size when out of range.
  Module& operator[](std::size_t index) const;
};

}  // namespace tapegrad::nn
