// SPDX-License-Identifier: MIT
// file_io.hpp: whole-file reads for nn's loaders (not part of the public API).
// POSIX open/read rather than std::ifstream, because errno is then reliably the reason for a failure and
// the FileError can say "No such file or directory" instead of only "cannot open". A loader that knows its
// format passes a header check: it sees the first bytes and the file's size before anything else is read, so
// a file that is not what it claims costs one small read, not a read of the whole file.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>

namespace tapegrad::nn::detail {

/// Looks at a file's first bytes (`head`, at most the head_bytes asked for) and its size in bytes; throws
/// FileError to refuse the file before the rest is read.
using HeaderCheck = std::function<void(std::string_view head, std::uint64_t file_size)>;

/// The bytes of `path`, which must be a regular file. Throws FileError "<op>: cannot read <path>: <reason>"
/// when it cannot be opened or read, is a directory, FIFO, device or socket ("not a regular file"; a FIFO
/// is never waited on), does not fit in memory, or changes size while it is read. With a `check`, the first
/// min(head_bytes, size) bytes are read and checked before the rest.
std::string read_whole_file(const std::filesystem::path& path, std::string_view op,
                            std::size_t head_bytes = 0, const HeaderCheck& check = {});

/// The reason for the last failed system call (errno), as text.
std::string errno_text();

}  // namespace tapegrad::nn::detail
