// SPDX-License-Identifier: MIT
// trainer_test.cpp: fit(), evaluate() and predict() on a tiny separable problem; early stopping, callbacks,
// the History CSV, checkpoints round-tripped through a fresh model, and the errors of bad input.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "nn_test_support.hpp"
#include "tapegrad/nn/nn.hpp"
#include "temp_dir.hpp"

using tapegrad::Tensor;
namespace nn = tapegrad::nn;

namespace {

/// 40 points in two clusters, class 0 around (-2, -2), class 1 around (2, 2): linearly separable.
nn::Dataset two_blobs() {
  tapegrad::Generator gen(nn::test::kSeed);
  std::vector<float> x;
  std::vector<std::int64_t> labels;
  for (int i = 0; i < 40; ++i) {
    const std::int64_t label = i % 2;
    const float center = label == 0 ? -2.0f : 2.0f;
    x.push_back(center + static_cast<float>(gen.uniform() - 0.5));
    x.push_back(center + static_cast<float>(gen.uniform() - 0.5));
    labels.push_back(label);
  }
  return nn::Dataset(tapegrad::from<float>(x, {40, 2}), labels, 2);
}

nn::MLP small_net(std::uint64_t seed = nn::test::kSeed) {
  tapegrad::Generator gen(seed);
  return nn::MLP({.in_features = 2, .hidden = {8}, .out_features = 2}, gen);
}

}  // namespace

TEST_CASE("nn fit: a tiny separable problem, loss falls and accuracy reaches 1") {
  const nn::Dataset data = two_blobs();
  nn::MLP net = small_net();
  nn::Adam adam(net.parameters(), {.lr = 0.05});
  nn::DataLoader loader(data, {.batch_size = 8, .shuffle = true, .seed = 3});
  const double before = nn::evaluate(net, data).loss;
  const nn::History history =
      nn::fit(net, adam, nn::default_loss(data), loader, {.epochs = 20, .validation = data});
  REQUIRE(history.size() == 20);
  CHECK(history[0].epoch == 1);
  CHECK(history.back().train_loss < history[0].train_loss);
  CHECK(history.back().val_loss < before);
  CHECK(history.back().val_accuracy == 1.0);
  const nn::Evaluation e = nn::evaluate(net, data);
  CHECK(e.accuracy == 1.0);
  CHECK(e.loss == doctest::Approx(history.back().val_loss));
  CHECK(net.is_training());  // evaluate restores the training flag
  const std::vector<std::int64_t> predicted =
      nn::predict_classes(net, data.features(), 7);  // several batches
  CHECK(std::vector<std::int64_t>(data.labels().begin(), data.labels().end()) == predicted);
  CHECK(nn::predict(net, data.features()).shape() == tapegrad::Shape{40, 2});
}

TEST_CASE("nn fit: early stopping stops once the metric stops improving") {
  const nn::Dataset data = two_blobs();
  nn::MLP net = small_net();
  nn::SGD sgd(net.parameters(), {.lr = 0.0});  // lr 0: the loss never improves after epoch 1
  nn::DataLoader loader(data, {.batch_size = 40});
  const nn::History history =
      nn::fit(net, sgd, nn::default_loss(data), loader,
              {.epochs = 50, .validation = data, .early_stopping = {.patience = 3, .metric = "val_loss"}});
  CHECK(history.size() == 4);  // the best at epoch 1, then 3 epochs without improvement
  nn::DataLoader again(data, {.batch_size = 40});
  CHECK_THROWS_WITH_AS(nn::fit(net, sgd, nn::default_loss(data), again,
                               {.epochs = 2, .early_stopping = {.patience = 1, .metric = "val_accuracy"}}),
                       doctest::Contains("val_accuracy"), tapegrad::DomainError);
}

