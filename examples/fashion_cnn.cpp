// SPDX-License-Identifier: MIT
// fashion_cnn.cpp: LeNet-5 on Zalando's Fashion-MNIST (60,000 + 10,000 grey 28x28 images of clothes, as
// Debian ships them: `sudo apt-get install dataset-fashion-mnist`, read gzipped from
// /usr/share/datasets/fashion-mnist/). conv 5x5 x6 pad 2 -> ReLU -> max-pool 2 -> conv 5x5 x16 -> ReLU ->
// max-pool 2 -> 120 -> 84 -> 10, trained with Adam (lr 1e-3, batch 64) on cross-entropy, inputs in [0, 1].
// A validation split taken from the training set (2,000 images; never the test set) gives the loss curve,
// picks the epoch whose weights are kept (the best validation accuracy) and, with --patience, stops early;
// the test set is evaluated once, at the end, on the kept weights. --batch-norm adds BatchNorm after
// each convolution and hidden layer and dropout before the classifier. Outputs: a progress bar, the loss
// curve, a picture of test images with their predicted class names (wrong ones in red), a confusion matrix
// with class names, the history as CSV and a checkpoint that --load evaluates without training.
// --limit N trains on the first N training images (and tests on N / 6) for a quick run or a smoke test.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <numeric>
#include <stdexcept>
#include <string>
#include <vector>

#include "tapegrad/nn/nn.hpp"
#include "tapegrad/nn/plot/plot.hpp"
#ifdef TAPEGRAD_EXAMPLE_MPI
#include <optional>

#include "tapegrad/nn/distributed/distributed.hpp"
#endif

namespace nn = tapegrad::nn;
namespace fs = std::filesystem;
using tapegrad::Tensor;

namespace {

/// LeNet-5 for 28x28 inputs given as rows of 784 pixels (the Dataset's layout): the forward reshapes them
/// to [N, 1, 28, 28] (a view) and runs `layers`.
class LeNet5 : public nn::Module {
 public:
  LeNet5(bool batch_norm, tapegrad::Generator& gen) : batch_norm_(batch_norm) {
    // PyTorch draws a Linear's bias from U(-1/sqrt(in), 1/sqrt(in)) where nn::Linear starts it at 0; the
    // recipe is PyTorch's, so its start is too (Conv2d already initialises both as PyTorch does).
    const auto linear = [&gen](std::int64_t in, std::int64_t out) {
      nn::Linear fc({.in_features = in, .out_features = out}, gen);
      const double bound = 1.0 / std::sqrt(static_cast<double>(in));
      nn::init::uniform_(fc.bias(), -bound, bound, gen);
      return fc;
    };
    auto net = std::make_shared<nn::Sequential>();
    net->push_back(
        nn::Conv2d({.in_channels = 1, .out_channels = 6, .kernel_size = {5, 5}, .padding = {2, 2}}, gen));
    if (batch_norm) net->push_back(nn::BatchNorm2d({.num_features = 6}));
    net->push_back(nn::ReLU());
    net->push_back(nn::MaxPool2d({.kernel_size = {2, 2}}));
    net->push_back(nn::Conv2d({.in_channels = 6, .out_channels = 16, .kernel_size = {5, 5}}, gen));
    if (batch_norm) net->push_back(nn::BatchNorm2d({.num_features = 16}));
    net->push_back(nn::ReLU());
    net->push_back(nn::MaxPool2d({.kernel_size = {2, 2}}));
    net->push_back(nn::Flatten());
    net->push_back(linear(16 * 5 * 5, 120));
    if (batch_norm) net->push_back(nn::BatchNorm1d({.num_features = 120}));
    net->push_back(nn::ReLU());
    net->push_back(linear(120, 84));
    if (batch_norm) net->push_back(nn::BatchNorm1d({.num_features = 84}));
    net->push_back(nn::ReLU());
    if (batch_norm) net->push_back(nn::Dropout({.p = 0.25}, gen));
    net->push_back(linear(84, 10));
    layers_ = register_module("layers", std::move(net));
  }
  Tensor forward(const Tensor& x) override { return (*layers_)(tapegrad::reshape(x, {-1, 1, 28, 28})); }
  std::string type_name() const override { return "LeNet5"; }
  std::string extra_repr() const override { return batch_norm_ ? "batch_norm=true" : ""; }

