// SPDX-License-Identifier: MIT
// idx_test.cpp: the IDX (MNIST) readers on small files the test writes byte by byte: element types,
// big-endian order, and the header checks (magic, type, rank, truncation, trailing bytes).
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

// An IDX header: 00 00 type rank, then each dimension as a big-endian uint32.
std::string idx_header(unsigned char type, std::initializer_list<std::uint32_t> dims) {
  std::string out{'\0', '\0', static_cast<char>(type), static_cast<char>(dims.size())};
  for (std::uint32_t d : dims)
    for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>((d >> shift) & 0xff);
  return out;
}

std::string bytes(std::initializer_list<int> values) {
  std::string out;
  for (int v : values) out += static_cast<char>(v);
  return out;
}

}  // namespace

TEST_CASE("read_idx: unsigned bytes keep the file's dimensions and values") {
  TempDir dir;
  write_file(dir / "img",
             idx_header(0x08, {2, 2, 3}) + bytes({0, 1, 2, 3, 4, 5, 250, 251, 252, 253, 254, 255}));
  const tapegrad::Tensor t = tapegrad::nn::read_idx(dir / "img");
  CHECK(t.shape() == tapegrad::Shape{2, 2, 3});
  CHECK(t.dtype() == Dtype::float32);
  CHECK(t.to_vector<float>() == std::vector<float>{0, 1, 2, 3, 4, 5, 250, 251, 252, 253, 254, 255});
}

TEST_CASE("read_idx: signed and multi-byte element types are read big-endian") {
  TempDir dir;
  write_file(dir / "i8", idx_header(0x09, {2}) + bytes({0xff, 0x7f}));
  CHECK(tapegrad::nn::read_idx(dir / "i8").to_vector<float>() == std::vector<float>{-1, 127});
  write_file(dir / "i16", idx_header(0x0B, {2}) + bytes({0x01, 0x02, 0xff, 0xfe}));
  CHECK(tapegrad::nn::read_idx(dir / "i16").to_vector<float>() == std::vector<float>{258, -2});
  write_file(dir / "i32", idx_header(0x0C, {1}) + bytes({0x00, 0x01, 0x00, 0x00}));
  CHECK(tapegrad::nn::read_idx(dir / "i32").to_vector<float>() == std::vector<float>{65536});
  // 1.5f is 0x3fc00000; -2.0 is 0xc000000000000000.
  write_file(dir / "f32", idx_header(0x0D, {1}) + bytes({0x3f, 0xc0, 0x00, 0x00}));
  CHECK(tapegrad::nn::read_idx(dir / "f32", Dtype::float64).to_vector<double>() == std::vector<double>{1.5});
  write_file(dir / "f64", idx_header(0x0E, {1}) + bytes({0xc0, 0, 0, 0, 0, 0, 0, 0}));
  CHECK(tapegrad::nn::read_idx(dir / "f64", Dtype::float64).to_vector<double>() == std::vector<double>{-2.0});
}

TEST_CASE("read_idx: a bad magic, type or rank is an error naming the file") {
  TempDir dir;
  write_file(dir / "magic", bytes({0x01, 0x8b, 0x08, 0x01}) + std::string(8, '\0'));
  CHECK_THROWS_WITH_AS(
      tapegrad::nn::read_idx(dir / "magic"),
      doctest::Contains("magic is not an IDX file: its magic must start with 00 00, got 01 8b"), FileError);
  write_file(dir / "type", idx_header(0x0A, {1}) + "x");
  CHECK_THROWS_WITH_AS(tapegrad::nn::read_idx(dir / "type"),
                       doctest::Contains("unknown IDX element type 0x0a"), FileError);
  write_file(dir / "rank0", idx_header(0x08, {}));
  CHECK_THROWS_WITH_AS(tapegrad::nn::read_idx(dir / "rank0"), doctest::Contains("rank0 has rank 0"),
                       FileError);
  write_file(dir / "tiny", bytes({0, 0}));
  CHECK_THROWS_WITH_AS(tapegrad::nn::read_idx(dir / "tiny"),
                       doctest::Contains("tiny is truncated: 2 byte(s)"), FileError);
}

