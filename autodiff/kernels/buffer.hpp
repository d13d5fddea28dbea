// SPDX-License-Identifier: MIT
// buffer.hpp: reference-counted tensor memory, recycled through a per-thread cache.
// A training step allocates the same sizes every time (activations, gradients, temporaries). Freed
// buffers go to a free list per power-of-two size class and the next step takes them back, so steady
// state makes no call to malloc and touches no fresh page (a fresh 4 KiB page costs ~12 us in a VM).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <utility>

namespace tapegrad::detail {

/// Memory of at least `bytes`, 64-byte aligned (one cache line; AVX-512 loads never split).
struct BufferBlock {
  void* data = nullptr;
  std::size_t capacity = 0;  // bytes actually reserved (the size class)
  std::atomic<std::int64_t> refs{1};
};

/// Takes a block of at least `bytes` from this thread's cache, or from the system.
BufferBlock* acquire_buffer(std::size_t bytes);
/// Returns a block to this thread's cache (bounded; beyond the bound it is freed).
void release_buffer(BufferBlock* block) noexcept;

/// Number of blocks this thread obtained from the system so far (tests and benchmarks check that a
/// training loop stops allocating after its first step).
std::size_t system_allocations() noexcept;

/// Shared handle to a BufferBlock: copying shares the memory, the last handle recycles it.
class Buffer {
 public:
  Buffer() noexcept = default;
  explicit Buffer(std::size_t bytes) : block_(acquire_buffer(bytes)) {}
  Buffer(const Buffer& other) noexcept : block_(other.block_) {
    if (block_) block_->refs.fetch_add(1, std::memory_order_relaxed);
  }
  Buffer(Buffer&& other) noexcept : block_(std::exchange(other.block_, nullptr)) {}
  Buffer& operator=(Buffer other) noexcept {
    std::swap(block_, other.block_);
    return *this;
  }
  ~Buffer() {
    if (block_ && block_->refs.fetch_sub(1, std::memory_order_acq_rel) == 1) release_buffer(block_);
  }

  void* data() const noexcept { return block_ ? block_->data : nullptr; }
  explicit operator bool() const noexcept { return block_ != nullptr; }
  bool shares(const Buffer& other) const noexcept { return block_ == other.block_; }

 private:
  BufferBlock* block_ = nullptr;
};

}  // namespace tapegrad::detail
