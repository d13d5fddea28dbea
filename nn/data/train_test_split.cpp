// SPDX-License-Identifier: MIT
#include "tapegrad/nn/data/train_test_split.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include "tapegrad/nn/data/shuffle.hpp"

namespace tapegrad::nn {

namespace {

std::size_t test_count(double test_fraction, std::size_t n) {
  return static_cast<std::size_t>(std::llround(test_fraction * static_cast<double>(n)));
}

}  // namespace

TrainTestSplit train_test_split(const Dataset& data, double test_fraction, std::uint64_t seed,
                                Stratify stratify) {
  TAPEGRAD_CHECK(test_fraction > 0.0 && test_fraction < 1.0, DomainError,
                 "train_test_split: test_fraction must be in (0, 1), got ", test_fraction);
  TAPEGRAD_CHECK(stratify == Stratify::no || data.has_labels(), ShapeError,
                 "train_test_split: Stratify::by_label needs class labels, got a regression dataset");
  Generator gen(seed);
  std::vector<std::int64_t> train;
  std::vector<std::int64_t> test;
  if (stratify == Stratify::no) {
    const std::vector<std::int64_t> order = random_permutation(data.size(), gen);
    const std::size_t n_test = test_count(test_fraction, order.size());
    test.assign(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(std::min(n_test, order.size())));
    if (n_test < order.size()) train.assign(order.begin() + static_cast<std::ptrdiff_t>(n_test), order.end());
  } else {
    std::vector<std::vector<std::int64_t>> by_class(static_cast<std::size_t>(data.num_classes()));
    const std::span<const std::int64_t> labels = data.labels();
    for (std::size_t i = 0; i < labels.size(); ++i)
      by_class[static_cast<std::size_t>(labels[i])].push_back(static_cast<std::int64_t>(i));
    for (std::vector<std::int64_t>& rows : by_class) {
      shuffle(rows, gen);
      const std::size_t n_test = test_count(test_fraction, rows.size());
      test.insert(test.end(), rows.begin(), rows.begin() + static_cast<std::ptrdiff_t>(n_test));
      train.insert(train.end(), rows.begin() + static_cast<std::ptrdiff_t>(n_test), rows.end());
    }
    // Interleave the classes again, so a DataLoader without shuffling does not see them in blocks.
    shuffle(train, gen);
    shuffle(test, gen);
  }
  TAPEGRAD_CHECK(!train.empty() && !test.empty(), ShapeError, "train_test_split: test_fraction ",
                 test_fraction, " of ", data.size(), " examples leaves ", train.size(), " for training and ",
                 test.size(), " for testing; both need at least one");
  return {data.subset(train), data.subset(test)};
}

}  // namespace tapegrad::nn
