// SPDX-License-Identifier: MIT
// iris.cpp: the smallest multi-class example. Fisher's 150 irises (4 measurements, 3 species) classified
// by a 4-16-3 ReLU MLP with Adam on cross-entropy: seeded stratified split, standardisation, test accuracy,
// and the loss curve as SVG.
#include <CLI/CLI.hpp>
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

int main(int argc, char** argv) try {
  CLI::App app{"tapegrad: classify Fisher's irises with a small MLP"};
  std::string data_dir = TAPEGRAD_EXAMPLES_DATA_DIR;
  std::string out_dir =
      "tapegrad_out";  // relative: a run writes where it is started, never into the build tree
  ex::ClassifierConfig config = ex::iris_config();
  app.add_option("--data", data_dir, "directory holding iris.csv")->capture_default_str();
  app.add_option("--out", out_dir, "directory for the loss curve")->capture_default_str();
  app.add_option("--epochs", config.epochs, "training epochs")
      ->capture_default_str()
      ->check(ex::integer_in(1, 100000));
  app.add_option("--seed", config.seed, "seed of the split, the initial weights and the shuffling")
      ->capture_default_str()
      ->check(ex::integer_in(0, UINT64_MAX));
  CLI11_PARSE(app, argc, argv);

  const nn::Dataset iris = nn::load_csv(fs::path(data_dir) / "iris.csv", {.header = true});
  const ex::TrainedClassifier r = ex::train_classifier(iris, config, &std::cout);
  std::cout << *r.model << "\n";
  std::printf(
      "train %lld, validation %lld (held out of the training part), test %lld: test accuracy %.4f, "
      "test loss %.4f\n",
      static_cast<long long>(r.train.size()), static_cast<long long>(r.validation.size()),
      static_cast<long long>(r.test.size()), r.test_result.accuracy, r.test_result.loss);
  const std::vector<std::int64_t> predicted = nn::predict_classes(*r.model, r.test.features());
  const char* species[] = {"setosa", "versicolor", "virginica"};
  for (std::size_t i = 0; i < predicted.size(); ++i)
    if (predicted[i] != r.test.labels()[i])
      std::printf("  misclassified: a %s taken for a %s\n", species[r.test.labels()[i]],
                  species[predicted[i]]);

  const fs::path out = out_dir;
  fs::create_directories(out);
  nn::plot::Chart chart({.title = "iris: cross-entropy per epoch", .x_label = "epoch", .y_label = "loss"});
  const std::vector<double> epochs = r.history.column("epoch");
  chart.line(epochs, r.history.column("train_loss"), "train")
      .line(epochs, r.history.column("val_loss"), "validation");
  chart.save(out / "iris_loss.svg");
  std::printf("wrote %s\n", (out / "iris_loss.svg").c_str());
  return r.test_result.accuracy >= 0.9 ? 0 : 1;
} catch (const std::exception& e) {
  std::fprintf(stderr, "iris: %s\n", e.what());
  return 1;
}
