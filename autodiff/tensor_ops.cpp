// SPDX-License-Identifier: MIT
// tensor_ops.cpp: each front-end function is one call to detail::apply with its row of the table.
#include "autodiff/tensor_ops.hpp"

#include "autodiff/detail/tensor_apply.hpp"

namespace tapegrad {
namespace {

namespace tops = ops::tensor;

template <class Op>
Tensor unary(const Tensor& x) {
  return detail::apply<Op>({}, {x});
}
template <class Op>
Tensor binary(const Tensor& a, const Tensor& b) {
  return detail::apply<Op>({}, {a, b});
}
/// A double operand as a 0-D constant of the tensor's dtype (a 64-byte buffer from the cache).
Tensor scalar_like(const Tensor& t, double value) {
  return full({}, value, t.dtype());
}

template <class Op>
Tensor reduce(const Tensor& x, bool all, std::int64_t axis, bool keepdim) {
  tops::ReduceAttrs attrs{.all = all, .axis = 0, .keepdim = keepdim};
  if (!all) attrs.axis = normalize_axis(axis, x.dim(), Op::name);
  return detail::apply<Op>(attrs, {x});
}

}  // namespace

Tensor operator+(const Tensor& a, const Tensor& b) {
  return binary<tops::Add>(a, b);
}
Tensor operator-(const Tensor& a, const Tensor& b) {
  return binary<tops::Sub>(a, b);
}
Tensor operator*(const Tensor& a, const Tensor& b) {
  return binary<tops::Mul>(a, b);
}
Tensor operator/(const Tensor& a, const Tensor& b) {
  return binary<tops::Div>(a, b);
}
Tensor operator+(const Tensor& a, double b) {
  return binary<tops::Add>(a, scalar_like(a, b));
}
Tensor operator-(const Tensor& a, double b) {
  return binary<tops::Sub>(a, scalar_like(a, b));
}
Tensor operator*(const Tensor& a, double b) {
  return binary<tops::Mul>(a, scalar_like(a, b));
}
Tensor operator/(const Tensor& a, double b) {
  return binary<tops::Div>(a, scalar_like(a, b));
}
Tensor operator+(double a, const Tensor& b) {
  return binary<tops::Add>(scalar_like(b, a), b);
}
Tensor operator-(double a, const Tensor& b) {
  return binary<tops::Sub>(scalar_like(b, a), b);
}
Tensor operator*(double a, const Tensor& b) {
  return binary<tops::Mul>(scalar_like(b, a), b);
}
Tensor operator/(double a, const Tensor& b) {
  return binary<tops::Div>(scalar_like(b, a), b);
}
Tensor operator-(const Tensor& x) {
  return unary<tops::Neg>(x);
}

Tensor exp(const Tensor& x) {
  return unary<tops::Exp>(x);
}
Tensor log(const Tensor& x) {
  return unary<tops::Log>(x);
}
Tensor sqrt(const Tensor& x) {
  return unary<tops::Sqrt>(x);
}
Tensor abs(const Tensor& x) {
  return unary<tops::Abs>(x);
}
Tensor tanh(const Tensor& x) {
  return unary<tops::Tanh>(x);
}
Tensor sigmoid(const Tensor& x) {
  return unary<tops::Sigmoid>(x);
}
Tensor relu(const Tensor& x) {
  return unary<tops::Relu>(x);
}

Tensor sum(const Tensor& x, bool keepdim) {
  return reduce<tops::Sum>(x, true, 0, keepdim);
}
Tensor mean(const Tensor& x, bool keepdim) {
  return reduce<tops::Mean>(x, true, 0, keepdim);
}
Tensor sum(const Tensor& x, std::int64_t axis, bool keepdim) {
  return reduce<tops::Sum>(x, false, axis, keepdim);
}
Tensor mean(const Tensor& x, std::int64_t axis, bool keepdim) {
  return reduce<tops::Mean>(x, false, axis, keepdim);
}

Tensor matmul(const Tensor& a, const Tensor& b) {
  return detail::apply<tops::MatMul>({}, {a, b});
}
Tensor linear(const Tensor& x, const Tensor& weight, const Tensor& bias) {
  return detail::apply<tops::Linear>({}, {x, weight, bias});
}
Tensor transpose(const Tensor& x) {
  return detail::apply<tops::Transpose>({}, {x});
}

Tensor reshape(const Tensor& x, const Shape& shape) {
  // Resolve one -1 from the element count; anything else that does not fit is Reshape's error.
  Shape resolved = shape;
  std::int64_t known = 1;
  std::size_t inferred = shape.size();
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (shape[i] == -1 && inferred == shape.size()) {
      inferred = i;
      continue;
    }
    TAPEGRAD_CHECK(shape[i] >= 0, ShapeError,
                   "reshape: dimensions must be non-negative (one may be -1), got ", to_string(shape),
                   " for a tensor of shape ", to_string(x.shape()));
    known *= shape[i];
  }
  if (inferred != shape.size()) {
    TAPEGRAD_CHECK(known != 0 && x.numel() % known == 0, ShapeError, "reshape: cannot view shape ",
                   to_string(x.shape()), " (", x.numel(), " elements) as ", to_string(shape));
    resolved[inferred] = x.numel() / known;
  }
  return detail::apply<tops::Reshape>({.shape = resolved}, {x});
}

Tensor softmax(const Tensor& x, std::int64_t axis) {
  return detail::apply<tops::Softmax>({.axis = normalize_axis(axis, x.dim(), "softmax")}, {x});
}
Tensor log_softmax(const Tensor& x, std::int64_t axis) {
  return detail::apply<tops::LogSoftmax>({.axis = normalize_axis(axis, x.dim(), "log_softmax")}, {x});
}

}  // namespace tapegrad
