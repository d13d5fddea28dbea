// SPDX-License-Identifier: MIT
// file_io.hpp: whole-file reads for nn's loaders (not part of the public API).
// POSIX open/read rather than std::ifstream, because errno is then reliably the reason for a failure and
// the FileError can say "No such file or directory" instead of only "cannot open".
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace tapegrad::nn::detail {

/// The bytes of `path`. Throws FileError "<op>: cannot read <path>: <reason>" on failure.
std::string read_whole_file(const std::filesystem::path& path, std::string_view op);

/// The reason for the last failed system call (errno), as text.
std::string errno_text();

}  // namespace tapegrad::nn::detail
