// SPDX-License-Identifier: MIT
#include "tapegrad/nn/io/checkpoint.hpp"

#include <zlib.h>

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstring>
#include <limits>
#include <set>
#include <string_view>
#include <unordered_map>

#include "tapegrad/nn/io/atomic_file.hpp"
#include "tapegrad/nn/io/file_error.hpp"
#include "tapegrad/nn/io/file_io.hpp"
#include "tapegrad/nn/io/tensor_bytes.hpp"

namespace tapegrad::nn {

namespace {

// docs/checkpoint-format.md. A non-ASCII first byte: never mistaken for text; the final '\n' catches a
// transfer that rewrote line ends.
constexpr unsigned char kMagic[8] = {0x89, 'T', 'G', 'C', 'K', 'P', 'T', '\n'};
constexpr std::uint32_t kVersion = 1;
constexpr std::size_t kHeaderBytes = 32;
constexpr std::size_t kChecksumBytes = 4;
constexpr std::size_t kMaxNameBytes = 65535;
constexpr std::size_t kMaxRank = 255;

std::uint8_t dtype_code(Dtype d) {
  return d == Dtype::float32 ? 0 : d == Dtype::float64 ? 1 : 2;
}

// zlib's crc32 takes a 32-bit length, so long buffers go in slices.
std::uint32_t crc32_update(std::uint32_t crc, const void* data, std::size_t bytes) {
  const auto* p = static_cast<const Bytef*>(data);
  uLong c = crc;
  while (bytes > 0) {
    const auto take = static_cast<uInt>(std::min<std::size_t>(bytes, std::numeric_limits<uInt>::max()));
    c = ::crc32(c, p, take);
    p += take;
    bytes -= take;
  }
  return static_cast<std::uint32_t>(c);
}

// Tensor data in the file's byte order (little-endian) from the host's, or back: the same swap.
void copy_little_endian(void* to, const void* from, std::size_t count, std::size_t element_bytes) {
  if constexpr (std::endian::native == std::endian::little) {
    std::memcpy(to, from, count * element_bytes);
  } else {
    auto* dst = static_cast<unsigned char*>(to);
    const auto* src = static_cast<const unsigned char*>(from);
    for (std::size_t i = 0; i < count; ++i)
      for (std::size_t b = 0; b < element_bytes; ++b)
        dst[i * element_bytes + b] = src[i * element_bytes + element_bytes - 1 - b];
  }
}

// ---- writing -------------------------------------------------------------------------------------------

// Little-endian integers and the running CRC on top of an AtomicFile.
class ChecksummedWriter {
 public:
  explicit ChecksummedWriter(detail::AtomicFile& file) : file_(file) {}
  void bytes(const void* data, std::size_t n) {
    crc_ = crc32_update(crc_, data, n);
    file_.write(data, n);
  }
  template <class UInt>
  void integer(UInt v) {
    unsigned char b[sizeof(UInt)];
    for (std::size_t i = 0; i < sizeof(UInt); ++i) b[i] = static_cast<unsigned char>(v >> (8 * i));
    bytes(b, sizeof b);
  }
  std::uint32_t crc() const { return crc_; }

 private:
  detail::AtomicFile& file_;
  std::uint32_t crc_ = 0;
};

std::size_t entry_bytes(const std::string& name, const Tensor& t) {
  return 4 + name.size() + 2 + 8 * t.dim() + static_cast<std::size_t>(t.numel()) * size_of(t.dtype());
}

void check_list(const NamedTensors& list, const char* what) {
  std::set<std::string_view> seen;
  for (const auto& [name, t] : list) {
    TAPEGRAD_CHECK(!name.empty() && name.size() <= kMaxNameBytes, DomainError, "save_checkpoint: ", what,
                   " names must have 1 to ", kMaxNameBytes, " bytes, got ", name.size());
    TAPEGRAD_CHECK(seen.insert(name).second, DomainError, "save_checkpoint: ", what, " '", name,
                   "' appears twice");
    TAPEGRAD_CHECK(t.defined(), ShapeError, "save_checkpoint: ", what, " '", name,
                   "' is an undefined tensor");
    TAPEGRAD_CHECK(t.dim() <= kMaxRank, ShapeError, "save_checkpoint: ", what, " '", name, "' has ", t.dim(),
                   " dimensions, at most ", kMaxRank, " are supported");
  }
  TAPEGRAD_CHECK(list.size() <= std::numeric_limits<std::uint32_t>::max(), ShapeError,
                 "save_checkpoint: too many ", what, "s (", list.size(), ")");
}

void write_entry(ChecksummedWriter& out, const std::string& name, const Tensor& t) {
  out.integer(static_cast<std::uint32_t>(name.size()));
  out.bytes(name.data(), name.size());
  out.integer(dtype_code(t.dtype()));
  out.integer(static_cast<std::uint8_t>(t.dim()));
  for (std::int64_t d : t.shape()) out.integer(static_cast<std::uint64_t>(d));
  const std::size_t count = static_cast<std::size_t>(t.numel());
  const std::size_t size = size_of(t.dtype());
  if constexpr (std::endian::native == std::endian::little) {
    out.bytes(detail::bytes_of(t), count * size);
  } else {
    std::vector<unsigned char> swapped(count * size);
    copy_little_endian(swapped.data(), detail::bytes_of(t), count, size);
    out.bytes(swapped.data(), swapped.size());
  }
}

// ---- reading -------------------------------------------------------------------------------------------

struct Entry {
  std::string name;
  Dtype dtype = Dtype::float32;
  Shape shape;
  std::size_t data_offset = 0;  // into the file's bytes
};

struct ParsedFile {
  std::string bytes;
  std::vector<Entry> parameters;
  std::vector<Entry> state;
};

// Bounds-checked little-endian reads; every failure names the file.
class Cursor {
 public:
  Cursor(const std::string& bytes, std::size_t end, const std::string& file, const char* op)
      : p_(reinterpret_cast<const unsigned char*>(bytes.data())), end_(end), file_(file), op_(op) {}

