// SPDX-License-Identifier: MIT
// classifier_checkpoint_test.cpp: the digits example's checkpoint (examples/classifier.hpp) carries the
// standardiser's statistics, and loading it normalises new data with them instead of refitting.
#include <doctest/doctest.h>

#include <cstdint>
#include <vector>

#include "classifier.hpp"
#include "tapegrad/nn/nn.hpp"
#include "temp_dir.hpp"

namespace nn = tapegrad::nn;
namespace ex = tapegrad::examples;
using tapegrad::Tensor;
using tapegrad::test::TempDir;

namespace {

std::vector<double> as_vector(std::span<const double> values) {
  return {values.begin(), values.end()};
}

}  // namespace

TEST_CASE("classifier checkpoint: load uses the saved standardisation statistics, not a refit") {
  // Training features: column 0 is 1, 2, 3, 4 (mean 2.5), column 1 is 10, 10, 30, 30 (mean 20, std 10).
  const Tensor train = tapegrad::from<float>({1, 10, 2, 10, 3, 30, 4, 30}, {4, 2});
  const nn::Standardizer scaler(train);
  tapegrad::Generator gen(7);
  nn::MLP model(ex::classifier_options(2, 3, {4}), gen);
  TempDir dir;
  ex::save_classifier(dir / "c.tgc", model, scaler);

  const ex::LoadedClassifier loaded = ex::load_classifier(dir / "c.tgc", 2, 3, {4});
  CHECK(as_vector(loaded.scaler->mean()) == std::vector<double>{2.5, 20.0});
  CHECK(as_vector(loaded.scaler->scale())[1] == 10.0);
  CHECK(as_vector(loaded.scaler->scale()) == as_vector(scaler.scale()));

  // Other data, with other statistics: the loaded standardiser maps it as the training one does (by hand:
  // (2.5 - 2.5) / s0 = 0 and (40 - 20) / 10 = 2), which a standardiser fitted on it would not.
  const Tensor other = tapegrad::from<float>({2.5f, 40, 9, 50}, {2, 2});
  const std::vector<float> x = loaded.scaler->transform(other).to_vector<float>();
  CHECK(x[0] == 0.0f);
  CHECK(x[1] == 2.0f);
  CHECK(x != nn::Standardizer(other).transform(other).to_vector<float>());
  tapegrad::NoGradGuard no_grad;
  CHECK((*loaded.model)(loaded.scaler->transform(other)).to_vector<float>() ==
        model(scaler.transform(other)).to_vector<float>());
}

TEST_CASE("classifier checkpoint: a file without the statistics is a clear error") {
  tapegrad::Generator gen(7);
  nn::MLP model(ex::classifier_options(2, 3, {4}), gen);
  TempDir dir;
  nn::save_checkpoint(dir / "params_only.tgc", model.named_parameters());
  CHECK_THROWS_WITH_AS(ex::load_classifier(dir / "params_only.tgc", 2, 3, {4}),
                       doctest::Contains("params_only.tgc has no parameter 'standardizer.mean'"),
                       nn::FileError);
  const nn::Standardizer scaler(tapegrad::from<float>({1, 10, 2, 10}, {2, 2}));
  ex::save_classifier(dir / "c.tgc", model, scaler);
  CHECK_THROWS_WITH_AS(ex::load_classifier(dir / "c.tgc", 2, 3, {5}), doctest::Contains("layers.0.weight"),
                       tapegrad::ShapeError);
}
