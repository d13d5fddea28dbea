// SPDX-License-Identifier: MIT
#include "tapegrad/autodiff/kernels/threading.hpp"

#include <algorithm>
#include <atomic>
#include <thread>

#include "tapegrad/autodiff/core/error.hpp"

#ifdef TAPEGRAD_HAVE_OPENBLAS
// Declared here rather than taken from OpenBLAS's cblas.h, whose location differs between distributions.
extern "C" {
void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);
}
#endif

namespace tapegrad {
namespace {

int initial_threads() noexcept {
#ifdef TAPEGRAD_HAVE_OPENBLAS
  return openblas_get_num_threads();
#else
  const unsigned hardware = std::thread::hardware_concurrency();
  return hardware == 0 ? 1 : static_cast<int>(hardware);
#endif
}

std::atomic<int>& threads() noexcept {
  static std::atomic<int> n{initial_threads()};
  return n;
}

}  // namespace

int max_num_threads() noexcept {
  const unsigned hardware = std::thread::hardware_concurrency();
  return std::max(8, 4 * static_cast<int>(std::min(hardware, 1024U)));
}

void set_num_threads(int n) {
  TAPEGRAD_CHECK(n >= 1, DomainError, "set_num_threads: expected at least 1 thread, got ", n);
  TAPEGRAD_CHECK(n <= max_num_threads(), DomainError, "set_num_threads: expected at most ", max_num_threads(),
                 " threads (4 per hardware thread), got ", n);
  threads().store(n, std::memory_order_relaxed);
#ifdef TAPEGRAD_HAVE_OPENBLAS
  openblas_set_num_threads(n);
#endif
}

int num_threads() noexcept {
  return threads().load(std::memory_order_relaxed);
}

}  // namespace tapegrad
