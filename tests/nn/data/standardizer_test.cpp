// SPDX-License-Identifier: MIT
// standardizer_test.cpp: per-column mean/std fitted on one split, applied to another; constant columns.
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "tapegrad/nn/nn.hpp"

using tapegrad::Dtype;
using tapegrad::Tensor;
using tapegrad::nn::Standardizer;

TEST_CASE("Standardizer: fits the population mean and std of each column") {
  // Column 0: 1, 2, 3, 4 (mean 2.5, population variance 1.25); column 1: 10, 10, 30, 30 (mean 20, std 10).
  const Tensor x = tapegrad::from<double>({1, 10, 2, 10, 3, 30, 4, 30}, {4, 2});
  const Standardizer s(x);
  REQUIRE(s.num_features() == 2);
  CHECK(s.mean()[0] == doctest::Approx(2.5));
  CHECK(s.mean()[1] == doctest::Approx(20.0));
  CHECK(s.scale()[0] == doctest::Approx(std::sqrt(1.25)));
  CHECK(s.scale()[1] == doctest::Approx(10.0));
  const std::vector<double> y = s.transform(x).to_vector<double>();
  CHECK(y[0] == doctest::Approx(-1.5 / std::sqrt(1.25)));
  CHECK(y[1] == doctest::Approx(-1.0));
  CHECK(y[7] == doctest::Approx(1.0));
}

TEST_CASE("Standardizer: the training statistics are applied to other data unchanged") {
  const Tensor train = tapegrad::from<float>({0, 2, 4}, {3, 1});  // mean 2, std sqrt(8/3)
  const Standardizer s(train);
  const Tensor test = tapegrad::from<float>({2, 10}, {2, 1});
  const std::vector<float> y = s.transform(test).to_vector<float>();
  CHECK(s.transform(test).dtype() == Dtype::float32);
  CHECK(y[0] == doctest::Approx(0.0));
  CHECK(y[1] == doctest::Approx(8.0 / std::sqrt(8.0 / 3.0)).epsilon(1e-6));
  const std::vector<float> back = s.inverse_transform(s.transform(test)).to_vector<float>();
  CHECK(back[0] == doctest::Approx(2.0));
  CHECK(back[1] == doctest::Approx(10.0));
}

TEST_CASE("Standardizer: a constant column gets scale 1 instead of a division by zero") {
  // Column 0 is constant 0.1 (its mean rounds, so its computed std is tiny but not 0); column 1 is all 0.
  const Tensor x = tapegrad::from<double>({0.1, 0, 1, 0.1, 0, 2, 0.1, 0, 3}, {3, 3});
  const Standardizer s(x);
  CHECK(s.scale()[0] == 1.0);
  CHECK(s.scale()[1] == 1.0);
  CHECK(s.scale()[2] != 1.0);
  const std::vector<double> y = s.transform(x).to_vector<double>();
  for (double v : y) CHECK(std::isfinite(v));
  CHECK(std::fabs(y[0]) < 1e-15);
  CHECK(y[1] == 0.0);
  // Unseen data in a constant column is only shifted.
  CHECK(s.transform(tapegrad::from<double>({1.1, 5, 2}, {1, 3})).to_vector<double>()[1] == 5.0);
}

TEST_CASE("Standardizer: transforms a Dataset's features and keeps its labels") {
  const tapegrad::nn::Dataset data(tapegrad::from<float>({1, 3}, {2, 1}), {1, 0}, 2);
  const Standardizer s(data);
  const tapegrad::nn::Dataset out = s.transform(data);
  CHECK(out.features().to_vector<float>() == std::vector<float>{-1, 1});
  CHECK(out.labels()[0] == 1);
}

TEST_CASE("Standardizer: wrong widths and ranks are errors") {
  const Standardizer s(tapegrad::ones({2, 3}));
  CHECK_THROWS_WITH_AS(
      s.transform(tapegrad::ones({2, 4})),
      doctest::Contains("Standardizer::transform: expected [n, 3] (the width it was fitted on), got [2, 4]"),
      tapegrad::ShapeError);
  CHECK_THROWS_WITH_AS(s.inverse_transform(tapegrad::ones({3})), doctest::Contains("inverse_transform"),
                       tapegrad::ShapeError);
  CHECK_THROWS_WITH_AS(Standardizer(tapegrad::ones({0, 3})), doctest::Contains("got [0, 3]"),
                       tapegrad::ShapeError);
}

TEST_CASE("Standardizer: restored from saved statistics, it applies exactly those") {
  const std::vector<double> mean = {1.0, -2.0}, scale = {0.5, 4.0};
  const Standardizer s(mean, scale);
  REQUIRE(s.num_features() == 2);
  CHECK(std::vector<double>(s.mean().begin(), s.mean().end()) == mean);
  CHECK(std::vector<double>(s.scale().begin(), s.scale().end()) == scale);
  // (2 - 1) / 0.5 = 2 and (6 + 2) / 4 = 2, by hand.
  CHECK(s.transform(tapegrad::from<double>({2, 6}, {1, 2})).to_vector<double>() == std::vector<double>{2, 2});
}

TEST_CASE("Standardizer: saved statistics that cannot be right are errors") {
  const std::vector<double> two = {0.0, 1.0}, one = {1.0}, none = {};
  CHECK_THROWS_WITH_AS(Standardizer(two, one), doctest::Contains("got 2 means and 1 scales"),
                       tapegrad::DomainError);
  CHECK_THROWS_WITH_AS(Standardizer(none, none), doctest::Contains("got 0 means and 0 scales"),
                       tapegrad::DomainError);
  const std::vector<double> zero_scale = {1.0, 0.0};
  CHECK_THROWS_WITH_AS(Standardizer(two, zero_scale),
                       doctest::Contains("scale[1] = 0 is not a finite positive number"),
                       tapegrad::DomainError);
  const std::vector<double> nan_mean = {0.0, std::nan("")};
  CHECK_THROWS_WITH_AS(Standardizer(nan_mean, std::vector<double>{1.0, 1.0}),
                       doctest::Contains("mean[1] = nan is not finite"), tapegrad::DomainError);
}
