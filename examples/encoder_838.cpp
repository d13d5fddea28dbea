// SPDX-License-Identifier: MIT
// encoder_838.cpp: the 8-3-8 encoder of Rumelhart, Hinton and Williams (1986).
//
// Eight one-hot patterns must pass through a bottleneck of three sigmoid hidden units and come out
// again: the network has to invent a 3-bit code for 8 things. Trained on the 8 patterns as one batch
// with cross-entropy on the output logits and Adam. Prints each pattern's hidden activations (and
// their rounding to 0/1, the learned near-binary code) with the reconstructed pattern, and writes the
// codes as a picture. Exits 1 unless all 8 patterns are reconstructed.
#include <CLI/CLI.hpp>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <set>
#include <string>
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
  int epochs = 3000;
  double lr = 0.05;
  std::uint64_t seed = 1;
  std::filesystem::path out = "tapegrad_out";
  CLI::App app("The 8-3-8 encoder: 8 one-hot patterns through 3 sigmoid hidden units");
  app.add_option("--epochs", epochs, "full-batch Adam steps")->check(ex::integer_in(1, 1000000));
  app.add_option("--lr", lr, "Adam learning rate")->check(ex::number_in(0.0, 100.0));
  app.add_option("--seed", seed, "seed of the initial weights")->check(ex::integer_in(0, UINT64_MAX));
  app.add_option("--out", out, "output directory of the SVG picture");
  CLI11_PARSE(app, argc, argv);

  constexpr std::int64_t n = 8, code_bits = 3;
  std::vector<float> eye(n * n, 0.0f);
  for (std::size_t i = 0; i < n; ++i) eye[i * (n + 1)] = 1.0f;
  const Tensor x = tapegrad::from<float>(eye, {n, n});
  const std::vector<std::int64_t> labels = {0, 1, 2, 3, 4, 5, 6, 7};  // each pattern is its own class
  tapegrad::Generator gen(seed);
  nn::MLP net(
      {.in_features = n, .hidden = {code_bits}, .out_features = n, .activation = nn::Activation::sigmoid},
      gen);
  nn::Adam opt(net.parameters(), {.lr = lr});
  ex::print_model(net);

  tapegrad::Tape tape;
  double last_loss = 0.0;
  for (int epoch = 1; epoch <= epochs; ++epoch) {
    last_loss = ex::train_step(tape, opt, [&] { return nn::cross_entropy(net(x), labels); });
    if (ex::is_report_epoch(epoch, epochs)) std::printf("epoch %5d  cross-entropy %.6f\n", epoch, last_loss);
  }

  tapegrad::NoGradGuard no_grad;
  const std::vector<double> hidden = net.layer(0)(x).to_vector<double>();
  const std::vector<double> logits = net(x).to_vector<double>();
  int reconstructed = 0;
  std::set<std::string> codes;
  std::printf("\npattern  hidden activations      code  reconstructed\n");
  for (std::size_t i = 0; i < n; ++i) {
    std::string code;
    for (std::size_t k = 0; k < code_bits; ++k) code += hidden[i * code_bits + k] > 0.5 ? '1' : '0';
    codes.insert(code);
    std::size_t best = 0;
    for (std::size_t j = 1; j < n; ++j)
      if (logits[i * n + j] > logits[i * n + best]) best = j;
    reconstructed += best == i;
    std::string pattern(n, '0'), output(n, '0');
    pattern[i] = '1';
    output[best] = '1';
    std::printf("%s  (%.2f, %.2f, %.2f)    %s   %s %s\n", pattern.c_str(), hidden[i * code_bits],
                hidden[i * code_bits + 1], hidden[i * code_bits + 2], code.c_str(), output.c_str(),
                best == i ? "ok" : "WRONG");
  }
  std::printf("%d/8 patterns reconstructed, %zu distinct rounded codes, final cross-entropy %.6f\n",
              reconstructed, codes.size(), last_loss);

  // The codes as a table of colours: pattern i in row y = i, hidden unit k in column x = k.
  plot::Grid grid = plot::Grid::over(0.5, code_bits + 0.5, 0.5, n + 0.5, code_bits, n);
  for (std::int64_t r = 0; r < n; ++r)
    for (std::int64_t c = 0; c < code_bits; ++c)
      grid.at(r, c) = hidden[static_cast<std::size_t>(r * code_bits + c)];
  plot::Chart chart({.width = 420,
                     .height = 520,
                     .title = "8-3-8 encoder: hidden codes",
                     .x_label = "hidden unit",
                     .y_label = "pattern (the one-hot input)"});
  chart.heatmap(grid, {.label = "activation"});
  ex::write_chart(chart, out, "encoder_838.svg");
  return reconstructed == n ? 0 : 1;
}
