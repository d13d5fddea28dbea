// SPDX-License-Identifier: MIT
// random.cpp: the per-thread default generator.
#include "tapegrad/nn/modules/random.hpp"

namespace tapegrad::nn {

namespace {
Generator& thread_generator() {
  static thread_local Generator generator;  // Generator's own fixed default seed
  return generator;
}
}  // namespace

Generator& default_generator() {
  return thread_generator();
}

void manual_seed(std::uint64_t seed) {
  thread_generator() = Generator(seed);
}

}  // namespace tapegrad::nn
