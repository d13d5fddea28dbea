// SPDX-License-Identifier: MIT
// thread_pool.hpp: tapegrad's own worker threads, for kernels that split their work (gemm without BLAS).
// One small persistent pool per process: workers start on first use and sleep on a futex between jobs
// (after a short spin, so back-to-back products in a training step do not pay a wake-up each). The caller
// and the workers claim a job's tasks one by one, so a worker the OS has descheduled delays nobody. The
// pool never runs beside OpenBLAS's threads: when gemm hands products to OpenBLAS, OpenBLAS threads them.
#pragma once

#include <type_traits>

namespace tapegrad::detail {

/// Runs task(context, i) once for each i in [0, tasks), on the calling thread and up to num_threads() - 1
/// pool workers, and returns when all have finished. Everything runs on the calling thread when tasks <= 1
/// or num_threads() == 1, when another thread is already running a job, or when called from inside a task.
/// Tasks must not throw.
void parallel_for(int tasks, void (*task)(void* context, int index), void* context);

/// parallel_for for a callable f(int index). Example: `parallel_for(2, [&](int i) { half(i); });`
template <class F>
void parallel_for(int tasks, F&& f) {
  using Fn = std::remove_reference_t<F>;
  parallel_for(
      tasks, [](void* context, int index) { (*static_cast<Fn*>(context))(index); },
      const_cast<void*>(static_cast<const void*>(&f)));
}

/// Worker threads started so far (tests check that the pool is reused, not regrown).
int pool_workers() noexcept;

}  // namespace tapegrad::detail
