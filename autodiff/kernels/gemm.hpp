// SPDX-License-Identifier: MIT
// gemm.hpp: C += A B, the matrix product under matmul and its backward.
// One entry point picks, per call, the cheapest of three ways to compute the product:
//  - small products take a direct kernel that reads A and B where they are, since packing would cost more
//    than it saves;
//  - larger ones take a cache-blocked kernel (Goto's scheme: B and A are copied into aligned panels that
//    stay in L1 and L2, and a register-blocked micro-kernel multiplies them), compiled for SSE2/AVX2/AVX-512
//    and chosen once at run time for the CPU at hand, so the default build is portable yet uses the host's
//    widest vectors; large ones split over tapegrad's thread pool (num_threads());
//  - with TAPEGRAD_BLAS, the largest go to cblas_sgemm/cblas_dgemm (OpenBLAS threads them itself).
#pragma once

#include <cstddef>
#include <cstdint>

namespace tapegrad::detail {

/// C[m, n] += A B for a row-major B [k, n] (leading dimension ldb) and C (ldc); element (i, p) of A is
/// a[i * a_row + p * a_col], so one kernel serves A ([m, k], a_row = lda, a_col = 1) and A^T (A stored
/// [k, m], a_row = 1, a_col = lda). With `overwrite`, C = A B: C's old contents are never read (it may hold
/// garbage, such as a fresh buffer), which saves zero-filling it first. C must not overlap A or B.
/// Instantiated for float and double.
/// Example: `gemm<float>(m, n, k, a, k, 1, b, n, c, n);` adds the product of row-major a and b to c.
template <class T>
void gemm(std::int64_t m, std::int64_t n, std::int64_t k, const T* a, std::int64_t a_row, std::int64_t a_col,
          const T* b, std::int64_t ldb, T* c, std::int64_t ldc, bool overwrite = false);

/// Ways gemm can compute a product. `automatic` is the normal per-call choice; `kernel` is the same choice
/// with BLAS left out (what a build without TAPEGRAD_BLAS does); the others force one way for every size.
enum class GemmPath { automatic, kernel, direct, packed, blas };
/// Instruction sets of tapegrad's kernels; `best` is the widest this CPU runs, chosen once.
enum class GemmIsa { best, generic, avx2, avx512 };

/// Test and benchmark hook: forces every later gemm call onto one path and one instruction set, and with
/// `always_split` splits every packed product over num_threads() threads regardless of its size (otherwise
/// only large ones). Returns the previous setting. Not for concurrent use.
/// Example: `auto previous = set_gemm_override({GemmPath::packed, GemmIsa::generic}); ...`
struct GemmOverride {
  GemmPath path = GemmPath::automatic;
  GemmIsa isa = GemmIsa::best;
  bool always_split = false;
};
GemmOverride set_gemm_override(GemmOverride override) noexcept;

/// Whether `path` can run here (blas: built with TAPEGRAD_BLAS).
bool gemm_path_available(GemmPath path) noexcept;
/// Whether `isa` can run here: compiled in, and supported by this CPU.
bool gemm_isa_available(GemmIsa isa) noexcept;

/// The instruction set `best` stands for here: "avx512", "avx2" or "generic".
const char* gemm_kernel_name() noexcept;

/// The BLAS linked in: OpenBLAS's kernel name (e.g. "Haswell", "SkylakeX"), "cblas" for another CBLAS, or
/// "none"; and whether the automatic path hands it large products here (not when OpenBLAS's kernel is
/// narrower than ours). For benchmark reports.
const char* gemm_blas_name() noexcept;
bool gemm_uses_blas() noexcept;

/// How many times this thread's packing scratch has grown: it only grows, so a loop repeating the same
/// products stops allocating after its first pass (tests check this).
std::size_t gemm_scratch_allocations() noexcept;

}  // namespace tapegrad::detail
