// SPDX-License-Identifier: MIT
// idx_header_test.cpp: IDX headers judged against the file's size before the data is read; empty
// dimensions follow one rule (a tensor's: [2, 0, 5] with no data is read, [0, 2^32-1, 2^32-1] is not);
// float64 values beyond float32 are refused, not made inf.
#include <doctest/doctest.h>

#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <string>
#include <vector>

#include "tapegrad/nn/nn.hpp"
#include "temp_dir.hpp"

using tapegrad::Dtype;
using tapegrad::nn::FileError;
using tapegrad::test::TempDir;
using tapegrad::test::write_file;

namespace {

std::string header(unsigned char type, std::initializer_list<std::uint32_t> dims) {
  std::string out{'\0', '\0', static_cast<char>(type), static_cast<char>(dims.size())};
  for (std::uint32_t d : dims)
    for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>((d >> shift) & 0xff);
  return out;
}

std::string big_endian_double(double v) {
  std::uint64_t bits = 0;
  std::memcpy(&bits, &v, sizeof bits);
  std::string out;
  for (int shift = 56; shift >= 0; shift -= 8) out += static_cast<char>((bits >> shift) & 0xff);
  return out;
}

}  // namespace

TEST_CASE("read_idx: a zero dimension with no data is an empty tensor of that shape") {
  TempDir dir;
  write_file(dir / "empty", header(0x08, {2, 0, 5}));
  const tapegrad::Tensor t = tapegrad::nn::read_idx(dir / "empty");
  CHECK(t.shape() == tapegrad::Shape{2, 0, 5});
  CHECK(t.numel() == 0);
  write_file(dir / "images", header(0x08, {0, 28, 28}));
  CHECK(tapegrad::nn::read_idx(dir / "images").shape() == tapegrad::Shape{0, 28, 28});
  write_file(dir / "labels", header(0x08, {0}));
  CHECK(tapegrad::nn::read_idx_labels(dir / "labels").empty());
}

TEST_CASE("read_idx: an empty shape whose other dimensions no tensor could hold is refused") {
  TempDir dir;
  write_file(dir / "wide", header(0x08, {0, 0xffffffff, 0xffffffff}));
  CHECK_THROWS_WITH_AS(tapegrad::nn::read_idx(dir / "wide"),
                       doctest::Contains("wide has shape [0, 4294967295, 4294967295]: more elements than a "
                                         "tensor may hold"),
                       FileError);
}

TEST_CASE("read_idx: float64 values beyond float32 are refused for a float32 tensor") {
  TempDir dir;
  write_file(dir / "f64", header(0x0E, {2}) + big_endian_double(1.0) + big_endian_double(1e300));
  CHECK_THROWS_WITH_AS(tapegrad::nn::read_idx(dir / "f64"),
                       doctest::Contains("f64: element 1 (1e+300) is out of the range of float32"),
                       FileError);
  CHECK(tapegrad::nn::read_idx(dir / "f64", Dtype::float64).to_vector<double>()[1] == 1e300);
}