  template <class UInt>
  UInt integer(std::string_view what) {
    need(sizeof(UInt), what);
    UInt v = 0;
    for (std::size_t i = 0; i < sizeof(UInt); ++i) v = static_cast<UInt>(v | (UInt{p_[pos_ + i]} << (8 * i)));
    pos_ += sizeof(UInt);
    return v;
  }
  std::string text(std::size_t n, std::string_view what) {
    need(n, what);
    std::string s(reinterpret_cast<const char*>(p_ + pos_), n);
    pos_ += n;
    return s;
  }
  std::size_t skip(std::size_t n, std::string_view what) {
    need(n, what);
    const std::size_t at = pos_;
    pos_ += n;
    return at;
  }
  std::size_t position() const { return pos_; }

 private:
  void need(std::size_t n, std::string_view what) {
    TAPEGRAD_CHECK(n <= end_ - pos_, nn::FileError, op_, ": ", file_, " is malformed: ", what, " needs ", n,
                   " byte(s) at offset ", pos_, ", only ", end_ - pos_, " remain before the checksum");
  }
  const unsigned char* p_;
  std::size_t end_;
  std::size_t pos_ = 0;
  const std::string& file_;
  const char* op_;
};

std::string hex32(std::uint32_t v) {
  const char* digits = "0123456789abcdef";
  std::string s = "0x";
  for (int shift = 28; shift >= 0; shift -= 4) s += digits[(v >> shift) & 15];
  return s;
}

Entry read_entry(Cursor& in, std::size_t index, const char* group, const std::string& file, const char* op) {
  Entry e;
  const std::string where = std::string(group) + " entry " + std::to_string(index);
  const auto name_bytes = in.integer<std::uint32_t>(where + "'s name length");
  TAPEGRAD_CHECK(name_bytes >= 1 && name_bytes <= kMaxNameBytes, nn::FileError, op, ": ", file,
                 " is malformed: ", where, " has a name of ", name_bytes, " bytes");
  e.name = in.text(name_bytes, where + "'s name");
  const std::string entry = std::string(group) + " '" + e.name + "'";
  const auto code = in.integer<std::uint8_t>(entry + "'s dtype");
  TAPEGRAD_CHECK(code <= 2, nn::FileError, op, ": ", file, " is malformed: ", entry,
                 " has unknown dtype code ", int{code});
  e.dtype = code == 0 ? Dtype::float32 : code == 1 ? Dtype::float64 : Dtype::int64;
  const auto rank = in.integer<std::uint8_t>(entry + "'s rank");
  // The rule of tapegrad::numel (the non-zero dimensions multiply to at most max_numel), checked by division
  // as the dimensions arrive, so that no product overflows and the error is a FileError naming the file.
  std::uint64_t nonzero = 1;
  bool empty = false;
  for (std::size_t i = 0; i < rank; ++i) {
    const auto d = in.integer<std::uint64_t>(entry + "'s shape");
    TAPEGRAD_CHECK(d <= static_cast<std::uint64_t>(max_numel) / nonzero, nn::FileError, op, ": ", file,
                   " is malformed: ", entry, " has dimension ", i, " = ", d,
                   ", more elements than a tensor may hold");
    e.shape.push_back(static_cast<std::int64_t>(d));
    if (d == 0)
      empty = true;
    else
      nonzero *= d;
  }
  const std::size_t count = empty ? 0 : static_cast<std::size_t>(nonzero);
  e.data_offset = in.skip(count * size_of(e.dtype),
                          entry + "'s data " + to_string(e.shape) + " " + std::string(name(e.dtype)));
  return e;
}

// A little-endian integer of the header at `offset` (the caller has checked that the head holds it).
std::uint64_t header_field(std::string_view head, std::size_t offset, std::size_t bytes) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < bytes; ++i)
    v |= std::uint64_t{static_cast<unsigned char>(head[offset + i])} << (8 * i);
  return v;
}

