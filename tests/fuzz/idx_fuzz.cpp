// SPDX-License-Identifier: MIT
// idx_fuzz.cpp: any bytes given to read_idx (both dtypes) and read_idx_labels end in a tensor or a
// tapegrad::Error. The seed corpus holds small valid files of each element type.
#include <cstddef>
#include <cstdint>

#include "memory_file.hpp"
#include "tapegrad/nn/nn.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const tapegrad::fuzz::MemoryFile file(data, size);
  try {
    (void)tapegrad::nn::read_idx(file.path());
  } catch (const tapegrad::Error&) {
  }
  try {
    (void)tapegrad::nn::read_idx(file.path(), tapegrad::Dtype::float64);
  } catch (const tapegrad::Error&) {
  }
  try {
    (void)tapegrad::nn::read_idx_labels(file.path());
  } catch (const tapegrad::Error&) {
  }
  return 0;
}
