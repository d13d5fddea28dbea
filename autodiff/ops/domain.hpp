// SPDX-License-Identifier: MIT
// domain.hpp: where an op may be sampled when we check its derivative.
// Each op in the derivatives table carries its Domain, so the table-driven gradcheck test and the
// op benchmarks need no per-op code: adding an op to the table is enough to have it checked.
#pragma once

namespace tapegrad::ops {

/// An interval [lo, hi] of smooth inputs. Points closer than 1e-3 to a multiple of `kinks_every`
/// (when it is non-zero) are skipped, because a central difference across a kink or a jump
/// measures nothing useful. `kinks_every = 1e9` means "the only kink is at 0".
struct Domain {
  double lo = -3.0;
  double hi = 3.0;
  double kinks_every = 0.0;
};

inline constexpr double kOnlyAtZero = 1e9;

}  // namespace tapegrad::ops
