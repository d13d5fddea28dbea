// SPDX-License-Identifier: MIT
// two_moons.cpp: micrograd's demo: classify two interleaving half-moons with an MLP.
//
// The points are generated (seeded): moon 0 is the upper half circle around (0, 0), moon 1 the lower
// half circle around (1, 0.5), both with Gaussian noise. A 2-16-16-2 ReLU network is trained with
// cross-entropy and Adam on shuffled mini-batches. Prints the accuracy and draws the decision regions
// with the points over them. Exits 1 if the accuracy is below 0.95.
#include <CLI/CLI.hpp>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <numbers>
#include <tapegrad/nn/nn.hpp>
#include <tapegrad/nn/plot/plot.hpp>
#include <vector>

#include "cli_bounds.hpp"
#include "example_support.hpp"

namespace {

/// n points per moon with noise of standard deviation `noise`: features [2n, 2] and labels.
tapegrad::nn::Dataset make_moons(std::int64_t n, double noise, tapegrad::Generator& gen) {
  std::vector<float> xy;
  std::vector<std::int64_t> labels;
  for (std::int64_t moon = 0; moon < 2; ++moon)
    for (std::int64_t i = 0; i < n; ++i) {
      const double angle = std::numbers::pi * gen.uniform();
      const double x = moon == 0 ? std::cos(angle) : 1.0 - std::cos(angle);
      const double y = moon == 0 ? std::sin(angle) : 0.5 - std::sin(angle);
      xy.push_back(static_cast<float>(x + noise * gen.normal()));
      xy.push_back(static_cast<float>(y + noise * gen.normal()));
      labels.push_back(moon);
    }
  return {tapegrad::from<float>(xy, {2 * n, 2}), std::move(labels), 2};
}

/// The predicted class of each row of `logits` [n, 2].
std::vector<std::int64_t> predict(const tapegrad::Tensor& logits) {
  const std::vector<double> v = logits.to_vector<double>();
  std::vector<std::int64_t> classes;
  for (std::size_t i = 0; i + 1 < v.size(); i += 2) classes.push_back(v[i + 1] > v[i] ? 1 : 0);
  return classes;
}

}  // namespace

int main(int argc, char** argv) {
  namespace nn = tapegrad::nn;
  namespace plot = nn::plot;
  namespace ex = tapegrad::examples;
  int epochs = 100;
  std::int64_t per_moon = 100, hidden = 16, batch_size = 32;
  double noise = 0.1, lr = 0.01;
  std::uint64_t seed = 1;
  std::filesystem::path out = "tapegrad_out";
  CLI::App app("Two moons: a 2-H-H-2 ReLU MLP, cross-entropy and Adam, with its decision boundary");
  app.add_option("--epochs", epochs, "passes over the data")->check(ex::integer_in(1, 100000));
  app.add_option("--points", per_moon, "points per moon")->check(ex::integer_in(1, 100000));
  app.add_option("--noise", noise, "standard deviation of the noise")->check(ex::number_in(0.0, 1.0));
  app.add_option("--hidden", hidden, "units in each hidden layer")->check(ex::integer_in(1, 1024));
  app.add_option("--batch-size", batch_size, "mini-batch size")->check(ex::integer_in(1, 100000));
  app.add_option("--lr", lr, "Adam learning rate")->check(ex::number_in(0.0, 100.0));
  app.add_option("--seed", seed, "seed of the points, the weights and the shuffling")
      ->check(ex::integer_in(0, UINT64_MAX));
  app.add_option("--out", out, "output directory of the SVG picture");
  CLI11_PARSE(app, argc, argv);

  tapegrad::Generator gen(seed);
  const nn::Dataset data = make_moons(per_moon, noise, gen);
  nn::DataLoader loader(data, {.batch_size = batch_size, .shuffle = true, .seed = seed});
  nn::MLP net({.in_features = 2, .hidden = {hidden, hidden}, .out_features = 2}, gen);  // ReLU hidden units
  nn::Adam opt(net.parameters(), {.lr = lr});
  ex::print_model(net);

  tapegrad::Tape tape;
  const auto accuracy = [&] {
    tapegrad::NoGradGuard no_grad;
    const std::vector<std::int64_t> predicted = predict(net(data.features()));
    std::int64_t correct = 0;
    for (std::size_t i = 0; i < predicted.size(); ++i) correct += predicted[i] == data.labels()[i];
    return static_cast<double>(correct) / static_cast<double>(predicted.size());
  };
  for (int epoch = 1; epoch <= epochs; ++epoch) {
    const double loss = ex::train_epoch(tape, opt, loader, [&](const nn::Batch& batch) {
      return nn::cross_entropy(net(batch.features), batch.labels);
    });
    if (ex::is_report_epoch(epoch, epochs))
      std::printf("epoch %4d  cross-entropy %.4f  accuracy %.3f\n", epoch, loss, accuracy());
  }
  const double final_accuracy = accuracy();
  std::printf("accuracy on the %lld points: %.3f\n", static_cast<long long>(data.size()), final_accuracy);

  // Decision regions: the network's class on a grid around the points, as one batch.
  tapegrad::NoGradGuard no_grad;
  tape.clear();
  plot::Grid regions = plot::Grid::over(-1.6, 2.6, -1.1, 1.6, 140, 90);
  const std::vector<std::int64_t> grid_classes = predict(net(ex::grid_points(regions)));
  for (std::size_t i = 0; i < grid_classes.size(); ++i)
    regions.values[i] = static_cast<double>(grid_classes[i]);
  const std::vector<double> xy = data.features().to_vector<double>();
  std::vector<double> px, py;
  for (std::size_t i = 0; i + 1 < xy.size(); i += 2) {
    px.push_back(xy[i]);
    py.push_back(xy[i + 1]);
  }
  const std::vector<std::int64_t> labels(data.labels().begin(), data.labels().end());
  char title[96];
  std::snprintf(title, sizeof title, "Two moons: decision regions (accuracy %.3f)", final_accuracy);
  plot::Chart chart({.width = 640, .height = 460, .title = title, .x_label = "x1", .y_label = "x2"});
  chart.heatmap(regions, {.style = plot::HeatmapStyle::classes})
      .scatter(px, py, labels, {"moon 0", "moon 1"});
  ex::write_chart(chart, out, "two_moons.svg");
  return final_accuracy >= 0.95 ? 0 : 1;
}
