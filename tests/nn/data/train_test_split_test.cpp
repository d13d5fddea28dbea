// SPDX-License-Identifier: MIT
// train_test_split_test.cpp: seeded splits are reproducible, disjoint, complete, and stratified on request.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <vector>

#include "tapegrad/nn/nn.hpp"

using tapegrad::Tensor;
using tapegrad::nn::Dataset;
using tapegrad::nn::Stratify;

namespace {

// Feature value i marks row i, so a split's rows can be traced back.
Dataset numbered(std::int64_t n, std::int64_t classes) {
  std::vector<double> x(static_cast<std::size_t>(n));
  std::vector<std::int64_t> labels(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) {
    x[static_cast<std::size_t>(i)] = static_cast<double>(i);
    labels[static_cast<std::size_t>(i)] = i % classes;
  }
  return Dataset(tapegrad::from(x, {n, 1}), labels, classes);
}

std::vector<double> rows_of(const Dataset& d) {
  return d.features().to_vector<double>();
}

}  // namespace

TEST_CASE("train_test_split: the same seed gives the same split, another seed another") {
  const Dataset data = numbered(100, 3);
  const auto a = tapegrad::nn::train_test_split(data, 0.25, 7);
  const auto b = tapegrad::nn::train_test_split(data, 0.25, 7);
  const auto c = tapegrad::nn::train_test_split(data, 0.25, 8);
  CHECK(rows_of(a.test) == rows_of(b.test));
  CHECK(rows_of(a.train) == rows_of(b.train));
  CHECK(rows_of(a.test) != rows_of(c.test));
}

TEST_CASE("train_test_split: the parts are disjoint, cover every row and keep labels with their rows") {
  const Dataset data = numbered(101, 4);
  const auto [train, test] = tapegrad::nn::train_test_split(data, 0.2, 1);
  CHECK(test.size() == 20);  // round(0.2 * 101)
  CHECK(train.size() == 81);
  std::vector<double> all = rows_of(train);
  const std::vector<double> t = rows_of(test);
  all.insert(all.end(), t.begin(), t.end());
  std::sort(all.begin(), all.end());
  for (std::size_t i = 0; i < all.size(); ++i) CHECK(all[i] == static_cast<double>(i));
  for (std::int64_t i = 0; i < test.size(); ++i)
    CHECK(test.labels()[static_cast<std::size_t>(i)] ==
          static_cast<std::int64_t>(t[static_cast<std::size_t>(i)]) % 4);
  // Shuffled: the test rows are not simply the first or last 20.
  CHECK_FALSE(std::is_sorted(t.begin(), t.end()));
}

TEST_CASE("train_test_split: stratified splits keep each class's share") {
  // 60 of class 0, 30 of class 1, 10 of class 2.
  std::vector<double> x(100);
  std::vector<std::int64_t> labels(100);
  for (std::size_t i = 0; i < 100; ++i) {
    x[i] = static_cast<double>(i);
    labels[i] = i < 60 ? 0 : (i < 90 ? 1 : 2);
  }
  const Dataset data(tapegrad::from(x, {100, 1}), labels, 3);
  for (std::uint64_t seed : {1u, 2u, 3u}) {
    CAPTURE(seed);
    const auto split = tapegrad::nn::train_test_split(data, 0.3, seed, Stratify::by_label);
    const auto count = [&](std::int64_t c) {
      return std::count(split.test.labels().begin(), split.test.labels().end(), c);
    };
    CHECK(count(0) == 18);
    CHECK(count(1) == 9);
    CHECK(count(2) == 3);
    CHECK(split.train.size() == 70);
  }
}

TEST_CASE("train_test_split: bad fractions, empty parts and stratified regression are errors") {
  const Dataset data = numbered(10, 2);
  CHECK_THROWS_WITH_AS(tapegrad::nn::train_test_split(data, 0.0, 1),
                       doctest::Contains("test_fraction must be in (0, 1), got 0"), tapegrad::DomainError);
  CHECK_THROWS_WITH_AS(tapegrad::nn::train_test_split(data, 1.5, 1), doctest::Contains("got 1.5"),
                       tapegrad::DomainError);
  CHECK_THROWS_WITH_AS(tapegrad::nn::train_test_split(data, 0.01, 1),
                       doctest::Contains("leaves 10 for training and 0 for testing"), tapegrad::ShapeError);
  CHECK_THROWS_WITH_AS(tapegrad::nn::train_test_split(data, 0.99, 1),
                       doctest::Contains("leaves 0 for training and 10 for testing"), tapegrad::ShapeError);
  const Dataset reg(tapegrad::zeros({4, 1}), tapegrad::zeros({4}));
  CHECK_THROWS_WITH_AS(tapegrad::nn::train_test_split(reg, 0.5, 1, Stratify::by_label),
                       doctest::Contains("needs class labels"), tapegrad::ShapeError);
  CHECK(tapegrad::nn::train_test_split(reg, 0.5, 1).test.size() == 2);
}

TEST_CASE("shuffle: random_permutation is a seeded permutation") {
  tapegrad::Generator g1(5), g2(5);
  const auto p = tapegrad::nn::random_permutation(50, g1);
  CHECK(p == tapegrad::nn::random_permutation(50, g2));
  std::vector<std::int64_t> sorted = p;
  std::sort(sorted.begin(), sorted.end());
  for (std::size_t i = 0; i < sorted.size(); ++i) CHECK(sorted[i] == static_cast<std::int64_t>(i));
  CHECK(tapegrad::nn::random_permutation(0, g1).empty());
  CHECK_THROWS_AS(tapegrad::nn::random_permutation(-1, g1), tapegrad::ShapeError);
}
