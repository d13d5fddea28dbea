// SPDX-License-Identifier: MIT
// xor.cpp: XOR, the classic task no single layer can learn, with the seed's 2-4-1 logistic network.
//
// Sigmoid hidden and output units, squared error E = ½‖o − t‖² averaged over the four cases, full-batch
// gradient descent with momentum. Prints the truth table with the network's outputs and writes two
// pictures: the decision regions over the input square (output > 0.5 is "1") with the four cases, and
// the loss curve. Exits 1 unless all four cases come out right.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>
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
  int epochs = 2000;
  std::int64_t hidden = 4;
  double lr = 0.5;
  std::uint64_t seed = 1;
  std::filesystem::path out = "tapegrad_out";
  CLI::App app("XOR with a 2-H-1 sigmoid network, squared error and gradient descent with momentum");
  app.add_option("--epochs", epochs, "full-batch gradient steps")->check(ex::integer_in(1, 1000000));
  app.add_option("--hidden", hidden, "hidden units")->check(ex::integer_in(1, 64));
  app.add_option("--lr", lr, "learning rate")->check(ex::number_in(0.0, 100.0));
  app.add_option("--seed", seed, "seed of the initial weights")->check(ex::integer_in(0, UINT64_MAX));
  app.add_option("--out", out, "output directory of the SVG pictures");
  CLI11_PARSE(app, argc, argv);

  const Tensor x = tapegrad::from<float>({0, 0, 0, 1, 1, 0, 1, 1}, {4, 2});
  const Tensor t = tapegrad::from<float>({0, 1, 1, 0}, {4, 1});
  tapegrad::Generator gen(seed);
  nn::MLP net({.in_features = 2,
               .hidden = {hidden},
               .out_features = 1,
               .activation = nn::Activation::sigmoid,
               .output_activation = nn::Activation::sigmoid},
              gen);
  nn::SGD opt(net.parameters(), {.lr = lr, .momentum = 0.9});
  ex::print_model(net);

  tapegrad::Tape tape;
  nn::History history;
  for (int epoch = 1; epoch <= epochs; ++epoch) {
    const double e = ex::train_step(tape, opt, [&] { return nn::half_squared_error(net(x), t); });
    history.append({.train_loss = e});
    if (ex::is_report_epoch(epoch, epochs)) std::printf("epoch %5d  E = %.6f\n", epoch, e);
  }

  tapegrad::NoGradGuard no_grad;
  const std::vector<double> o = net(x).to_vector<double>(), target = t.to_vector<double>();
  const std::vector<double> xs = x.to_vector<double>();
  int correct = 0;
  std::printf("\n x1 x2 | XOR | output\n");
  for (std::size_t i = 0; i < 4; ++i) {
    const bool right = (o[i] > 0.5) == (target[i] > 0.5);
    correct += right;
    std::printf("  %g  %g |  %g  | %.4f %s\n", xs[2 * i], xs[2 * i + 1], target[i], o[i],
                right ? "ok" : "WRONG");
  }
  std::printf("%d/4 correct, final E = %.6f\n", correct, history.back().train_loss);

  // Decision regions: the network on a grid over the input square, evaluated as one batch.
  plot::Grid regions = plot::Grid::over(-0.5, 1.5, -0.5, 1.5, 100, 100);
  const std::vector<double> grid_out = net(ex::grid_points(regions)).to_vector<double>();
  for (std::size_t i = 0; i < grid_out.size(); ++i) regions.values[i] = grid_out[i] > 0.5 ? 1.0 : 0.0;
  const std::vector<double> px = {0, 0, 1, 1}, py = {0, 1, 0, 1};
  const std::vector<std::int64_t> classes = {0, 1, 1, 0};
  plot::Chart map({.width = 520,
                   .height = 480,
                   .title = "XOR: decision regions of the 2-" + std::to_string(hidden) + "-1 network",
                   .x_label = "x1",
                   .y_label = "x2"});
  map.heatmap(regions, {.style = plot::HeatmapStyle::classes}).scatter(px, py, classes, {"0", "1"});
  plot::Chart curve({.title = "XOR: training loss", .x_label = "epoch", .y_label = "E", .log_y = true});
  curve.line(history.column("train_loss"), "E = 1/2n sum ||o - t||^2");

  ex::write_chart(map, out, "xor_regions.svg");
  ex::write_chart(curve, out, "xor_loss.svg");
  return correct == 4 ? 0 : 1;
}
