// SPDX-License-Identifier: MIT
// threading.hpp: how many threads tapegrad's kernels may use.
// One knob for one threading runtime: large matrix products run on OpenBLAS's threads when tapegrad is
// built with BLAS (TAPEGRAD_BLAS), and on tapegrad's own small pool otherwise; the two never run at once.
// Small products always stay on the calling thread, where waking a second one would cost more than it saves.
#pragma once

namespace tapegrad {

/// Sets how many threads a large kernel may use, the caller included; with OpenBLAS linked, OpenBLAS's
/// thread count too. Throws DomainError unless 1 <= n <= max_num_threads(): more threads than cores never
/// speeds a kernel up, and each OpenBLAS thread reserves buffers of its own (dozens of them under a memory
/// limit can hang the process at exit). Example: `tapegrad::set_num_threads(1);`
void set_num_threads(int n);

/// The largest count set_num_threads accepts: 4 per hardware thread, and at least 8.
int max_num_threads() noexcept;

/// The current thread count: by default the hardware's (with OpenBLAS linked, OpenBLAS's own count, which
/// honours OPENBLAS_NUM_THREADS). Example: `int t = tapegrad::num_threads();`
int num_threads() noexcept;

}  // namespace tapegrad
