// SPDX-License-Identifier: MIT
// dtype_dispatch.hpp: from a runtime Dtype to a kernel instantiated for float or double (or int64).
// Kernels are written once as templates; this is the only switch on the dtype. Ops compute in float or
// double only: dispatch() throws on int64 (callers that can name the op check first, as apply() does);
// dispatch_any() adds int64 for code that only moves or converts elements (factories, to_vector, printing).
#pragma once

#include <cstdint>

#include "tapegrad/autodiff/core/dtype.hpp"
#include "tapegrad/autodiff/core/error.hpp"

namespace tapegrad::detail {

[[noreturn, gnu::cold, gnu::noinline]] inline void throw_not_floating(Dtype dtype) {
  raise<ShapeError>("tensor op: expected a float32 or float64 tensor, got ", dtype,
                    " (int64 tensors hold indices and take no arithmetic)");
}

/// Calls `f.template operator()<T>()` with T = float or double according to `dtype`; throws ShapeError
/// for int64. Example: `dispatch(t.dtype(), [&]<class T>() { fill(t.data<T>(), ...); });`
template <class F>
decltype(auto) dispatch(Dtype dtype, F&& f) {
  if (dtype == Dtype::float32) return f.template operator()<float>();
  if (dtype != Dtype::float64) [[unlikely]]
    throw_not_floating(dtype);
  return f.template operator()<double>();
}

/// As dispatch, with T = std::int64_t for int64 too.
template <class F>
decltype(auto) dispatch_any(Dtype dtype, F&& f) {
  if (dtype == Dtype::int64) return f.template operator()<std::int64_t>();
  return dispatch(dtype, static_cast<F&&>(f));
}

}  // namespace tapegrad::detail
