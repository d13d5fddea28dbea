// SPDX-License-Identifier: MIT
// shuffle.hpp: seeded permutations that are the same on every platform.
// std::shuffle and std::uniform_int_distribution are implementation-defined, so a seed would give another
// split or batch order with another standard library. These draw raw 64-bit values from the Generator.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "tapegrad/autodiff/tensor/tensor.hpp"

namespace tapegrad::nn {

/// Shuffles `values` in place (Fisher-Yates; each swap partner is one 64-bit draw modulo the remaining
/// count, whose bias, below count / 2^64, is negligible for any in-memory dataset).
/// Example: `tapegrad::Generator gen(7); nn::shuffle(indices, gen);`
void shuffle(std::span<std::int64_t> values, Generator& gen);

/// A uniformly random permutation of 0, 1, ..., n - 1. Throws ShapeError if n is negative.
/// Example: `auto order = nn::random_permutation(150, gen);`
std::vector<std::int64_t> random_permutation(std::int64_t n, Generator& gen);

}  // namespace tapegrad::nn
