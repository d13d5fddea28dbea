// SPDX-License-Identifier: MIT
// dtype_dispatch.hpp: from a runtime Dtype to a kernel instantiated for float or double.
// Kernels are written once as templates; this is the only switch on the dtype.
#pragma once

#include "tapegrad/autodiff/core/dtype.hpp"

namespace tapegrad::detail {

/// Calls `f.template operator()<T>()` with T = float or double according to `dtype`.
/// Example: `dispatch(t.dtype(), [&]<class T>() { fill(t.data<T>(), ...); });`
template <class F>
decltype(auto) dispatch(Dtype dtype, F&& f) {
  if (dtype == Dtype::float32) return f.template operator()<float>();
  return f.template operator()<double>();
}

}  // namespace tapegrad::detail
