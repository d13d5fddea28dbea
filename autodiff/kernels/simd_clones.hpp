// SPDX-License-Identifier: MIT
// simd_clones.hpp: elementwise loops compiled for the widest vectors the CPU runs, in a portable build.
// The default x86-64 build targets SSE2 (2 doubles per instruction). run_widest<Loop>(args...) compiles
// Loop::run three times, as AVX-512, AVX2 and baseline copies (gnu::target on a template, which GCC and
// Clang both accept, where Clang 14 rejects target_clones on templates), and calls the copy the CPU runs,
// read once per process, as gemm picks its kernels at run time. Loop::run is always inlined into each copy,
// so its body, and every inline function it calls, is compiled for that copy's vectors; a function it calls
// out of line keeps the baseline code, so no copy leaks into the rest of the program. The dispatch costs a
// load and an indirect branch, so callers use it only for runs of kSimdCloneMinLength elements or more and
// the inline baseline loop below that.
// Results are the same in every copy: the tensor front end's sources, where the kernels are instantiated,
// are compiled with -ffp-contract=off (no fusing of a * b + c into an FMA in the wide copies, which AVX-512
// allows; see CMakeLists.txt), and no loop reassociates a sum (tests/autodiff/tensor/long_runs_test.cpp
// checks bit-identity). A build for a given CPU (-march=native, -mavx2) already has that CPU's vectors and
// gets the inline loop only, as does TAPEGRAD_NO_SIMD_CLONES (CMake: TAPEGRAD_SIMD_CLONES=OFF).
#pragma once

#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "tapegrad/autodiff/core/inline.hpp"

#if (defined(__GNUC__) || defined(__clang__)) && defined(__x86_64__) && !defined(__AVX2__) && \
    !defined(TAPEGRAD_NO_SIMD_CLONES)
#define TAPEGRAD_HAS_SIMD_CLONES 1
#else
#define TAPEGRAD_HAS_SIMD_CLONES 0
#endif

namespace tapegrad::detail {

/// Runs shorter than this stay on the inline loop: the dispatch costs a few nanoseconds, which short runs
/// (an MLP's bias runs are 16 elements long) would not win back from wider vectors.
inline constexpr std::int64_t kSimdCloneMinLength = 64;

#if TAPEGRAD_HAS_SIMD_CLONES

enum class SimdLevel : unsigned char { baseline, avx2, avx512 };

/// The widest copy this CPU (and its operating system, which must save the wider registers) runs, capped by
/// the environment variable TAPEGRAD_SIMD=baseline|avx2 if set (to compare the copies in one binary, or to
/// rule them out when chasing a problem; the results are the same either way).
inline SimdLevel simd_level() noexcept {
  static const SimdLevel level = [] {
    __builtin_cpu_init();
    SimdLevel widest = __builtin_cpu_supports("avx512f") ? SimdLevel::avx512
                       : __builtin_cpu_supports("avx2")  ? SimdLevel::avx2
                                                         : SimdLevel::baseline;
    if (const char* cap = std::getenv("TAPEGRAD_SIMD")) {
      const std::string_view name(cap);
      const SimdLevel limit = name == "baseline" ? SimdLevel::baseline
                              : name == "avx2"   ? SimdLevel::avx2
                                                 : SimdLevel::avx512;
      if (limit < widest) widest = limit;
    }
    return widest;
  }();
  return level;
}

template <class Loop, class... Args>
[[gnu::target("avx512f"), gnu::noinline]] void run_avx512(const Args&... args) {
  Loop::run(args...);
}
template <class Loop, class... Args>
[[gnu::target("avx2"), gnu::noinline]] void run_avx2(const Args&... args) {
  Loop::run(args...);
}
template <class Loop, class... Args>
[[gnu::noinline]] void run_baseline(const Args&... args) {
  Loop::run(args...);
}

/// Calls Loop::run(args...) (a static TAPEGRAD_INLINE function) in the widest copy the CPU runs.
template <class Loop, class... Args>
void run_widest(const Args&... args) {
  switch (simd_level()) {
    case SimdLevel::avx512:
      return run_avx512<Loop>(args...);
    case SimdLevel::avx2:
      return run_avx2<Loop>(args...);
    case SimdLevel::baseline:
      break;
  }
  run_baseline<Loop>(args...);
}

#else

/// Without copies (see above): the loop itself.
template <class Loop, class... Args>
TAPEGRAD_INLINE void run_widest(const Args&... args) {
  Loop::run(args...);
}

#endif

}  // namespace tapegrad::detail
