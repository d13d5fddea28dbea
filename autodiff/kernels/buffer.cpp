// SPDX-License-Identifier: MIT
#include "tapegrad/autodiff/kernels/buffer.hpp"

#include <array>
#include <bit>
#include <cstdlib>
#include <new>
#include <vector>

#include "tapegrad/autodiff/core/error.hpp"

namespace tapegrad::detail {
namespace {

constexpr std::size_t kAlignment = 64;
constexpr std::size_t kMinClass = 6;  // 64 bytes
constexpr std::size_t kClasses = 40;  // up to 2^45 bytes
constexpr std::size_t kMaxBytes = std::size_t{1} << (kMinClass + kClasses - 1);
constexpr std::size_t kCachedBytesLimit = std::size_t{1} << 30;  // per thread

// Set when this thread's cache is destroyed (thread exit): later releases free directly.
constinit thread_local bool cache_destroyed = false;

struct BufferCache {
  std::array<std::vector<BufferBlock*>, kClasses> free;
  std::size_t cached_bytes = 0;
  std::size_t system_allocations = 0;
  ~BufferCache() {
    cache_destroyed = true;
    for (auto& list : free)
      for (BufferBlock* b : list) {
        ::operator delete (b->data, std::align_val_t{kAlignment});
        delete b;
      }
  }
};
BufferCache& cache() {
  static thread_local BufferCache c;
  return c;
}
std::size_t size_class(std::size_t bytes) {
  const std::size_t rounded = std::bit_ceil(bytes < 64 ? std::size_t{64} : bytes);
  return static_cast<std::size_t>(std::countr_zero(rounded)) - kMinClass;
}

}  // namespace

BufferBlock* acquire_buffer(std::size_t bytes) {
  // Callers check shapes first (numel's max_numel), so this is our own bug if it ever fires; it still throws
  // rather than index past the size classes.
  TAPEGRAD_CHECK(bytes <= kMaxBytes, AllocationError, "tensor: cannot allocate ", bytes,
                 " bytes: more than the largest buffer (2^45 bytes)");
  const std::size_t cls = size_class(bytes);
  BufferCache& c = cache();
  auto& list = c.free[cls];
  if (!list.empty()) {
    BufferBlock* b = list.back();
    list.pop_back();
    c.cached_bytes -= b->capacity;
    b->refs.store(1, std::memory_order_relaxed);
    return b;
  }
  const std::size_t capacity = std::size_t{1} << (cls + kMinClass);
  // nothrow: a failure is one test here, and sanitizer allocators that return null behave the same.
  void* data = ::operator new (capacity, std::align_val_t{kAlignment}, std::nothrow);
  if (data == nullptr) {
    // Give back what this thread keeps cached and try once more before giving up.
    for (auto& blocks : c.free) {
      for (BufferBlock* b : blocks) {
        ::operator delete (b->data, std::align_val_t{kAlignment});
        delete b;
      }
      blocks.clear();
    }
    c.cached_bytes = 0;
    data = ::operator new (capacity, std::align_val_t{kAlignment}, std::nothrow);
  }
  TAPEGRAD_CHECK(data != nullptr, AllocationError, "tensor: cannot allocate ", bytes, " bytes (", bytes >> 20,
                 " MiB): out of memory");
  auto* b = new (std::nothrow) BufferBlock;
  if (b == nullptr) {
    ::operator delete (data, std::align_val_t{kAlignment});
    ::tapegrad::detail::raise<AllocationError>("tensor: cannot allocate a buffer header: out of memory");
  }
  b->capacity = capacity;
  b->data = data;
  ++c.system_allocations;
  return b;
}

void release_buffer(BufferBlock* block) noexcept {
  if (!cache_destroyed) {
    BufferCache& c = cache();
    if (c.cached_bytes + block->capacity <= kCachedBytesLimit) {
      try {
        c.free[size_class(block->capacity)].push_back(block);
        c.cached_bytes += block->capacity;
        return;
      } catch (...) {  // no memory for the list: free the block instead
      }
    }
  }
  ::operator delete (block->data, std::align_val_t{kAlignment});
  delete block;
}

std::size_t system_allocations() noexcept {
  return cache_destroyed ? 0 : cache().system_allocations;
}

}  // namespace tapegrad::detail
