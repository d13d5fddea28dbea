// SPDX-License-Identifier: MIT
// methods.cpp: the member spellings of Tensor (x.sum(), x.matmul(w), x.t(), ...), for code that reads like
// PyTorch. Each is one call to the free function of the tensor front end, so the table, the recording and the
// errors are the same whichever spelling is used. Out of line, so tensor.hpp compiles on its own; the call
// costs nothing next to the op it forwards to.

#include <cstdint>
#include <initializer_list>
#include <span>

#include "tapegrad/autodiff/core/shape.hpp"
#include "tapegrad/autodiff/tensor/ops.hpp"
#include "tapegrad/autodiff/tensor/tensor.hpp"

namespace tapegrad {

Tensor Tensor::sum() const {
  return tapegrad::sum(*this);
}
Tensor Tensor::mean() const {
  return tapegrad::mean(*this);
}
Tensor Tensor::sum(std::int64_t axis, bool keepdim) const {
  return tapegrad::sum(*this, axis, keepdim);
}
Tensor Tensor::mean(std::int64_t axis, bool keepdim) const {
  return tapegrad::mean(*this, axis, keepdim);
}
Tensor Tensor::sum(std::initializer_list<std::int64_t> axes, bool keepdim) const {
  return tapegrad::sum(*this, axes, keepdim);
}
Tensor Tensor::mean(std::initializer_list<std::int64_t> axes, bool keepdim) const {
  return tapegrad::mean(*this, axes, keepdim);
}
Tensor Tensor::max() const {
  return tapegrad::max(*this);
}
Tensor Tensor::min() const {
  return tapegrad::min(*this);
}
Tensor Tensor::max(std::int64_t axis, bool keepdim) const {
  return tapegrad::max(*this, axis, keepdim);
}
Tensor Tensor::min(std::int64_t axis, bool keepdim) const {
  return tapegrad::min(*this, axis, keepdim);
}
Tensor Tensor::clamp(double lo, double hi) const {
  return tapegrad::clamp(*this, lo, hi);
}
Tensor Tensor::squeeze() const {
  return tapegrad::squeeze(*this);
}
Tensor Tensor::squeeze(std::int64_t axis) const {
  return tapegrad::squeeze(*this, axis);
}
Tensor Tensor::unsqueeze(std::int64_t axis) const {
  return tapegrad::unsqueeze(*this, axis);
}
Tensor Tensor::flatten(std::int64_t start_dim, std::int64_t end_dim) const {
  return tapegrad::flatten(*this, start_dim, end_dim);
}
Tensor Tensor::expand(const Shape& shape) const {
  return tapegrad::expand(*this, shape);
}
Tensor Tensor::reshape(const Shape& shape) const {
  return tapegrad::reshape(*this, shape);
}
Tensor Tensor::view(const Shape& shape) const {
  return tapegrad::reshape(*this, shape);
}
Tensor Tensor::transpose(std::int64_t axis0, std::int64_t axis1) const {
  return tapegrad::transpose(*this, axis0, axis1);
}
Tensor Tensor::t() const {
  return dim() < 2 ? *this : tapegrad::transpose(*this);
}
Tensor Tensor::permute(std::span<const std::int64_t> axes) const {
  return tapegrad::permute(*this, axes);
}
Tensor Tensor::permute(std::initializer_list<std::int64_t> axes) const {
  return tapegrad::permute(*this, axes);
}
Tensor Tensor::matmul(const Tensor& other) const {
  return tapegrad::matmul(*this, other);
}
Tensor Tensor::pow(double p) const {
  return tapegrad::pow(*this, p);
}
Tensor Tensor::exp() const {
  return tapegrad::exp(*this);
}
Tensor Tensor::log() const {
  return tapegrad::log(*this);
}
Tensor Tensor::sqrt() const {
  return tapegrad::sqrt(*this);
}
Tensor Tensor::abs() const {
  return tapegrad::abs(*this);
}
Tensor Tensor::relu() const {
  return tapegrad::relu(*this);
}
Tensor Tensor::tanh() const {
  return tapegrad::tanh(*this);
}
Tensor Tensor::sigmoid() const {
  return tapegrad::sigmoid(*this);
}
Tensor Tensor::softmax(std::int64_t axis) const {
  return tapegrad::softmax(*this, axis);
}
Tensor Tensor::log_softmax(std::int64_t axis) const {
  return tapegrad::log_softmax(*this, axis);
}

}  // namespace tapegrad