TEST_CASE("nn fit: callbacks see every epoch and batch, and can stop training") {
  const nn::Dataset data = two_blobs();
  nn::MLP net = small_net();
  nn::Adam adam(net.parameters(), {.lr = 0.01});
  nn::DataLoader loader(data, {.batch_size = 16});  // 3 batches: 16, 16, 8
  std::vector<std::int64_t> epochs;
  std::vector<std::pair<std::int64_t, std::int64_t>> batches;
  const nn::History history =
      nn::fit(net, adam, nn::default_loss(data), loader,
              {.epochs = 10,
               .callbacks = {.on_epoch_end =
                                 [&](const nn::EpochRecord& r) {
                                   epochs.push_back(r.epoch);
                                   return r.epoch == 3 ? nn::FitControl::stop : nn::FitControl::proceed;
                                 },
                             .on_batch_end =
                                 [&](std::int64_t epoch, std::int64_t batch, double) {
                                   batches.emplace_back(epoch, batch);
                                   return nn::FitControl::proceed;
                                 }}});
  CHECK(epochs == std::vector<std::int64_t>{1, 2, 3});
  CHECK(history.size() == 3);
  REQUIRE(batches.size() == 9);
  CHECK(batches.front() == std::pair<std::int64_t, std::int64_t>{1, 0});
  CHECK(batches.back() == std::pair<std::int64_t, std::int64_t>{3, 2});

  nn::DataLoader loader2(data, {.batch_size = 16});
  int calls = 0;
  const nn::History stopped =
      nn::fit(net, adam, nn::default_loss(data), loader2,
              {.epochs = 10, .callbacks = {.on_batch_end = [&](std::int64_t, std::int64_t, double) {
                               return ++calls == 2 ? nn::FitControl::stop : nn::FitControl::proceed;
                             }}});
  CHECK(calls == 2);
  CHECK(stopped.size() == 1);  // the interrupted epoch is still recorded
}

TEST_CASE("nn fit: the History CSV has the epoch, loss, validation and time columns") {
  const nn::Dataset data = two_blobs();
  nn::MLP net = small_net();
  nn::Adam adam(net.parameters(), {.lr = 0.01});
  nn::DataLoader loader(data, {.batch_size = 20});
  std::ostringstream bar;
  const nn::History history =
      nn::fit(net, adam, nn::default_loss(data), loader,
              {.epochs = 2, .validation = data, .progress = {.out = &bar, .mode = nn::ProgressMode::plain}});
  std::ostringstream csv;
  history.write_csv(csv);
  const std::string text = csv.str();
  CHECK(text.substr(0, text.find('\n')) == "epoch,train_loss,val_loss,val_accuracy,seconds");
  CHECK(std::count(text.begin(), text.end(), '\n') == 3);
  CHECK(bar.str().find("val_acc") != std::string::npos);  // the progress bar shows the validation metrics
}

TEST_CASE("nn fit: the scheduler steps once per epoch") {
  const nn::Dataset data = two_blobs();
  nn::MLP net = small_net();
  nn::SGD sgd(net.parameters(), {.lr = 0.1});
  nn::StepLR schedule(sgd, {.step_size = 1, .gamma = 0.5});
  nn::DataLoader loader(data, {.batch_size = 40});
  (void)nn::fit(net, sgd, nn::default_loss(data), loader, {.epochs = 3, .scheduler = &schedule});
  CHECK(sgd.lr() == doctest::Approx(0.1 * 0.125));
}

