// SPDX-License-Identifier: MIT
// counting_new.hpp: how many times the global operator new was called, for benchmarks that report heap
// allocations per step (a steady-state training step must make none). The count comes from the
// replacement operator new/delete in counting_new.cpp, which a benchmark binary links once.
#pragma once

namespace tapegrad::bench {
/// Calls of any global operator new (every form) since the program started; read it before and after.
long new_calls() noexcept;
}  // namespace tapegrad::bench
