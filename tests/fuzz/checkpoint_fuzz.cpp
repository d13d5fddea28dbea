// SPDX-License-Identifier: MIT
// checkpoint_fuzz.cpp: any bytes given to read_checkpoint and load_checkpoint end in a result or a
// tapegrad::Error, never a crash, a hang or a sanitizer report. Most inputs stop at the magic, the size or
// the CRC; checkpoint_crc_fuzz.cpp fixes those up to reach the entries.
#include <cstddef>
#include <cstdint>

#include "memory_file.hpp"
#include "tapegrad/nn/nn.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const tapegrad::fuzz::MemoryFile file(data, size);
  try {
    (void)tapegrad::nn::read_checkpoint(file.path());
  } catch (const tapegrad::Error&) {
  }
  try {
    tapegrad::nn::NamedTensors destination{{"w", tapegrad::zeros({2, 3})}, {"b", tapegrad::zeros({3})}};
    tapegrad::nn::load_checkpoint(file.path(), destination);
  } catch (const tapegrad::Error&) {
  }
  return 0;
}
