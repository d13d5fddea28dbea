// SPDX-License-Identifier: MIT
// permute.hpp: the loop under transpose and permute (and their backwards), for any rank.
// The permutation is first reduced: dimensions of size 1 are dropped and neighbours that stay neighbours
// (in the same order) are merged, so [b, m, n] -> [b, n, m] becomes b transposes of [m, n], and a
// permutation that moves nothing becomes one flat copy. What remains is walked by an odometer over the
// outer dimensions and, inside, one of two loops: a contiguous row copy when the input's unit-stride
// dimension is also the output's last, otherwise a 2-D transpose in 32 x 32 tiles between the input's
// unit-stride dimension and the output's, so that both sides stay in L1.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "tapegrad/autodiff/core/shape.hpp"

namespace tapegrad::detail {

/// out[i * out_stride + j] = in[i + j * in_stride] (or += with Accumulate) for i < rows, j < cols, in tiles.
template <bool Accumulate, class T>
void transpose_tiles(std::int64_t rows, std::int64_t cols, const T* in, std::int64_t in_stride, T* out,
                     std::int64_t out_stride) {
  constexpr std::int64_t kTile = 32;
  for (std::int64_t ii = 0; ii < rows; ii += kTile) {
    const std::int64_t i_end = std::min(rows, ii + kTile);
    for (std::int64_t jj = 0; jj < cols; jj += kTile) {
      const std::int64_t j_end = std::min(cols, jj + kTile);
      for (std::int64_t i = ii; i < i_end; ++i)
        for (std::int64_t j = jj; j < j_end; ++j) {
          if constexpr (Accumulate)
            out[i * out_stride + j] += in[i + j * in_stride];
          else
            out[i * out_stride + j] = in[i + j * in_stride];
        }
    }
  }
}

/// out = in with its dimensions reordered (out += with Accumulate): dimension d of the contiguous result
/// is dimension axes[d] of the contiguous `in` of shape in_shape. `axes` must be a permutation of
/// 0..rank-1 (the caller checks). Example: axes {1, 0} transposes a matrix.
template <bool Accumulate, class T>
void permute(const Shape& in_shape, const Shape& axes, const T* in, T* out) {
  const std::size_t rank = in_shape.size();
  if (numel(in_shape) == 0) return;
  Shape in_strides(rank, 1);
  for (std::size_t d = rank; d-- > 1;) in_strides[d - 1] = in_strides[d] * in_shape[d];

  // The output's dimensions in order, each with its input stride; merging d into its predecessor p is
  // exact when p's stride is d's stride times d's size (they were neighbours in the input, in this order).
  Shape size, stride;
  for (std::size_t d = 0; d < rank; ++d) {
    const auto from = static_cast<std::size_t>(axes[d]);
    const std::int64_t n = in_shape[from], s = in_strides[from];
    if (n == 1) continue;
    if (!stride.empty() && stride.back() == s * n) {
      size.back() *= n;
      stride.back() = s;
    } else {
      size.push_back(n);
      stride.push_back(s);
    }
  }
  const std::size_t r = size.size();
  if (r <= 1) {  // nothing moves: one flat pass (after merging, a single dimension has stride 1)
    const std::int64_t n = numel(in_shape);
    for (std::int64_t i = 0; i < n; ++i) {
      if constexpr (Accumulate)
        out[i] += in[i];
      else
        out[i] = in[i];
    }
    return;
  }
  Shape out_strides(r, 1);
  for (std::size_t d = r; d-- > 1;) out_strides[d - 1] = out_strides[d] * size[d];
  // The input's innermost non-trivial dimension keeps stride 1 through the merging.
  const std::size_t unit =
      static_cast<std::size_t>(std::find(stride.begin(), stride.end(), 1) - stride.begin());
  const std::size_t last = r - 1;

  // The odometer runs over every dimension but `last` and `unit`.
  Shape outer;
  for (std::size_t d = 0; d < r; ++d)
    if (d != last && d != unit) outer.push_back(static_cast<std::int64_t>(d));
  std::int64_t count = 1;
  for (std::int64_t d : outer) count *= size[static_cast<std::size_t>(d)];
  Shape counter(outer.size(), 0);
  std::int64_t in_offset = 0, out_offset = 0;
  for (std::int64_t step = 0; step < count; ++step) {
    if (unit == last) {  // rows are contiguous on both sides
      const std::int64_t n = size[last];
      for (std::int64_t j = 0; j < n; ++j) {
        if constexpr (Accumulate)
          out[out_offset + j] += in[in_offset + j];
        else
          out[out_offset + j] = in[in_offset + j];
      }
    } else {
      transpose_tiles<Accumulate>(size[unit], size[last], in + in_offset, stride[last], out + out_offset,
                                  out_strides[unit]);
    }
    for (std::size_t k = outer.size(); k-- > 0;) {
      const auto d = static_cast<std::size_t>(outer[k]);
      in_offset += stride[d];
      out_offset += out_strides[d];
      if (++counter[k] < size[d]) break;
      in_offset -= stride[d] * size[d];
      out_offset -= out_strides[d] * size[d];
      counter[k] = 0;
    }
  }
}

}  // namespace tapegrad::detail
