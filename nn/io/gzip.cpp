// SPDX-License-Identifier: MIT
// gzip.cpp: gzip decompression in memory with zlib's inflate (window bits 16 + 15: gzip header and CRC).
#include "tapegrad/nn/io/gzip.hpp"

#include <zlib.h>

#include <algorithm>
#include <climits>
#include <system_error>

#include "tapegrad/autodiff/core/error.hpp"
#include "tapegrad/nn/io/file_error.hpp"
#include "tapegrad/nn/io/file_io.hpp"

namespace tapegrad::nn::detail {

std::filesystem::path existing_or_gz(const std::filesystem::path& path) {
  std::error_code ec;
  if (std::filesystem::exists(path, ec)) return path;
  std::filesystem::path gz = path;
  gz += ".gz";
  return std::filesystem::exists(gz, ec) ? gz : path;
}

std::string gunzip(std::string_view bytes, const std::string& name, std::string_view op) {
  z_stream zs{};
  TAPEGRAD_CHECK(inflateInit2(&zs, 16 + MAX_WBITS) == Z_OK, nn::FileError, op, ": cannot start zlib for ",
                 name);
  std::string out;
  // IDX payloads compress about 5:1; grow from a guess instead of one byte at a time.
  out.resize(bytes.size() * 4 + 1024);
  std::size_t written = 0;
  std::size_t consumed = 0;
  int rc = Z_OK;
  while (true) {
    if (written == out.size()) out.resize(out.size() * 2);
    const std::size_t in_chunk = std::min<std::size_t>(bytes.size() - consumed, UINT_MAX);
    const std::size_t out_chunk = std::min<std::size_t>(out.size() - written, UINT_MAX);
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data() + consumed));
    zs.avail_in = static_cast<uInt>(in_chunk);
    zs.next_out = reinterpret_cast<Bytef*>(out.data() + written);
    zs.avail_out = static_cast<uInt>(out_chunk);
    rc = inflate(&zs, Z_NO_FLUSH);
    consumed += in_chunk - zs.avail_in;
    written += out_chunk - zs.avail_out;
    if (rc == Z_STREAM_END) {
      if (consumed == bytes.size()) break;
      inflateReset(&zs);  // another gzip member follows
      continue;
    }
    if (rc == Z_BUF_ERROR && zs.avail_out != 0) break;  // input ended inside the stream
    if (rc != Z_OK && rc != Z_BUF_ERROR) break;
  }
  const std::string reason = zs.msg != nullptr ? zs.msg : (rc == Z_BUF_ERROR ? "truncated stream" : "error");
  inflateEnd(&zs);
  TAPEGRAD_CHECK(rc == Z_STREAM_END, nn::FileError, op, ": ", name, " is not a valid gzip file: ", reason);
  out.resize(written);
  return out;
}

std::string read_maybe_gzipped(const std::filesystem::path& path, std::string_view op) {
  const std::filesystem::path actual = existing_or_gz(path);
  std::string bytes = read_whole_file(actual, op);
  if (bytes.size() >= 2 && static_cast<unsigned char>(bytes[0]) == 0x1f &&
      static_cast<unsigned char>(bytes[1]) == 0x8b)
    return gunzip(bytes, actual.string(), op);
  return bytes;
}

}  // namespace tapegrad::nn::detail
