// SPDX-License-Identifier: MIT
// elementwise.cpp: the elementwise front end: each function builds its row's Attrs and calls detail::apply.
#include "tapegrad/autodiff/tensor/elementwise.hpp"

#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tapegrad/autodiff/tensor/front_end.hpp"

namespace tapegrad {

namespace tops = ops::tensor;

Tensor operator+(const Tensor& a, const Tensor& b) {
  return detail::binary<tops::Add>(a, b);
}

Tensor operator-(const Tensor& a, const Tensor& b) {
  return detail::binary<tops::Sub>(a, b);
}

Tensor operator*(const Tensor& a, const Tensor& b) {
  return detail::binary<tops::Mul>(a, b);
}

Tensor operator/(const Tensor& a, const Tensor& b) {
  return detail::binary<tops::Div>(a, b);
}

Tensor operator+(const Tensor& a, double b) {
  return detail::binary<tops::Add>(a, detail::scalar_like(a, b));
}

Tensor operator-(const Tensor& a, double b) {
  return detail::binary<tops::Sub>(a, detail::scalar_like(a, b));
}

Tensor operator*(const Tensor& a, double b) {
  return detail::binary<tops::Mul>(a, detail::scalar_like(a, b));
}

Tensor operator/(const Tensor& a, double b) {
  return detail::binary<tops::Div>(a, detail::scalar_like(a, b));
}

Tensor operator+(double a, const Tensor& b) {
  return detail::binary<tops::Add>(detail::scalar_like(b, a), b);
}

Tensor operator-(double a, const Tensor& b) {
  return detail::binary<tops::Sub>(detail::scalar_like(b, a), b);
}

Tensor operator*(double a, const Tensor& b) {
  return detail::binary<tops::Mul>(detail::scalar_like(b, a), b);
}

Tensor operator/(double a, const Tensor& b) {
  return detail::binary<tops::Div>(detail::scalar_like(b, a), b);
}

Tensor operator-(const Tensor& x) {
  return detail::unary<tops::Neg>(x);
}

Tensor exp(const Tensor& x) {
  return detail::unary<tops::Exp>(x);
}

Tensor log(const Tensor& x) {
  return detail::unary<tops::Log>(x);
}

Tensor sqrt(const Tensor& x) {
  return detail::unary<tops::Sqrt>(x);
}

Tensor abs(const Tensor& x) {
  return detail::unary<tops::Abs>(x);
}

Tensor tanh(const Tensor& x) {
  return detail::unary<tops::Tanh>(x);
}

Tensor sigmoid(const Tensor& x) {
  return detail::unary<tops::Sigmoid>(x);
}

Tensor relu(const Tensor& x) {
  return detail::unary<tops::Relu>(x);
}

Tensor pow(const Tensor& x, double p) {
  return detail::apply<tops::PowScalar>({.exponent = p}, {x});
}

Tensor pow(const Tensor& a, const Tensor& b) {
  return detail::binary<tops::Pow>(a, b);
}

Tensor pow(double a, const Tensor& b) {
  return detail::binary<tops::Pow>(detail::scalar_like(b, a), b);
}

Tensor sin(const Tensor& x) {
  return detail::unary<tops::Sin>(x);
}

Tensor cos(const Tensor& x) {
  return detail::unary<tops::Cos>(x);
}

Tensor softplus(const Tensor& x) {
  return detail::unary<tops::Softplus>(x);
}

Tensor leaky_relu(const Tensor& x, double negative_slope) {
  TAPEGRAD_CHECK(std::isfinite(negative_slope), DomainError,
                 "leaky_relu: expected a finite negative_slope, got ", negative_slope);
  return detail::apply<tops::LeakyRelu>({.negative_slope = negative_slope}, {x});
}

Tensor clamp(const Tensor& x, double lo, double hi) {
  TAPEGRAD_CHECK(lo <= hi, DomainError, "clamp: expected lo <= hi, got lo ", lo, " and hi ", hi);
  return detail::apply<tops::Clamp>({.lo = lo, .hi = hi}, {x});
}

Tensor maximum(const Tensor& a, const Tensor& b) {
  return detail::binary<tops::Maximum>(a, b);
}

Tensor minimum(const Tensor& a, const Tensor& b) {
  return detail::binary<tops::Minimum>(a, b);
}

}  // namespace tapegrad
