// SPDX-License-Identifier: MIT
#include "tapegrad/nn/io/file_io.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "tapegrad/nn/io/file_error.hpp"

namespace tapegrad::nn::detail {

std::string errno_text() {
  return std::strerror(errno);
}

namespace {

// Closes the descriptor on every path out, exceptions included.
struct FdCloser {
  int fd;
  ~FdCloser() { ::close(fd); }
};

}  // namespace

std::string read_whole_file(const std::filesystem::path& path, std::string_view op) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  TAPEGRAD_CHECK(fd >= 0, nn::FileError, op, ": cannot read ", path.string(), ": ", errno_text());
  const FdCloser closer{fd};
  struct stat info {};
  TAPEGRAD_CHECK(::fstat(fd, &info) == 0, nn::FileError, op, ": cannot read ", path.string(), ": ",
                 errno_text());
  TAPEGRAD_CHECK(!S_ISDIR(info.st_mode), nn::FileError, op, ": cannot read ", path.string(),
                 ": it is a directory");
  std::string bytes;
  bytes.reserve(info.st_size > 0 ? static_cast<std::size_t>(info.st_size) : 0);
  char chunk[1 << 16];
  for (;;) {
    const ssize_t got = ::read(fd, chunk, sizeof chunk);
    if (got < 0 && errno == EINTR) continue;
    TAPEGRAD_CHECK(got >= 0, nn::FileError, op, ": cannot read ", path.string(), ": ", errno_text());
    if (got == 0) break;
    bytes.append(chunk, static_cast<std::size_t>(got));
  }
  return bytes;
}

}  // namespace tapegrad::nn::detail
