// SPDX-License-Identifier: MIT
// csv_fuzz.cpp: any text given to parse_csv and load_csv ends in a table, a Dataset or a tapegrad::Error.
// The first byte picks the options (header, dtype, delimiter, target, label column), the rest is the file.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "memory_file.hpp"
#include "tapegrad/nn/nn.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::uint8_t knobs = data[0];
  namespace nn = tapegrad::nn;
  nn::CsvOptions options;
  options.header = (knobs & 1) != 0;
  options.dtype = (knobs & 2) != 0 ? tapegrad::Dtype::float64 : tapegrad::Dtype::float32;
  options.delimiter = (knobs & 4) != 0 ? ';' : ',';
  options.target = (knobs & 8) != 0 ? nn::CsvTarget::regression : nn::CsvTarget::class_label;
  options.label_index = (knobs & 16) != 0 ? 0 : -1;
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  try {
    (void)nn::parse_csv(text, "fuzz", options);
  } catch (const tapegrad::Error&) {
  }
  const tapegrad::fuzz::MemoryFile file(data + 1, size - 1);
  try {
    (void)nn::load_csv(file.path(), options);
  } catch (const tapegrad::Error&) {
  }
  return 0;
}
