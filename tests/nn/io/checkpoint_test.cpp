// SPDX-License-Identifier: MIT
// checkpoint_test.cpp: save/load round trips, and every way a file can be bad: each error message is
// checked, and after each error the destination tensors still hold their old values.
#include <doctest/doctest.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "tapegrad/nn/nn.hpp"
#include "temp_dir.hpp"

using tapegrad::Dtype;
using tapegrad::Tensor;
using tapegrad::nn::FileError;
using tapegrad::nn::NamedTensors;
using tapegrad::test::read_file;
using tapegrad::test::TempDir;
using tapegrad::test::write_file;

namespace {

// A small "model": two float32 tensors and a float64 one, with recognisable values.
NamedTensors model(double offset) {
  return {{"layer1.weight", tapegrad::from<float>({1.5f, -2, 3, 4, 5, 6}, {2, 3}) + offset},
          {"layer1.bias", tapegrad::from<float>({0.25f, -0.5f}, {2}) + offset},
          {"scale", tapegrad::from<double>({3.141592653589793}, {}) + offset}};
}

// The values of every tensor, to compare before and after a failed load.
std::vector<std::vector<double>> values_of(const NamedTensors& tensors) {
  std::vector<std::vector<double>> out;
  for (const auto& [name, t] : tensors) out.push_back(t.to_vector<double>());
  return out;
}

std::size_t files_in(const std::filesystem::path& dir) {
  std::size_t n = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir)) ++n;
  return n;
}

// model(0.0) saved as m.tgc in a fresh directory, the file's bytes (for the tests that damage a copy),
// and a destination model(50.0) with its values before any load.
struct SavedModel {
  TempDir dir;
  std::string bytes;
  NamedTensors destination = model(50.0);
  std::vector<std::vector<double>> before = values_of(destination);
  SavedModel() {
    tapegrad::nn::save_checkpoint(dir / "m.tgc", model(0.0));
    bytes = read_file(dir / "m.tgc");
  }
};

}  // namespace

TEST_CASE("checkpoint: float32 and float64 tensors round-trip bit for bit") {
  TempDir dir;
  const NamedTensors saved = model(0.0);
  tapegrad::nn::save_checkpoint(dir / "m.tgc", saved);
  CHECK(files_in(dir.path()) == 1);  // no temporary file left behind
  const NamedTensors loaded = model(100.0);
  tapegrad::nn::load_checkpoint(dir / "m.tgc", loaded);
  CHECK(values_of(loaded) == values_of(saved));
  CHECK(loaded[2].second.dtype() == Dtype::float64);
  CHECK(loaded[2].second.item() == 3.141592653589793);

  const auto contents = tapegrad::nn::read_checkpoint(dir / "m.tgc");
  REQUIRE(contents.parameters.size() == 3);
  CHECK(contents.parameters[0].first == "layer1.weight");
  CHECK(contents.parameters[0].second.shape() == tapegrad::Shape{2, 3});
  CHECK(contents.parameters[2].second.dim() == 0);
  CHECK(contents.optimizer_state.empty());
}

TEST_CASE_FIXTURE(SavedModel, "checkpoint: loading writes into the destination tensors themselves") {
  const Tensor w = tapegrad::zeros({2, 3}).requires_grad_();
  const Tensor alias = w;  // e.g. the handle a Linear module keeps
  const NamedTensors targets{{"layer1.weight", w},
                             {"layer1.bias", tapegrad::zeros({2})},
                             {"scale", tapegrad::zeros({}, Dtype::float64)}};
  tapegrad::nn::load_checkpoint(dir / "m.tgc", targets);
  CHECK(alias.to_vector<float>() == std::vector<float>{1.5f, -2, 3, 4, 5, 6});
  CHECK(w.requires_grad());
}

TEST_CASE("checkpoint: optimizer state round-trips, and is ignored when only parameters are loaded") {
  TempDir dir;
  const NamedTensors state{{"layer1.weight.momentum", tapegrad::full({2, 3}, 0.125)},
                           {"step", tapegrad::full({}, 42.0, Dtype::float64)}};
  tapegrad::nn::save_checkpoint(dir / "m.tgc", model(0.0), state);
  const NamedTensors params = model(9.0);
  const NamedTensors loaded_state{{"layer1.weight.momentum", tapegrad::zeros({2, 3})},
                                  {"step", tapegrad::zeros({}, Dtype::float64)}};
  tapegrad::nn::load_checkpoint(dir / "m.tgc", params, loaded_state);
  CHECK(values_of(loaded_state) == values_of(state));
  CHECK(values_of(params) == values_of(model(0.0)));
  tapegrad::nn::load_checkpoint(dir / "m.tgc", model(7.0));  // state in the file, none asked for: fine
  CHECK(tapegrad::nn::read_checkpoint(dir / "m.tgc").optimizer_state.size() == 2);
  // Asked for state the file does not have.
  tapegrad::nn::save_checkpoint(dir / "plain.tgc", model(0.0));
  CHECK_THROWS_WITH_AS(tapegrad::nn::load_checkpoint(dir / "plain.tgc", params, loaded_state),
                       doctest::Contains("has no optimizer state 'layer1.weight.momentum'"), FileError);
}

