// SPDX-License-Identifier: MIT
// relative_error.hpp: how the benchmarks judge that a gradient agrees with the hand adjoint before timing it.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <vector>

namespace tapegrad::bench {

/// max |g - ref| / max |ref|, as the anchors measure gradient agreement (inf if g is not finite).
inline double relative_error(const std::vector<double>& g, const std::vector<double>& ref) {
  double diff = 0.0, scale = 0.0;
  for (std::size_t i = 0; i < g.size(); ++i) {
    if (!std::isfinite(g[i])) return std::numeric_limits<double>::infinity();
    diff = std::max(diff, std::abs(g[i] - ref[i]));
    scale = std::max(scale, std::abs(ref[i]));
  }
  return scale > 0.0 ? diff / scale : diff;
}

}  // namespace tapegrad::bench
