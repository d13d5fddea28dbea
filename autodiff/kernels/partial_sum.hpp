// SPDX-License-Identifier: MIT
// partial_sum.hpp: a sum of many terms in kLanes independent partial sums.
// A plain `s += x[i]` loop waits for each add before the next (4 cycles a term), and the compiler may not
// reorder floating-point adds to vectorise it. Eight running sums in a fixed order break that chain and
// vectorise, and the result is still the same on every run and platform (no dependence on thread count or
// alignment).
#pragma once

#include <cstdint>

namespace tapegrad::detail {

/// term(0) + ... + term(len - 1): term j goes to partial sum j % 8, the partial sums are then added in order,
/// then the tail.
template <class T, class Term>
[[gnu::always_inline]] inline T sum_terms(std::int64_t len, Term&& term) {
  constexpr std::int64_t kLanes = 8;
  T partial[kLanes] = {};
  std::int64_t j = 0;
  for (; j + kLanes <= len; j += kLanes)
    for (std::int64_t k = 0; k < kLanes; ++k) partial[k] += term(j + k);
  T s{0};
  for (std::int64_t k = 0; k < kLanes; ++k) s += partial[k];
  for (; j < len; ++j) s += term(j);
  return s;
}

}  // namespace tapegrad::detail
