// SPDX-License-Identifier: MIT
// gemm_test.cpp: detail::gemm (C += A B) against a naive triple loop in long double, on every path this
// machine can run (the unpacked loop, the blocked kernel for each instruction set the CPU has, BLAS when
// linked, and the automatic choice), single-threaded and split over threads. Shapes include empty and
// one-element sizes, sizes that are not multiples of any register tile or cache block, both orientations of
// A, and leading dimensions larger than the rows, whose padding must come out untouched.
#include "tapegrad/autodiff/kernels/gemm.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "tapegrad/autodiff/autodiff.hpp"
#include "tapegrad/autodiff/kernels/thread_pool.hpp"
#include "test_support.hpp"

namespace {

using tapegrad::detail::gemm;
using tapegrad::detail::GemmIsa;
using tapegrad::detail::GemmOverride;
using tapegrad::detail::GemmPath;
using tapegrad::detail::set_gemm_override;

// One way through gemm: a path, and the instruction set of the kernel it runs.
struct Route {
  GemmPath path;
  GemmIsa isa;
};

std::string name_of(const Route& r) {
  const char* paths[] = {"automatic", "kernel", "direct", "packed", "blas"};
  const char* isas[] = {"best", "generic", "avx2", "avx512"};
  return std::string(paths[static_cast<int>(r.path)]) + "/" + isas[static_cast<int>(r.isa)];
}

// Every route this machine can run: the automatic choices, the direct and the packed kernel of each
// instruction set the CPU has, and BLAS when linked.
std::vector<Route> available_routes() {
  std::vector<Route> routes = {{GemmPath::automatic, GemmIsa::best}, {GemmPath::kernel, GemmIsa::best}};
  for (GemmIsa isa : {GemmIsa::generic, GemmIsa::avx2, GemmIsa::avx512})
    if (tapegrad::detail::gemm_isa_available(isa))
      for (GemmPath path : {GemmPath::direct, GemmPath::packed}) routes.push_back({path, isa});
  if (tapegrad::detail::gemm_path_available(GemmPath::blas))
    routes.push_back({GemmPath::blas, GemmIsa::best});
  return routes;
}

// Forces a route and a thread count for its lifetime, then restores both.
class ForcedGemm {
 public:
  ForcedGemm(Route route, bool always_split, int threads)
      : previous_(set_gemm_override({route.path, route.isa, always_split})),
        threads_(tapegrad::num_threads()) {
    tapegrad::set_num_threads(threads);
  }
  ForcedGemm(const ForcedGemm&) = delete;
  ForcedGemm& operator=(const ForcedGemm&) = delete;
  ~ForcedGemm() {
    set_gemm_override(previous_);
    tapegrad::set_num_threads(threads_);
  }

