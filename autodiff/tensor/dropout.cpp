// SPDX-License-Identifier: MIT
// dropout.cpp: the dropout mask (written as data, never recorded) times x.
#include "tapegrad/autodiff/tensor/dropout.hpp"

#include "tapegrad/autodiff/kernels/dtype_dispatch.hpp"
#include "tapegrad/autodiff/tensor/elementwise.hpp"
#include "tapegrad/autodiff/tensor/front_end.hpp"
#include "tapegrad/autodiff/tensor/replica_state.hpp"

namespace tapegrad {

Tensor dropout(const Tensor& x, double p, Generator& passed, bool training) {
  TAPEGRAD_CHECK(x.defined(), TapeError, "dropout: the input is undefined");
  TAPEGRAD_CHECK(p >= 0.0 && p <= 1.0, DomainError, "dropout: p must be in [0, 1], got ", p);
  if (!training || p == 0.0) return x;
  Generator& gen = detail::dropout_generator != nullptr ? *detail::dropout_generator : passed;
  Tensor mask = detail::empty_tensor(x.shape(), x.dtype());
  const double keep = 1.0 - p;
  const double scale = keep > 0.0 ? 1.0 / keep : 0.0;
  detail::dispatch(x.dtype(), [&]<class T>() {
    T* m = mask.data<T>();
    const T kept = static_cast<T>(scale);
    for (std::int64_t i = 0; i < mask.numel(); ++i) m[i] = gen.uniform() < keep ? kept : T{0};
  });
  return x * mask;
}

}  // namespace tapegrad
