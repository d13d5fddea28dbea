// SPDX-License-Identifier: MIT
// idx_gzip_test.cpp: the IDX readers take gzip files directly (Debian ships Fashion-MNIST gzipped), find
// `name.gz` when `name` is absent, and reject a corrupt or truncated gzip stream naming the file.
// The gzip bytes are made here with zlib's deflate, independently of the reader's inflate.
#include <doctest/doctest.h>
#include <zlib.h>

#include <cstdint>
#include <string>
#include <vector>

#include "tapegrad/nn/nn.hpp"
#include "temp_dir.hpp"

using tapegrad::nn::FileError;
using tapegrad::test::TempDir;
using tapegrad::test::write_file;

namespace {

std::string gzip(const std::string& data) {
  z_stream zs{};
  REQUIRE(deflateInit2(&zs, Z_BEST_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) == Z_OK);
  std::string out(deflateBound(&zs, static_cast<uLong>(data.size())) + 64, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  REQUIRE(deflate(&zs, Z_FINISH) == Z_STREAM_END);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

/// An unsigned-byte IDX file [n, 2, 3] with pixel values i % 251, and its labels [n] = i % 10.
std::string images(std::uint32_t n) {
  std::string out{'\0', '\0', '\x08', '\x03'};
  for (std::uint32_t d : {n, 2u, 3u})
    for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>((d >> shift) & 0xff);
  for (std::uint32_t i = 0; i < n * 6; ++i) out += static_cast<char>(i % 251);
  return out;
}
std::string labels(std::uint32_t n) {
  std::string out{'\0', '\0', '\x08', '\x01'};
  for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>((n >> shift) & 0xff);
  for (std::uint32_t i = 0; i < n; ++i) out += static_cast<char>(i % 10);
  return out;
}

}  // namespace

TEST_CASE("read_idx: a gzip file reads as its contents, found as name or name.gz") {
  TempDir dir;
  write_file(dir.path() / "plain", images(50));
  write_file(dir.path() / "packed.gz", gzip(images(50)));
  write_file(dir.path() / "named.gz", gzip(images(50)));
  const auto want = tapegrad::nn::read_idx(dir.path() / "plain").to_vector<float>();
  REQUIRE(want.size() == 300);
  CHECK(want[257] == 6.0f);                                                           // 257 % 251
  CHECK(tapegrad::nn::read_idx(dir.path() / "packed").to_vector<float>() == want);    // finds packed.gz
  CHECK(tapegrad::nn::read_idx(dir.path() / "named.gz").to_vector<float>() == want);  // asked by full name
}

TEST_CASE("load_mnist: gzipped image and label files, concatenated gzip members") {
  TempDir dir;
  const std::string all = labels(40);
  // Two gzip members back to back, as `cat a.gz b.gz` makes: one stream of both.
  write_file(dir.path() / "labels.gz", gzip(all.substr(0, 20)) + gzip(all.substr(20)));
  write_file(dir.path() / "images.gz", gzip(images(40)));
  const auto data = tapegrad::nn::load_mnist(dir.path() / "images", dir.path() / "labels");
  CHECK(data.size() == 40);
  CHECK(data.labels()[13] == 3);
  CHECK(data.features().shape() == tapegrad::Shape{40, 6});
}

TEST_CASE("read_idx: a corrupt or truncated gzip file is an error naming the file") {
  TempDir dir;
  std::string packed = gzip(images(30));
  write_file(dir.path() / "cut.gz", packed.substr(0, packed.size() / 2));
  CHECK_THROWS_WITH_AS(tapegrad::nn::read_idx(dir.path() / "cut.gz"),
                       doctest::Contains("cut.gz is not a valid gzip file"), FileError);
  packed[packed.size() / 2] = static_cast<char>(packed[packed.size() / 2] ^ 0x5a);
  write_file(dir.path() / "flipped.gz", packed);
  CHECK_THROWS_WITH_AS(tapegrad::nn::read_idx(dir.path() / "flipped.gz"),
                       doctest::Contains("flipped.gz is not a valid gzip file"), FileError);
  CHECK_THROWS_AS(tapegrad::nn::read_idx(dir.path() / "missing"), FileError);
}

TEST_CASE("load_fashion_mnist: a directory without the files says how to install them") {
  TempDir dir;
  CHECK_FALSE(tapegrad::nn::has_fashion_mnist(dir.path()));
  CHECK_THROWS_WITH_AS(tapegrad::nn::load_fashion_mnist(dir.path()),
                       doctest::Contains("apt-get install dataset-fashion-mnist"), FileError);
  CHECK(tapegrad::nn::kFashionMnistClasses[9] == "Ankle boot");
}
