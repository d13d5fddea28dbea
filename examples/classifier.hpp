// SPDX-License-Identifier: MIT
// classifier.hpp: the recipe shared by the digits and iris examples and by their learning tests (so the
// tests check the example's own code path): seeded stratified split, a validation part held out of the
// training part (never the test part: it drives the loss curve and early stopping, and the test part is
// evaluated once, at the end, as examples/fashion_cnn.cpp does), standardisation on the training part, an
// MLP with ReLU, Adam, cross-entropy, fit(), and the test accuracy; and the checkpoint of a trained
// classifier: its parameters plus the standardiser's statistics.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <ostream>
#include <vector>

#include "tapegrad/nn/nn.hpp"

namespace tapegrad::examples {

/// What to train and how.
struct ClassifierConfig {
  std::vector<std::int64_t> hidden = {64};
  std::int64_t epochs = 30;
  std::int64_t batch_size = 32;
  double lr = 1e-3;
  double test_fraction = 0.25;
  double validation_fraction = 0.1;  // of the training part, held out for validation
  std::int64_t patience = 0;         // early stopping on the validation loss; 0: off
  std::uint64_t seed = 42;
};

/// The digits example's settings: 64-64-10, up to 20 epochs of Adam (lr 1e-3) in batches of 32, stopping
/// after 5 epochs without a better validation loss.
inline ClassifierConfig digits_config() {
  return {.hidden = {64}, .epochs = 20, .batch_size = 32, .lr = 1e-3, .patience = 5};
}

/// The iris example's settings: 4-16-3, 60 epochs of Adam (lr 1e-2) in batches of 16.
inline ClassifierConfig iris_config() {
  return {.hidden = {16}, .epochs = 60, .batch_size = 16, .lr = 1e-2};
}

/// The model's sizes, for building a fresh one (to load a checkpoint into).
inline nn::MLPOptions classifier_options(std::int64_t features, std::int64_t classes,
                                         const std::vector<std::int64_t>& hidden) {
  return {
      .in_features = features, .hidden = hidden, .out_features = classes, .activation = nn::Activation::relu};
}

/// A trained classifier with the standardised split it was trained and tested on.
struct TrainedClassifier {
  std::unique_ptr<nn::MLP> model;
  std::unique_ptr<nn::Standardizer> scaler;  // fitted on the training split
  nn::Dataset train;                         // standardised
  nn::Dataset validation;                    // held out of the training data; standardised like it
  nn::Dataset test;                          // standardised with the training split's statistics
  nn::History history;
  nn::Evaluation test_result;
};

/// Holds config.validation_fraction of train_raw out (seeded, stratified) as the validation set, standardises
/// the three parts with the remaining training part's statistics, trains an MLP (features-hidden-classes,
/// ReLU) with Adam on cross-entropy, with the validation set for the loss curve and early stopping
/// (config.patience), and then evaluates it once on the test part. `progress` gets the progress bar
/// (nullptr: none). Throws what the nn functions throw.
/// Example: `auto r = train_classifier(mnist_train, mnist_test, {.epochs = 5}, &std::cout);`
inline TrainedClassifier train_classifier(const nn::Dataset& train_raw, const nn::Dataset& test_raw,
                                          const ClassifierConfig& config, std::ostream* progress) {
  const nn::TrainTestSplit held_out =
      nn::train_test_split(train_raw, config.validation_fraction, config.seed, nn::Stratify::by_label);
  auto scaler = std::make_unique<nn::Standardizer>(held_out.train);
  nn::Dataset train = scaler->transform(held_out.train);
  nn::Dataset validation = scaler->transform(held_out.test);
  Generator gen(config.seed);
  auto model = std::make_unique<nn::MLP>(
      classifier_options(train.num_features(), train.num_classes(), config.hidden), gen);
  nn::Adam adam(model->parameters(), {.lr = config.lr});
  nn::DataLoader loader(train, {.batch_size = config.batch_size, .shuffle = true, .seed = config.seed});
  nn::History history = nn::fit(*model, adam, nn::default_loss(train), loader,
                                {.epochs = config.epochs,
                                 .validation = validation,
                                 .early_stopping = {.patience = config.patience},
                                 .progress = {.out = progress}});
  // The test part is looked at here, once, after training.
  nn::Dataset test = scaler->transform(test_raw);
  const nn::Evaluation result = nn::evaluate(*model, test);
  return {std::move(model),
          std::move(scaler),
          std::move(train),
          std::move(validation),
          std::move(test),
          std::move(history),
          result};
}

/// Names under which save_classifier stores the standardizer's statistics, next to the model's parameters
/// (which are all named "layers.*", so they cannot clash).
inline constexpr const char* kSavedMean = "standardizer.mean";
inline constexpr const char* kSavedScale = "standardizer.scale";

/// Saves `model`'s parameters and `scaler`'s per-column mean and scale (float64 [features], under
/// kSavedMean and kSavedScale) in one checkpoint, so a later load normalises inputs exactly as training
/// did, whatever data it is given. Throws what nn::save_checkpoint throws (FileError, ...).
/// Example: `save_classifier("digits.tgc", *r.model, *r.scaler);`
inline void save_classifier(const std::filesystem::path& path, const nn::MLP& model,
                            const nn::Standardizer& scaler) {
  nn::NamedTensors tensors = model.named_parameters();
  const std::int64_t features = scaler.num_features();
  tensors.emplace_back(
      kSavedMean, from<double>(std::vector<double>(scaler.mean().begin(), scaler.mean().end()), {features}));
  tensors.emplace_back(
      kSavedScale,
      from<double>(std::vector<double>(scaler.scale().begin(), scaler.scale().end()), {features}));
  nn::save_checkpoint(path, tensors);
}

/// A classifier read back by load_classifier.
struct LoadedClassifier {
  std::unique_ptr<nn::MLP> model;
  std::unique_ptr<nn::Standardizer> scaler;  // the statistics saved with the model, not refitted
};

/// Builds an MLP of the given sizes and fills it, and a Standardizer, from a save_classifier file.
/// Throws what nn::load_checkpoint throws: FileError for an unreadable or corrupt file, a missing or extra
/// entry (e.g. a checkpoint of parameters only, without kSavedMean), ShapeError for other sizes than
/// `features`, `classes` and `hidden`; and DomainError for saved statistics a Standardizer refuses.
/// Example: `auto c = load_classifier("digits.tgc", 64, 10, {64}); auto x = c.scaler->transform(raw);`
inline LoadedClassifier load_classifier(const std::filesystem::path& path, std::int64_t features,
                                        std::int64_t classes, const std::vector<std::int64_t>& hidden) {
  auto model = std::make_unique<nn::MLP>(classifier_options(features, classes, hidden));
  const Tensor mean = zeros({features}, Dtype::float64), scale = zeros({features}, Dtype::float64);
  nn::NamedTensors destination = model->named_parameters();
  destination.emplace_back(kSavedMean, mean);
  destination.emplace_back(kSavedScale, scale);
  nn::load_checkpoint(path, destination);  // checks the whole file first; writes into the tensors above
  auto scaler = std::make_unique<nn::Standardizer>(mean.to_vector<double>(), scale.to_vector<double>());
  return {std::move(model), std::move(scaler)};
}

/// The seeded, stratified train/test split of `data` (config.test_fraction, config.seed).
inline nn::TrainTestSplit classifier_split(const nn::Dataset& data, const ClassifierConfig& config) {
  return nn::train_test_split(data, config.test_fraction, config.seed, nn::Stratify::by_label);
}

/// classifier_split, then train_classifier on the two parts.
/// Example: `auto r = train_classifier(nn::load_csv("examples/data/digits.csv"), digits_config(),
/// &std::cout);`
inline TrainedClassifier train_classifier(const nn::Dataset& data, const ClassifierConfig& config,
                                          std::ostream* progress) {
  const nn::TrainTestSplit split = classifier_split(data, config);
  return train_classifier(split.train, split.test, config, progress);
}

}  // namespace tapegrad::examples
