// SPDX-License-Identifier: MIT
#include "tapegrad/nn/io/file_io.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <new>

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

const char* kind_of(mode_t mode) {
  if (S_ISDIR(mode)) return "it is a directory";
  if (S_ISFIFO(mode)) return "it is a FIFO (pipe), not a regular file";
  if (S_ISCHR(mode) || S_ISBLK(mode)) return "it is a device, not a regular file";
  if (S_ISSOCK(mode)) return "it is a socket, not a regular file";
  return "not a regular file";
}

// Reads up to `bytes` into `out` from the current position; returns how many were read (fewer at EOF).
std::size_t read_into(int fd, char* out, std::size_t bytes, const std::string& name, std::string_view op) {
  std::size_t done = 0;
  while (done < bytes) {
    const ssize_t got = ::read(fd, out + done, std::min<std::size_t>(bytes - done, std::size_t{1} << 30));
    if (got < 0 && errno == EINTR) continue;
    TAPEGRAD_CHECK(got >= 0, nn::FileError, op, ": cannot read ", name, ": ", errno_text());
    if (got == 0) break;
    done += static_cast<std::size_t>(got);
  }
  return done;
}

}  // namespace

std::string read_whole_file(const std::filesystem::path& path, std::string_view op, std::size_t head_bytes,
                            const HeaderCheck& check) {
  const std::string name = path.string();
  // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer forever. It changes nothing for
  // a regular file, the only kind read below.
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  TAPEGRAD_CHECK(fd >= 0, nn::FileError, op, ": cannot read ", name, ": ", errno_text());
  const FdCloser closer{fd};
  struct stat info {};
  TAPEGRAD_CHECK(::fstat(fd, &info) == 0, nn::FileError, op, ": cannot read ", name, ": ", errno_text());
  TAPEGRAD_CHECK(S_ISREG(info.st_mode), nn::FileError, op, ": cannot read ", name, ": ",
                 kind_of(info.st_mode));
  const auto size = static_cast<std::uint64_t>(info.st_size);

  std::string bytes;
  std::size_t done = 0;
  if (check) {
    const auto head = static_cast<std::size_t>(std::min<std::uint64_t>(head_bytes, size));
    bytes.resize(head);
    done = read_into(fd, bytes.data(), head, name, op);
    bytes.resize(done);
    check(bytes, size);
  }
  TAPEGRAD_CHECK(size <= bytes.max_size(), nn::FileError, op, ": cannot read ", name, ": ", size,
                 " bytes do not fit in memory");
  try {
    bytes.resize(static_cast<std::size_t>(size));
  } catch (const std::bad_alloc&) {
    ::tapegrad::detail::raise<nn::FileError>(op, ": cannot read ", name, ": ", size,
                                             " bytes do not fit in memory");
  }
  if (done < bytes.size()) done += read_into(fd, bytes.data() + done, bytes.size() - done, name, op);
  char extra = 0;
  const bool grew = done == bytes.size() && read_into(fd, &extra, 1, name, op) != 0;
  TAPEGRAD_CHECK(done == size && !grew, nn::FileError, op, ": cannot read ", name,
                 ": it changed size while being read (", size, " bytes when opened)");
  return bytes;
}

}  // namespace tapegrad::nn::detail