TEST_CASE("read_idx: truncated headers and data, and trailing bytes, give byte counts") {
  TempDir dir;
  write_file(dir / "header", idx_header(0x08, {3, 4}).substr(0, 9));
  CHECK_THROWS_WITH_AS(
      tapegrad::nn::read_idx(dir / "header"),
      doctest::Contains("header is truncated in its header: 2 dimension(s) need 12 bytes, the file has 9"),
      FileError);
  write_file(dir / "data", idx_header(0x08, {3, 4}) + std::string(11, '\1'));
  CHECK_THROWS_WITH_AS(
      tapegrad::nn::read_idx(dir / "data"),
      doctest::Contains(
          "data is truncated: its header promises [3, 4] unsigned byte elements, but only 11 data byte(s)"),
      FileError);
  write_file(dir / "huge", idx_header(0x0E, {0xffffffff, 0xffffffff, 0xffffffff}) + std::string(8, '\0'));
  CHECK_THROWS_WITH_AS(tapegrad::nn::read_idx(dir / "huge"), doctest::Contains("is truncated"), FileError);
  write_file(dir / "long", idx_header(0x0B, {2}) + std::string(5, '\0'));
  CHECK_THROWS_WITH_AS(tapegrad::nn::read_idx(dir / "long"),
                       doctest::Contains("long has 1 trailing byte(s) after its [2] int16 elements"),
                       FileError);
  CHECK_THROWS_WITH_AS(tapegrad::nn::read_idx(dir / "absent"), doctest::Contains("No such file"), FileError);
}

TEST_CASE("read_idx_labels: integer 1-D files only") {
  TempDir dir;
  write_file(dir / "labels", idx_header(0x08, {4}) + bytes({3, 0, 9, 1}));
  CHECK(tapegrad::nn::read_idx_labels(dir / "labels") == std::vector<std::int64_t>{3, 0, 9, 1});
  write_file(dir / "2d", idx_header(0x08, {2, 2}) + bytes({1, 2, 3, 4}));
  CHECK_THROWS_WITH_AS(tapegrad::nn::read_idx_labels(dir / "2d"),
                       doctest::Contains("must be a 1-D label file, got shape [2, 2]"), FileError);
  write_file(dir / "float", idx_header(0x0D, {1}) + bytes({0, 0, 0, 0}));
  CHECK_THROWS_WITH_AS(tapegrad::nn::read_idx_labels(dir / "float"),
                       doctest::Contains("holds float32 values; labels must be integers"), FileError);
}

TEST_CASE("load_mnist: images become [n, rows * cols] in [0, 1] with their labels") {
  TempDir dir;
  write_file(dir / "images",
             idx_header(0x08, {3, 2, 2}) + bytes({0, 255, 51, 0, 255, 255, 0, 0, 102, 0, 0, 0}));
  write_file(dir / "labels", idx_header(0x08, {3}) + bytes({7, 2, 9}));
  const auto data = tapegrad::nn::load_mnist(dir / "images", dir / "labels");
  CHECK(data.size() == 3);
  CHECK(data.num_features() == 4);
  CHECK(data.num_classes() == 10);
  const std::vector<float> x = data.features().to_vector<float>();
  CHECK(x[1] == 1.0f);
  CHECK(x[2] == doctest::Approx(0.2));
  CHECK(x[8] == doctest::Approx(0.4));
  CHECK(data.labels()[2] == 9);

  write_file(dir / "two_labels", idx_header(0x08, {2}) + bytes({1, 2}));
  CHECK_THROWS_WITH_AS(tapegrad::nn::load_mnist(dir / "images", dir / "two_labels"),
                       doctest::Contains("has 3 images but"), FileError);
  CHECK_THROWS_WITH_AS(tapegrad::nn::load_mnist(dir / "images", dir / "labels", 8),
                       doctest::Contains("label 9 at position 2 is out of range for 8 classes"), FileError);
  write_file(dir / "float_images", idx_header(0x0D, {1, 1}) + bytes({0, 0, 0, 0}));
  CHECK_THROWS_WITH_AS(tapegrad::nn::load_mnist(dir / "float_images", dir / "labels"),
                       doctest::Contains("must hold unsigned-byte images"), FileError);
}