TEST_CASE_FIXTURE(SavedModel, "checkpoint: saving again replaces the file atomically") {
  tapegrad::nn::save_checkpoint(dir / "m.tgc", model(1.0));
  CHECK(files_in(dir.path()) == 1);
  const NamedTensors loaded = model(5.0);
  tapegrad::nn::load_checkpoint(dir / "m.tgc", loaded);
  CHECK(values_of(loaded) == values_of(model(1.0)));
}

TEST_CASE("checkpoint: a save that cannot complete leaves no temporary file and the old target") {
  TempDir dir;
  std::filesystem::create_directory(dir / "occupied");  // rename cannot replace a directory by a file
  CHECK_THROWS_WITH_AS(tapegrad::nn::save_checkpoint(dir / "occupied", model(0.0)),
                       doctest::Contains("save_checkpoint: cannot write"), FileError);
  CHECK(files_in(dir.path()) == 1);
  CHECK(std::filesystem::is_directory(dir / "occupied"));
  CHECK_THROWS_WITH_AS(tapegrad::nn::save_checkpoint(dir / "missing" / "m.tgc", model(0.0)),
                       doctest::Contains("m.tgc: No such file or directory"), FileError);
}

TEST_CASE("checkpoint: bad lists are rejected before anything is written") {
  TempDir dir;
  CHECK_THROWS_WITH_AS(tapegrad::nn::save_checkpoint(dir / "m.tgc", {{"w", Tensor()}}),
                       doctest::Contains("parameter 'w' is an undefined tensor"), tapegrad::ShapeError);
  CHECK_THROWS_WITH_AS(tapegrad::nn::save_checkpoint(
                           dir / "m.tgc", {{"w", tapegrad::zeros({1})}, {"w", tapegrad::zeros({1})}}),
                       doctest::Contains("parameter 'w' appears twice"), tapegrad::DomainError);
  CHECK_THROWS_WITH_AS(tapegrad::nn::save_checkpoint(dir / "m.tgc", {{"", tapegrad::zeros({1})}}),
                       doctest::Contains("names must have 1 to 65535 bytes, got 0"), tapegrad::DomainError);
  CHECK(files_in(dir.path()) == 0);
}

TEST_CASE_FIXTURE(SavedModel, "checkpoint: a truncated file is an error and the model is untouched") {
  write_file(dir / "cut.tgc", bytes.substr(0, bytes.size() - 10));
  const std::string expected = "cut.tgc is truncated: its header records " + std::to_string(bytes.size()) +
                               " bytes, the file has " + std::to_string(bytes.size() - 10);
  CHECK_THROWS_WITH_AS(tapegrad::nn::load_checkpoint(dir / "cut.tgc", destination),
                       doctest::Contains(expected.c_str()), FileError);
  CHECK(values_of(destination) == before);
  write_file(dir / "stub.tgc", bytes.substr(0, 20));
  CHECK_THROWS_WITH_AS(tapegrad::nn::load_checkpoint(dir / "stub.tgc", destination),
                       doctest::Contains("stub.tgc is truncated: 20 bytes"), FileError);
  write_file(dir / "long.tgc", bytes + "xx");
  CHECK_THROWS_WITH_AS(tapegrad::nn::load_checkpoint(dir / "long.tgc", destination),
                       doctest::Contains("long.tgc has 2 unexpected trailing byte(s)"), FileError);
  write_file(dir / "empty.tgc", "");
  CHECK_THROWS_WITH_AS(tapegrad::nn::load_checkpoint(dir / "empty.tgc", destination),
                       doctest::Contains("is not a tapegrad checkpoint"), FileError);
  CHECK(values_of(destination) == before);
}

TEST_CASE_FIXTURE(SavedModel, "checkpoint: a flipped byte fails the checksum and the model is untouched") {
  // One byte in the data, one in an entry's name, one in the counts of the header.
  for (const std::size_t at : {bytes.size() - 6, std::size_t{36}, std::size_t{24}}) {
    CAPTURE(at);
    std::string flipped = bytes;
    flipped[at] = static_cast<char>(flipped[at] ^ 0x10);
    write_file(dir / "flip.tgc", flipped);
    CHECK_THROWS_WITH_AS(tapegrad::nn::load_checkpoint(dir / "flip.tgc", destination),
                         doctest::Contains("flip.tgc is corrupt: CRC-32 mismatch (stored 0x"), FileError);
    CHECK(values_of(destination) == before);
  }
}

