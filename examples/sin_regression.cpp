// SPDX-License-Identifier: MIT
// sin_regression.cpp: a small tanh MLP learns sin(x) on [-pi, pi].
//
// 1-16-16-1 network with tanh hidden units and a linear output, mean squared error, Adam on shuffled
// mini-batches from a DataLoader. Prints the loss as it falls and the final MSE over the whole grid,
// and draws the fit against the target. Exits 1 if the final MSE is not below 1e-2.
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

int main(int argc, char** argv) {
  namespace nn = tapegrad::nn;
  namespace plot = nn::plot;
  namespace ex = tapegrad::examples;
  using tapegrad::Tensor;
  int epochs = 300;
  std::int64_t points = 256, hidden = 16, batch_size = 32;
  double lr = 0.01;
  std::uint64_t seed = 1;
  std::filesystem::path out = "tapegrad_out";
  CLI::App app("Regression of sin(x) on [-pi, pi] with a 1-H-H-1 tanh MLP and Adam");
  app.add_option("--epochs", epochs, "passes over the data")->check(ex::integer_in(1, 100000));
  app.add_option("--points", points, "training points, evenly spaced")->check(ex::integer_in(2, 100000));
  app.add_option("--hidden", hidden, "units in each hidden layer")->check(ex::integer_in(1, 1024));
  app.add_option("--batch-size", batch_size, "mini-batch size")->check(ex::integer_in(1, 100000));
  app.add_option("--lr", lr, "Adam learning rate")->check(ex::number_in(0.0, 100.0));
  app.add_option("--seed", seed, "seed of the weights and the shuffling")
      ->check(ex::integer_in(0, UINT64_MAX));
  app.add_option("--out", out, "output directory of the SVG picture");
  CLI11_PARSE(app, argc, argv);

  const double pi = std::numbers::pi;
  std::vector<float> xs, ts;
  for (std::int64_t i = 0; i < points; ++i) {
    const double x = -pi + 2.0 * pi * static_cast<double>(i) / static_cast<double>(points - 1);
    xs.push_back(static_cast<float>(x));
    ts.push_back(static_cast<float>(std::sin(x)));
  }
  const Tensor x = tapegrad::from<float>(xs, {points, 1}), t = tapegrad::from<float>(ts, {points, 1});
  nn::DataLoader loader(nn::Dataset(x, t), {.batch_size = batch_size, .shuffle = true, .seed = seed});

  tapegrad::Generator gen(seed);
  nn::MLP net(
      {.in_features = 1, .hidden = {hidden, hidden}, .out_features = 1, .activation = nn::Activation::tanh},
      gen);
  nn::Adam opt(net.parameters(), {.lr = lr});
  ex::print_model(net);

  tapegrad::Tape tape;
  for (int epoch = 1; epoch <= epochs; ++epoch) {
    const double mse = ex::train_epoch(tape, opt, loader, [&](const nn::Batch& batch) {
      return nn::mse_loss(net(batch.features), batch.targets);
    });
    if (ex::is_report_epoch(epoch, epochs)) std::printf("epoch %5d  train MSE %.6f\n", epoch, mse);
  }

  tapegrad::NoGradGuard no_grad;
  tape.clear();
  const Tensor fit = net(x);
  const double mse = nn::mse_loss(fit, t).item();
  std::printf("final MSE over %lld points of [-pi, pi]: %.3e\n", static_cast<long long>(points), mse);

  const std::vector<double> px = x.to_vector<double>(), target = t.to_vector<double>(),
                            fitted = fit.to_vector<double>();
  plot::Chart chart(
      {.title = "sin(x) and a 1-" + std::to_string(hidden) + "-" + std::to_string(hidden) + "-1 tanh MLP",
       .x_label = "x",
       .y_label = "y"});
  chart.line(px, target, "sin(x)").line(px, fitted, "network");
  ex::write_chart(chart, out, "sin_regression.svg");
  return mse < 1e-2 ? 0 : 1;
}
