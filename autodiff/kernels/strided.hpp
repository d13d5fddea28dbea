// SPDX-License-Identifier: MIT
// strided.hpp: the loops under every tensor op, written once as templates over float and double.
// Plain loops over contiguous memory that the compiler vectorises; the matrix product has its own files
// (kernels/gemm.hpp: blocked, per-instruction-set kernels, threads, optional BLAS).
//  - for_each_broadcast walks an output index space with one stride per input (0 on broadcast dimensions),
//    so the same walk computes a broadcast forward and, by accumulating through the zero strides, the
//    reduction of a gradient back to the input's shape.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>

#include "tapegrad/autodiff/core/shape.hpp"
#include "tapegrad/autodiff/kernels/gemm.hpp"

namespace tapegrad::detail {

/// Strides of `in` aligned to the last dimensions of `out` (0 where `in` has size 1 or no such dimension).
inline Shape broadcast_strides(const Shape& in, const Shape& out) {
  Shape strides(out.size(), 0);
  std::int64_t stride = 1;
  for (std::size_t k = 0; k < in.size(); ++k) {
    const std::size_t i = in.size() - 1 - k;  // walk from the last dimension
    const std::size_t o = out.size() - 1 - k;
    strides[o] = in[i] == 1 ? 0 : stride;
    stride *= in[i];
  }
  return strides;
}

/// Calls run(o, ia, ib, sa, sb, len) for consecutive runs of `len` output elements along the last
/// dimension of `out`: output offsets o .. o + len - 1 read a at ia + j * sa and b at ib + j * sb, with
/// sa, sb in {0, 1} (0 where that input is broadcast along the last dimension). Equal shapes are one run.
template <class F>
void for_each_broadcast_run(const Shape& out, const Shape& a, const Shape& b, F&& run) {
  const std::int64_t n = numel(out);
  if (n == 0) return;
  if (a == out && b == out) {
    run(0, 0, 0, 1, 1, n);
    return;
  }
  if (out.empty()) {  // all three are scalars
    run(0, 0, 0, 1, 1, 1);
    return;
  }
  const Shape sa = broadcast_strides(a, out), sb = broadcast_strides(b, out);
  const std::size_t rank = out.size();
  const std::int64_t inner = out[rank - 1];
  Shape counter(rank, 0);
  std::int64_t oa = 0, ob = 0;
  for (std::int64_t o = 0; o < n; o += inner) {
    run(o, oa, ob, sa[rank - 1], sb[rank - 1], inner);
    // Odometer over the outer dimensions, moving the input offsets by their strides.
    for (std::size_t d = rank - 1; d-- > 0;) {
      oa += sa[d];
      ob += sb[d];
      if (++counter[d] < out[d]) break;
      oa -= sa[d] * out[d];
      ob -= sb[d] * out[d];
      counter[d] = 0;
    }
  }
}

/// Calls f(out_offset, a_offset, b_offset) for every element of `out`, in row-major order, where a and b
/// broadcast to `out`: for_each_broadcast_run's runs, element by element.
template <class F>
void for_each_broadcast(const Shape& out, const Shape& a, const Shape& b, F&& f) {
  for_each_broadcast_run(out, a, b,
                         [&](std::int64_t o, std::int64_t ia, std::int64_t ib, std::int64_t sa,
                             std::int64_t sb, std::int64_t len) {
                           for (std::int64_t j = 0; j < len; ++j) f(o + j, ia + j * sa, ib + j * sb);
                         });
}

/// A tensor seen as [outer, n, inner] around `axis`: reductions and softmax walk axis `n` at stride `inner`.
struct AxisSplit {
  std::int64_t outer = 1, n = 1, inner = 1;
};
inline AxisSplit split_at(const Shape& shape, std::size_t axis) {
  AxisSplit s;
  for (std::size_t d = 0; d < axis; ++d) s.outer *= shape[d];
  s.n = shape[axis];
  for (std::size_t d = axis + 1; d < shape.size(); ++d) s.inner *= shape[d];
  return s;
}

/// out[cols, rows] = in[rows, cols]^T, in 32 x 32 tiles so both sides stay in cache.
template <class T>
void transpose_2d(std::int64_t rows, std::int64_t cols, const T* in, T* out) {
  constexpr std::int64_t kTile = 32;
  for (std::int64_t ii = 0; ii < rows; ii += kTile)
    for (std::int64_t jj = 0; jj < cols; jj += kTile)
      for (std::int64_t i = ii; i < std::min(rows, ii + kTile); ++i)
        for (std::int64_t j = jj; j < std::min(cols, jj + kTile); ++j) out[j * rows + i] = in[i * cols + j];
}

}  // namespace tapegrad::detail
