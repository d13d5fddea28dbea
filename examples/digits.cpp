// SPDX-License-Identifier: MIT
// digits.cpp: the flagship. Handwritten digits (the UCI optical digits, 1,797 8x8 images shipped in
// examples/data/) classified by a 64-64-10 ReLU MLP trained with Adam on cross-entropy: seeded stratified
// split, a validation part held out of the training part (never the test part) for the loss curve and
// early stopping, standardisation, a progress bar, then, once at the end, test accuracy, confusion matrix
// and a picture of test digits with their predicted labels; a loss curve and a checkpoint that `--load`
// evaluates without training. The
// checkpoint holds the standardiser's mean and scale next to the parameters, so `--load` normalises the
// test images exactly as training did, without refitting anything.
// `--mnist DIR` trains on MNIST's IDX files instead, when you have them; its outputs are named mnist_*.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "classifier.hpp"
#include "cli_bounds.hpp"
#include "tapegrad/nn/nn.hpp"
#include "tapegrad/nn/plot/plot.hpp"

namespace nn = tapegrad::nn;
namespace ex = tapegrad::examples;
namespace fs = std::filesystem;
using tapegrad::Tensor;

namespace {

void print_confusion(const std::vector<std::int64_t>& truth, const std::vector<std::int64_t>& predicted,
                     std::int64_t classes) {
  std::vector<std::int64_t> counts(static_cast<std::size_t>(classes * classes), 0);
  for (std::size_t i = 0; i < truth.size(); ++i)
    ++counts[static_cast<std::size_t>(truth[i] * classes + predicted[i])];
  std::printf("confusion matrix (rows: true digit, columns: predicted)\n     ");
  for (std::int64_t c = 0; c < classes; ++c) std::printf("%4lld", static_cast<long long>(c));
  std::printf("\n");
  for (std::int64_t r = 0; r < classes; ++r) {
    std::printf("  %2lld ", static_cast<long long>(r));
    for (std::int64_t c = 0; c < classes; ++c) {
      const std::int64_t n = counts[static_cast<std::size_t>(r * classes + c)];
      if (n == 0 && r != c)
        std::printf("   .");
      else
        std::printf("%4lld", static_cast<long long>(n));
    }
    std::printf("\n");
  }
}

/// Up to `count` test images, the misclassified ones first, captioned "pred" (red "pred≠true" if wrong).
void save_predictions(const fs::path& path, const Tensor& raw_features, std::int64_t side,
                      const std::vector<std::int64_t>& truth, const std::vector<std::int64_t>& predicted,
                      std::int64_t count) {
  std::vector<std::int64_t> wrong, right;
  for (std::size_t i = 0; i < truth.size(); ++i)
    (truth[i] == predicted[i] ? right : wrong).push_back(static_cast<std::int64_t>(i));
  std::vector<std::int64_t> shown(wrong.begin(),
                                  wrong.begin() + std::min<std::ptrdiff_t>(std::ssize(wrong), count / 4));
  for (std::size_t i = 0; std::ssize(shown) < count && i < right.size(); ++i) shown.push_back(right[i]);
  std::sort(shown.begin(), shown.end());
  std::vector<std::string> captions, colors;
  for (std::int64_t i : shown) {
    const auto u = static_cast<std::size_t>(i);
    const bool ok = truth[u] == predicted[u];
    captions.push_back(ok ? std::to_string(predicted[u])
                          : std::to_string(predicted[u]) + " (" + std::to_string(truth[u]) + ")");
    colors.push_back(ok ? "#333333" : "#d62728");
  }
  const Tensor images = tapegrad::reshape(tapegrad::index_select(raw_features, 0, shown), {-1, side, side});
  nn::plot::save_svg(path, nn::plot::image_grid(
                               images, {.columns = 12,
                                        .pixel_size = side <= 8 ? 5.0 : 1.5,
                                        .title = "test digits: predicted label (true label if wrong, in red)",
                                        .captions = captions,
                                        .caption_colors = colors}));
}

/// Test accuracy, loss and confusion matrix, and the picture `<prefix>_predictions.svg` in `out_dir`.
void report(nn::Module& model, const nn::Dataset& test, const Tensor& raw_test_features, std::int64_t side,
            const fs::path& out_dir, const std::string& prefix) {
  const nn::Evaluation e = nn::evaluate(model, test);
  const std::vector<std::int64_t> predicted = nn::predict_classes(model, test.features());
  const std::vector<std::int64_t> truth(test.labels().begin(), test.labels().end());
  std::printf("test accuracy %.4f (%lld of %lld), test loss %.4f\n", e.accuracy,
              static_cast<long long>(e.accuracy * static_cast<double>(test.size()) + 0.5),
              static_cast<long long>(test.size()), e.loss);
  print_confusion(truth, predicted, test.num_classes());
  const fs::path picture = out_dir / (prefix + "_predictions.svg");
  save_predictions(picture, raw_test_features, side, truth, predicted, 48);
  std::printf("wrote %s\n", picture.c_str());
}

}  // namespace

