// SPDX-License-Identifier: MIT
// gemm_avx512.cpp: gemm's kernels for AVX-512F. CMakeLists.txt compiles this file alone with -mavx512f
// -mfma; gemm.cpp calls into it only after checking that the CPU has both.
#include "tapegrad/autodiff/kernels/gemm_kernels.hpp"

#if defined(__AVX512F__) && defined(__FMA__)
#include "tapegrad/autodiff/kernels/gemm_micro_kernel.hpp"

namespace tapegrad::detail {
// 12 x 32 floats (12 x 16 doubles): 24 of the 32 zmm registers accumulate, two hold B, one a broadcast A.
const GemmKernelSet* gemm_kernels_avx512() noexcept {
  static constexpr GemmKernelSet kSet{"avx512", make_kernel<float, 64, 12, 2, 8>(240, 256, 4096),
                                      make_kernel<double, 64, 12, 2, 8>(120, 256, 2048)};
  return &kSet;
}
}  // namespace tapegrad::detail

#else
namespace tapegrad::detail {
const GemmKernelSet* gemm_kernels_avx512() noexcept {
  return nullptr;
}
}  // namespace tapegrad::detail
#endif
