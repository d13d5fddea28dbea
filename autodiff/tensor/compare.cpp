// SPDX-License-Identifier: MIT
// compare.cpp: the compare front end: each function builds its row's Attrs and calls detail::apply.
#include "tapegrad/autodiff/tensor/compare.hpp"

#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tapegrad/autodiff/tensor/front_end.hpp"

namespace tapegrad {

namespace tops = ops::tensor;

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
  TAPEGRAD_CHECK(is_floating(a.dtype()), ShapeError, op, ": expected float32 or float64 inputs, got ",
                 to_string(a.shape()), " ", a.dtype(), " and ", to_string(b.shape()), " ", b.dtype(),
                 " (int64 tensors hold indices and take no arithmetic)");
  Tensor out = detail::empty_tensor(broadcast_shapes(a.shape(), b.shape(), op), a.dtype(), op);
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
  return gt(a, detail::scalar_like(a, b));
}

Tensor lt(const Tensor& a, double b) {
  return lt(a, detail::scalar_like(a, b));
}

Tensor ge(const Tensor& a, double b) {
  return ge(a, detail::scalar_like(a, b));
}

Tensor le(const Tensor& a, double b) {
  return le(a, detail::scalar_like(a, b));
}

Tensor eq(const Tensor& a, double b) {
  return eq(a, detail::scalar_like(a, b));
}

}  // namespace tapegrad
