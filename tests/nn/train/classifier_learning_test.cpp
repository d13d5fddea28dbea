// SPDX-License-Identifier: MIT
// classifier_learning_test.cpp: the iris and digits examples' recipe (examples/classifier.hpp, the same
// function and settings the examples run) reaches the test accuracies with fixed seeds.
#include <doctest/doctest.h>

#include <cmath>
#include <string>

#include "classifier.hpp"
#include "tapegrad/nn/nn.hpp"

namespace nn = tapegrad::nn;
namespace ex = tapegrad::examples;

TEST_CASE("nn learning: Iris, test accuracy at least 0.9") {
  const nn::Dataset iris =
      nn::load_csv(std::string(TAPEGRAD_EXAMPLES_DATA_DIR) + "/iris.csv", {.header = true});
  const ex::TrainedClassifier r = ex::train_classifier(iris, ex::iris_config(), nullptr);
  INFO("test loss ", r.test_result.loss, ", accuracy ", r.test_result.accuracy);
  CHECK(r.test.size() + r.validation.size() + r.train.size() == 150);
  CHECK(r.test_result.accuracy >= 0.9);
  CHECK(r.history.back().train_loss < r.history[0].train_loss);
}

TEST_CASE("nn learning: UCI digits, test accuracy at least 0.95") {
  const nn::Dataset digits = nn::load_csv(std::string(TAPEGRAD_EXAMPLES_DATA_DIR) + "/digits.csv");
  const ex::TrainedClassifier r = ex::train_classifier(digits, ex::digits_config(), nullptr);
  INFO("test loss ", r.test_result.loss, ", accuracy ", r.test_result.accuracy);
  CHECK(r.test.size() + r.validation.size() + r.train.size() == 1797);
  // The validation part is held out of the training part (about 10% of it, per class), not the test part.
  const nn::TrainTestSplit split = ex::classifier_split(digits, ex::digits_config());
  CHECK(r.test.size() == split.test.size());
  CHECK(r.validation.size() + r.train.size() == split.train.size());
  // Stratified: each of the 10 classes rounds its own 10%, so the total is within 5 of 10% of the part.
  CHECK(std::abs(static_cast<double>(r.validation.size()) - 0.1 * static_cast<double>(split.train.size())) <=
        5.0);
  CHECK(r.history.size() <= 20);
  CHECK(r.test_result.accuracy >= 0.95);
}
