// SPDX-License-Identifier: MIT
// linalg.cpp: the linalg front end: each function builds its row's Attrs and calls detail::apply.
#include "tapegrad/autodiff/tensor/linalg.hpp"

#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tapegrad/autodiff/tensor/front_end.hpp"

namespace tapegrad {

namespace tops = ops::tensor;

Tensor matmul(const Tensor& a, const Tensor& b) {
  return detail::apply<tops::MatMul>({}, {a, b});
}

Tensor linear(const Tensor& x, const Tensor& weight, const Tensor& bias) {
  return detail::apply<tops::Linear>({}, {x, weight, bias});
}

}  // namespace tapegrad
