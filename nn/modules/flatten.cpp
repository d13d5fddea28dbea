// SPDX-License-Identifier: MIT
// flatten.cpp: Flatten's forward (one reshape) and repr.
#include "tapegrad/nn/modules/flatten.hpp"

#include "tapegrad/autodiff/core/error.hpp"
#include "tapegrad/autodiff/tensor/linalg.hpp"

namespace tapegrad::nn {

Tensor Flatten::forward(const Tensor& x) {
  TAPEGRAD_CHECK(x.defined(), TapeError, repr(), ": the input tensor is undefined");
  const auto rank = static_cast<std::int64_t>(x.dim());
  const std::int64_t start = options_.start_dim < 0 ? options_.start_dim + rank : options_.start_dim;
  const std::int64_t end = options_.end_dim < 0 ? options_.end_dim + rank : options_.end_dim;
  TAPEGRAD_CHECK(start >= 0 && end < rank && start <= end, ShapeError, repr(),
                 ": start_dim and end_dim must name dimensions of the input in order, got shape ",
                 to_string(x.shape()));
  Shape out;
  std::int64_t merged = 1;
  for (std::int64_t d = 0; d < rank; ++d) {
    const std::int64_t size = x.shape()[static_cast<std::size_t>(d)];
    if (d < start || d > end) {
      out.push_back(size);
    } else {
      merged *= size;
      if (d == end) out.push_back(merged);
    }
  }
  return reshape(x, out);
}

std::string Flatten::extra_repr() const {
  return "start_dim=" + std::to_string(options_.start_dim) + ", end_dim=" + std::to_string(options_.end_dim);
}

}  // namespace tapegrad::nn