 private:
  bool batch_norm_;
  std::shared_ptr<nn::Sequential> layers_;
};

/// The first n rows of a dataset (all of it when n is 0 or larger).
nn::Dataset first(const nn::Dataset& data, std::int64_t n) {
  if (n <= 0 || n >= data.size()) return data;
  std::vector<std::int64_t> rows(static_cast<std::size_t>(n));
  std::iota(rows.begin(), rows.end(), 0);
  return data.subset(rows);
}

void print_confusion(const std::vector<std::int64_t>& truth, const std::vector<std::int64_t>& predicted) {
  constexpr std::int64_t k = 10;
  std::vector<std::int64_t> counts(k * k, 0);
  for (std::size_t i = 0; i < truth.size(); ++i)
    ++counts[static_cast<std::size_t>(truth[i] * k + predicted[i])];
  std::printf("confusion matrix (rows: true class, columns: predicted class)\n%13s", "");
  for (std::int64_t c = 0; c < k; ++c) std::printf("%6.5s", std::string(nn::kFashionMnistClasses[c]).c_str());
  std::printf("  recall\n");
  for (std::int64_t r = 0; r < k; ++r) {
    std::printf("%12s ", std::string(nn::kFashionMnistClasses[static_cast<std::size_t>(r)]).c_str());
    std::int64_t row_total = 0;
    for (std::int64_t c = 0; c < k; ++c) {
      const std::int64_t n = counts[static_cast<std::size_t>(r * k + c)];
      row_total += n;
      if (n == 0 && r != c)
        std::printf("%6s", ".");
      else
        std::printf("%6lld", static_cast<long long>(n));
    }
    const std::int64_t hit = counts[static_cast<std::size_t>(r * k + r)];
    std::printf("  %.3f\n", row_total > 0 ? static_cast<double>(hit) / static_cast<double>(row_total) : 0.0);
  }
}

/// 48 test images, a quarter of them misclassified ones, captioned with the predicted class (and the true
/// one, in red, when wrong).
void save_predictions(const fs::path& path, const nn::Dataset& test,
                      const std::vector<std::int64_t>& predicted) {
  const auto truth = test.labels();
  std::vector<std::int64_t> wrong, right;
  for (std::size_t i = 0; i < truth.size(); ++i)
    (truth[i] == predicted[i] ? right : wrong).push_back(static_cast<std::int64_t>(i));
  std::vector<std::int64_t> shown(wrong.begin(),
                                  wrong.begin() + std::min<std::ptrdiff_t>(std::ssize(wrong), 12));
  for (std::size_t i = 0; shown.size() < 48 && i < right.size(); ++i) shown.push_back(right[i]);
  std::sort(shown.begin(), shown.end());
  std::vector<std::string> captions, colors;
  for (std::int64_t i : shown) {
    const auto u = static_cast<std::size_t>(i);
    const std::string p(nn::kFashionMnistClasses[static_cast<std::size_t>(predicted[u])]);
    const bool ok = truth[u] == predicted[u];
    captions.push_back(
        ok ? p : p + " (" + std::string(nn::kFashionMnistClasses[static_cast<std::size_t>(truth[u])]) + ")");
    colors.push_back(ok ? "#333333" : "#d62728");
  }
  const Tensor images = tapegrad::reshape(tapegrad::index_select(test.features(), 0, shown), {-1, 28, 28});
  nn::plot::save_svg(
      path, nn::plot::image_grid(images, {.columns = 8,
                                          .pixel_size = 4.5,
                                          .title = "Fashion-MNIST test images: predicted class "
                                                   "(true class if wrong, in red)",
                                          .captions = captions,
                                          .caption_colors = colors,
                                          .grey_levels = 8}));  // 8 shades: about 150 KB for 48 images
}

/// Test accuracy, confusion matrix and the predictions picture; returns the accuracy.
double report(nn::Module& model, const nn::Dataset& test, const fs::path& out) {
  const nn::Evaluation e = nn::evaluate(model, test);
  const std::vector<std::int64_t> predicted = nn::predict_classes(model, test.features());
  const std::vector<std::int64_t> truth(test.labels().begin(), test.labels().end());
  std::printf("test accuracy %.4f (%lld images), test loss %.4f\n", e.accuracy,
              static_cast<long long>(test.size()), e.loss);
  print_confusion(truth, predicted);
  const fs::path picture = out / "fashion_cnn_predictions.svg";
  save_predictions(picture, test, predicted);
  std::printf("wrote %s\n", picture.c_str());
  return e.accuracy;
}

}  // namespace

