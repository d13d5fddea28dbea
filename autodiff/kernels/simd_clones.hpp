// SPDX-License-Identifier: MIT
// simd_clones.hpp: elementwise loops compiled for the widest vectors the CPU runs, in a portable build.
// The default x86-64 build targets SSE2 (2 doubles per instruction). TAPEGRAD_SIMD_CLONES asks GCC for three
// copies of a function (AVX-512, AVX2, baseline) and an ifunc that picks one when the program loads, as gemm
// picks its kernels at run time. A call through the ifunc costs a few nanoseconds, so the callers use the
// cloned loop only for runs of kSimdCloneMinLength elements or more and an inline baseline copy below that.
// Results are the same in every copy: the tensor front end's sources, where the kernels are instantiated, is
// compiled with -ffp-contract=off (no fusing of a * b + c into an FMA in the wide copies; see
// CMakeLists.txt), and no loop reassociates a sum (tests/autodiff/tensor/long_runs_test.cpp checks
// bit-identity). Clang 14 rejects target_clones on templates, and a -march=native build already has the
// host's vectors: both get the inline loop only. TAPEGRAD_NO_SIMD_CLONES (CMake: TAPEGRAD_SIMD_CLONES=OFF,
// set by the tsan preset) turns the copies off: ThreadSanitizer's instrumented ifunc resolver runs during
// relocation, before the TSan runtime is set up, and crashes the program at start-up.
#pragma once

#include <cstdint>

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && !defined(__AVX2__) && \
    !defined(TAPEGRAD_NO_SIMD_CLONES)
#define TAPEGRAD_SIMD_CLONES [[gnu::target_clones("avx512f", "avx2", "default")]]
#define TAPEGRAD_HAS_SIMD_CLONES 1
#else
#define TAPEGRAD_SIMD_CLONES
#define TAPEGRAD_HAS_SIMD_CLONES 0
#endif

namespace tapegrad::detail {

/// Runs shorter than this stay on the inline loop: a call through the ifunc costs a few nanoseconds, which
/// short runs (an MLP's bias runs are 16 elements long) would not win back from wider vectors.
inline constexpr std::int64_t kSimdCloneMinLength = 64;

}  // namespace tapegrad::detail
