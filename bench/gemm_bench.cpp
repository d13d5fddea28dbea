// SPDX-License-Identifier: MIT
// gemm_bench.cpp: GFLOP/s of detail::gemm (C += A B) on square sizes and on the products of the MLP configs
// (the shapes of ../shared/anchors/tensor, section 1), per path and thread count:
//   auto    the normal choice (with TAPEGRAD_BLAS, large products go to OpenBLAS)
//   kernel  the same choice without BLAS: tapegrad's own kernels, dispatched for this CPU
//   generic the same choice with the kernels forced to their portable 16-byte-vector build
//   avx2    the same with the AVX2 kernels (what a CPU without AVX-512 runs)
//   blas    every product through cblas_?gemm (TAPEGRAD_BLAS builds only)
// Names: BM_Gemm/<f32|f64>/<shape>/<path>/t<threads>; counters GFLOPS = 2 m n k / wall time, flop = 2 m n k.
// Wall time, since with two threads the main thread's CPU time would halve the cost; for one thread,
// flop / CPU time is the steadier figure on a shared machine (bench/gemm_table.py shows both).
// bench/gemm_table.py runs them interleaved and prints the table of bench/README.md.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "tapegrad/autodiff/kernels/gemm.hpp"
#include "tapegrad/autodiff/kernels/threading.hpp"

namespace {

using tapegrad::detail::GemmIsa;
using tapegrad::detail::GemmPath;

struct GemmShape {
  const char* name;
  std::int64_t m, n, k;
  bool a_transposed;  // A^T, as matmul's backward computes the weight gradient (db = a^T g)
};

// Squares, then the anchors' MLP products: C is 784-256-128-10 at batch 64, D is 784-1024-1024-10 at
// batch 256 (fwd: x W, dX: g W^T, dW: x^T g), A.fwd2 and B.fwd1 are hidden layers of the small configs.
constexpr GemmShape kShapes[] = {
    {"sq64", 64, 64, 64, false},         {"sq128", 128, 128, 128, false},
    {"sq256", 256, 256, 256, false},     {"sq512", 512, 512, 512, false},
    {"sq1024", 1024, 1024, 1024, false}, {"C.fwd", 64, 256, 784, false},
    {"C.dX", 64, 784, 256, false},       {"C.dW", 256, 784, 64, true},
    {"D.fwd1", 256, 1024, 784, false},   {"D.fwd2", 256, 1024, 1024, false},
    {"D.dW2", 1024, 1024, 256, true},    {"A.fwd2", 100, 16, 16, false},
    {"B.fwd1", 32, 128, 64, false},
};

struct Variant {
  const char* name;
  GemmPath path;
  GemmIsa isa;
};
constexpr Variant kVariants[] = {{"auto", GemmPath::automatic, GemmIsa::best},
                                 {"kernel", GemmPath::kernel, GemmIsa::best},
                                 {"generic", GemmPath::kernel, GemmIsa::generic},
                                 {"avx2", GemmPath::kernel, GemmIsa::avx2},
                                 {"blas", GemmPath::blas, GemmIsa::best}};

template <class T>
void gemm_benchmark(benchmark::State& state, GemmShape shape, Variant variant, int threads) {
  const auto previous = tapegrad::detail::set_gemm_override({variant.path, variant.isa, false});
  const int previous_threads = tapegrad::num_threads();
  tapegrad::set_num_threads(threads);
  std::mt19937 rng(42);
  std::uniform_real_distribution<T> uniform(-1, 1);
  const auto fill = [&](std::int64_t count) {
    std::vector<T> v(static_cast<std::size_t>(count));
    for (T& x : v) x = uniform(rng);
    return v;
  };
  const std::int64_t m = shape.m, n = shape.n, k = shape.k;
  const std::vector<T> a = fill(m * k), b = fill(k * n);
  std::vector<T> c(static_cast<std::size_t>(m * n), T{0});
  const std::int64_t a_row = shape.a_transposed ? 1 : k, a_col = shape.a_transposed ? m : 1;
  for (auto _ : state) {
    tapegrad::detail::gemm<T>(m, n, k, a.data(), a_row, a_col, b.data(), n, c.data(), n);
    benchmark::DoNotOptimize(c.data());
    benchmark::ClobberMemory();
  }
  state.counters["GFLOPS"] = benchmark::Counter(2e-9 * static_cast<double>(m * n * k),
                                                benchmark::Counter::kIsIterationInvariantRate);
  state.counters["flop"] = 2.0 * static_cast<double>(m * n * k);
  tapegrad::set_num_threads(previous_threads);
  tapegrad::detail::set_gemm_override(previous);
}

template <class T>
void register_all(const char* type) {
  for (const GemmShape& shape : kShapes)
    for (const Variant& v : kVariants) {
      if (!tapegrad::detail::gemm_path_available(v.path) || !tapegrad::detail::gemm_isa_available(v.isa))
        continue;
      for (int threads : {1, 2}) {
        const std::string name =
            std::string("BM_Gemm/") + type + "/" + shape.name + "/" + v.name + "/t" + std::to_string(threads);
        benchmark::RegisterBenchmark(name.c_str(), gemm_benchmark<T>, shape, v, threads)->UseRealTime();
      }
    }
}

const bool registered = [] {
  benchmark::AddCustomContext("gemm_kernel", tapegrad::detail::gemm_kernel_name());
  benchmark::AddCustomContext("gemm_blas", tapegrad::detail::gemm_blas_name());
  benchmark::AddCustomContext("gemm_uses_blas", tapegrad::detail::gemm_uses_blas() ? "yes" : "no");
  register_all<float>("f32");
  register_all<double>("f64");
  return true;
}();

}  // namespace
