// SPDX-License-Identifier: MIT
// advection_checkpoint.hpp: problem d (problems.hpp, Advection) run for any number of time steps, its
// gradient recorded whole or with the time loop cut into checkpointed blocks (checkpoint/checkpoint.hpp).
// Shared by bench/checkpoint_bench.cpp (time and memory) and tests/autodiff/checkpoint/checkpoint_test.cpp
// (the two gradients are equal).
#pragma once

#include <algorithm>
#include <cstddef>
#include <vector>

#include "problems.hpp"
#include "tapegrad/autodiff/autodiff.hpp"

namespace tapegrad::bench {

/// A gradient of problem d and the memory its recording took.
struct AdvectionGradient {
  std::vector<double> gradient;  // d loss / d q0
  double loss = 0.0;
  /// Peak bytes of recording: Tape::stats().bytes() of the tape at the end of the forward pass, plus,
  /// with checkpoints, the largest re-recorded block and the values the records keep (about 24 bytes
  /// per block input, not in stats()). Adjoint arrays (8 bytes per statement) are not counted.
  std::size_t peak_tape_bytes = 0;
};

/// Recorded whole on `tape` (cleared first, so a loop reuses its blocks).
inline AdvectionGradient advection_plain(Tape& tape, int steps) {
  tape.clear();
  const std::vector<double> q0 = Advection::inputs();
  const std::vector<Var> x(q0.begin(), q0.end());
  std::vector<Var> q = x;
  Advection::advance(q, steps);
  const Var loss = Advection::loss(q);
  AdvectionGradient r;
  r.loss = loss.value();
  r.peak_tape_bytes = tape.stats().bytes();
  loss.backward();
  for (const Var& v : x) r.gradient.push_back(v.grad());
  return r;
}

/// With checkpoint() around each block of `block` steps (the last block may be shorter).
inline AdvectionGradient advection_checkpointed(Tape& tape, int steps, int block) {
  tape.clear();
  std::size_t inner_peak = 0;
  const std::vector<double> q0 = Advection::inputs();
  const std::vector<Var> x(q0.begin(), q0.end());
  std::vector<Var> q = x;
  std::size_t blocks = 0;
  for (int done = 0; done < steps; done += block, ++blocks) {
    const int count = std::min(block, steps - done);
    q = checkpoint(
        [count, &inner_peak](const std::vector<Var>& in) {
          std::vector<Var> out = in;
          Advection::advance(out, count);
          inner_peak = std::max(inner_peak, Tape::active().stats().bytes());
          return out;
        },
        q);
  }
  const Var loss = Advection::loss(q);
  AdvectionGradient r;
  r.loss = loss.value();
  constexpr std::size_t kSavedPerInput =
      sizeof(std::uint32_t) + sizeof(double) + sizeof(std::int32_t) + sizeof(double);
  const std::size_t saved = blocks * static_cast<std::size_t>(Advection::n) * kSavedPerInput;
  const std::size_t outer = tape.stats().bytes();
  loss.backward();
  r.peak_tape_bytes = outer + saved + inner_peak;
  for (const Var& v : x) r.gradient.push_back(v.grad());
  return r;
}

}  // namespace tapegrad::bench
