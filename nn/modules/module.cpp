// SPDX-License-Identifier: MIT
// module.cpp: the parameter tree walks, dotted-name lookup and printing of Module.
#include "tapegrad/nn/modules/module.hpp"

#include <algorithm>

#include "tapegrad/autodiff/core/error.hpp"

namespace tapegrad::nn {

void Module::check_new_name(std::string_view name) const {
  TAPEGRAD_CHECK(!name.empty() && name.find('.') == std::string_view::npos, DomainError, type_name(),
                 ": a parameter or sub-module name must be non-empty and contain no '.', got '", name, "'");
  const auto same = [name](const auto& entry) { return entry.first == name; };
  TAPEGRAD_CHECK(std::none_of(parameters_.begin(), parameters_.end(), same) &&
                     std::none_of(buffers_.begin(), buffers_.end(), same) &&
                     std::none_of(children_.begin(), children_.end(), same),
                 DomainError, type_name(), ": the name '", name, "' is already registered");
}

std::size_t Module::register_parameter(std::string name, Tensor value) {
  check_new_name(name);
  value.requires_grad_(true);
  parameters_.emplace_back(std::move(name), std::move(value));
  return parameters_.size() - 1;
}

std::size_t Module::register_buffer(std::string name, Tensor value) {
  check_new_name(name);
  TAPEGRAD_CHECK(value.defined() && value.is_leaf() && !value.requires_grad(), TapeError, type_name(),
                 ": buffer '", name, "' must be a defined leaf that does not require grad");
  buffers_.emplace_back(std::move(name), std::move(value));
  return buffers_.size() - 1;
}

void Module::collect_buffers(const std::string& prefix, NamedTensors& out) const {
  for (const auto& entry : buffers_) {
    const auto* impl = entry.second.impl_ptr();
    const auto same = [impl](const auto& seen) { return seen.second.impl_ptr() == impl; };
    if (std::none_of(out.begin(), out.end(), same)) out.emplace_back(prefix + entry.first, entry.second);
  }
  for (const auto& [name, child] : children_) child->collect_buffers(prefix + name + ".", out);
}

NamedTensors Module::named_buffers() const {
  NamedTensors out;
  collect_buffers("", out);
  return out;
}

std::vector<Tensor> Module::buffers() const {
  std::vector<Tensor> out;
  for (auto& entry : named_buffers()) out.push_back(std::move(entry.second));
  return out;
}

NamedTensors Module::state_dict() const {
  NamedTensors out = named_parameters();
  for (auto& entry : named_buffers()) out.push_back(std::move(entry));
  return out;
}

void Module::collect(const std::string& prefix, NamedTensors& out) const {
  for (const auto& entry : parameters_) {
    // A module registered twice (shared in a Sequential, tied weights) lists its tensors once, under
    // the first name, so an optimizer never updates one tensor twice per step.
    const auto* impl = entry.second.impl_ptr();
    const auto same = [impl](const auto& seen) { return seen.second.impl_ptr() == impl; };
    if (std::none_of(out.begin(), out.end(), same)) out.emplace_back(prefix + entry.first, entry.second);
  }
  for (const auto& [name, child] : children_) child->collect(prefix + name + ".", out);
}

NamedTensors Module::named_parameters() const {
  NamedTensors out;
  collect("", out);
  return out;
}

// The same walk as named_parameters() without building names (parameters() may be called every step,
// e.g. for clip_grad_norm_).
void Module::collect(std::vector<Tensor>& out) const {
  for (const auto& entry : parameters_) {
    const auto* impl = entry.second.impl_ptr();
    const auto same = [impl](const Tensor& seen) { return seen.impl_ptr() == impl; };
    if (std::none_of(out.begin(), out.end(), same)) out.push_back(entry.second);
  }
  for (const auto& [name, child] : children_) child->collect(out);
}

std::vector<Tensor> Module::parameters() const {
  std::vector<Tensor> out;
  collect(out);
  return out;
}

std::int64_t Module::num_parameters() const {
  std::int64_t n = 0;
  for (const Tensor& tensor : parameters()) n += tensor.numel();
  return n;
}

void Module::throw_moved_from() const {
  throw TapeError(type_name() + ": this module has no parameters left (it was moved from)");
}

std::pair<const Module*, std::size_t> Module::locate(std::string_view dotted_name,
                                                     std::string_view op) const {
  const Module* module = this;
  std::string_view rest = dotted_name;
  for (std::size_t dot = rest.find('.'); dot != std::string_view::npos; dot = rest.find('.')) {
    const std::string_view head = rest.substr(0, dot);
    const auto& kids = module->children_;
    const auto it = std::find_if(kids.begin(), kids.end(), [head](const auto& c) { return c.first == head; });
    TAPEGRAD_CHECK(it != kids.end(), DomainError, op, ": ", type_name(), " has no parameter '", dotted_name,
                   "' (no sub-module '", head, "')");
    module = it->second.get();
    rest = rest.substr(dot + 1);
  }
  const auto& own = module->parameters_;
  const auto it = std::find_if(own.begin(), own.end(), [rest](const auto& p) { return p.first == rest; });
  TAPEGRAD_CHECK(it != own.end(), DomainError, op, ": ", type_name(), " has no parameter '", dotted_name,
                 "'");
  return {module, static_cast<std::size_t>(it - own.begin())};
}

Tensor Module::parameter(std::string_view dotted_name) const {
  const auto [module, slot] = locate(dotted_name, "parameter");
  return module->parameters_[slot].second;
}

void Module::set_parameter(std::string_view dotted_name, Tensor value) {
  const auto [module, slot] = locate(dotted_name, "set_parameter");
  Tensor& current = const_cast<Module*>(module)->parameters_[slot].second;  // reached from non-const this
  TAPEGRAD_CHECK(value.defined() && value.shape() == current.shape() && value.dtype() == current.dtype(),
                 ShapeError, "set_parameter: '", dotted_name, "' of ", type_name(), " is ",
                 to_string(current.shape()), " ", current.dtype(), ", got ",
                 value.defined() ? to_string(value.shape()) : std::string("an undefined tensor"), " ",
                 value.defined() ? name(value.dtype()) : "");
  current = std::move(value);
}

void Module::zero_grad() {
  for (auto& [name, tensor] : parameters_) tensor.zero_grad();
  for (auto& [name, child] : children_) child->zero_grad();
}

void Module::train(bool on) {
  training_ = on;
  for (auto& [name, child] : children_) child->train(on);
}

void Module::print_tree(std::ostream& os, int indent) const {
  os << repr();
  for (std::size_t i = 0; i < parameters_.size(); ++i)
    os << (i == 0 ? "  " : ", ") << parameters_[i].first << ' ' << to_string(parameters_[i].second.shape());
  for (std::size_t i = 0; i < buffers_.size(); ++i)
    os << (i == 0 ? "  buffers: " : ", ") << buffers_[i].first << ' '
       << to_string(buffers_[i].second.shape());
  for (const auto& [name, child] : children_) {
    os << '\n' << std::string(static_cast<std::size_t>(2 * (indent + 1)), ' ') << '(' << name << "): ";
    child->print_tree(os, indent + 1);
  }
}

std::ostream& operator<<(std::ostream& os, const Module& module) {
  module.print_tree(os);
  return os << "\nparameters: " << module.num_parameters();
}

}  // namespace tapegrad::nn