// Magic, version and recorded size against the file's size, from the first kHeaderBytes only: a file that
// is not a checkpoint, or whose size disagrees with its header, is refused before the rest is read.
void check_header(std::string_view head, std::uint64_t size, const std::string& file, const char* op) {
  TAPEGRAD_CHECK(size > 0 && std::memcmp(head.data(), kMagic, std::min(head.size(), sizeof kMagic)) == 0,
                 nn::FileError, op, ": ", file,
                 " is not a tapegrad checkpoint (it does not start with the checkpoint magic)");
  TAPEGRAD_CHECK(size >= kHeaderBytes + kChecksumBytes && head.size() >= kHeaderBytes, nn::FileError, op,
                 ": ", file, " is truncated: ", size, " bytes, shorter than a header and checksum (",
                 kHeaderBytes + kChecksumBytes, ")");
  const std::uint64_t version = header_field(head, 8, 4);
  TAPEGRAD_CHECK(version == kVersion, nn::FileError, op, ": ", file, " has format version ", version,
                 "; this build reads version ", kVersion);
  const std::uint64_t recorded_size = header_field(head, 16, 8);
  TAPEGRAD_CHECK(recorded_size <= size, nn::FileError, op, ": ", file, " is truncated: its header records ",
                 recorded_size, " bytes, the file has ", size);
  TAPEGRAD_CHECK(recorded_size == size, nn::FileError, op, ": ", file, " has ", size - recorded_size,
                 " unexpected trailing byte(s) after the ", recorded_size, " its header records");
}

ParsedFile parse(const std::filesystem::path& path, const char* op) {
  ParsedFile f;
  const std::string file = path.string();
  f.bytes = detail::read_whole_file(path, op, kHeaderBytes, [&](std::string_view head, std::uint64_t size) {
    check_header(head, size, file, op);
  });
  const std::size_t size = f.bytes.size();
  const auto* b = reinterpret_cast<const unsigned char*>(f.bytes.data());
  Cursor header(f.bytes, kHeaderBytes, file, op);
  header.skip(sizeof kMagic + 4, "magic and version");
  const auto flags = header.integer<std::uint32_t>("flags");
  header.skip(8, "file size");
  const std::size_t body = size - kChecksumBytes;
  Cursor checksum(f.bytes, size, file, op);
  checksum.skip(body, "body");
  const auto stored = checksum.integer<std::uint32_t>("checksum");
  const std::uint32_t computed = crc32_update(0, b, body);
  TAPEGRAD_CHECK(stored == computed, nn::FileError, op, ": ", file, " is corrupt: CRC-32 mismatch (stored ",
                 hex32(stored), ", computed ", hex32(computed), ")");
  // Checked after the CRC: a corrupt byte here is reported as corruption, not as a strange flag.
  TAPEGRAD_CHECK(flags == 0, nn::FileError, op, ": ", file, " has unknown flags ", hex32(flags));
  const auto parameter_count = header.integer<std::uint32_t>("parameter count");
  const auto state_count = header.integer<std::uint32_t>("optimizer state count");

  Cursor in(f.bytes, body, file, op);
  in.skip(kHeaderBytes, "header");
  const auto read_group = [&](std::uint32_t count, const char* group, std::vector<Entry>& out) {
    std::set<std::string_view> seen;
    out.reserve(std::min<std::size_t>(count, body / 7));  // an entry has at least 7 bytes
    for (std::size_t i = 0; i < count; ++i) {
      out.push_back(read_entry(in, i, group, file, op));
      TAPEGRAD_CHECK(seen.insert(out.back().name).second, nn::FileError, op, ": ", file,
                     " is malformed: ", group, " '", out.back().name, "' appears twice");
    }
  };
  read_group(parameter_count, "parameter", f.parameters);
  read_group(state_count, "optimizer state", f.state);
  TAPEGRAD_CHECK(in.position() == body, nn::FileError, op, ": ", file,
                 " is malformed: ", body - in.position(), " byte(s) after the last entry");
  return f;
}

