// SPDX-License-Identifier: MIT
#include "tapegrad/autodiff/kernels/gemm.hpp"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <climits>
#include <cstddef>
#include <cstring>
#include <new>
#include <string>

#include "tapegrad/autodiff/kernels/gemm_kernels.hpp"
#include "tapegrad/autodiff/kernels/thread_pool.hpp"
#include "tapegrad/autodiff/kernels/threading.hpp"

#ifdef TAPEGRAD_HAVE_CBLAS
#include <cblas.h>
#endif
#ifdef TAPEGRAD_HAVE_OPENBLAS
// Declared here rather than taken from OpenBLAS's cblas.h, whose location differs between distributions.
extern "C" char* openblas_get_corename(void);
#endif

namespace tapegrad::detail {
namespace {

// Size thresholds in multiply-adds (m n k), measured with bench/gemm_bench.cpp (bench/README.md).
// Up to kDirectMaxMacs (256^3), the direct kernel is as fast as the packed one or faster: its operands
// still fit in L2, and it saves the copies. From kSplitMinMacs on, a second thread repays its wake-up.
// From kBlasMinMacs on, an AVX-512 OpenBLAS beats our packed kernel on one thread.
constexpr double kDirectMaxMacs = 256.0 * 256 * 256;
constexpr double kSplitMinMacs = 4.0 * 1024 * 1024;
#ifdef TAPEGRAD_HAVE_CBLAS
constexpr double kBlasMinMacs = 256.0 * 256 * 256;
#endif

// Runs of register tiles per thread when a product is split (runs_for).
constexpr int kRunsPerThread = 4;

// Largest register tile of any kernel set, in elements (AVX-512 float: 12 x 32).
constexpr std::int64_t kMaxTile = 16 * 64;
constexpr std::size_t kAlignment = 64;

std::int64_t round_up(std::int64_t x, std::int64_t multiple) {
  return (x + multiple - 1) / multiple * multiple;
}

// Equal blocks of at most `limit`, each a multiple of `multiple`: k = 784 with kc = 256 becomes four blocks
// of 196, not three of 256 and a thin one of 16 whose tiles would be mostly loads and stores of C.
std::int64_t balanced_block(std::int64_t size, std::int64_t limit, std::int64_t multiple) {
  const std::int64_t blocks = (size + limit - 1) / limit;
  return std::min(limit, round_up((size + blocks - 1) / blocks, multiple));
}

// ---- which instruction set ------------------------------------------------------------------------------

// __builtin_cpu_init first: the answers must be right even if asked before libgcc's constructors ran.
bool cpu_has_avx2() noexcept {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
  return false;
#endif
}
bool cpu_has_avx512() noexcept {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("fma");
#else
  return false;
#endif
}

// The kernels of `isa`, or nullptr when they are not compiled in or the CPU lacks the instructions.
const GemmKernelSet* kernels_for(GemmIsa isa) noexcept {
  switch (isa) {
    case GemmIsa::best:
      return nullptr;
    case GemmIsa::generic:
      return &gemm_kernels_generic();
    case GemmIsa::avx2:
      return cpu_has_avx2() ? gemm_kernels_avx2() : nullptr;
    case GemmIsa::avx512:
      return cpu_has_avx512() ? gemm_kernels_avx512() : nullptr;
  }
  return nullptr;
}

// Asked once: the widest kernel set this CPU runs.
const GemmKernelSet& best_kernels() noexcept {
  static const GemmKernelSet* const best = [] {
    for (GemmIsa isa : {GemmIsa::avx512, GemmIsa::avx2})
      if (const GemmKernelSet* set = kernels_for(isa)) return set;
    return &gemm_kernels_generic();
  }();
  return *best;
}

template <class T>
const GemmKernel<T>& kernel_of(const GemmKernelSet& set) noexcept {
  if constexpr (sizeof(T) == sizeof(float)) {
    return set.f32;
  } else {
    return set.f64;
  }
}

// ---- test hook ------------------------------------------------------------------------------------------

std::atomic<GemmPath> forced_path{GemmPath::automatic};
std::atomic<GemmIsa> forced_isa{GemmIsa::best};
std::atomic<bool> forced_split{false};

// ---- packing --------------------------------------------------------------------------------------------

// Grow-only scratch for the packed panels, one per thread (pool workers pack their own parts), so a
// training loop stops allocating after its largest product.
class PackBuffer {
 public:
  PackBuffer() = default;
  PackBuffer(const PackBuffer&) = delete;
  PackBuffer& operator=(const PackBuffer&) = delete;
  ~PackBuffer() { release(); }

