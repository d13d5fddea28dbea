// SPDX-License-Identifier: MIT
#include "tapegrad/nn/data/shuffle.hpp"

#include <numeric>
#include <utility>

namespace tapegrad::nn {

void shuffle(std::span<std::int64_t> values, Generator& gen) {
  for (std::size_t i = values.size(); i > 1; --i) {
    const std::size_t j = static_cast<std::size_t>(gen.engine()() % i);
    std::swap(values[i - 1], values[j]);
  }
}

std::vector<std::int64_t> random_permutation(std::int64_t n, Generator& gen) {
  TAPEGRAD_CHECK(n >= 0, ShapeError, "random_permutation: expected a non-negative size, got ", n);
  std::vector<std::int64_t> order(static_cast<std::size_t>(n));
  std::iota(order.begin(), order.end(), std::int64_t{0});
  shuffle(order, gen);
  return order;
}

}  // namespace tapegrad::nn