Tensor to_tensor(const ParsedFile& f, const Entry& e) {
  Tensor t = zeros(e.shape, e.dtype);
  copy_little_endian(detail::bytes_of(t), f.bytes.data() + e.data_offset, static_cast<std::size_t>(t.numel()),
                     size_of(e.dtype));
  return t;
}

// Every check of one group against its destinations; throws before anything is written.
void match_group(const std::vector<Entry>& entries, const NamedTensors& destinations, const char* group,
                 const std::string& file, std::vector<std::pair<const Entry*, Tensor>>& plan) {
  const char* op = "load_checkpoint";
  std::unordered_map<std::string_view, const Entry*> by_name;
  for (const Entry& e : entries) by_name.emplace(e.name, &e);
  std::set<std::string_view> wanted;
  for (const auto& [name, t] : destinations) {
    TAPEGRAD_CHECK(wanted.insert(name).second, DomainError, op, ": the destination ", group, "s name '", name,
                   "' twice");
    TAPEGRAD_CHECK(t.defined(), ShapeError, op, ": destination ", group, " '", name,
                   "' is an undefined tensor");
    const auto found = by_name.find(name);
    TAPEGRAD_CHECK(found != by_name.end(), nn::FileError, op, ": ", file, " has no ", group, " '", name, "'");
    const Entry& e = *found->second;
    TAPEGRAD_CHECK(e.shape == t.shape(), ShapeError, op, ": ", file, ": ", group, " '", name, "' has shape ",
                   to_string(e.shape), " in the file but ", to_string(t.shape()), " in the destination");
    TAPEGRAD_CHECK(e.dtype == t.dtype(), ShapeError, op, ": ", file, ": ", group, " '", name, "' is ",
                   e.dtype, " in the file but ", t.dtype(), " in the destination");
    plan.emplace_back(&e, t);
  }
  for (const Entry& e : entries)
    TAPEGRAD_CHECK(wanted.count(e.name) != 0, nn::FileError, op, ": ", file, " has ", group, " '", e.name,
                   "', which the destination lacks");
}

void load(const std::filesystem::path& path, const NamedTensors& parameters, const NamedTensors* state) {
  const ParsedFile f = parse(path, "load_checkpoint");
  const std::string file = path.string();
  std::vector<std::pair<const Entry*, Tensor>> plan;
  match_group(f.parameters, parameters, "parameter", file, plan);
  if (state != nullptr) match_group(f.state, *state, "optimizer state", file, plan);
  // Nothing has thrown: now, and only now, the destinations change.
  for (const auto& [entry, t] : plan)
    copy_little_endian(detail::bytes_of(t), f.bytes.data() + entry->data_offset,
                       static_cast<std::size_t>(t.numel()), size_of(t.dtype()));
}

}  // namespace

void save_checkpoint(const std::filesystem::path& path, const NamedTensors& parameters,
                     const NamedTensors& optimizer_state) {
  check_list(parameters, "parameter");
  check_list(optimizer_state, "optimizer state");
  std::uint64_t total = kHeaderBytes + kChecksumBytes;
  for (const auto& [name, t] : parameters) total += entry_bytes(name, t);
  for (const auto& [name, t] : optimizer_state) total += entry_bytes(name, t);

  detail::AtomicFile file(path, "save_checkpoint");
  ChecksummedWriter out(file);
  out.bytes(kMagic, sizeof kMagic);
  out.integer(kVersion);
  out.integer(std::uint32_t{0});  // flags
  out.integer(total);
  out.integer(static_cast<std::uint32_t>(parameters.size()));
  out.integer(static_cast<std::uint32_t>(optimizer_state.size()));
  for (const auto& [name, t] : parameters) write_entry(out, name, t);
  for (const auto& [name, t] : optimizer_state) write_entry(out, name, t);
  const std::uint32_t crc = out.crc();
  unsigned char trailer[4];
  for (std::size_t i = 0; i < 4; ++i) trailer[i] = static_cast<unsigned char>(crc >> (8 * i));
  file.write(trailer, sizeof trailer);
  file.commit();
}

Checkpoint read_checkpoint(const std::filesystem::path& path) {
  const ParsedFile f = parse(path, "read_checkpoint");
  Checkpoint out;
  for (const Entry& e : f.parameters) out.parameters.emplace_back(e.name, to_tensor(f, e));
  for (const Entry& e : f.state) out.optimizer_state.emplace_back(e.name, to_tensor(f, e));
  return out;
}

void load_checkpoint(const std::filesystem::path& path, const NamedTensors& parameters) {
  load(path, parameters, nullptr);
}

void load_checkpoint(const std::filesystem::path& path, const NamedTensors& parameters,
                     const NamedTensors& optimizer_state) {
  load(path, parameters, &optimizer_state);
}

}  // namespace tapegrad::nn
