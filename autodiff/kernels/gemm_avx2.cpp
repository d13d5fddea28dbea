// SPDX-License-Identifier: MIT
// gemm_avx2.cpp: gemm's kernels for AVX2 + FMA. CMakeLists.txt compiles this file alone with -mavx2 -mfma;
// gemm.cpp calls into it only after checking that the CPU has both.
#include "tapegrad/autodiff/kernels/gemm_kernels.hpp"

#if defined(__AVX2__) && defined(__FMA__)
#include "tapegrad/autodiff/kernels/gemm_micro_kernel.hpp"

namespace tapegrad::detail {
// 6 x 16 floats (6 x 8 doubles): 12 of the 16 ymm registers accumulate, two hold B, one a broadcast A.
const GemmKernelSet* gemm_kernels_avx2() noexcept {
  static constexpr GemmKernelSet kSet{"avx2", make_kernel<float, 32, 6, 2, 6>(240, 256, 4096),
                                      make_kernel<double, 32, 6, 2, 6>(120, 256, 2048)};
  return &kSet;
}
}  // namespace tapegrad::detail

#else
namespace tapegrad::detail {
const GemmKernelSet* gemm_kernels_avx2() noexcept {
  return nullptr;
}
}  // namespace tapegrad::detail
#endif
