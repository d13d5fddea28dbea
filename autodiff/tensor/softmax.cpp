// SPDX-License-Identifier: MIT
// softmax.cpp: the softmax front end: each function builds its row's Attrs and calls detail::apply.
#include "tapegrad/autodiff/tensor/softmax.hpp"

#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tapegrad/autodiff/tensor/front_end.hpp"

namespace tapegrad {

namespace tops = ops::tensor;

Tensor softmax(const Tensor& x, std::int64_t axis) {
  return detail::apply<tops::Softmax>({.axis = normalize_axis(axis, x.dim(), "softmax")}, {x});
}

Tensor log_softmax(const Tensor& x, std::int64_t axis) {
  return detail::apply<tops::LogSoftmax>({.axis = normalize_axis(axis, x.dim(), "log_softmax")}, {x});
}

}  // namespace tapegrad
