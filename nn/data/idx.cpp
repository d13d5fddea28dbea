// SPDX-License-Identifier: MIT
#include "tapegrad/nn/data/idx.hpp"

#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <utility>

#include "tapegrad/nn/io/file_error.hpp"
#include "tapegrad/nn/io/file_io.hpp"
#include "tapegrad/nn/io/gzip.hpp"

namespace tapegrad::nn {

namespace {

enum class IdxType : std::uint8_t { u8 = 0x08, i8 = 0x09, i16 = 0x0B, i32 = 0x0C, f32 = 0x0D, f64 = 0x0E };

std::size_t element_size(std::uint8_t type) {
  switch (type) {
    case 0x08:
    case 0x09:
      return 1;
    case 0x0B:
      return 2;
    case 0x0C:
    case 0x0D:
      return 4;
    case 0x0E:
      return 8;
    default:
      return 0;
  }
}

const char* type_name(std::uint8_t type) {
  switch (type) {
    case 0x08:
      return "unsigned byte";
    case 0x09:
      return "signed byte";
    case 0x0B:
      return "int16";
    case 0x0C:
      return "int32";
    case 0x0D:
      return "float32";
    default:
      return "float64";
  }
}

std::string hex_byte(unsigned char b) {
  const char* digits = "0123456789abcdef";
  return {digits[b >> 4], digits[b & 15]};
}

std::uint64_t big_endian(const unsigned char* p, std::size_t bytes) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < bytes; ++i) v = (v << 8) | p[i];
  return v;
}

// The file's header, and where its elements start.
struct IdxFile {
  std::string bytes;
  std::uint8_t type = 0;
  Shape shape;
  std::size_t count = 0;
  std::size_t data_offset = 0;
};

// Everything the header promises, checked against the file's size before the elements are read: the magic,
// the element type, the rank, and dimensions whose product (by the rule of tapegrad::numel) fits a tensor and
// matches the bytes that follow.
void check_header(IdxFile& f, std::string_view head, std::uint64_t file_size, const std::string& name,
                  const char* op) {
  const auto* b = reinterpret_cast<const unsigned char*>(head.data());
  TAPEGRAD_CHECK(head.size() >= 4, nn::FileError, op, ": ", name, " is truncated: ", file_size,
                 " byte(s), an IDX header needs at least 4");
  TAPEGRAD_CHECK(b[0] == 0 && b[1] == 0, nn::FileError, op, ": ", name,
                 " is not an IDX file: its magic must start with 00 00, got ", hex_byte(b[0]), " ",
                 hex_byte(b[1]));
  f.type = b[2];
  TAPEGRAD_CHECK(element_size(f.type) != 0, nn::FileError, op, ": ", name, " has unknown IDX element type 0x",
                 hex_byte(f.type), " (expected 08, 09, 0b, 0c, 0d or 0e)");
  const std::size_t rank = b[3];
  TAPEGRAD_CHECK(rank > 0, nn::FileError, op, ": ", name, " has rank 0 (no dimensions)");
  f.data_offset = 4 + 4 * rank;
  TAPEGRAD_CHECK(head.size() >= f.data_offset, nn::FileError, op, ": ", name,
                 " is truncated in its header: ", rank, " dimension(s) need ", f.data_offset,
                 " bytes, the file has ", file_size);
  std::uint64_t nonzero = 1;  // product of the non-zero dimensions, kept <= max_numel
  bool empty = false;
  for (std::size_t i = 0; i < rank; ++i) {
    const std::uint64_t d = big_endian(b + 4 + 4 * i, 4);
    f.shape.push_back(static_cast<std::int64_t>(d));
    if (d == 0)
      empty = true;
    else if (d <= static_cast<std::uint64_t>(max_numel) / nonzero)
      nonzero *= d;
    else
      nonzero = static_cast<std::uint64_t>(max_numel) + 1;
  }
  const bool too_many = nonzero > static_cast<std::uint64_t>(max_numel);
  const std::uint64_t available = file_size - f.data_offset;
  const std::uint64_t needed = empty      ? 0
                               : too_many ? std::numeric_limits<std::uint64_t>::max()
                                          : nonzero * element_size(f.type);
  TAPEGRAD_CHECK(needed <= available, nn::FileError, op, ": ", name, " is truncated: its header promises ",
                 to_string(f.shape), " ", type_name(f.type), " elements, but only ", available,
                 " data byte(s) follow the header");
  TAPEGRAD_CHECK(needed == available, nn::FileError, op, ": ", name, " has ", available - needed,
                 " trailing byte(s) after its ", to_string(f.shape), " ", type_name(f.type), " elements");
  // An empty shape is held to the same rule ([0, 2^32-1, 2^32-1] is refused, as numel refuses it).
  TAPEGRAD_CHECK(!too_many, nn::FileError, op, ": ", name, " has shape ", to_string(f.shape),
                 ": more elements than a tensor may hold (2^42)");
  f.count = empty ? 0 : static_cast<std::size_t>(nonzero);
}