  void* get(std::size_t bytes) {
    if (bytes > bytes_) {
      release();
      data_ = ::operator new (bytes, std::align_val_t{kAlignment});
      bytes_ = bytes;
      ++allocations_;
    }
    return data_;
  }
  std::size_t allocations() const noexcept { return allocations_; }

 private:
  void release() noexcept {
    if (data_ != nullptr) ::operator delete (data_, std::align_val_t{kAlignment});
    data_ = nullptr;
    bytes_ = 0;
  }
  void* data_ = nullptr;
  std::size_t bytes_ = 0;
  std::size_t allocations_ = 0;
};
// Two per thread: `shared_panels` holds the block that every thread of a split product reads (the caller
// packs it), `own_panels` the block each thread packs for itself.
thread_local PackBuffer shared_panels, own_panels;

template <class T>
T* panels(PackBuffer& buffer, std::int64_t elements) {
  return static_cast<T*>(buffer.get(static_cast<std::size_t>(elements) * sizeof(T)));
}

// A block [mb, kb] of A as panels of mr rows: panel r holds, step after step, the mr values A[r mr + i, p]
// (rows past mb are zero, so the micro-kernel never needs a ragged edge).
template <class T>
void pack_a(std::int64_t mb, std::int64_t kb, const T* a, std::int64_t a_row, std::int64_t a_col,
            std::int64_t mr, T* out) {
  for (std::int64_t ir = 0; ir < mb; ir += mr, out += mr * kb) {
    const std::int64_t rows = std::min(mr, mb - ir);
    const T* panel = a + ir * a_row;
    if (a_row == 1) {  // A stored transposed: the mr values of one step are contiguous
      for (std::int64_t p = 0; p < kb; ++p) {
        T* dst = out + p * mr;
        std::memcpy(dst, panel + p * a_col, static_cast<std::size_t>(rows) * sizeof(T));
        std::fill(dst + rows, dst + mr, T{0});
      }
      continue;
    }
    for (std::int64_t i = 0; i < rows; ++i) {
      const T* row = panel + i * a_row;
      for (std::int64_t p = 0; p < kb; ++p) out[p * mr + i] = row[p * a_col];
    }
    for (std::int64_t i = rows; i < mr; ++i)
      for (std::int64_t p = 0; p < kb; ++p) out[p * mr + i] = T{0};
  }
}

// A block [kb, nb] of B as panels of nr columns: panel c holds, step after step, the nr values
// B[p, c nr + j] (columns past nb are zero).
template <class T>
void pack_b(std::int64_t kb, std::int64_t nb, const T* b, std::int64_t ldb, std::int64_t nr, T* out) {
  for (std::int64_t jr = 0; jr < nb; jr += nr, out += nr * kb) {
    const std::int64_t cols = std::min(nr, nb - jr);
    for (std::int64_t p = 0; p < kb; ++p) {
      T* dst = out + p * nr;
      std::memcpy(dst, b + p * ldb + jr, static_cast<std::size_t>(cols) * sizeof(T));
      std::fill(dst + cols, dst + nr, T{0});
    }
  }
}

// ---- the packed product ---------------------------------------------------------------------------------

// The cache blocks of one product: the kernel's, evened out over the product's sizes.
struct Blocks {
  std::int64_t mc, kc, nc;
};
template <class T>
Blocks blocks_for(const GemmKernel<T>& kern, std::int64_t m, std::int64_t n, std::int64_t k) {
  return {balanced_block(m, kern.mc, kern.mr), balanced_block(k, kern.kc, 1),
          balanced_block(n, kern.nc, kern.nr)};
}

// C[mb, nb] += a packed A block [mb, kb] times a packed B block [kb, nb], register tile by register tile,
// column panel by column panel: one B micro-panel [kb, nr] stays in L1 while the A micro-panels of the
// block (in L2) pass over it.
template <class T>
void multiply_blocks(const GemmKernel<T>& kern, std::int64_t mb, std::int64_t nb, std::int64_t kb,
                     const T* packed_a, const T* packed_b, T* c, std::int64_t ldc) {
  const std::int64_t mr = kern.mr, nr = kern.nr;
  alignas(kAlignment) T tile[kMaxTile];
  for (std::int64_t jr = 0; jr < nb; jr += nr) {
    const std::int64_t cols = std::min(nr, nb - jr);
    for (std::int64_t ir = 0; ir < mb; ir += mr) {
      const std::int64_t rows = std::min(mr, mb - ir);
      T* cij = c + ir * ldc + jr;
      if (rows == mr && cols == nr) {
        kern.micro(kb, packed_a + ir * kb, packed_b + jr * kb, cij, ldc);
        continue;
      }
      // Ragged edge: the full tile goes to a scratch tile, and only its valid part into C.
      std::fill(tile, tile + mr * nr, T{0});
      kern.micro(kb, packed_a + ir * kb, packed_b + jr * kb, tile, nr);
      for (std::int64_t i = 0; i < rows; ++i)
        for (std::int64_t j = 0; j < cols; ++j) cij[i * ldc + j] += tile[i * nr + j];
    }
  }
}

// Goto's loop nest, with the rows of C cut into `runs` that threads claim: each B block [kc, nc] is packed
// once by the caller (L3, shared), and each run packs its own A blocks [mc, kc] (L2). With one run this is
// the single-threaded product.
template <class T>
void packed_by_rows(const GemmKernel<T>& kern, int runs, std::int64_t m, std::int64_t n, std::int64_t k,
                    const T* a, std::int64_t a_row, std::int64_t a_col, const T* b, std::int64_t ldb, T* c,
                    std::int64_t ldc) {
  const Blocks blocks = blocks_for(kern, m, n, k);
  const std::int64_t tiles = (m + kern.mr - 1) / kern.mr;
  T* packed_b = panels<T>(shared_panels, blocks.kc * blocks.nc);
  for (std::int64_t jc = 0; jc < n; jc += blocks.nc) {
    const std::int64_t nb = std::min(blocks.nc, n - jc);
    for (std::int64_t pc = 0; pc < k; pc += blocks.kc) {
      const std::int64_t kb = std::min(blocks.kc, k - pc);
      pack_b(kb, nb, b + pc * ldb + jc, ldb, kern.nr, packed_b);
      parallel_for(runs, [&](int run) {
        const std::int64_t begin = tiles * run / runs * kern.mr;
        const std::int64_t end = std::min(tiles * (run + 1) / runs * kern.mr, m);
        T* packed_a = panels<T>(own_panels, blocks.mc * kb);
        for (std::int64_t ic = begin; ic < end; ic += blocks.mc) {
          const std::int64_t mb = std::min(blocks.mc, end - ic);
          pack_a(mb, kb, a + ic * a_row + pc * a_col, a_row, a_col, kern.mr, packed_a);
          multiply_blocks(kern, mb, nb, kb, packed_a, packed_b, c + ic * ldc + jc, ldc);
        }
      });
    }
  }
}

// The same with the columns of C cut into runs, for products with few rows: each A block is packed once by
// the caller (shared), and each run packs its own B blocks.
template <class T>
void packed_by_columns(const GemmKernel<T>& kern, int runs, std::int64_t m, std::int64_t n, std::int64_t k,
                       const T* a, std::int64_t a_row, std::int64_t a_col, const T* b, std::int64_t ldb, T* c,
                       std::int64_t ldc) {
  const Blocks blocks = blocks_for(kern, m, n, k);
  const std::int64_t tiles = (n + kern.nr - 1) / kern.nr;
  T* packed_a = panels<T>(shared_panels, blocks.mc * blocks.kc);
  for (std::int64_t ic = 0; ic < m; ic += blocks.mc) {
    const std::int64_t mb = std::min(blocks.mc, m - ic);
    for (std::int64_t pc = 0; pc < k; pc += blocks.kc) {
      const std::int64_t kb = std::min(blocks.kc, k - pc);
      pack_a(mb, kb, a + ic * a_row + pc * a_col, a_row, a_col, kern.mr, packed_a);
      parallel_for(runs, [&](int run) {
        const std::int64_t begin = tiles * run / runs * kern.nr;
        const std::int64_t end = std::min(tiles * (run + 1) / runs * kern.nr, n);
        T* packed_b = panels<T>(own_panels, kb * blocks.nc);
        for (std::int64_t jc = begin; jc < end; jc += blocks.nc) {
          const std::int64_t nb = std::min(blocks.nc, end - jc);
          pack_b(kb, nb, b + pc * ldb + jc, ldb, kern.nr, packed_b);
          multiply_blocks(kern, mb, nb, kb, packed_a, packed_b, c + ic * ldc + jc, ldc);
        }
      });
    }
  }
}

// Runs of register tiles for `threads` threads: a few per thread, which they claim one by one, so a thread
// the OS deschedules (the machine may be shared) leaves little for the others to wait on.
int runs_for(int threads, std::int64_t tiles) {
  return threads <= 1
             ? 1
             : static_cast<int>(std::min<std::int64_t>(std::int64_t{kRunsPerThread} * threads, tiles));
}

// The packed product on up to `threads` threads. Splitting the dimension with more register tiles keeps
// the shared block the one that is reused most.
template <class T>
void gemm_packed(const GemmKernel<T>& kern, int threads, std::int64_t m, std::int64_t n, std::int64_t k,
                 const T* a, std::int64_t a_row, std::int64_t a_col, const T* b, std::int64_t ldb, T* c,
                 std::int64_t ldc) {
  const std::int64_t tiles_m = (m + kern.mr - 1) / kern.mr, tiles_n = (n + kern.nr - 1) / kern.nr;
  if (threads <= 1 || tiles_m >= tiles_n)
    packed_by_rows(kern, runs_for(threads, tiles_m), m, n, k, a, a_row, a_col, b, ldb, c, ldc);
  else
    packed_by_columns(kern, runs_for(threads, tiles_n), m, n, k, a, a_row, a_col, b, ldb, c, ldc);
}

// The direct product on up to `threads` threads: it packs nothing, so any cut is free; cut the dimension
// with more register tiles.
template <class T>
void gemm_direct(const GemmKernel<T>& kern, int threads, std::int64_t m, std::int64_t n, std::int64_t k,
                 const T* a, std::int64_t a_row, std::int64_t a_col, const T* b, std::int64_t ldb, T* c,
                 std::int64_t ldc, bool overwrite) {
  const std::int64_t tiles_m = (m + kern.mr - 1) / kern.mr, tiles_n = (n + kern.nr - 1) / kern.nr;
  const bool by_columns = tiles_n >= tiles_m;
  const std::int64_t tiles = by_columns ? tiles_n : tiles_m, tile = by_columns ? kern.nr : kern.mr;
  const int runs = runs_for(threads, tiles);
  parallel_for(runs, [&](int run) {
    const std::int64_t begin = tiles * run / runs * tile;
    const std::int64_t end = std::min(tiles * (run + 1) / runs * tile, by_columns ? n : m);
    if (by_columns)
      kern.direct(m, end - begin, k, a, a_row, a_col, b + begin, ldb, c + begin, ldc, overwrite);
    else
      kern.direct(end - begin, n, k, a + begin * a_row, a_row, a_col, b, ldb, c + begin * ldc, ldc,
                  overwrite);
  });
}

// ---- BLAS -----------------------------------------------------------------------------------------------

#ifdef TAPEGRAD_HAVE_CBLAS
// C += A B through cblas_?gemm; false (nothing done) when the strides or sizes have no CBLAS spelling.
template <class T>
bool gemm_blas(std::int64_t m, std::int64_t n, std::int64_t k, const T* a, std::int64_t a_row,
               std::int64_t a_col, const T* b, std::int64_t ldb, T* c, std::int64_t ldc, bool overwrite) {
  CBLAS_TRANSPOSE trans_a;
  std::int64_t lda;
  // With one row (or one step) a stride is never used, so any value CBLAS accepts will do.
  if (a_col == 1 && (m == 1 || a_row >= k)) {
    trans_a = CblasNoTrans;
    lda = m == 1 ? k : a_row;
  } else if (a_row == 1 && (k == 1 || a_col >= m)) {
    trans_a = CblasTrans;
    lda = k == 1 ? m : a_col;
  } else {
    return false;
  }
  if (k == 1) ldb = n;
  if (m == 1) ldc = n;
  if (ldb < n || ldc < n || std::max({m, n, k, lda, ldb, ldc}) > INT_MAX) return false;
  const auto i = [](std::int64_t x) { return static_cast<int>(x); };
  if constexpr (sizeof(T) == sizeof(float)) {
    cblas_sgemm(CblasRowMajor, trans_a, CblasNoTrans, i(m), i(n), i(k), 1.0f, a, i(lda), b, i(ldb),
                overwrite ? 0.0f : 1.0f, c, i(ldc));
  } else {
    cblas_dgemm(CblasRowMajor, trans_a, CblasNoTrans, i(m), i(n), i(k), 1.0, a, i(lda), b, i(ldb),
                overwrite ? 0.0 : 1.0, c, i(ldc));
  }
  return true;
}
#endif

// ---- dispatch -------------------------------------------------------------------------------------------

// Whether large products should go to BLAS. OpenBLAS names the kernel it picked for this CPU (or the one
// OPENBLAS_CORETYPE forces); one for AVX2 or older (Haswell, Zen, Prescott, ...) runs at 0.4-0.8x our
// AVX-512 kernel (bench/README.md), so on an AVX-512 CPU only OpenBLAS's own AVX-512 kernels get products.
// Any other CBLAS is trusted to be the machine's best.
bool blas_preferred() noexcept {
#ifdef TAPEGRAD_HAVE_CBLAS
  static const bool preferred = [] {
#ifdef TAPEGRAD_HAVE_OPENBLAS
    if (&best_kernels() != gemm_kernels_avx512()) return true;
    std::string core = openblas_get_corename();
    for (char& ch : core) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return core == "skylakex" || core == "cooperlake" || core == "sapphirerapids";
#else
    return true;
#endif
  }();
  return preferred;
#else
  return false;
#endif
}

// Large enough for BLAS on the automatic path. With several threads that is every product worth splitting,
// so OpenBLAS's threads are the only ones that run (its workers spin for a while after each call, and a
// second pool taking turns with them would fight them for the cores); with one thread, the products where
// its kernel beats ours.
#ifdef TAPEGRAD_HAVE_CBLAS
bool blas_size(double macs) {
  return macs >= (num_threads() > 1 ? kSplitMinMacs : kBlasMinMacs);
}
#endif

}  // namespace

template <class T>
void gemm(std::int64_t m, std::int64_t n, std::int64_t k, const T* a, std::int64_t a_row, std::int64_t a_col,
          const T* b, std::int64_t ldb, T* c, std::int64_t ldc, bool overwrite) {
  if (m <= 0 || n <= 0) return;
  // The packed kernels (and an empty product) only accumulate: zero C first for them.
  const auto zero_c = [&] {
    for (std::int64_t i = 0; i < m; ++i) std::fill_n(c + i * ldc, n, T{0});
  };
  if (k <= 0) {
    if (overwrite) zero_c();
    return;
  }
  const double macs = static_cast<double>(m) * static_cast<double>(n) * static_cast<double>(k);
  const GemmPath path = forced_path.load(std::memory_order_relaxed);
  const GemmKernelSet* forced = kernels_for(forced_isa.load(std::memory_order_relaxed));
  const GemmKernel<T>& kern = kernel_of<T>(forced != nullptr ? *forced : best_kernels());
  const bool blas_owns_threads = path == GemmPath::automatic && blas_preferred();
  bool direct = false;
  switch (path) {
    case GemmPath::automatic:
#ifdef TAPEGRAD_HAVE_CBLAS
      if (blas_owns_threads && blas_size(macs) &&
          gemm_blas(m, n, k, a, a_row, a_col, b, ldb, c, ldc, overwrite))
        return;
#endif
      [[fallthrough]];
    case GemmPath::kernel:
      direct = macs <= kDirectMaxMacs;
      break;
    case GemmPath::direct:
      direct = true;
      break;
    case GemmPath::packed:
      break;
    case GemmPath::blas:
#ifdef TAPEGRAD_HAVE_CBLAS
      if (gemm_blas(m, n, k, a, a_row, a_col, b, ldb, c, ldc, overwrite)) return;
#endif
      break;
  }
  int threads = 1;
  if (forced_split.load(std::memory_order_relaxed))
    threads = num_threads();
  else if (!blas_owns_threads && macs >= kSplitMinMacs)
    threads = num_threads();
  if (direct) {
    gemm_direct(kern, threads, m, n, k, a, a_row, a_col, b, ldb, c, ldc, overwrite);
    return;
  }
  if (overwrite) zero_c();
  gemm_packed(kern, threads, m, n, k, a, a_row, a_col, b, ldb, c, ldc);
}

template void gemm<float>(std::int64_t, std::int64_t, std::int64_t, const float*, std::int64_t, std::int64_t,
                          const float*, std::int64_t, float*, std::int64_t, bool);
template void gemm<double>(std::int64_t, std::int64_t, std::int64_t, const double*, std::int64_t,
                           std::int64_t, const double*, std::int64_t, double*, std::int64_t, bool);

GemmOverride set_gemm_override(GemmOverride override) noexcept {
  return {forced_path.exchange(override.path), forced_isa.exchange(override.isa),
          forced_split.exchange(override.always_split)};
}

bool gemm_path_available(GemmPath path) noexcept {
#ifdef TAPEGRAD_HAVE_CBLAS
  (void)path;
  return true;
#else
  return path != GemmPath::blas;
#endif
}

bool gemm_isa_available(GemmIsa isa) noexcept {
  return isa == GemmIsa::best || kernels_for(isa) != nullptr;
}

const char* gemm_kernel_name() noexcept {
  return best_kernels().name;
}

const char* gemm_blas_name() noexcept {
#if defined(TAPEGRAD_HAVE_OPENBLAS)
  return openblas_get_corename();
#elif defined(TAPEGRAD_HAVE_CBLAS)
  return "cblas";
#else
  return "none";
#endif
}

bool gemm_uses_blas() noexcept {
  return blas_preferred();
}

std::size_t gemm_scratch_allocations() noexcept {
  return shared_panels.allocations() + own_panels.allocations();
}

}  // namespace tapegrad::detail