 private:
  GemmOverride previous_;
  int threads_;
};

struct Case {
  std::int64_t m, n, k;
  bool a_transposed;  // A stored [k, m] (a_row = 1) instead of [m, k] (a_col = 1)
  std::int64_t pad;   // added to every leading dimension
};

std::string describe(const Case& c) {
  return std::to_string(c.m) + "x" + std::to_string(c.n) + "x" + std::to_string(c.k) +
         (c.a_transposed ? " A^T" : " A") + " pad " + std::to_string(c.pad);
}

// Runs one product on the current path and checks every element of C, padding included. Returns the number
// of wrong elements (0 when the product is right), so a failure reports the case once, not per element.
// With `overwrite`, C starts as NaN (a value read into any sum would show) and must come out as A B.
template <class T>
std::int64_t wrong_elements(const Case& c, std::mt19937_64& rng, bool overwrite = false) {
  const std::int64_t lda = (c.a_transposed ? c.m : c.k) + c.pad;
  const std::int64_t a_rows = c.a_transposed ? c.k : c.m;
  const std::int64_t ldb = c.n + c.pad, ldc = c.n + c.pad;
  const auto fill = [&](std::int64_t count) {
    std::vector<T> v(static_cast<std::size_t>(std::max<std::int64_t>(count, 1)));
    for (T& x : v) x = static_cast<T>(tapegrad::test::uniform(rng, -1.0, 1.0));
    return v;
  };
  const std::vector<T> a = fill(a_rows * lda), b = fill(c.k * ldb);
  std::vector<T> c0 = fill(c.m * ldc);
  if (overwrite)
    for (std::int64_t i = 0; i < c.m; ++i)
      for (std::int64_t j = 0; j < c.n; ++j)
        c0[static_cast<std::size_t>(i * ldc + j)] = std::numeric_limits<T>::quiet_NaN();
  std::vector<T> out = c0;
  const std::int64_t a_row = c.a_transposed ? 1 : lda, a_col = c.a_transposed ? lda : 1;
  gemm<T>(c.m, c.n, c.k, a.data(), a_row, a_col, b.data(), ldb, out.data(), ldc, overwrite);

  // Worst-case rounding of a k-term sum is about k eps times the sum of magnitudes; a missing or doubled
  // term is about 1/k of it, so this bound still catches every indexing mistake.
  const long double tolerance =
      4.0L * static_cast<long double>(c.k + 1) * static_cast<long double>(std::numeric_limits<T>::epsilon());
  std::int64_t wrong = 0;
  for (std::int64_t i = 0; i < c.m; ++i) {
    for (std::int64_t j = 0; j < ldc; ++j) {
      const std::size_t at = static_cast<std::size_t>(i * ldc + j);
      if (j >= c.n) {  // padding: never written
        wrong += out[at] != c0[at];
        continue;
      }
      long double exact = overwrite ? 0.0L : static_cast<long double>(c0[at]), magnitude = std::fabs(exact);
      for (std::int64_t p = 0; p < c.k; ++p) {
        const long double term =
            static_cast<long double>(a[static_cast<std::size_t>(i * a_row + p * a_col)]) *
            static_cast<long double>(b[static_cast<std::size_t>(p * ldb + j)]);
        exact += term;
        magnitude += std::fabs(term);
      }
      wrong += !(std::fabs(static_cast<long double>(out[at]) - exact) <= tolerance * magnitude);
    }
  }
  return wrong;
}

template <class T>
void check_cases(const std::vector<Case>& cases, Route route, bool always_split, int threads,
                 bool overwrite = false) {
  ForcedGemm forced(route, always_split, threads);
  std::mt19937_64 rng = tapegrad::test::make_rng(tapegrad::test::kSeed);
  for (const Case& c : cases) {
    CAPTURE(name_of(route));
    CAPTURE(threads);
    CAPTURE(overwrite);
    CAPTURE(describe(c));
    CHECK(wrong_elements<T>(c, rng, overwrite) == 0);
  }
}

// Every combination of sizes around the register tiles (4 x 8 generic, 6 x 16 AVX2, 12 x 32 AVX-512 for
// float; half the columns for double), empty sizes included, in both orientations, with and without padding.
std::vector<Case> small_cases() {
  std::vector<Case> cases;
  for (std::int64_t m : {0, 1, 3, 7, 12, 13, 25})
    for (std::int64_t n : {0, 1, 3, 5, 8, 14, 17, 33})
      for (std::int64_t k : {0, 1, 6, 19})
        for (bool t : {false, true}) cases.push_back({m, n, k, t, (m + n + k) % 3 == 0 ? 0 : 3});
  // Matrix-vector products (narrow_gemm at full vector width), k past several vectors and not a multiple.
  for (bool t : {false, true}) {
    cases.push_back({100, 1, 100, t, 0});
    cases.push_back({37, 2, 70, t, 1});
  }
  return cases;
}

// Past every cache block: k > kc (256), m > mc (120-128), n > nc (2048 for double, 4096 for float).
std::vector<Case> large_cases() {
  return {{130, 70, 300, false, 0}, {130, 70, 300, true, 5}, {3, 4100, 5, false, 1},
          {3, 4100, 5, true, 0},    {257, 33, 513, true, 2}, {61, 129, 257, false, 7}};
}

// Tall (split by rows) and wide (split by columns) products, each also with more steps than one cache
// block (k > kc, so every block is a separate parallel job), a product with fewer tiles than threads, and
// one of a single tile.
std::vector<Case> split_cases() {
  return {{200, 20, 40, false, 0}, {200, 20, 40, true, 2},   {20, 200, 40, false, 1}, {20, 200, 40, true, 0},
          {300, 40, 300, true, 1}, {40, 300, 300, false, 0}, {13, 40, 9, false, 3},   {5, 7, 3, true, 0}};
}

}  // namespace

TEST_CASE_TEMPLATE("gemm: every path matches a naive triple loop on small and ragged shapes", T, float,
                   double) {
  const std::vector<Case> cases = small_cases();
  for (Route route : available_routes()) check_cases<T>(cases, route, false, 1);
}

TEST_CASE_TEMPLATE("gemm: with overwrite every path stores A B and never reads C", T, float, double) {
  std::vector<Case> cases = small_cases();
  for (const Case& c : large_cases()) cases.push_back(c);
  for (Route route : available_routes()) check_cases<T>(cases, route, false, 1, true);
  for (Route route : available_routes()) check_cases<T>(split_cases(), route, true, 2, true);
}

TEST_CASE_TEMPLATE("gemm: blocked paths are right across cache block boundaries", T, float, double) {
  const std::vector<Case> cases = large_cases();
  for (Route route : available_routes()) check_cases<T>(cases, route, false, 1);
}

TEST_CASE_TEMPLATE("gemm: products split over threads match a naive triple loop" *
                       doctest::test_suite("threads"),
                   T, float, double) {
  const std::vector<Case> cases = split_cases();
  for (Route route : available_routes())
    for (int threads : {2, 3}) check_cases<T>(cases, route, true, threads);
}