IdxFile open_idx(const std::filesystem::path& given, const char* op) {
  IdxFile f;
  const std::filesystem::path path = detail::existing_or_gz(given);  // `name` or `name.gz`
  const std::string name = path.string();
  constexpr std::size_t kLongestHeader = 4 + 4 * 255;
  // A plain file's header is checked against its size before the body is read. A gzip stream (magic
  // 1f 8b) holds its header inside: it is decompressed first and checked against the decompressed size.
  bool gzipped = false;
  std::string raw = detail::read_whole_file(path, op, kLongestHeader, [&](std::string_view head, std::uint64_t size) {
    gzipped = head.size() >= 2 && static_cast<unsigned char>(head[0]) == 0x1f &&
              static_cast<unsigned char>(head[1]) == 0x8b;
    if (!gzipped) check_header(f, head, size, name, op);
  });
  if (gzipped) {
    f.bytes = detail::gunzip(raw, name, op);
    check_header(f, f.bytes, f.bytes.size(), name, op);
  } else {
    f.bytes = std::move(raw);
  }
  return f;
}

// Element i as a double (IDX stores big-endian, whatever the host is).
double element(const IdxFile& f, std::size_t i) {
  const auto* p = reinterpret_cast<const unsigned char*>(f.bytes.data()) + f.data_offset;
  switch (static_cast<IdxType>(f.type)) {
    case IdxType::u8:
      return p[i];
    case IdxType::i8:
      return static_cast<std::int8_t>(p[i]);
    case IdxType::i16:
      return static_cast<std::int16_t>(big_endian(p + 2 * i, 2));
    case IdxType::i32:
      return static_cast<std::int32_t>(big_endian(p + 4 * i, 4));
    case IdxType::f32:
      return static_cast<double>(std::bit_cast<float>(static_cast<std::uint32_t>(big_endian(p + 4 * i, 4))));
    case IdxType::f64:
      return std::bit_cast<double>(big_endian(p + 8 * i, 8));
  }
  return 0.0;
}

// A float64 element too large for float32 is refused, not turned into inf (as read_csv refuses one).
template <class T>
Tensor to_tensor(const IdxFile& f, const Shape& shape, double scale, const std::filesystem::path& path,
                 const char* op) {
  std::vector<T> values(f.count);
  for (std::size_t i = 0; i < f.count; ++i) {
    const double v = element(f, i) * scale;
    values[i] = static_cast<T>(v);
    TAPEGRAD_CHECK(!std::isinf(values[i]) || std::isinf(v), nn::FileError, op, ": ", path.string(),
                   ": element ", i, " (", v, ") is out of the range of float32");
  }
  return from<T>(values, shape);
}

}  // namespace

Tensor read_idx(const std::filesystem::path& path, Dtype dtype) {
  const IdxFile f = open_idx(path, "read_idx");
  return dtype == Dtype::float32 ? to_tensor<float>(f, f.shape, 1.0, path, "read_idx")
                                 : to_tensor<double>(f, f.shape, 1.0, path, "read_idx");
}

namespace {

std::vector<std::int64_t> labels_of(const std::filesystem::path& path, const char* op) {
  const IdxFile f = open_idx(path, op);
  TAPEGRAD_CHECK(f.shape.size() == 1, nn::FileError, op, ": ", path.string(),
                 " must be a 1-D label file, got shape ", to_string(f.shape));
  TAPEGRAD_CHECK(f.type != 0x0D && f.type != 0x0E, nn::FileError, op, ": ", path.string(), " holds ",
                 type_name(f.type), " values; labels must be integers");
  std::vector<std::int64_t> labels(f.count);
  for (std::size_t i = 0; i < f.count; ++i) labels[i] = static_cast<std::int64_t>(element(f, i));
  return labels;
}

}  // namespace

std::vector<std::int64_t> read_idx_labels(const std::filesystem::path& path) {
  return labels_of(path, "read_idx_labels");
}

Dataset load_mnist(const std::filesystem::path& images, const std::filesystem::path& labels,
                   std::int64_t num_classes, Dtype dtype) {
  const IdxFile f = open_idx(images, "load_mnist");
  TAPEGRAD_CHECK(f.type == 0x08 && (f.shape.size() == 2 || f.shape.size() == 3), nn::FileError,
                 "load_mnist: ", images.string(),
                 " must hold unsigned-byte images [n, rows, cols] or [n, d], got ", type_name(f.type), " ",
                 to_string(f.shape));
  std::vector<std::int64_t> y = labels_of(labels, "load_mnist");
  const std::int64_t n = f.shape[0];
  TAPEGRAD_CHECK(static_cast<std::int64_t>(y.size()) == n, nn::FileError, "load_mnist: ", images.string(),
                 " has ", n, " images but ", labels.string(), " has ", y.size(), " labels");
  for (std::size_t i = 0; i < y.size(); ++i)
    TAPEGRAD_CHECK(y[i] >= 0 && y[i] < num_classes, nn::FileError, "load_mnist: ", labels.string(),
                   ": label ", y[i], " at position ", i, " is out of range for ", num_classes, " classes");
  const Shape shape{n, n == 0 ? 0 : static_cast<std::int64_t>(f.count) / n};
  Tensor x = dtype == Dtype::float32 ? to_tensor<float>(f, shape, 1.0 / 255.0, images, "load_mnist")
                                     : to_tensor<double>(f, shape, 1.0 / 255.0, images, "load_mnist");
  return Dataset(std::move(x), std::move(y), num_classes);
}

}  // namespace tapegrad::nn
