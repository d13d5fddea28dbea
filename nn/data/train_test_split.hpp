// SPDX-License-Identifier: MIT
// train_test_split.hpp: a seeded, reproducible split of a Dataset into a training and a test part.
// Stratified splitting keeps each class's share in both parts, which matters on small datasets (Iris has
// 50 examples per class: a plain 20% split can easily give a test set with 6 of one class and 14 of another).
#pragma once

#include <cstdint>

#include "tapegrad/nn/data/dataset.hpp"

namespace tapegrad::nn {

/// The two parts returned by train_test_split.
struct TrainTestSplit {
  Dataset train;
  Dataset test;
};

/// Whether train_test_split keeps each class's proportion in both parts.
enum class Stratify : bool { no, by_label };

/// Shuffles the rows with a Generator seeded by `seed` (same split on every platform for the same seed) and
/// puts round(test_fraction * n) of them in `test`, the rest in `train`; both parts are in shuffled order.
/// With Stratify::by_label each class c contributes round(test_fraction * n_c) rows to `test` (so the test
/// size may differ from the plain split by up to half the number of classes).
/// Throws DomainError unless 0 < test_fraction < 1, ShapeError if either part would be empty, and
/// ShapeError for Stratify::by_label on a regression dataset.
/// Example: `auto [train, test] = nn::train_test_split(data, 0.2, 42, nn::Stratify::by_label);`
TrainTestSplit train_test_split(const Dataset& data, double test_fraction, std::uint64_t seed,
                                Stratify stratify = Stratify::no);

}  // namespace tapegrad::nn
