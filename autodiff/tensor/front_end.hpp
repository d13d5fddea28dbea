// SPDX-License-Identifier: MIT
// front_end.hpp: what the tensor front end's .cpp files share (not a public header): the op machinery and
// the one-line wrappers most front-end functions are.
#pragma once

#include <cstdint>

#include "tapegrad/autodiff/tensor/apply.hpp"

namespace tapegrad::detail {

template <class Op>
Tensor unary(const Tensor& x) {
  return apply<Op>({}, {x});
}
template <class Op>
Tensor binary(const Tensor& a, const Tensor& b) {
  return apply<Op>({}, {a, b});
}
/// A double operand as a 0-D constant of the tensor's dtype (a 64-byte buffer from the cache).
inline Tensor scalar_like(const Tensor& t, double value) {
  return full({}, value, t.dtype());
}
/// A reduction of all elements (all) or along `axis`.
template <class Op>
Tensor reduce(const Tensor& x, bool all, std::int64_t axis, bool keepdim) {
  ops::tensor::ReduceAttrs attrs{.all = all, .axis = 0, .keepdim = keepdim};
  if (!all) attrs.axis = normalize_axis(axis, x.dim(), Op::name);
  return apply<Op>(attrs, {x});
}

}  // namespace tapegrad::detail