int main(int argc, char** argv) try {
  CLI::App app{"LeNet-5 on Fashion-MNIST with tapegrad"};
  std::string data_dir = nn::kFashionMnistDebianDir.string(), out_dir = "fashion_cnn_out", load_path;
  std::int64_t epochs = 12, batch = 64, limit = 0, patience = 0;
  std::uint64_t seed = 1;
  double lr = 1e-3, validation = 1.0 / 30.0, min_accuracy = 0.0;
  bool batch_norm = false, distributed = false;
  int threads = 0, workers = 1;
  app.add_option("--data", data_dir, "directory of the Fashion-MNIST IDX files (.gz or not)")
      ->capture_default_str();
  app.add_option("--out", out_dir, "directory for the pictures, the history and the checkpoint")
      ->capture_default_str();
  app.add_option("--load", load_path, "evaluate this checkpoint on the test set, without training");
  app.add_option("--epochs", epochs, "training epochs")->capture_default_str()->check(CLI::PositiveNumber);
  app.add_option("--batch", batch, "batch size")->capture_default_str()->check(CLI::PositiveNumber);
  app.add_option("--lr", lr, "Adam learning rate")->capture_default_str();
  app.add_option("--validation", validation, "fraction of the training set held out for validation")
      ->capture_default_str();
  app.add_option("--patience", patience, "stop after this many epochs without a better val_loss (0: never)")
      ->capture_default_str();
  app.add_option("--limit", limit, "train on the first N training images only (0: all)")
      ->capture_default_str();
  app.add_option("--seed", seed, "seed of the split, the initial weights, dropout and the shuffling")
      ->capture_default_str();
  app.add_option("--threads", threads, "threads for the kernels (0: the default)")->capture_default_str();
  app.add_option("--min-accuracy", min_accuracy, "exit with 1 when the test accuracy is below this")
      ->capture_default_str();
  app.add_flag("--batch-norm", batch_norm, "add batch normalisation and dropout");
  app.add_option("--workers", workers, "threads that share each batch (data-parallel fit)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_flag("--distributed", distributed, "train on the ranks of an MPI job (start with mpirun)");
  CLI11_PARSE(app, argc, argv);
#ifdef TAPEGRAD_EXAMPLE_MPI
  std::optional<nn::distributed::Session> mpi;
  std::optional<nn::distributed::Communicator> comm;
  if (distributed) {
    mpi.emplace(argc, argv);
    comm = nn::distributed::Communicator::world();
    // Rank 0 alone reports and writes files; the others train silently.
    if (!comm->is_root() && std::freopen("/dev/null", "w", stdout) == nullptr) return 1;
  }
#else
  if (distributed) throw std::runtime_error("--distributed: built without MPI (install libopenmpi-dev)");
#endif
  if (threads > 0) tapegrad::set_num_threads(threads);

  if (!nn::has_fashion_mnist(data_dir)) {
    std::fprintf(
        stderr,
        "fashion_cnn: no Fashion-MNIST in %s.\n  On Debian 12: sudo apt-get install dataset-fashion-mnist "
        "(or scripts/deps.sh)\n  or pass --data DIR with train-images-idx3-ubyte[.gz] and the three "
        "other files.\n",
        data_dir.c_str());
    return 1;
  }
  const fs::path out = out_dir;
  fs::create_directories(out);
  const nn::FashionMnist data = nn::load_fashion_mnist(data_dir);
  const nn::Dataset test = first(data.test, limit > 0 ? std::max<std::int64_t>(limit / 6, 100) : 0);
  std::printf("Fashion-MNIST: %lld training and %lld test images of 28x28 pixels, 10 classes\n",
              static_cast<long long>(data.train.size()), static_cast<long long>(data.test.size()));

  tapegrad::Generator gen(seed);
  LeNet5 model(batch_norm, gen);
  if (!load_path.empty()) {
    nn::load_checkpoint(load_path, model.state_dict());
    std::printf("loaded %s\n", load_path.c_str());
    const double accuracy = report(model, test, out);
    return accuracy >= min_accuracy ? 0 : 1;
  }

  // The validation part comes out of the training set; the test set is not looked at until the end.
  const auto [train, val] =
      nn::train_test_split(first(data.train, limit), validation, seed, nn::Stratify::by_label);
  std::printf("train %lld, validation %lld (from the training set), test %lld\n",
              static_cast<long long>(train.size()), static_cast<long long>(val.size()),
              static_cast<long long>(test.size()));
  std::cout << model << "\n";

  nn::Adam adam(model.parameters(), {.lr = lr});
  nn::DataLoader loader(train, {.batch_size = batch, .shuffle = true, .seed = seed});
  const fs::path loss_svg = out / "fashion_cnn_loss.svg", history_csv = out / "fashion_cnn_history.csv",
                 checkpoint = out / "fashion_cnn.tgc";
  // The checkpoint keeps the epoch with the best validation accuracy (the early-stopping choice); the test
  // set then sees that model, once.
  double best_accuracy = -1.0;
  std::int64_t best_epoch = 0;
  const auto keep_best = [&](const nn::EpochRecord& record) {
    if (std::isnan(record.val_accuracy) || record.val_accuracy > best_accuracy) {  // NaN: no validation
      best_accuracy = record.val_accuracy, best_epoch = record.epoch;
      nn::save_checkpoint(checkpoint, model.state_dict());
    }
    return nn::FitControl::proceed;
  };
  const auto start = std::chrono::steady_clock::now();
  const nn::History history =
#ifdef TAPEGRAD_EXAMPLE_MPI
      // Every rank sees the same reduced record, so all agree on the best epoch; only rank 0 writes it.
      comm ? nn::distributed::fit(model, adam, nn::default_loss(train), train,
                                  {.epochs = epochs,
                                   .batch_size = batch,
                                   .seed = seed,
                                   .validation = val,
                                   .progress = {.out = &std::cout},
                                   .on_epoch_end =
                                       [&](const nn::EpochRecord& record) {
                                         return comm->is_root() ? keep_best(record) : nn::FitControl::proceed;
                                       }},
                                  *comm)
           :
#endif
           nn::fit(model, adam, nn::default_loss(train), loader,
                   {.epochs = epochs,
                    .validation = val,
                    .early_stopping = {.patience = patience},
                    .callbacks = {.on_epoch_end = keep_best},
                    .progress = {.out = &std::cout},
                    .workers = workers});
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("trained %lld epochs in %.1f s (%.2f s per epoch)\n", static_cast<long long>(history.size()),
              seconds, seconds / static_cast<double>(history.size()));
#ifdef TAPEGRAD_EXAMPLE_MPI
  if (comm && !comm->is_root()) return 0;  // the same parameters as rank 0's, which tests and saves them
#endif
  nn::load_checkpoint(checkpoint, model.state_dict());
  std::printf("kept epoch %lld, the best validation accuracy (%.4f)\n", static_cast<long long>(best_epoch),
              best_accuracy);

  const double accuracy = report(model, test, out);
  nn::plot::Chart chart(
      {.title = "LeNet-5 on Fashion-MNIST: cross-entropy per epoch", .x_label = "epoch", .y_label = "loss"});
  const std::vector<double> epoch_axis = history.column("epoch");
  chart.line(epoch_axis, history.column("train_loss"), "train")
      .line(epoch_axis, history.column("val_loss"), "validation");
  chart.save(loss_svg);
  history.save_csv(history_csv);
  std::printf("wrote %s\nwrote %s\nsaved %s (evaluate it again with --load%s)\n", loss_svg.c_str(),
              history_csv.c_str(), checkpoint.c_str(), batch_norm ? " --batch-norm" : "");
  return accuracy >= min_accuracy ? 0 : 1;
} catch (const std::exception& e) {
  std::fprintf(stderr, "fashion_cnn: %s\n", e.what());
  return 1;
}
