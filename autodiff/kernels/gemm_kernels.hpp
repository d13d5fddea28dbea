// SPDX-License-Identifier: MIT
// gemm_kernels.hpp: what one instruction set contributes to gemm, as a table of function pointers.
// The same source (gemm_micro_kernel.hpp) is compiled three times, each time with different target flags:
// gemm_generic.cpp with the build's own flags, gemm_avx2.cpp with -mavx2 -mfma, gemm_avx512.cpp with
// -mavx512f. gemm.cpp asks the CPU once which of them it can run and calls through the chosen table, so the
// default build stays portable and still uses the host's widest vectors.
#pragma once

#include <cstdint>

namespace tapegrad::detail {

/// Kernels and block sizes of one instruction set for one element type.
template <class T>
struct GemmKernel {
  /// C[mr, nr] += A_panel B_panel over kc steps: a_panel holds mr values per step and b_panel nr values per
  /// step, both packed contiguously and 64-byte aligned; C is row-major with leading dimension ldc.
  void (*micro)(std::int64_t kc, const T* a_panel, const T* b_panel, T* c, std::int64_t ldc);
  /// The unpacked path for products too small to repay packing: same contract as detail::gemm.
  void (*direct)(std::int64_t m, std::int64_t n, std::int64_t k, const T* a, std::int64_t a_row,
                 std::int64_t a_col, const T* b, std::int64_t ldb, T* c, std::int64_t ldc, bool overwrite);
  std::int64_t mr, nr;      // register tile: rows of C by columns of C
  std::int64_t mc, kc, nc;  // cache blocks: A block mc x kc stays in L2, B micro-panel kc x nr in L1
};

/// The float and double kernels of one instruction set.
struct GemmKernelSet {
  const char* name;
  GemmKernel<float> f32;
  GemmKernel<double> f64;
};

/// Compiled with the build's baseline flags: always available.
const GemmKernelSet& gemm_kernels_generic() noexcept;
/// nullptr when the compiler could not target the instruction set (not x86-64, or no such flag).
/// Callers must also check that the CPU supports it before calling anything in the table.
const GemmKernelSet* gemm_kernels_avx2() noexcept;
const GemmKernelSet* gemm_kernels_avx512() noexcept;

}  // namespace tapegrad::detail
