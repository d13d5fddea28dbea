// SPDX-License-Identifier: MIT
// reduce.cpp: the reduce front end: each function builds its row's Attrs and calls detail::apply.
#include "tapegrad/autodiff/tensor/reduce.hpp"

#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tapegrad/autodiff/kernels/lanes.hpp"
#include "tapegrad/autodiff/tensor/front_end.hpp"

namespace tapegrad {

namespace tops = ops::tensor;

Tensor sum(const Tensor& x, bool keepdim) {
  return detail::reduce<tops::Sum>(x, true, 0, keepdim);
}

Tensor mean(const Tensor& x, bool keepdim) {
  return detail::reduce<tops::Mean>(x, true, 0, keepdim);
}

Tensor sum(const Tensor& x, std::int64_t axis, bool keepdim) {
  return detail::reduce<tops::Sum>(x, false, axis, keepdim);
}

Tensor mean(const Tensor& x, std::int64_t axis, bool keepdim) {
  return detail::reduce<tops::Mean>(x, false, axis, keepdim);
}

Tensor max(const Tensor& x, bool keepdim) {
  return detail::reduce<tops::Max>(x, true, 0, keepdim);
}

Tensor max(const Tensor& x, std::int64_t axis, bool keepdim) {
  return detail::reduce<tops::Max>(x, false, axis, keepdim);
}

Tensor min(const Tensor& x, bool keepdim) {
  return detail::reduce<tops::Min>(x, true, 0, keepdim);
}

Tensor min(const Tensor& x, std::int64_t axis, bool keepdim) {
  return detail::reduce<tops::Min>(x, false, axis, keepdim);
}

Tensor logsumexp(const Tensor& x, bool keepdim) {
  return detail::reduce<tops::LogSumExp>(x, true, 0, keepdim);
}

Tensor logsumexp(const Tensor& x, std::int64_t axis, bool keepdim) {
  return detail::reduce<tops::LogSumExp>(x, false, axis, keepdim);
}

std::vector<std::int64_t> argmax(const Tensor& x, std::int64_t axis) {
  const tops::ReduceAttrs r{.all = false, .axis = normalize_axis(axis, x.dim(), "argmax"), .keepdim = false};
  detail::check_lanes_nonempty("argmax", x.shape(), r.all, r.axis);
  const auto [outer, n, inner] = detail::split_at(x.shape(), r.axis);
  std::vector<std::int64_t> indices(static_cast<std::size_t>(outer * inner));
  detail::dispatch(x.dtype(), [&]<class T>() {
    const T* px = x.data<T>();
    detail::for_each_lane(x.shape(), r.all, r.axis,
                          [&](std::int64_t first, std::int64_t stride, std::int64_t count, std::int64_t o) {
                            std::int64_t best = 0;
                            for (std::int64_t k = 1; k < count; ++k)
                              if (detail::beats<true>(px[first + k * stride], px[first + best * stride]))
                                best = k;
                            indices[static_cast<std::size_t>(o)] = best;
                          });
  });
  return indices;
}

}  // namespace tapegrad
