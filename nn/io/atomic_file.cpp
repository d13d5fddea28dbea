// SPDX-License-Identifier: MIT
#include "tapegrad/nn/io/atomic_file.hpp"

#include <fcntl.h>
#include <signal.h>  // kill(pid, 0)
#include <stdlib.h>  // mkstemp
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <system_error>

#include "tapegrad/nn/io/file_error.hpp"
#include "tapegrad/nn/io/file_io.hpp"

namespace tapegrad::nn::detail {

namespace {
constexpr std::size_t kBufferBytes = std::size_t{1} << 16;
}

namespace {

// `path` with every symbolic link on its last component followed (relative targets are relative to the
// link's folder), so that saving through a link replaces the file it points to and keeps the link.
std::filesystem::path follow_links(const std::filesystem::path& path, std::string_view op) {
  std::filesystem::path p = path;
  for (int hops = 0; hops < 40; ++hops) {
    std::error_code error;
    if (!std::filesystem::is_symlink(std::filesystem::symlink_status(p, error))) return p;
    const std::filesystem::path target = std::filesystem::read_symlink(p, error);
    if (error)
      ::tapegrad::detail::raise<nn::FileError>(op, ": cannot write ", path.string(), ": ", error.message());
    p = target.is_absolute() ? target : p.parent_path() / target;
  }
  ::tapegrad::detail::raise<nn::FileError>(op, ": cannot write ", path.string(),
                                           ": too many levels of symbolic links");
}

// Removes the temporary files that earlier saves of the same target left when their process was killed:
// ".<name>.tmp-<pid>-XXXXXX" whose <pid> no longer runs. Files of a live process (another save in flight,
// this process's own) are left alone; anything that fails here is ignored, the save goes on.
void remove_stale_temporaries(const std::filesystem::path& dir, const std::string& prefix) {
  std::error_code error;
  for (auto it = std::filesystem::directory_iterator(dir, error);
       !error && it != std::filesystem::directory_iterator(); it.increment(error)) {
    const std::string name = it->path().filename().string();
    if (name.compare(0, prefix.size(), prefix) != 0) continue;
    const char* digits = name.c_str() + prefix.size();
    char* end = nullptr;
    const long pid = std::strtol(digits, &end, 10);
    if (end == digits || *end != '-' || pid <= 0 || pid == static_cast<long>(::getpid())) continue;
    if (::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH) ::unlink(it->path().c_str());
  }
}

}  // namespace

AtomicFile::AtomicFile(const std::filesystem::path& path, std::string_view op)
    : display_path_(path), path_(follow_links(path, op)), op_(op) {
  TAPEGRAD_CHECK(path.has_filename(), nn::FileError, op_, ": cannot write ", path.string(),
                 ": not a file name");
  const std::filesystem::path dir =
      path_.has_parent_path() ? path_.parent_path() : std::filesystem::path(".");
  // Appended piece by piece: GCC 12 warns falsely (-Wrestrict) on "." + std::string.
  std::string prefix = ".";
  prefix += path_.filename().string();
  prefix += ".tmp-";
  remove_stale_temporaries(dir, prefix);
  std::string temp_name = prefix;
  temp_name += std::to_string(::getpid());
  temp_name += "-XXXXXX";
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
  ::tapegrad::detail::raise<nn::FileError>(op_, ": cannot write ", display_path_.string(), ": ", reason);
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