TEST_CASE_FIXTURE(SavedModel, "checkpoint: wrong magic and version are errors naming the file") {
  write_file(dir / "text.tgc", "name,value\nw,1\n" + std::string(40, ' '));
  CHECK_THROWS_WITH_AS(tapegrad::nn::read_checkpoint(dir / "text.tgc"),
                       doctest::Contains("text.tgc is not a tapegrad checkpoint"), FileError);
  bytes[8] = 2;  // version 2
  write_file(dir / "v2.tgc", bytes);
  CHECK_THROWS_WITH_AS(tapegrad::nn::read_checkpoint(dir / "v2.tgc"),
                       doctest::Contains("v2.tgc has format version 2; this build reads version 1"),
                       FileError);
  CHECK_THROWS_WITH_AS(tapegrad::nn::read_checkpoint(dir / "absent.tgc"),
                       doctest::Contains("absent.tgc: No such file or directory"), FileError);
}

TEST_CASE_FIXTURE(SavedModel,
                  "checkpoint: a shape or dtype that differs names the entry, and the model is untouched") {
  destination[1].second = tapegrad::full({3}, 7.0);  // layer1.bias is [2] in the file
  before = values_of(destination);
  CHECK_THROWS_WITH_AS(
      tapegrad::nn::load_checkpoint(dir / "m.tgc", destination),
      doctest::Contains(
          "m.tgc: parameter 'layer1.bias' has shape [2] in the file but [3] in the destination"),
      tapegrad::ShapeError);
  CHECK(values_of(destination) == before);  // layer1.weight, checked first and fine, was not written either

  NamedTensors wrong_dtype = model(50.0);
  wrong_dtype[2].second = tapegrad::zeros({}, Dtype::float32);
  CHECK_THROWS_WITH_AS(
      tapegrad::nn::load_checkpoint(dir / "m.tgc", wrong_dtype),
      doctest::Contains("parameter 'scale' is float64 in the file but float32 in the destination"),
      tapegrad::ShapeError);
  CHECK(values_of(wrong_dtype)[0] == values_of(model(50.0))[0]);
}

TEST_CASE_FIXTURE(SavedModel,
                  "checkpoint: a missing or an unexpected name is an error, and the model is untouched") {
  NamedTensors extra = destination;
  extra.emplace_back("layer2.weight", tapegrad::zeros({2, 2}));
  before = values_of(extra);
  CHECK_THROWS_WITH_AS(tapegrad::nn::load_checkpoint(dir / "m.tgc", extra),
                       doctest::Contains("m.tgc has no parameter 'layer2.weight'"), FileError);
  CHECK(values_of(extra) == before);

  NamedTensors fewer = model(50.0);
  fewer.pop_back();
  CHECK_THROWS_WITH_AS(tapegrad::nn::load_checkpoint(dir / "m.tgc", fewer),
                       doctest::Contains("m.tgc has parameter 'scale', which the destination lacks"),
                       FileError);
  CHECK(values_of(fewer)[0] == values_of(model(50.0))[0]);

  NamedTensors twice = model(50.0);
  twice.push_back(twice[0]);
  CHECK_THROWS_WITH_AS(tapegrad::nn::load_checkpoint(dir / "m.tgc", twice),
                       doctest::Contains("the destination parameters name 'layer1.weight' twice"),
                       tapegrad::DomainError);
}

TEST_CASE("checkpoint: the bytes on disk follow docs/checkpoint-format.md") {
  // Expected bytes written out by hand from the format document; the CRC-32 was computed outside tapegrad
  // (Python's zlib.crc32 of the first 55 bytes).
  TempDir dir;
  tapegrad::nn::save_checkpoint(dir / "w.tgc", {{"w", tapegrad::from<float>({1.0f, -2.0f}, {2})}});
  const unsigned char expected[] = {
      0x89, 'T',  'G',  'C',  'K', 'P', 'T', '\n',  // magic
      1,    0,    0,    0,                          // version
      0,    0,    0,    0,                          // flags
      59,   0,    0,    0,    0,   0,   0,   0,     // file size
      1,    0,    0,    0,                          // parameter count
      0,    0,    0,    0,                          // optimizer state count
      1,    0,    0,    0,    'w',                  // name
      0,    1,                                      // float32, rank 1
      2,    0,    0,    0,    0,   0,   0,   0,     // shape [2]
      0x00, 0x00, 0x80, 0x3f,                       // 1.0f
      0x00, 0x00, 0x00, 0xc0,                       // -2.0f
      0x5d, 0xb3, 0xed, 0x8e,                       // CRC-32 0x8eedb35d
  };
  CHECK(read_file(dir / "w.tgc") == std::string(reinterpret_cast<const char*>(expected), sizeof expected));
}
