// SPDX-License-Identifier: MIT
// dataset_test.cpp: Dataset construction, its errors (empty, count mismatch, labels out of range) and subset.
#include <doctest/doctest.h>

#include <cstdint>
#include <vector>

#include "tapegrad/nn/nn.hpp"

using tapegrad::DomainError;
using tapegrad::Dtype;
using tapegrad::ShapeError;
using tapegrad::Tensor;
using tapegrad::nn::Dataset;

TEST_CASE("Dataset: a classification dataset keeps its features, labels and class count") {
  const Tensor x = tapegrad::from<float>({1, 2, 3, 4, 5, 6}, {3, 2});
  const Dataset data(x, {2, 0, 1}, 3);
  CHECK(data.size() == 3);
  CHECK(data.num_features() == 2);
  CHECK(data.has_labels());
  CHECK(data.num_classes() == 3);
  CHECK(data.dtype() == Dtype::float32);
  CHECK(std::vector<std::int64_t>(data.labels().begin(), data.labels().end()) ==
        std::vector<std::int64_t>{2, 0, 1});
  CHECK_FALSE(data.targets().defined());
  CHECK(data.features().shares_data(x));  // no copy
}

TEST_CASE("Dataset: a regression dataset takes [n] targets as [n, 1]") {
  const Tensor x = tapegrad::from<double>({1, 2, 3}, {3, 1});
  const Dataset data(x, tapegrad::from<double>({10, 20, 30}, {3}));
  CHECK_FALSE(data.has_labels());
  CHECK(data.labels().empty());
  CHECK(data.num_classes() == 0);
  CHECK(data.targets().shape() == tapegrad::Shape{3, 1});
  CHECK(data.targets().to_vector<double>() == std::vector<double>{10, 20, 30});
}

TEST_CASE("Dataset: features that require grad are detached") {
  const Tensor x = tapegrad::ones({2, 2}, Dtype::float64).requires_grad_();
  const Dataset data(x, {0, 1}, 2);
  CHECK_FALSE(data.features().requires_grad());
}

TEST_CASE("Dataset: an empty dataset is rejected") {
  CHECK_THROWS_WITH_AS(Dataset(tapegrad::zeros({0, 4}), std::vector<std::int64_t>{}, 3),
                       doctest::Contains("Dataset: empty dataset (features [0, 4])"), ShapeError);
  CHECK_THROWS_WITH_AS(Dataset(tapegrad::zeros({0, 4}), tapegrad::zeros({0, 1})),
                       doctest::Contains("empty dataset"), ShapeError);
  CHECK_THROWS_WITH_AS(Dataset(tapegrad::zeros({3, 0}), std::vector<std::int64_t>{0, 0, 0}, 1),
                       doctest::Contains("[3, 0] have no columns"), ShapeError);
  CHECK_THROWS_WITH_AS(Dataset(Tensor(), std::vector<std::int64_t>{}, 1), doctest::Contains("undefined"),
                       ShapeError);
}

TEST_CASE("Dataset: features must be 2-D") {
  CHECK_THROWS_WITH_AS(Dataset(tapegrad::zeros({4}), std::vector<std::int64_t>{0, 0, 0, 0}, 1),
                       doctest::Contains("features must be 2-D [n, d], got [4]"), ShapeError);
  CHECK_THROWS_WITH_AS(Dataset(tapegrad::zeros({2, 2, 2}), tapegrad::zeros({2})),
                       doctest::Contains("got [2, 2, 2]"), ShapeError);
}

TEST_CASE("Dataset: feature and target counts must match") {
  CHECK_THROWS_WITH_AS(Dataset(tapegrad::zeros({3, 2}), std::vector<std::int64_t>{0, 1}, 2),
                       doctest::Contains("Dataset: 3 feature rows but 2 labels"), ShapeError);
  CHECK_THROWS_WITH_AS(Dataset(tapegrad::zeros({3, 2}), tapegrad::zeros({4, 1})),
                       doctest::Contains("Dataset: 3 feature rows but 4 target rows"), ShapeError);
  CHECK_THROWS_WITH_AS(Dataset(tapegrad::zeros({3, 2}), tapegrad::zeros({3, 1}, Dtype::float64)),
                       doctest::Contains("features are float32 but targets are float64"), ShapeError);
  CHECK_THROWS_WITH_AS(Dataset(tapegrad::zeros({3, 2}), tapegrad::zeros({3, 1, 1})),
                       doctest::Contains("targets must be 1-D [n] or 2-D [n, k], got [3, 1, 1]"), ShapeError);
}

TEST_CASE("Dataset: labels out of range name the label, the row and the class count") {
  const Tensor x = tapegrad::zeros({3, 2});
  CHECK_THROWS_WITH_AS(
      Dataset(x, {0, 3, 1}, 3),
      doctest::Contains("Dataset: label 3 at row 1 is out of range for 3 classes (expected 0 to 2)"),
      DomainError);
  CHECK_THROWS_WITH_AS(Dataset(x, {0, 1, -1}, 3), doctest::Contains("label -1 at row 2"), DomainError);
  CHECK_THROWS_WITH_AS(Dataset(x, {0, 0, 0}, 0), doctest::Contains("num_classes must be at least 1, got 0"),
                       DomainError);
}

TEST_CASE("Dataset: subset copies the chosen rows in order") {
  const Tensor x = tapegrad::from<float>({0, 1, 10, 11, 20, 21, 30, 31}, {4, 2});
  const Dataset data(x, {0, 1, 2, 0}, 3);
  const std::vector<std::int64_t> rows{3, 1, 1};
  const Dataset part = data.subset(rows);
  CHECK(part.size() == 3);
  CHECK(part.features().to_vector<float>() == std::vector<float>{30, 31, 10, 11, 10, 11});
  CHECK(std::vector<std::int64_t>(part.labels().begin(), part.labels().end()) ==
        std::vector<std::int64_t>{0, 1, 1});
  CHECK(part.num_classes() == 3);
  CHECK_FALSE(part.features().shares_data(x));

  const Dataset reg(x, tapegrad::from<float>({5, 6, 7, 8}, {4}));
  CHECK(reg.subset(rows).targets().to_vector<float>() == std::vector<float>{8, 6, 6});

  const std::vector<std::int64_t> bad{0, 4};
  CHECK_THROWS_WITH_AS(data.subset(bad), doctest::Contains("index 4 (position 1) is out of range for 4 rows"),
                       ShapeError);
  CHECK_THROWS_WITH_AS(data.subset(std::vector<std::int64_t>{}), doctest::Contains("empty dataset"),
                       ShapeError);
}
