// SPDX-License-Identifier: MIT
// tensor_methods.hpp: the member spellings of Tensor (x.sum(), x.matmul(w), x.t(), ...), for code that reads
// like PyTorch. Each is one inline call to the free function of tensor_ops.hpp, so the table, the recording
// and the errors are the same whichever spelling is used. Included by tensor_all.hpp and autodiff.hpp.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <span>

#include "autodiff/shape.hpp"
#include "autodiff/tensor.hpp"
#include "autodiff/tensor_ops.hpp"

namespace tapegrad {

inline Tensor Tensor::sum() const {
  return tapegrad::sum(*this);
}
inline Tensor Tensor::mean() const {
  return tapegrad::mean(*this);
}
inline Tensor Tensor::sum(std::int64_t axis, bool keepdim) const {
  return tapegrad::sum(*this, axis, keepdim);
}
inline Tensor Tensor::mean(std::int64_t axis, bool keepdim) const {
  return tapegrad::mean(*this, axis, keepdim);
}
inline Tensor Tensor::reshape(const Shape& shape) const {
  return tapegrad::reshape(*this, shape);
}
inline Tensor Tensor::view(const Shape& shape) const {
  return tapegrad::reshape(*this, shape);
}
inline Tensor Tensor::transpose(std::int64_t axis0, std::int64_t axis1) const {
  return tapegrad::transpose(*this, axis0, axis1);
}
inline Tensor Tensor::t() const {
  return dim() < 2 ? *this : tapegrad::transpose(*this);
}
inline Tensor Tensor::permute(std::span<const std::int64_t> axes) const {
  return tapegrad::permute(*this, axes);
}
inline Tensor Tensor::permute(std::initializer_list<std::int64_t> axes) const {
  return tapegrad::permute(*this, axes);
}
inline Tensor Tensor::matmul(const Tensor& other) const {
  return tapegrad::matmul(*this, other);
}
inline Tensor Tensor::pow(double p) const {
  return tapegrad::pow(*this, p);
}
inline Tensor Tensor::exp() const {
  return tapegrad::exp(*this);
}
inline Tensor Tensor::log() const {
  return tapegrad::log(*this);
}
inline Tensor Tensor::sqrt() const {
  return tapegrad::sqrt(*this);
}
inline Tensor Tensor::abs() const {
  return tapegrad::abs(*this);
}
inline Tensor Tensor::relu() const {
  return tapegrad::relu(*this);
}
inline Tensor Tensor::tanh() const {
  return tapegrad::tanh(*this);
}
inline Tensor Tensor::sigmoid() const {
  return tapegrad::sigmoid(*this);
}
inline Tensor Tensor::softmax(std::int64_t axis) const {
  return tapegrad::softmax(*this, axis);
}
inline Tensor Tensor::log_softmax(std::int64_t axis) const {
  return tapegrad::log_softmax(*this, axis);
}

}  // namespace tapegrad
