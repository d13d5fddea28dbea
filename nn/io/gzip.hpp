// SPDX-License-Identifier: MIT
// gzip.hpp: reading files that may be gzip-compressed (not part of the public API).
// Datasets ship gzipped (Debian's dataset-fashion-mnist installs train-images-idx3-ubyte.gz): a loader asks
// for `name` and gets its bytes whether `name` or `name.gz` is on disk, decompressed through zlib's gzip
// stream when the bytes start with gzip's magic 1f 8b.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace tapegrad::nn::detail {

/// `path` if it exists, else `path` + ".gz" if that exists, else `path` (so the read reports it missing).
std::filesystem::path existing_or_gz(const std::filesystem::path& path);

/// The decompressed bytes of a gzip stream (several concatenated members are read in turn). Throws
/// FileError "<op>: <name> is not a valid gzip file: <zlib's reason>" on corrupt or truncated input.
std::string gunzip(std::string_view bytes, const std::string& name, std::string_view op);

/// The bytes of existing_or_gz(path), decompressed when they are gzip. Throws FileError as
/// read_whole_file and gunzip do.
std::string read_maybe_gzipped(const std::filesystem::path& path, std::string_view op);

}  // namespace tapegrad::nn::detail
