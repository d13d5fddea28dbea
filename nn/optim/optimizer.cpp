// SPDX-License-Identifier: MIT
// optimizer.cpp: parameter checks, state registration and restoring state by name.
#include "tapegrad/nn/optim/optimizer.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "tapegrad/autodiff/core/error.hpp"

namespace tapegrad::nn {

Optimizer::Optimizer(std::vector<Tensor> params, double lr, std::string name)
    : params_(std::move(params)), lr_(lr), name_(std::move(name)) {
  TAPEGRAD_CHECK(!params_.empty(), DomainError, name_, ": got an empty parameter list");
  for (std::size_t i = 0; i < params_.size(); ++i) {
    TAPEGRAD_CHECK(params_[i].defined(), TapeError, name_, ": parameter ", i, " is undefined");
    TAPEGRAD_CHECK(params_[i].is_leaf(), TapeError, name_, ": parameter ", i, " of shape ",
                   to_string(params_[i].shape()), " is the result of a recorded op, not a leaf");
  }
  set_lr(lr);
  state_.emplace_back("step", zeros({static_cast<std::int64_t>(params_.size())}, Dtype::float64));
}

void Optimizer::check_option(bool ok, std::string_view option, double value) const {
  TAPEGRAD_CHECK(ok, DomainError, name_, ": invalid ", option, " ", value);
}

void Optimizer::set_lr(double lr) {
  check_option(lr >= 0.0, "learning rate (expected lr >= 0)", lr);
  lr_ = lr;
}

void Optimizer::zero_grad() {
  for (Tensor& p : params_) p.zero_grad();
}

Tensor Optimizer::add_state(std::size_t index, std::string_view buffer) {
  const Tensor& p = params_[index];
  state_.emplace_back(std::to_string(index) + "." + std::string(buffer), zeros(p.shape(), p.dtype()));
  return state_.back().second;
}

void Optimizer::load_state(const NamedTensors& saved) {
  // Check everything first, so a bad checkpoint leaves the state untouched.
  TAPEGRAD_CHECK(saved.size() == state_.size(), DomainError, name_, ": load_state expected ", state_.size(),
                 " state tensors, got ", saved.size());
  std::vector<const Tensor*> sources;
  for (const auto& [name, tensor] : state_) {
    const std::string& wanted = name;  // clang 14 cannot capture a structured binding
    const auto it =
        std::find_if(saved.begin(), saved.end(), [&wanted](const auto& s) { return s.first == wanted; });
    TAPEGRAD_CHECK(it != saved.end(), DomainError, name_, ": load_state is missing the state '", name, "'");
    TAPEGRAD_CHECK(
        it->second.defined() && it->second.shape() == tensor.shape() && it->second.dtype() == tensor.dtype(),
        ShapeError, name_, ": load_state: '", name, "' must be ", to_string(tensor.shape()), " ",
        tensor.dtype(), ", got ",
        it->second.defined() ? to_string(it->second.shape()) : std::string("an undefined tensor"), " ",
        it->second.defined() ? tapegrad::name(it->second.dtype()) : "");
    sources.push_back(&it->second);
  }
  for (std::size_t i = 0; i < state_.size(); ++i) {
    const Tensor& dst = state_[i].second;
    const auto bytes = static_cast<std::size_t>(dst.numel()) * size_of(dst.dtype());
    if (bytes == 0 || sources[i]->shares_data(dst)) continue;
    if (dst.dtype() == Dtype::float32)
      std::memcpy(dst.data<float>(), sources[i]->data<float>(), bytes);
    else
      std::memcpy(dst.data<double>(), sources[i]->data<double>(), bytes);
  }
}

}  // namespace tapegrad::nn
