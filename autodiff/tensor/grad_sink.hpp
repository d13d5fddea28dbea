// SPDX-License-Identifier: MIT
// grad_sink.hpp: GradSink, a per-thread place where the reverse sweep leaves the gradients of chosen leaves.
//
// Data-parallel training records one batch shard per thread (or per process) against the SAME parameter
// tensors. Their .grad() buffers cannot be shared by concurrent sweeps, so while a GradSink is installed on a
// thread (GradSinkScope), every gradient the sweep sends to one of the sink's leaves goes into the sink's own
// memory instead: one flat buffer, slot after slot (64-byte aligned), allocated once. Other leaves (a batch
// that requires grad, say) keep their .grad() as usual. The sink also watches the sweep (SweepObserver):
// after each swept record it hands the slots that record wrote to on_record_swept(), which is how gradient
// buckets learn that a parameter's gradient is final. Semantics per step: begin_step() forgets which slots
// were written; the first contribution to a slot overwrites it (no zero fill), later ones add.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "tapegrad/autodiff/kernels/buffer.hpp"
#include "tapegrad/autodiff/tape/sweep_observer.hpp"
#include "tapegrad/autodiff/tape/tape.hpp"
#include "tapegrad/autodiff/tensor/tensor.hpp"

namespace tapegrad {

class GradSink;

namespace detail {
/// The sink installed on this thread (GradSinkScope); null: gradients go to the leaves' .grad().
inline constinit thread_local GradSink* active_grad_sink = nullptr;
}  // namespace detail

/// Gradient memory for a fixed list of leaf tensors, filled by the sweeps of the thread it is installed on.
/// Example: `GradSink sink(net.parameters()); { GradSinkScope use(sink); loss.backward(); } sink.data(0);`
class GradSink : public detail::SweepObserver {
 public:
  /// Throws TapeError if a leaf is undefined, not a leaf, or listed twice. Allocates all memory here.
  explicit GradSink(std::vector<Tensor> leaves);
  ~GradSink() override = default;
  GradSink(const GradSink&) = delete;
  GradSink& operator=(const GradSink&) = delete;

  /// Number of slots (the leaves, in the order given).
  std::size_t size() const noexcept { return leaves_.size(); }
  const Tensor& leaf(std::size_t slot) const { return leaves_.at(slot); }
  /// Slot `slot`'s gradient memory: leaf(slot).numel() elements of its dtype.
  void* data(std::size_t slot) const noexcept { return static_cast<char*>(flat_.data()) + offsets_[slot]; }
  /// Byte offset of a slot in the flat buffer, and the buffer's used size (slots are contiguous up to
  /// 64-byte padding, so a run of slots of one dtype is one range that a collective can reduce in place).
  std::size_t offset(std::size_t slot) const noexcept { return offsets_[slot]; }
  std::size_t bytes() const noexcept { return offsets_.back(); }
  void* flat() const noexcept { return flat_.data(); }
  /// Whether a sweep wrote into the slot since begin_step().
  bool written(std::size_t slot) const noexcept { return written_[slot] != 0; }

  /// Starts a step: every slot counts as unwritten (its memory is left as it is).
  void begin_step() noexcept;
  /// Zero-fills every slot not written this step and marks it written, so all slots hold a gradient.
  void zero_unwritten() noexcept;
  /// Delivers slots written outside a swept record (a leaf seeded directly) to on_record_swept().
  void flush() noexcept { record_swept(); }

  /// For grad_for_write (tensor.cpp): the memory of the slot of `impl`, or null if it is not one of the
  /// sink's leaves. `fresh` is set on the step's first write (the caller then stores instead of adding).
  void* slot_for(const detail::TensorImpl& impl, bool& fresh);

  void record_swept() noexcept final;

 protected:
  /// The slots the record just swept wrote to (a slot appears once per write). Default: nothing.
  virtual void on_record_swept(std::span<const std::uint32_t> /*slots*/) noexcept {}

 private:
  std::vector<Tensor> leaves_;
  std::vector<std::pair<const detail::TensorImpl*, std::uint32_t>> by_impl_;  // sorted, for lookup
  std::vector<std::size_t> offsets_;  // size() + 1 entries
  std::vector<std::uint8_t> written_;
  std::vector<std::uint32_t> pending_;  // slots written by the record being swept
  detail::Buffer flat_;
};

/// RAII: installs `sink` on this thread (its leaves' gradients go to it, it observes the sweeps) and
/// restores the previous sink and observer on destruction.
class GradSinkScope {
 public:
  explicit GradSinkScope(GradSink& sink) noexcept
      : previous_sink_(detail::active_grad_sink), previous_observer_(detail::sweep_observer) {
    detail::active_grad_sink = &sink;
    detail::sweep_observer = &sink;
  }
  ~GradSinkScope() {
    detail::active_grad_sink = previous_sink_;
    detail::sweep_observer = previous_observer_;
  }
  GradSinkScope(const GradSinkScope&) = delete;
  GradSinkScope& operator=(const GradSinkScope&) = delete;

 private:
  GradSink* previous_sink_;
  detail::SweepObserver* previous_observer_;
};

}  // namespace tapegrad
