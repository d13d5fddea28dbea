// SPDX-License-Identifier: MIT
// counting_new.cpp: replaces the global operator new/delete of a benchmark binary with versions that count
// calls (see counting_new.hpp). Link it into exactly one binary. new[] and the nothrow forms reach these
// through libstdc++'s defaults; the aligned forms are replaced too. Kept in its own translation unit so
// that no caller inlines the replacements (GCC then warns about free() on a new-expression's pointer).
#include "counting_new.hpp"

#include <atomic>
#include <cstdlib>
#include <new>

namespace {
std::atomic<long> new_call_count{0};  // relaxed: only deltas around a benchmark loop are read
}  // namespace

long tapegrad::bench::new_calls() noexcept {
  return new_call_count.load(std::memory_order_relaxed);
}

void* operator new(std::size_t bytes) {
  new_call_count.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(bytes == 0 ? 1 : bytes)) return p;
  throw std::bad_alloc();
}
void* operator new(std::size_t bytes, std::align_val_t alignment) {
  new_call_count.fetch_add(1, std::memory_order_relaxed);
  const auto align = static_cast<std::size_t>(alignment);
  // aligned_alloc wants a size that is a multiple of the alignment.
  const std::size_t rounded = (bytes + align - 1) / align * align;
  if (void* p = std::aligned_alloc(align, rounded == 0 ? align : rounded)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}
void operator delete(void* p, std::align_val_t) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t, std::align_val_t) noexcept {
  std::free(p);
}
