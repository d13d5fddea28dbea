// SPDX-License-Identifier: MIT
// file_kinds_test.cpp: the loaders refuse what is not a regular file (a FIFO is never waited on, /dev/zero
// never read), and judge a file by its header and size before reading the rest: a 1 TiB sparse file that is
// not a checkpoint or whose IDX header disagrees with its size is refused at once, with a FileError.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <thread>

#include "tapegrad/nn/nn.hpp"
#include "temp_dir.hpp"

using tapegrad::nn::FileError;
using tapegrad::test::TempDir;
using tapegrad::test::write_file;

namespace {

// A file of `size` bytes that starts with `head` and occupies no disk space beyond it.
void make_sparse(const std::filesystem::path& path, const std::string& head, std::uint64_t size) {
  write_file(path, head);
  REQUIRE(::truncate(path.c_str(), static_cast<off_t>(size)) == 0);
}

// Opens the FIFO's writing end as soon as a reader exists, then closes it (EOF for the reader), until the
// test ends: a loader that waits in open() is released and reads nothing, instead of hanging the suite.
class FifoWriter {
 public:
  explicit FifoWriter(std::filesystem::path path)
      : path_(std::move(path)), thread_([this] {
          while (!stop_) {
            const int fd = ::open(path_.c_str(), O_WRONLY | O_NONBLOCK);
            if (fd >= 0) ::close(fd);
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
          }
        }) {}
  ~FifoWriter() {
    stop_ = true;
    thread_.join();
  }
  FifoWriter(const FifoWriter&) = delete;
  FifoWriter& operator=(const FifoWriter&) = delete;

 private:
  std::filesystem::path path_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace

TEST_CASE("loaders: a FIFO is refused without waiting for a writer") {
  TempDir dir;
  const auto fifo = dir / "pipe";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  const FifoWriter writer(fifo);
  tapegrad::nn::NamedTensors none;
  const std::string expected = "load_checkpoint: cannot read " + fifo.string() + ": it is a FIFO";
  CHECK_THROWS_WITH_AS(tapegrad::nn::load_checkpoint(fifo, none), doctest::Contains(expected.c_str()), FileError);
  CHECK_THROWS_WITH_AS(tapegrad::nn::read_idx(fifo), doctest::Contains("it is a FIFO"), FileError);
  CHECK_THROWS_WITH_AS(tapegrad::nn::read_csv(fifo), doctest::Contains("it is a FIFO"), FileError);
}

TEST_CASE("loaders: a device such as /dev/zero is refused, not read") {
  CHECK_THROWS_WITH_AS(tapegrad::nn::read_checkpoint("/dev/zero"),
                       doctest::Contains("read_checkpoint: cannot read /dev/zero: it is a device"),
                       FileError);
  CHECK_THROWS_WITH_AS(tapegrad::nn::read_idx("/dev/zero"), doctest::Contains("it is a device"), FileError);
  CHECK_THROWS_WITH_AS(tapegrad::nn::load_csv("/dev/zero"), doctest::Contains("it is a device"), FileError);
}

TEST_CASE("loaders: a huge file is judged by its header before it is read") {
  TempDir dir;
  constexpr std::uint64_t kTiB = std::uint64_t{1} << 40;
  make_sparse(dir / "big.tgc", "not a checkpoint", kTiB);
  CHECK_THROWS_WITH_AS(tapegrad::nn::read_checkpoint(dir / "big.tgc"),
                       doctest::Contains("big.tgc is not a tapegrad checkpoint"), FileError);
  // A real header whose recorded size is not the file's size.
  std::string head = "\x89TGCKPT\n";
  head += std::string("\x01\0\0\0\0\0\0\0", 8);  // version 1, flags 0
  head += std::string("\x24\0\0\0\0\0\0\0", 8);  // file size 36
  head += std::string(8, '\0');                  // no entries
  make_sparse(dir / "long.tgc", head, kTiB);
  CHECK_THROWS_WITH_AS(tapegrad::nn::read_checkpoint(dir / "long.tgc"),
                       doctest::Contains("unexpected trailing byte(s) after the 36 its header records"),
                       FileError);
  // An IDX header promising 3 bytes, in front of 1 TiB.
  make_sparse(dir / "big.idx", std::string("\0\0\x08\x01\0\0\0\x03", 8), kTiB);
  CHECK_THROWS_WITH_AS(tapegrad::nn::read_idx(dir / "big.idx"),
                       doctest::Contains("trailing byte(s) after its [3] unsigned byte elements"), FileError);
}
