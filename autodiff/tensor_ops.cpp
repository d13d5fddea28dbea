// SPDX-License-Identifier: MIT
// tensor_ops.cpp: each front-end function is one call to detail::apply with its row of the table; the
// comparison masks and argmax, which are not differentiable, are plain loops that record nothing.
#include "autodiff/tensor_ops.hpp"

#include <cmath>
#include <string_view>

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

// ---- more elementwise functions ------------------------------------------------------------------------

Tensor pow(const Tensor& x, double p) {
  return detail::apply<tops::PowScalar>({.exponent = p}, {x});
}
Tensor pow(const Tensor& a, const Tensor& b) {
  return binary<tops::Pow>(a, b);
}
Tensor pow(double a, const Tensor& b) {
  return binary<tops::Pow>(scalar_like(b, a), b);
}
Tensor sin(const Tensor& x) {
  return unary<tops::Sin>(x);
}
Tensor cos(const Tensor& x) {
  return unary<tops::Cos>(x);
}
Tensor softplus(const Tensor& x) {
  return unary<tops::Softplus>(x);
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
  return binary<tops::Maximum>(a, b);
}
Tensor minimum(const Tensor& a, const Tensor& b) {
  return binary<tops::Minimum>(a, b);
}
Tensor where(const Tensor& mask, const Tensor& a, const Tensor& b) {
  return detail::apply<tops::Where>({}, {mask, a, b});
}

namespace {
/// A comparison mask: not a row of the table, since nothing about it is differentiable; it checks its
/// inputs as detail::apply does and records nothing.
template <class Compare>
Tensor compare(std::string_view op, const Tensor& a, const Tensor& b, Compare holds) {
  TAPEGRAD_CHECK(a.defined() && b.defined(), TapeError, op,
                 ": an input tensor is undefined (default-constructed, or a grad() that does not exist)");
  TAPEGRAD_CHECK(a.dtype() == b.dtype(), ShapeError, op,
                 ": inputs must have one dtype (no implicit promotion), got ", to_string(a.shape()), " ",
                 a.dtype(), " and ", to_string(b.shape()), " ", b.dtype());
  Tensor out = detail::empty_tensor(broadcast_shapes(a.shape(), b.shape(), op), a.dtype());
  detail::dispatch(a.dtype(), [&]<class T>() {
    const T* pa = a.data<T>();
    const T* pb = b.data<T>();
    T* y = out.data<T>();
    detail::for_each_broadcast(out.shape(), a.shape(), b.shape(),
                               [&](std::int64_t o, std::int64_t ia, std::int64_t ib) {
                                 y[o] = holds(pa[ia], pb[ib]) ? T{1} : T{0};
                               });
  });
  return out;
}
}  // namespace

Tensor gt(const Tensor& a, const Tensor& b) {
  return compare("gt", a, b, [](auto x, auto y) { return x > y; });
}
Tensor lt(const Tensor& a, const Tensor& b) {
  return compare("lt", a, b, [](auto x, auto y) { return x < y; });
}
Tensor ge(const Tensor& a, const Tensor& b) {
  return compare("ge", a, b, [](auto x, auto y) { return x >= y; });
}
Tensor le(const Tensor& a, const Tensor& b) {
  return compare("le", a, b, [](auto x, auto y) { return x <= y; });
}
Tensor eq(const Tensor& a, const Tensor& b) {
  return compare("eq", a, b, [](auto x, auto y) { return x == y; });
}
Tensor gt(const Tensor& a, double b) {
  return gt(a, scalar_like(a, b));
}
Tensor lt(const Tensor& a, double b) {
  return lt(a, scalar_like(a, b));
}
Tensor ge(const Tensor& a, double b) {
  return ge(a, scalar_like(a, b));
}
Tensor le(const Tensor& a, double b) {
  return le(a, scalar_like(a, b));
}
Tensor eq(const Tensor& a, double b) {
  return eq(a, scalar_like(a, b));
}

// ---- more reductions
// ---------------------------------------------------------------------------------------

Tensor max(const Tensor& x, bool keepdim) {
  return reduce<tops::Max>(x, true, 0, keepdim);
}
Tensor max(const Tensor& x, std::int64_t axis, bool keepdim) {
  return reduce<tops::Max>(x, false, axis, keepdim);
}
Tensor min(const Tensor& x, bool keepdim) {
  return reduce<tops::Min>(x, true, 0, keepdim);
}
Tensor min(const Tensor& x, std::int64_t axis, bool keepdim) {
  return reduce<tops::Min>(x, false, axis, keepdim);
}
Tensor logsumexp(const Tensor& x, bool keepdim) {
  return reduce<tops::LogSumExp>(x, true, 0, keepdim);
}
Tensor logsumexp(const Tensor& x, std::int64_t axis, bool keepdim) {
  return reduce<tops::LogSumExp>(x, false, axis, keepdim);
}

std::vector<std::int64_t> argmax(const Tensor& x, std::int64_t axis) {
  const tops::ReduceAttrs r{.all = false, .axis = normalize_axis(axis, x.dim(), "argmax"), .keepdim = false};
  tops::detail_reduce::check_nonempty("argmax", r, x.shape());
  const auto [outer, n, inner] = detail::split_at(x.shape(), r.axis);
  std::vector<std::int64_t> indices(static_cast<std::size_t>(outer * inner));
  detail::dispatch(x.dtype(), [&]<class T>() {
    const T* px = x.data<T>();
    tops::detail_reduce::for_each_lane(
        r, x.shape(), [&](std::int64_t first, std::int64_t stride, std::int64_t count, std::int64_t o) {
          std::int64_t best = 0;
          for (std::int64_t k = 1; k < count; ++k)
            if (tops::detail_reduce::beats<true>(px[first + k * stride], px[first + best * stride])) best = k;
          indices[static_cast<std::size_t>(o)] = best;
        });
  });
  return indices;
}

}  // namespace tapegrad
