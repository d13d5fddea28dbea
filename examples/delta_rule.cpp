// SPDX-License-Identifier: MIT
// delta_rule.cpp: the seed's delta rule made visible on a 3-2-2 logistic network and one training example.
//
// The seed derives, for E = ½‖o − t‖² and sigmoid units o_j = σ(Σ_k w_kj o_k):
//   ∂E/∂w_ij = o_i δ_j,  δ_j = (o_j − t_j) o_j (1 − o_j)               for an output unit j,
//                        δ_j = (Σ_l w_jl δ_l) o_j (1 − o_j)           for a hidden unit j,
// and a bias is a weight from a unit whose output is always 1. Here the network's forward pass and
// backward() give ∂E/∂w_ij from tapegrad; the formula is evaluated by hand, in plain doubles, from the
// same weights. Both are printed side by side for every weight and bias; exits 1 if they differ by more
// than 1e-12. The picture plots one against the other: every weight lies on the diagonal.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <string>
#include <tapegrad/nn/nn.hpp>
#include <tapegrad/nn/plot/plot.hpp>
#include <vector>

#include "cli_bounds.hpp"
#include "example_support.hpp"

namespace {

double sigmoid(double z) {
  return 1.0 / (1.0 + std::exp(-z));
}

}  // namespace

int main(int argc, char** argv) {
  namespace nn = tapegrad::nn;
  namespace ex = tapegrad::examples;
  using tapegrad::Tensor;
  std::uint64_t seed = 7;
  std::filesystem::path out = "tapegrad_out";
  CLI::App app("The delta rule: tapegrad's dE/dw_ij next to the seed's o_i * delta_j for a 3-2-2 network");
  app.add_option("--seed", seed, "seed of the initial weights")->check(ex::integer_in(0, UINT64_MAX));
  app.add_option("--out", out, "output directory of the SVG picture");
  CLI11_PARSE(app, argc, argv);

  constexpr std::size_t n_in = 3, n_hidden = 2, n_out = 2;
  const std::vector<double> x = {0.35, 0.9, -0.4}, t = {1.0, 0.0};  // the one training example
  tapegrad::Generator gen(seed);
  nn::MLP net({.in_features = n_in,
               .hidden = {n_hidden},
               .out_features = n_out,
               .activation = nn::Activation::sigmoid,
               .output_activation = nn::Activation::sigmoid,
               .dtype = tapegrad::Dtype::float64},
              gen);
  // Biases start at 0; give them values so that their rows test something.
  net.parameter("layers.0.bias").data<double>()[0] = 0.1;
  net.parameter("layers.0.bias").data<double>()[1] = -0.2;
  net.parameter("layers.1.bias").data<double>()[0] = 0.3;
  net.parameter("layers.1.bias").data<double>()[1] = -0.1;
  ex::print_model(net);

  // tapegrad: forward, E = ½‖o − t‖² for the single example, one reverse sweep.
  tapegrad::Tape tape;
  const Tensor input = tapegrad::from<double>(x, {1, n_in});
  const Tensor target = tapegrad::from<double>(t, {1, n_out});
  const Tensor loss = nn::half_squared_error(net(input), target);
  loss.backward();

  // By hand: the same forward pass in doubles, then the deltas. W[k * cols + j] is w_kj (from k to j).
  const std::vector<double> w1 = net.parameter("layers.0.weight").to_vector<double>();
  const std::vector<double> b1 = net.parameter("layers.0.bias").to_vector<double>();
  const std::vector<double> w2 = net.parameter("layers.1.weight").to_vector<double>();
  const std::vector<double> b2 = net.parameter("layers.1.bias").to_vector<double>();
  std::vector<double> h(n_hidden), o(n_out), delta_out(n_out), delta_hidden(n_hidden);
  for (std::size_t j = 0; j < n_hidden; ++j) {
    double z = b1[j];
    for (std::size_t k = 0; k < n_in; ++k) z += x[k] * w1[k * n_hidden + j];
    h[j] = sigmoid(z);
  }
  double e = 0.0;
  for (std::size_t j = 0; j < n_out; ++j) {
    double z = b2[j];
    for (std::size_t k = 0; k < n_hidden; ++k) z += h[k] * w2[k * n_out + j];
    o[j] = sigmoid(z);
    delta_out[j] = (o[j] - t[j]) * o[j] * (1.0 - o[j]);
    e += 0.5 * (o[j] - t[j]) * (o[j] - t[j]);
  }
  for (std::size_t j = 0; j < n_hidden; ++j) {
    double back = 0.0;
    for (std::size_t l = 0; l < n_out; ++l) back += w2[j * n_out + l] * delta_out[l];
    delta_hidden[j] = back * h[j] * (1.0 - h[j]);
  }
  std::printf("input x = (%g, %g, %g), target t = (%g, %g)\n", x[0], x[1], x[2], t[0], t[1]);
  std::printf("hidden o = (%.6f, %.6f), output o = (%.6f, %.6f), E = %.9f (tapegrad %.9f)\n", h[0], h[1],
              o[0], o[1], e, loss.item());
  std::printf("output deltas (%.9f, %.9f), hidden deltas (%.9f, %.9f)\n\n", delta_out[0], delta_out[1],
              delta_hidden[0], delta_hidden[1]);

  // One row per weight: its name, from unit i to unit j, tapegrad's gradient and o_i * delta_j.
  struct Row {
    std::string name;
    double tapegrad, by_hand;
    std::int64_t layer;
  };
  std::vector<Row> rows;
  const auto add_layer = [&](const std::string& prefix, std::int64_t layer, const std::vector<double>& o_from,
                             const std::vector<double>& delta, const std::string& from,
                             const std::string& to) {
    const std::vector<double> gw = net.parameter(prefix + ".weight").grad().to_vector<double>();
    const std::vector<double> gb = net.parameter(prefix + ".bias").grad().to_vector<double>();
    for (std::size_t i = 0; i < o_from.size(); ++i)
      for (std::size_t j = 0; j < delta.size(); ++j)
        rows.push_back({"w(" + from + std::to_string(i + 1) + " -> " + to + std::to_string(j + 1) + ")",
                        gw[i * delta.size() + j], o_from[i] * delta[j], layer});
    for (std::size_t j = 0; j < delta.size(); ++j)  // the bias unit's output is 1
      rows.push_back({"bias(" + to + std::to_string(j + 1) + ")", gb[j], delta[j], layer});
  };
  add_layer("layers.0", 0, x, delta_hidden, "x", "h");
  add_layer("layers.1", 1, h, delta_out, "h", "o");

  std::printf("%-16s %18s %18s %10s\n", "weight", "tapegrad dE/dw", "o_i * delta_j", "|diff|");
  double max_diff = 0.0;
  std::vector<double> px, py;
  std::vector<std::int64_t> classes;
  for (const Row& row : rows) {
    const double diff = std::fabs(row.tapegrad - row.by_hand);
    max_diff = std::max(max_diff, diff);
    std::printf("%-16s % 18.12f % 18.12f %10.2e\n", row.name.c_str(), row.tapegrad, row.by_hand, diff);
    px.push_back(row.by_hand);
    py.push_back(row.tapegrad);
    classes.push_back(row.layer);
  }
  std::printf("max |tapegrad - o_i delta_j| over %zu weights: %.3e\n", rows.size(), max_diff);

  namespace plot = nn::plot;
  const auto [lo, hi] = std::minmax_element(px.begin(), px.end());
  const double pad = 0.1 * (*hi - *lo);
  const std::vector<double> diagonal = {*lo - pad, *hi + pad};
  plot::Chart chart({.width = 560,
                     .height = 480,
                     .title = "Delta rule: tapegrad's dE/dw against o_i * delta_j",
                     .x_label = "o_i * delta_j (seed's formula, by hand)",
                     .y_label = "dE/dw_ij (tapegrad)"});
  chart.line(diagonal, diagonal, "y = x").scatter(px, py, classes, {"input -> hidden", "hidden -> output"});
  ex::write_chart(chart, out, "delta_rule.svg");
  return max_diff <= 1e-12 ? 0 : 1;
}
