// SPDX-License-Identifier: MIT
// memory_file.hpp: a fuzz input as a file path, for the loaders that read files. memfd_create makes an
// anonymous regular file in memory, reachable as /proc/self/fd/<n>: no disk, no clean-up, one per run.
#pragma once

#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

namespace tapegrad::fuzz {

class MemoryFile {
 public:
  MemoryFile(const std::uint8_t* data, std::size_t size) : fd_(::memfd_create("tapegrad-fuzz", MFD_CLOEXEC)) {
    if (fd_ < 0) std::abort();  // the harness, not the code under test, failed
    std::size_t done = 0;
    while (done < size) {
      const ssize_t n = ::write(fd_, data + done, size - done);
      if (n <= 0) std::abort();
      done += static_cast<std::size_t>(n);
    }
  }
  ~MemoryFile() { ::close(fd_); }
  MemoryFile(const MemoryFile&) = delete;
  MemoryFile& operator=(const MemoryFile&) = delete;

  std::string path() const { return "/proc/self/fd/" + std::to_string(fd_); }

 private:
  int fd_;
};

}  // namespace tapegrad::fuzz