TEST_CASE("nn trainer: a saved-then-loaded model predicts identically") {
  tapegrad::test::TempDir dir;
  const nn::Dataset data = two_blobs();
  nn::MLP net = small_net(1);
  nn::Adam adam(net.parameters(), {.lr = 0.05});
  nn::DataLoader loader(data, {.batch_size = 8, .shuffle = true});
  (void)nn::fit(net, adam, nn::default_loss(data), loader, {.epochs = 5});
  nn::save_checkpoint(dir / "net.tgc", net.named_parameters());

  nn::MLP fresh = small_net(2);  // other initial weights
  CHECK(nn::predict(fresh, data.features()).to_vector<float>() !=
        nn::predict(net, data.features()).to_vector<float>());
  nn::load_checkpoint(dir / "net.tgc", fresh.named_parameters());
  CHECK(nn::predict(fresh, data.features()).to_vector<float>() ==
        nn::predict(net, data.features()).to_vector<float>());

  // A corrupt file (one flipped byte near the end, in the weights) is rejected and leaves the model
  // untouched.
  std::string bytes;
  {
    std::ifstream in(dir / "net.tgc", std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  bytes[bytes.size() - 10] = static_cast<char>(bytes[bytes.size() - 10] ^ 0x5a);
  tapegrad::test::write_file(dir / "bad.tgc", bytes);
  nn::MLP other = small_net(3);
  const std::vector<float> before = nn::predict(other, data.features()).to_vector<float>();
  CHECK_THROWS_AS(nn::load_checkpoint(dir / "bad.tgc", other.named_parameters()), tapegrad::Error);
  CHECK(nn::predict(other, data.features()).to_vector<float>() == before);
}

TEST_CASE("nn trainer: bad input gives clear errors") {
  const nn::Dataset data = two_blobs();
  nn::MLP net = small_net();
  nn::Adam adam(net.parameters(), {.lr = 0.01});
  nn::DataLoader loader(data, {.batch_size = 8});

  SUBCASE("a validation set of another feature width") {
    const nn::Dataset wide(tapegrad::zeros({4, 3}), std::vector<std::int64_t>{0, 1, 0, 1}, 2);
    CHECK_THROWS_WITH_AS(nn::fit(net, adam, nn::default_loss(data), loader, {.validation = wide}),
                         "fit: the validation set has 3 features, the training set 2", tapegrad::ShapeError);
  }
  SUBCASE("a model of another feature width") {
    const nn::Dataset wide(tapegrad::zeros({4, 3}), std::vector<std::int64_t>{0, 1, 0, 1}, 2);
    CHECK_THROWS_WITH_AS(nn::evaluate(net, wide), doctest::Contains("[4, 3]"), tapegrad::ShapeError);
    CHECK_THROWS_WITH_AS(nn::predict(net, wide.features()), doctest::Contains("[4, 3]"),
                         tapegrad::ShapeError);
  }
  SUBCASE("labels out of the model's range") {
    const nn::Dataset five(tapegrad::zeros({4, 2}), std::vector<std::int64_t>{0, 4, 0, 1}, 5);
    nn::DataLoader five_loader(five, {.batch_size = 2});
    CHECK_THROWS_WITH_AS(nn::fit(net, adam, nn::default_loss(five), five_loader),
                         "fit: the model's output [2, 2] must have one column per class (5 classes)",
                         tapegrad::ShapeError);
    CHECK_THROWS_WITH_AS(nn::evaluate(net, five), doctest::Contains("one column per class (5 classes)"),
                         tapegrad::ShapeError);
  }
  SUBCASE("an empty dataset") {
    CHECK_THROWS_WITH_AS(nn::predict(net, tapegrad::zeros({0, 2})),
                         "predict: expected non-empty features [n, d], got [0, 2]", tapegrad::ShapeError);
    CHECK_THROWS_WITH_AS(nn::Dataset(tapegrad::zeros({0, 2}), std::vector<std::int64_t>{}, 2),
                         doctest::Contains("empty dataset"), tapegrad::ShapeError);
  }
  SUBCASE("zero epochs") {
    CHECK_THROWS_WITH_AS(nn::fit(net, adam, nn::default_loss(data), loader, {.epochs = 0}),
                         "fit: epochs must be at least 1, got 0", tapegrad::DomainError);
  }
}

TEST_CASE("nn activations: leaky_relu's derivative at 0 is its negative slope, as in PyTorch") {
  Tensor x = tapegrad::from<double>({0.0, -1.0, 2.0}, {3});
  x.requires_grad_();
  tapegrad::Tape tape;
  nn::LeakyReLU act({.negative_slope = 0.2});
  tapegrad::sum(act(x)).backward();
  CHECK(x.grad().to_vector<double>() == std::vector<double>{0.2, 0.2, 1.0});
}
