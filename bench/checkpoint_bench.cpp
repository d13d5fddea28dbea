// SPDX-License-Identifier: MIT
// checkpoint_bench.cpp: problem d (Lax-Wendroff advection) with 10^5 time steps, its gradient recorded
// whole against checkpoint() around blocks of B steps (checkpoint/checkpoint.hpp), in one binary.
//   BM_Checkpoint_Advection_Plain        clear + record 10^5 steps + backward + read the gradient
//   BM_Checkpoint_Advection_Blocks/B     the same with the time loop in checkpointed blocks of B steps
// Counters: peak_MB (recording bytes at their peak, see advection_checkpoint.hpp) and, for the blocks,
// mem_ratio (their peak over the plain one) and grad_equal (1 if the gradient equals the plain one
// exactly). The time ratio is taken from the same run (bench/README.md, Checkpointing).
#include <benchmark/benchmark.h>

#include "advection_checkpoint.hpp"

namespace tapegrad::bench {
namespace {

constexpr int kCheckpointSteps = 100'000;

const AdvectionGradient& plain_reference() {
  static const AdvectionGradient reference = [] {
    Tape tape;
    return advection_plain(tape, kCheckpointSteps);
  }();
  return reference;
}

void BM_Checkpoint_Advection_Plain(benchmark::State& state) {
  Tape tape;
  AdvectionGradient r;
  for (auto _ : state) {
    r = advection_plain(tape, kCheckpointSteps);
    benchmark::DoNotOptimize(r.gradient.data());
  }
  state.counters["peak_MB"] = static_cast<double>(r.peak_tape_bytes) / 1e6;
}

void BM_Checkpoint_Advection_Blocks(benchmark::State& state) {
  const int block = static_cast<int>(state.range(0));
  Tape tape;
  AdvectionGradient r;
  for (auto _ : state) {
    r = advection_checkpointed(tape, kCheckpointSteps, block);
    benchmark::DoNotOptimize(r.gradient.data());
  }
  const AdvectionGradient& plain = plain_reference();
  state.counters["peak_MB"] = static_cast<double>(r.peak_tape_bytes) / 1e6;
  state.counters["mem_ratio"] =
      static_cast<double>(r.peak_tape_bytes) / static_cast<double>(plain.peak_tape_bytes);
  state.counters["grad_equal"] = r.gradient == plain.gradient ? 1.0 : 0.0;
}

BENCHMARK(BM_Checkpoint_Advection_Plain)->Unit(benchmark::kMillisecond)->MinTime(1.0);
BENCHMARK(BM_Checkpoint_Advection_Blocks)
    ->Arg(50)
    ->Arg(100)
    ->Arg(250)
    ->Arg(1000)
    ->Arg(5000)
    ->Unit(benchmark::kMillisecond)
    ->MinTime(1.0);

}  // namespace
}  // namespace tapegrad::bench