TEST_CASE_TEMPLATE("gemm: the automatic choice is right on both sides of its size thresholds", T, float,
                   double) {
  // From tiny (unpacked loop) through medium (blocked) to large (threaded, or BLAS when linked).
  const std::vector<Case> cases = {{100, 16, 16, false, 0},
                                   {32, 128, 64, true, 0},
                                   {64, 96, 80, false, 2},
                                   {160, 140, 150, true, 1},
                                   {200, 190, 210, false, 0}};
  for (int threads : {1, 2}) check_cases<T>(cases, {GemmPath::automatic, GemmIsa::best}, false, threads);
}

TEST_CASE("gemm: the packing scratch stops growing once the largest product has run") {
  for (Route route : available_routes()) {
    if (route.path != GemmPath::packed) continue;
    CAPTURE(name_of(route));
    ForcedGemm forced(route, false, 1);
    std::mt19937_64 rng = tapegrad::test::make_rng(tapegrad::test::kSeed);
    const std::vector<Case> step = {{40, 50, 60, false, 0}, {60, 40, 50, true, 0}, {20, 30, 40, false, 0}};
    for (const Case& c : step) CHECK(wrong_elements<float>(c, rng) == 0);  // first pass: the scratch grows
    const std::size_t before = tapegrad::detail::gemm_scratch_allocations();
    for (int repeat = 0; repeat < 3; ++repeat)
      for (const Case& c : step) CHECK(wrong_elements<float>(c, rng) == 0);
    CHECK(tapegrad::detail::gemm_scratch_allocations() == before);
  }
}

TEST_CASE("gemm: the thread pool is started once and reused" * doctest::test_suite("threads")) {
  ForcedGemm forced({GemmPath::packed, GemmIsa::generic}, true, 2);
  std::mt19937_64 rng = tapegrad::test::make_rng(tapegrad::test::kSeed);
  const Case c{64, 64, 16, false, 0};
  CHECK(wrong_elements<float>(c, rng) == 0);
  const int workers = tapegrad::detail::pool_workers();
  CHECK(workers >= 1);
  for (int repeat = 0; repeat < 5; ++repeat) CHECK(wrong_elements<float>(c, rng) == 0);
  CHECK(tapegrad::detail::pool_workers() == workers);
}

TEST_CASE("gemm: parallel_for runs every task once and runs nested calls inline" *
          doctest::test_suite("threads")) {
  std::vector<int> runs(5, 0), inner(5, 0);  // one slot per task: no two threads write the same one
  tapegrad::detail::parallel_for(5, [&](int i) {
    const auto slot = static_cast<std::size_t>(i);
    ++runs[slot];
    tapegrad::detail::parallel_for(3, [&](int) { ++inner[slot]; });  // runs on this thread
  });
  CHECK(runs == std::vector<int>(5, 1));
  CHECK(inner == std::vector<int>(5, 3));
}

TEST_CASE("gemm: the instruction set reported as best is the widest that runs") {
  CHECK(tapegrad::detail::gemm_isa_available(GemmIsa::best));
  CHECK(tapegrad::detail::gemm_isa_available(GemmIsa::generic));
  const std::string best = tapegrad::detail::gemm_kernel_name();
  if (tapegrad::detail::gemm_isa_available(GemmIsa::avx512)) {
    CHECK(best == "avx512");
  } else if (tapegrad::detail::gemm_isa_available(GemmIsa::avx2)) {
    CHECK(best == "avx2");
  } else {
    CHECK(best == "generic");
  }
}

TEST_CASE("threading: set_num_threads rejects more than max_num_threads") {
  const int before = tapegrad::num_threads();
  const int most = tapegrad::max_num_threads();
  CHECK(most >= 8);
  const std::string expected = "set_num_threads: expected at most " + std::to_string(most) +
                               " threads (4 per hardware thread), got " + std::to_string(most + 1);
  CHECK_THROWS_WITH_AS(tapegrad::set_num_threads(most + 1), doctest::Contains(expected.c_str()),
                       tapegrad::DomainError);
  CHECK_THROWS_AS(tapegrad::set_num_threads(1 << 30), tapegrad::DomainError);
  CHECK(tapegrad::num_threads() == before);  // unchanged
  tapegrad::set_num_threads(most);
  CHECK(tapegrad::num_threads() == most);
  tapegrad::set_num_threads(before);
}

TEST_CASE("threading: set_num_threads sets the count and rejects fewer than one thread") {
  const int before = tapegrad::num_threads();
  CHECK(before >= 1);
  tapegrad::set_num_threads(3);
  CHECK(tapegrad::num_threads() == 3);
  CHECK_THROWS_WITH_AS(tapegrad::set_num_threads(0),
                       doctest::Contains("set_num_threads: expected at least 1 thread, got 0"),
                       tapegrad::DomainError);
  CHECK(tapegrad::num_threads() == 3);
  tapegrad::set_num_threads(before);
  CHECK(tapegrad::num_threads() == before);
}
