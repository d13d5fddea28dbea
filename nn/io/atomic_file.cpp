// SPDX-License-Identifier: MIT
#include "tapegrad/nn/io/atomic_file.hpp"

#include <fcntl.h>
#include <stdlib.h>  // mkstemp
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "tapegrad/nn/io/file_error.hpp"
#include "tapegrad/nn/io/file_io.hpp"

namespace tapegrad::nn::detail {

namespace {
constexpr std::size_t kBufferBytes = std::size_t{1} << 16;
}

AtomicFile::AtomicFile(const std::filesystem::path& path, std::string_view op) : path_(path), op_(op) {
  TAPEGRAD_CHECK(path.has_filename(), nn::FileError, op_, ": cannot write ", path.string(),
                 ": not a file name");
  const std::filesystem::path dir = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
  // Appended piece by piece: GCC 12 warns falsely (-Wrestrict) on "." + std::string.
  std::string temp_name = ".";
  temp_name += path.filename().string();
  temp_name += ".tmp-XXXXXX";
  std::string pattern = (dir / temp_name).string();
  fd_ = ::mkstemp(pattern.data());
  if (fd_ < 0) fail(errno_text());
  temp_path_ = pattern;
  buffer_.reserve(kBufferBytes);
}

AtomicFile::~AtomicFile() {
  if (fd_ >= 0) ::close(fd_);
  if (!committed_ && !temp_path_.empty()) ::unlink(temp_path_.c_str());
}

void AtomicFile::fail(std::string_view what) {
  const std::string reason(what);  // before close/unlink can change errno
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  if (!temp_path_.empty()) ::unlink(temp_path_.c_str());
  temp_path_.clear();
  ::tapegrad::detail::raise<nn::FileError>(op_, ": cannot write ", path_.string(), ": ", reason);
}

void AtomicFile::write(const void* data, std::size_t bytes) {
  const char* p = static_cast<const char*>(data);
  while (bytes > 0) {
    if (buffer_.size() == kBufferBytes) flush();
    const std::size_t take = std::min(bytes, kBufferBytes - buffer_.size());
    buffer_.insert(buffer_.end(), p, p + take);
    p += take;
    bytes -= take;
  }
}

void AtomicFile::flush() {
  std::size_t done = 0;
  while (done < buffer_.size()) {
    const ssize_t n = ::write(fd_, buffer_.data() + done, buffer_.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail(errno_text());
    done += static_cast<std::size_t>(n);
  }
  buffer_.clear();
}

void AtomicFile::commit() {
  flush();
  // fsync before rename: otherwise a crash can leave the new name pointing at data not yet on disk.
  if (::fsync(fd_) != 0) fail(errno_text());
  if (::fchmod(fd_, 0644) != 0) fail(errno_text());  // mkstemp creates 0600
  const int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0) fail(errno_text());
  if (std::rename(temp_path_.c_str(), path_.c_str()) != 0) fail(errno_text());
  committed_ = true;
  // Make the rename itself durable. The data is complete either way, so a directory that cannot be
  // fsync'd (some filesystems refuse) is not an error.
  const std::filesystem::path dir =
      path_.has_parent_path() ? path_.parent_path() : std::filesystem::path(".");
  const int dir_fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd >= 0) {
    (void)::fsync(dir_fd);
    ::close(dir_fd);
  }
}

void write_file_atomically(const std::filesystem::path& path, std::string_view text, std::string_view op) {
  AtomicFile file(path, op);
  file.write(text);
  file.commit();
}

}  // namespace tapegrad::nn::detail