int main(int argc, char** argv) try {
  CLI::App app{"tapegrad flagship: classify handwritten digits with an MLP"};
  std::string data_dir = TAPEGRAD_EXAMPLES_DATA_DIR;
  std::string out_dir =
      "tapegrad_out";  // relative: a run writes where it is started, never into the build tree
  std::string load_path, mnist_dir;
  ex::ClassifierConfig config = ex::digits_config();
  double min_accuracy = 0.95;
  app.add_option("--data", data_dir, "directory holding digits.csv")->capture_default_str();
  app.add_option("--out", out_dir, "directory for the pictures, the history and the checkpoint")
      ->capture_default_str();
  app.add_option("--load", load_path, "evaluate this saved checkpoint on the test split, without training");
  app.add_option("--mnist", mnist_dir,
                 "train on MNIST IDX files in this directory (train-images-idx3-ubyte, ...)");
  app.add_option("--epochs", config.epochs, "training epochs")
      ->capture_default_str()
      ->check(ex::integer_in(1, 10000));
  app.add_option("--hidden", config.hidden, "hidden layer sizes")
      ->capture_default_str()
      ->check(ex::integer_in(1, 4096));
  app.add_option("--lr", config.lr, "Adam learning rate")
      ->capture_default_str()
      ->check(ex::number_in(0.0, 100.0));
  app.add_option("--validation", config.validation_fraction,
                 "fraction of the training part held out for validation (loss curve, early stopping)")
      ->capture_default_str()
      ->check(ex::number_in(0.01, 0.5));
  app.add_option("--patience", config.patience,
                 "stop after this many epochs without a better validation loss (0: never)")
      ->capture_default_str()
      ->check(ex::integer_in(0, 10000));
  app.add_option("--seed", config.seed, "seed of the split, the initial weights and the shuffling")
      ->capture_default_str()
      ->check(ex::integer_in(0, UINT64_MAX));
  app.add_option(
         "--min-accuracy", min_accuracy,
         "exit with 1 when the test accuracy on the UCI digits is below this (not checked for --mnist)")
      ->capture_default_str()
      ->check(ex::number_in(0.0, 1.0));
  CLI11_PARSE(app, argc, argv);

  const fs::path out = out_dir;
  fs::create_directories(out);
  std::int64_t side = 8;
  const std::string prefix = mnist_dir.empty() ? "digits" : "mnist";  // the output files' names
  nn::TrainTestSplit raw = [&] {
    if (mnist_dir.empty()) {
      const nn::Dataset digits = nn::load_csv(fs::path(data_dir) / "digits.csv");
      std::printf("UCI optical digits: %lld images of 8x8 pixels, %lld classes\n",
                  static_cast<long long>(digits.size()), static_cast<long long>(digits.num_classes()));
      return ex::classifier_split(digits, config);
    }
    const fs::path dir = mnist_dir;
    side = 28;
    return nn::TrainTestSplit{
        nn::load_mnist(dir / "train-images-idx3-ubyte", dir / "train-labels-idx1-ubyte"),
        nn::load_mnist(dir / "t10k-images-idx3-ubyte", dir / "t10k-labels-idx1-ubyte")};
  }();
  std::printf("train %lld (validation held out of it), test %lld (seed %llu)\n",
              static_cast<long long>(raw.train.size()), static_cast<long long>(raw.test.size()),
              static_cast<unsigned long long>(config.seed));

  if (!load_path.empty()) {
    // A fresh model and standardiser filled from the checkpoint (checked whole before anything changes):
    // the test images are normalised with the training statistics saved there, not refitted here.
    const ex::LoadedClassifier loaded =
        ex::load_classifier(load_path, raw.train.num_features(), raw.train.num_classes(), config.hidden);
    std::printf("loaded %s: %s, with the standardisation statistics of its training data\n",
                load_path.c_str(), loaded.model->repr().c_str());
    report(*loaded.model, loaded.scaler->transform(raw.test), raw.test.features(), side, out, prefix);
    return 0;
  }

  const auto start = std::chrono::steady_clock::now();
  const ex::TrainedClassifier r = ex::train_classifier(raw.train, raw.test, config, &std::cout);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cout << *r.model << "\n";
  std::printf(
      "trained %lld epochs in %.1f s on %lld images, validated on %lld held out of the training part\n",
      static_cast<long long>(r.history.size()), seconds, static_cast<long long>(r.train.size()),
      static_cast<long long>(r.validation.size()));
  report(*r.model, r.test, raw.test.features(), side, out, prefix);

  nn::plot::Chart chart(
      {.title = prefix + ": cross-entropy per epoch", .x_label = "epoch", .y_label = "loss", .log_y = true});
  const std::vector<double> epochs = r.history.column("epoch");
  chart.line(epochs, r.history.column("train_loss"), "train")
      .line(epochs, r.history.column("val_loss"), "validation");
  const fs::path loss_svg = out / (prefix + "_loss.svg"), history_csv = out / (prefix + "_history.csv"),
                 checkpoint = out / (prefix + ".tgc");
  chart.save(loss_svg);
  r.history.save_csv(history_csv);
  ex::save_classifier(checkpoint, *r.model, *r.scaler);
  std::printf("wrote %s\nwrote %s\nsaved %s (evaluate it again with --load)\n", loss_svg.c_str(),
              history_csv.c_str(), checkpoint.c_str());
  return r.test_result.accuracy >= min_accuracy || !mnist_dir.empty() ? 0 : 1;
} catch (const std::exception& e) {
  std::fprintf(stderr, "digits: %s\n", e.what());
  return 1;
}
