// SPDX-License-Identifier: MIT
// checkpoint_crc_fuzz.cpp: like checkpoint_fuzz.cpp, but each input is first made to pass the checks a
// random byte string almost never passes: the magic, the version, the recorded file size and the CRC-32
// trailer are written into it. What is left to fuzz is the entry table (names, dtypes, ranks, shapes,
// lengths), which is where a reader's arithmetic can go wrong.
#include <zlib.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "memory_file.hpp"
#include "tapegrad/nn/nn.hpp"

namespace {

constexpr unsigned char kMagic[8] = {0x89, 'T', 'G', 'C', 'K', 'P', 'T', '\n'};  // docs/checkpoint-format.md
constexpr std::size_t kHeaderBytes = 32, kChecksumBytes = 4;

void put_le(std::vector<std::uint8_t>& b, std::size_t at, std::uint64_t v, std::size_t bytes) {
  for (std::size_t i = 0; i < bytes; ++i) b[at + i] = static_cast<std::uint8_t>(v >> (8 * i));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::vector<std::uint8_t> bytes(data, data + size);
  if (bytes.size() < kHeaderBytes + kChecksumBytes) bytes.resize(kHeaderBytes + kChecksumBytes);
  std::memcpy(bytes.data(), kMagic, sizeof kMagic);
  put_le(bytes, 8, 1, 4);              // version
  put_le(bytes, 12, 0, 4);             // flags
  put_le(bytes, 16, bytes.size(), 8);  // file size
  const std::size_t body = bytes.size() - kChecksumBytes;
  const auto crc = ::crc32(0L, bytes.data(), static_cast<uInt>(body));
  put_le(bytes, body, crc, 4);

  const tapegrad::fuzz::MemoryFile file(bytes.data(), bytes.size());
  try {
    (void)tapegrad::nn::read_checkpoint(file.path());
  } catch (const tapegrad::Error&) {
  }
  try {
    tapegrad::nn::NamedTensors parameters{{"w", tapegrad::zeros({2, 3})}, {"b", tapegrad::zeros({3})}};
    tapegrad::nn::NamedTensors state{{"w.m", tapegrad::zeros({2, 3}, tapegrad::Dtype::float64)}};
    tapegrad::nn::load_checkpoint(file.path(), parameters, state);
  } catch (const tapegrad::Error&) {
  }
  return 0;
}
