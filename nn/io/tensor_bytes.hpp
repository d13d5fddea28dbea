// SPDX-License-Identifier: MIT
// rows.hpp: raw row copies between 2-D tensors, for nn's data code (not part of the public API).
// Gathering a batch is a memcpy per row: no tape, no dtype conversion, no per-element loop.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>

#include "tapegrad/autodiff/tensor/tensor.hpp"

namespace tapegrad::nn::detail {

/// The first byte of t's elements (any dtype).
inline std::byte* bytes_of(const Tensor& t) {
  return static_cast<std::byte*>(t.impl().data.data());
}

/// Bytes in one row (all dimensions but the first) of t.
inline std::size_t row_bytes(const Tensor& t) {
  const std::int64_t rows = t.shape()[0];
  return rows == 0 ? 0 : static_cast<std::size_t>(t.numel() / rows) * size_of(t.dtype());
}

/// dst's rows [0, rows.size()) = src's rows `rows`, in that order. The caller has checked the indices,
/// the dtypes and the row widths.
inline void copy_rows(const Tensor& src, std::span<const std::int64_t> rows, const Tensor& dst) {
  const std::size_t width = row_bytes(src);
  const std::byte* from = bytes_of(src);
  std::byte* to = bytes_of(dst);
  for (std::size_t i = 0; i < rows.size(); ++i)
    std::memcpy(to + i * width, from + static_cast<std::size_t>(rows[i]) * width, width);
}

}  // namespace tapegrad::nn::detail
