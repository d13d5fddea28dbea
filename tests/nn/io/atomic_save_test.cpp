// SPDX-License-Identifier: MIT
// atomic_save_test.cpp: what a save leaves behind. A writer killed before commit leaves a temporary file
// named after the target and its process; the next save of that target removes it (and never one of a live
// process). Saving through a symbolic link replaces the file it points to and keeps the link.
#include <doctest/doctest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "tapegrad/nn/io/atomic_file.hpp"
#include "tapegrad/nn/nn.hpp"
#include "temp_dir.hpp"

using tapegrad::Tensor;
using tapegrad::test::TempDir;
using tapegrad::test::write_file;

namespace fs = std::filesystem;

namespace {

// Names in `dir` that start with `prefix`.
std::vector<std::string> entries_starting(const fs::path& dir, const std::string& prefix) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().filename().string().rfind(prefix, 0) == 0) out.push_back(e.path().filename().string());
  return out;
}

tapegrad::nn::NamedTensors one_parameter(float value) {
  return {{"w", tapegrad::full({2}, static_cast<double>(value))}};
}

}  // namespace

TEST_CASE("save_checkpoint: the temporary file of a killed save is removed by the next save") {
  TempDir dir;
  const fs::path target = dir / "model.tgc";
  // A child process starts a save and dies before commit, as a SIGKILL would leave it.
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    tapegrad::nn::detail::AtomicFile file(target, "save_checkpoint");
    file.write("partial");
    ::_exit(0);  // no destructor, no cleanup
  }
  int status = 0;
  REQUIRE(::waitpid(child, &status, 0) == child);
  const std::string prefix = ".model.tgc.tmp-";
  const std::vector<std::string> left = entries_starting(dir.path(), prefix);
  REQUIRE(left.size() == 1);
  CHECK(left[0].rfind(prefix + std::to_string(child) + "-", 0) == 0);  // named after the target and its pid
  // A temporary of a live process (this one's parent stands in for another save in flight) stays.
  const std::string live = prefix + std::to_string(::getppid()) + "-abcdef";
  write_file(dir / live, "in flight");

  tapegrad::nn::save_checkpoint(target, one_parameter(1.0f));
  CHECK(entries_starting(dir.path(), prefix) == std::vector<std::string>{live});
  CHECK(tapegrad::nn::read_checkpoint(target).parameters.size() == 1);
}

TEST_CASE("save_checkpoint: saving through a symbolic link replaces its target and keeps the link") {
  TempDir dir;
  fs::create_directory(dir / "store");
  tapegrad::nn::save_checkpoint(dir / "store" / "real.tgc", one_parameter(1.0f));
  fs::create_symlink(fs::path("store") / "real.tgc", dir / "latest.tgc");  // relative, as `ln -s` makes it
  tapegrad::nn::save_checkpoint(dir / "latest.tgc", one_parameter(2.0f));
  CHECK(fs::is_symlink(fs::symlink_status(dir / "latest.tgc")));
  const Tensor w = tapegrad::nn::read_checkpoint(dir / "store" / "real.tgc").parameters.at(0).second;
  CHECK(w.to_vector<float>() == std::vector<float>{2.0f, 2.0f});
  // The temporary went next to the real file, and is gone.
  CHECK(entries_starting(dir / "store", ".real.tgc.tmp-").empty());
  CHECK(entries_starting(dir.path(), ".latest.tgc.tmp-").empty());
}
