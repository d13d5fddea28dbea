// SPDX-License-Identifier: MIT
// gemm_generic.cpp: gemm's kernels with the build's own flags (SSE2 on a plain x86-64 build, NEON on
// ARM64, whatever -march=native allows with TAPEGRAD_NATIVE): the path every CPU can run.
#include "tapegrad/autodiff/kernels/gemm_kernels.hpp"
#include "tapegrad/autodiff/kernels/gemm_micro_kernel.hpp"

namespace tapegrad::detail {
// 16-byte vectors, which every 64-bit target has: 4 x 8 floats (4 x 4 doubles) keep the accumulators,
// B and the product of a multiply and a separate add within 16 registers.
const GemmKernelSet& gemm_kernels_generic() noexcept {
  static constexpr GemmKernelSet kSet{"generic", make_kernel<float, 16, 4, 2, 4>(128, 256, 4096),
                                      make_kernel<double, 16, 4, 2, 4>(128, 256, 2048)};
  return kSet;
}
}  // namespace tapegrad::detail
