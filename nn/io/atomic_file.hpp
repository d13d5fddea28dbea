// SPDX-License-Identifier: MIT
// atomic_file.hpp: write a file so that readers see the old contents or the new, never a mix.
// The bytes go to a temporary file next to the target (same directory, so the same filesystem), which is
// fsync'd and renamed over the target; rename is atomic on POSIX. If anything fails, or the writer is
// destroyed before commit() (an exception on the way), the temporary file is removed. A process killed
// mid-write leaves ".<name>.tmp-<pid>-XXXXXX" behind; the next save of the same target removes those whose
// process is gone. A target that is a symbolic link is followed: the file it points to is replaced, the link
// stays (docs/reliability.md).
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace tapegrad::nn::detail {

class AtomicFile {
 public:
  /// Creates the temporary file. Throws FileError "<op>: cannot write <path>: <reason>".
  AtomicFile(const std::filesystem::path& path, std::string_view op);
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  /// Appends bytes (buffered). Throws FileError on a failed write.
  void write(const void* data, std::size_t bytes);
  void write(std::string_view text) { write(text.data(), text.size()); }
  /// Flushes, fsyncs, gives the file mode 0644, renames it over the target and fsyncs the directory.
  /// Throws FileError naming the target on failure (the target is then unchanged).
  void commit();

 private:
  void flush();
  [[noreturn]] void fail(std::string_view what);

  std::filesystem::path display_path_;  // as the caller gave it, for messages
  std::filesystem::path path_;          // with symbolic links followed: the file rename replaces
  std::filesystem::path temp_path_;
  std::string op_;
  int fd_ = -1;
  std::vector<char> buffer_;
  bool committed_ = false;
};

/// Writes `text` to `path` atomically. Throws FileError as AtomicFile does.
void write_file_atomically(const std::filesystem::path& path, std::string_view text, std::string_view op);

}  // namespace tapegrad::nn::detail
