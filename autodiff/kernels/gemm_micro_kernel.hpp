// SPDX-License-Identifier: MIT
// gemm_micro_kernel.hpp: the register-blocked inner kernel of gemm, written once with GCC/Clang vector
// extensions and compiled once per instruction set by gemm_generic.cpp, gemm_avx2.cpp and gemm_avx512.cpp.
// The vector width is a template argument, so the same source becomes SSE2, AVX2 or AVX-512 code (or NEON
// on ARM) depending on the flags of the file that instantiates it.
//
// Everything here has internal linkage on purpose: each including file compiles it for a different
// instruction set, and the linker must never pick the AVX-512 copy of a function for the generic path.
// For the same reason this file calls nothing from the standard library.
#pragma once

#include <cstdint>
#include <type_traits>

#include "tapegrad/autodiff/kernels/gemm_kernels.hpp"

namespace tapegrad::detail {
namespace {

template <class T, int kBytes>
struct VectorOf {
  typedef T type __attribute__((vector_size(kBytes)));
};

/// C[kMr, kNr] += A_panel B_panel, kNr = kNrVectors vectors of kBytes. Per step p, the panels hold the kMr
/// values A[0..kMr, p] and the kNr values B[p, 0..kNr], contiguously (packed, 64-byte aligned).
/// The kMr x kNrVectors accumulators live in registers for the whole loop; C is read and written once.
template <class T, int kBytes, int kMr, int kNrVectors>
void micro_kernel(std::int64_t kc, const T* a_panel, const T* b_panel, T* c, std::int64_t ldc) {
  using V = typename VectorOf<T, kBytes>::type;
  constexpr int kLanes = kBytes / static_cast<int>(sizeof(T));
  const T* a = static_cast<const T*>(__builtin_assume_aligned(a_panel, 64));
  const T* b = static_cast<const T*>(__builtin_assume_aligned(b_panel, 64));
  // Start fetching the C tile now: it is needed only after the loop, and on large products it comes from
  // L3 or memory, a wait that would otherwise follow every tile.
  constexpr int kRowBytes = kNrVectors * kBytes;
#pragma GCC unroll 16
  for (int i = 0; i < kMr; ++i)
#pragma GCC unroll 8
    for (int offset = 0; offset < kRowBytes; offset += 64)
      __builtin_prefetch(reinterpret_cast<const char*>(c + i * ldc) + offset, 1);
  V acc[kMr][kNrVectors] = {};
  for (std::int64_t p = 0; p < kc; ++p) {
    V bv[kNrVectors];
#pragma GCC unroll 8
    for (int j = 0; j < kNrVectors; ++j) __builtin_memcpy(&bv[j], b + j * kLanes, sizeof(V));
#pragma GCC unroll 16
    for (int i = 0; i < kMr; ++i) {
      const T ai = a[i];
#pragma GCC unroll 8
      for (int j = 0; j < kNrVectors; ++j) acc[i][j] += ai * bv[j];
    }
    a += kMr;
    b += kNrVectors * kLanes;
  }
  // memcpy: C has no alignment guarantee.
#pragma GCC unroll 16
  for (int i = 0; i < kMr; ++i) {
#pragma GCC unroll 8
    for (int j = 0; j < kNrVectors; ++j) {
      V cv;
      T* cij = c + i * ldc + j * kLanes;
      __builtin_memcpy(&cv, cij, sizeof(V));
      cv += acc[i][j];
      __builtin_memcpy(cij, &cv, sizeof(V));
    }
  }
}

/// The sum of v's lanes as a tree (halves added pairwise): log2(lanes) dependent adds instead of one per
/// lane, which a matrix-vector product pays once per row of C.
template <class T, int kBytes>
T horizontal_sum(typename VectorOf<T, kBytes>::type v) {
  constexpr int kLanes = kBytes / static_cast<int>(sizeof(T));
  T lanes[kLanes];
  __builtin_memcpy(lanes, &v, sizeof(lanes));
  for (int width = kLanes / 2; width >= 1; width /= 2)
    for (int l = 0; l < width; ++l) lanes[l] += lanes[l + width];
  return lanes[0];
}

/// C[m, n] += A B for n narrower than the smallest vector, matrix-vector products among them. Each column of
/// C is A times a column of B, vectorised along whichever dimension of A is contiguous: along k for a
/// row-major A (dot products; B's column is first gathered into a contiguous chunk), along m for A stored
/// transposed (a sum of A's columns). Several independent accumulators hide the multiply-add latency.
template <class T, int kBytes>
void narrow_gemm(std::int64_t m, std::int64_t n, std::int64_t k, const T* a, std::int64_t a_row,
                 std::int64_t a_col, const T* b, std::int64_t ldb, T* c, std::int64_t ldc, bool overwrite) {
  // Overwriting: zero C's columns first (they are few), then accumulate as usual.
  if (overwrite)
    for (std::int64_t i = 0; i < m; ++i)
      for (std::int64_t j = 0; j < n; ++j) c[i * ldc + j] = T{0};
  using V = typename VectorOf<T, kBytes>::type;
  constexpr int kLanes = kBytes / static_cast<int>(sizeof(T));
  constexpr int kRows = 4;  // rows (row-major A) or vectors of rows (transposed A) in flight
  const auto load = [](const T* p) {
    V v;
    __builtin_memcpy(&v, p, sizeof(V));
    return v;
  };
  for (std::int64_t j = 0; j < n; ++j) {
    if (a_col == 1) {
      constexpr std::int64_t kChunk = 512;
      T column[kChunk];
      for (std::int64_t p0 = 0; p0 < k; p0 += kChunk) {
        const std::int64_t kb = k - p0 < kChunk ? k - p0 : kChunk, kv = kb - kb % kLanes;
        for (std::int64_t p = 0; p < kb; ++p) column[p] = b[(p0 + p) * ldb + j];
        // kR rows of C's column j, kR a constant so that the accumulators stay in registers (with a run-time
        // count they lived on the stack, and every multiply-add waited on a store and a load).
        const auto dot_rows = [&]<int kR>(std::integral_constant<int, kR>, std::int64_t i) {
          V acc[kR] = {};
          T tail[kR] = {};
          for (std::int64_t p = 0; p < kv; p += kLanes) {
            const V bv = load(column + p);
            for (int r = 0; r < kR; ++r) acc[r] += load(a + (i + r) * a_row + p0 + p) * bv;
          }
          for (std::int64_t p = kv; p < kb; ++p)
            for (int r = 0; r < kR; ++r) tail[r] += a[(i + r) * a_row + p0 + p] * column[p];
          for (int r = 0; r < kR; ++r) c[(i + r) * ldc + j] += horizontal_sum<T, kBytes>(acc[r]) + tail[r];
        };
        std::int64_t i = 0;
        for (; i + kRows <= m; i += kRows) dot_rows(std::integral_constant<int, kRows>{}, i);
        for (; i < m; ++i) dot_rows(std::integral_constant<int, 1>{}, i);
      }
    } else if (a_row == 1) {
      std::int64_t i = 0;
      for (; i + kRows * kLanes <= m; i += kRows * kLanes) {
        V acc[kRows] = {};
        for (std::int64_t p = 0; p < k; ++p) {
          const T bpj = b[p * ldb + j];
          for (int v = 0; v < kRows; ++v) acc[v] += load(a + p * a_col + i + v * kLanes) * bpj;
        }
        for (int v = 0; v < kRows; ++v)
          for (int l = 0; l < kLanes; ++l) c[(i + v * kLanes + l) * ldc + j] += acc[v][l];
      }
      for (; i < m; ++i) {
        T acc = 0;
        for (std::int64_t p = 0; p < k; ++p) acc += a[p * a_col + i] * b[p * ldb + j];
        c[i * ldc + j] += acc;
      }
    } else {
      for (std::int64_t i = 0; i < m; ++i) {
        T acc = 0;
        for (std::int64_t p = 0; p < k; ++p) acc += a[i * a_row + p * a_col] * b[p * ldb + j];
        c[i * ldc + j] += acc;
      }
    }
  }
}

/// C[kMr, kNrVectors vectors] += A B over all k steps, reading A and B where they are (no packing):
/// the same register tile as micro_kernel, with unaligned loads of B's rows and strided reads of A.
template <class T, int kBytes, int kMr, int kNrVectors>
void direct_tile(std::int64_t k, const T* a, std::int64_t a_row, std::int64_t a_col, const T* b,
                 std::int64_t ldb, T* c, std::int64_t ldc, bool overwrite) {
  using V = typename VectorOf<T, kBytes>::type;
  constexpr int kLanes = kBytes / static_cast<int>(sizeof(T));
  V acc[kMr][kNrVectors] = {};
  for (std::int64_t p = 0; p < k; ++p) {
    V bv[kNrVectors];
    const T* bp = b + p * ldb;
#pragma GCC unroll 8
    for (int j = 0; j < kNrVectors; ++j) __builtin_memcpy(&bv[j], bp + j * kLanes, sizeof(V));
    const T* ap = a + p * a_col;
#pragma GCC unroll 16
    for (int i = 0; i < kMr; ++i) {
      const T ai = ap[i * a_row];
#pragma GCC unroll 8
      for (int j = 0; j < kNrVectors; ++j) acc[i][j] += ai * bv[j];
    }
  }
#pragma GCC unroll 16
  for (int i = 0; i < kMr; ++i) {
#pragma GCC unroll 8
    for (int j = 0; j < kNrVectors; ++j) {
      V cv = acc[i][j];
      T* cij = c + i * ldc + j * kLanes;
      if (!overwrite) {
        V old;
        __builtin_memcpy(&old, cij, sizeof(V));
        cv = old + cv;
      }
      __builtin_memcpy(cij, &cv, sizeof(V));
    }
  }
}

/// The rows [0, m) of one column strip in direct tiles of kMaxRows rows, then 4, 2 and 1 for the rest.
template <class T, int kBytes, int kMaxRows, int kNrVectors>
void direct_strip(std::int64_t m, std::int64_t k, const T* a, std::int64_t a_row, std::int64_t a_col,
                  const T* b, std::int64_t ldb, T* c, std::int64_t ldc, bool overwrite) {
  std::int64_t i = 0;
  for (; i + kMaxRows <= m; i += kMaxRows)
    direct_tile<T, kBytes, kMaxRows, kNrVectors>(k, a + i * a_row, a_row, a_col, b, ldb, c + i * ldc, ldc,
                                                 overwrite);
  if constexpr (kMaxRows > 4) {
    if (m - i >= 4) {
      direct_tile<T, kBytes, 4, kNrVectors>(k, a + i * a_row, a_row, a_col, b, ldb, c + i * ldc, ldc,
                                            overwrite);
      i += 4;
    }
  }
  if (m - i >= 2) {
    direct_tile<T, kBytes, 2, kNrVectors>(k, a + i * a_row, a_row, a_col, b, ldb, c + i * ldc, ldc,
                                          overwrite);
    i += 2;
  }
  if (m - i >= 1)
    direct_tile<T, kBytes, 1, kNrVectors>(k, a + i * a_row, a_row, a_col, b, ldb, c + i * ldc, ldc,
                                          overwrite);
}

/// C[m, n] += A B (with `overwrite`, C = A B) without packing, for products too small to repay it: strips of
/// two vectors' width, then one; the columns left over go to vectors of half the width, and so on down to 16
/// bytes, then to narrow_gemm (a 10-class output layer is 8 + 2 columns). narrow_gemm vectorises along k or
/// m, not along C's columns, so it gets the full width kNarrowBytes: a matrix-vector product at 16 bytes
/// ran 2.5x slower. Same contract as detail::gemm.
template <class T, int kBytes, int kMaxRows, int kNarrowBytes = kBytes>
void direct_gemm(std::int64_t m, std::int64_t n, std::int64_t k, const T* a, std::int64_t a_row,
                 std::int64_t a_col, const T* b, std::int64_t ldb, T* c, std::int64_t ldc, bool overwrite) {
  constexpr std::int64_t kLanes = kBytes / static_cast<int>(sizeof(T));
  std::int64_t j = 0;
  for (; j + 2 * kLanes <= n; j += 2 * kLanes)
    direct_strip<T, kBytes, kMaxRows, 2>(m, k, a, a_row, a_col, b + j, ldb, c + j, ldc, overwrite);
  for (; j + kLanes <= n; j += kLanes)
    direct_strip<T, kBytes, kMaxRows, 1>(m, k, a, a_row, a_col, b + j, ldb, c + j, ldc, overwrite);
  if (j == n) return;
  if constexpr (kBytes > 16) {
    direct_gemm<T, kBytes / 2, kMaxRows, kNarrowBytes>(m, n - j, k, a, a_row, a_col, b + j, ldb, c + j, ldc,
                                                       overwrite);
  } else {
    narrow_gemm<T, kNarrowBytes>(m, n - j, k, a, a_row, a_col, b + j, ldb, c + j, ldc, overwrite);
  }
}

/// The table entry for one element type: micro_kernel with a kMr x (kNrVectors vectors) register tile,
/// direct_gemm with tiles of up to kDirectRows rows, and the cache blocks (mc rows of A by kc steps in L2,
/// kc steps by nc columns of B in L3).
template <class T, int kBytes, int kMr, int kNrVectors, int kDirectRows>
constexpr GemmKernel<T> make_kernel(std::int64_t mc, std::int64_t kc, std::int64_t nc) {
  constexpr std::int64_t kNr = kNrVectors * (kBytes / static_cast<int>(sizeof(T)));
  static_assert(kMr * kNr <= 16 * 64, "gemm.cpp's edge tile holds at most 1024 elements");
  return {
      &micro_kernel<T, kBytes, kMr, kNrVectors>, &direct_gemm<T, kBytes, kDirectRows>, kMr, kNr, mc, kc, nc};
}

}  // namespace
}  // namespace tapegrad::detail
