// SPDX-License-Identifier: MIT
// linear_neuron.cpp: the worked example of the seed article (Backpropagation, "Intuition").
//
// A linear neuron with two inputs, y = x1 w1 + x2 w2, one training case (x1, x2, t) = (1, 1, 0) and
// the squared error E = (t - y)^2. By hand, dE/dw_i = 2 (y - t) x_i. Over (w1, w2) E is a parabolic
// bowl whose bottom, E = 0, is the line w1 + w2 = 0. Gradient descent dw = -eta dE/dw walks down it;
// the picture is E(w1, w2) as a filled contour map with the descent path drawn over it.
// Each step re-records on one Tape after clear(), which keeps the tape's memory: a training loop
// allocates nothing after its first step. Exits 1 if tapegrad disagrees with the hand-derived gradient.
#include <CLI/CLI.hpp>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <tapegrad/autodiff/autodiff.hpp>
#include <tapegrad/nn/plot/chart.hpp>
#include <vector>

#include "cli_bounds.hpp"
#include "example_support.hpp"

int main(int argc, char** argv) {
  using tapegrad::Var;
  constexpr double x1 = 1.0, x2 = 1.0, t = 0.0;  // the training case
  double eta = 0.1;                              // learning rate
  int steps = 12;
  double w1 = 0.6, w2 = 0.2;  // "initially, the weights are set randomly"
  std::filesystem::path out = "tapegrad_out";
  CLI::App app("The seed's linear neuron: gradient descent on (w1, w2) over the error bowl");
  app.add_option("--steps", steps, "gradient descent steps")->check(tapegrad::examples::integer_in(1, 1000));
  app.add_option("--eta", eta, "learning rate")->check(tapegrad::examples::number_in(0.0, 1.0));
  app.add_option("--w1", w1, "initial w1")->check(tapegrad::examples::number_in(-1e6, 1e6));
  app.add_option("--w2", w2, "initial w2")->check(tapegrad::examples::number_in(-1e6, 1e6));
  app.add_option("--out", out, "output directory of the SVG picture");
  CLI11_PARSE(app, argc, argv);

  tapegrad::Tape tape;
  bool agree = true;
  std::vector<double> path_w1{w1}, path_w2{w2};
  std::printf("Linear neuron y = x1 w1 + x2 w2, training case (x1, x2, t) = (%g, %g, %g), E = (t - y)^2\n",
              x1, x2, t);
  std::printf("dE/dw_i from tapegrad's reverse sweep, 2(y - t)x_i by hand; each step w -= %g dE/dw\n", eta);
  std::printf("%4s  %9s  %9s  %9s  %9s  %9s  %9s   %9s  %9s\n", "step", "w1", "w2", "y", "E", "dE/dw1",
              "dE/dw2", "2(y-t)x1", "2(y-t)x2");
  for (int step = 0; step <= steps; ++step) {
    tape.clear();            // forget the previous step's recording, keep its memory
    Var vw1 = w1, vw2 = w2;  // the weights are the inputs we differentiate with respect to
    Var y = x1 * vw1 + x2 * vw2;
    Var e = (t - y) * (t - y);
    e.backward();

    const double g1 = vw1.grad(), g2 = vw2.grad();
    const double h1 = 2.0 * (y.value() - t) * x1, h2 = 2.0 * (y.value() - t) * x2;
    agree = agree && std::fabs(g1 - h1) <= 1e-12 * (1.0 + std::fabs(h1)) &&
            std::fabs(g2 - h2) <= 1e-12 * (1.0 + std::fabs(h2));
    std::printf("%4d  % .6f  % .6f  % .6f  %.3e  % .6f  % .6f   % .6f  % .6f\n", step, w1, w2, y.value(),
                e.value(), g1, g2, h1, h2);
    if (step == steps) break;  // the last row shows where descent ended
    w1 -= eta * g1;            // delta w = -eta dE/dw
    w2 -= eta * g2;
    path_w1.push_back(w1);
    path_w2.push_back(w2);
  }
  // Both weights get the same update (x1 = x2), so w1 - w2 stays as it started: descent ends on the
  // line w1 + w2 = 0 at the point nearest the start ((0.2, -0.2) from (0.6, 0.2)).
  std::printf("after %d steps: w = (%.6f, %.6f), w1 + w2 = %.2e (the bowl's bottom is w1 + w2 = 0)\n", steps,
              w1, w2, w1 + w2);
  std::printf("tapegrad's gradient %s the hand-derived 2 (y - t) x_i at every step\n",
              agree ? "matches" : "DOES NOT match");

  // The error surface over a square around the start and the origin, as 12 filled contour bands.
  namespace plot = tapegrad::nn::plot;
  const double reach =
      1.2 * std::fmax(1.0, std::fmax(std::fabs(path_w1.front()), std::fabs(path_w2.front())));
  plot::Grid surface = plot::Grid::over(-reach, reach, -reach, reach, 120, 120);
  for (std::int64_t r = 0; r < surface.rows; ++r)
    for (std::int64_t c = 0; c < surface.columns; ++c) {
      const double y = x1 * surface.x_center(c) + x2 * surface.y_center(r);
      surface.at(r, c) = (t - y) * (t - y);
    }
  plot::Chart chart({.width = 560,
                     .height = 500,
                     .title = "Linear neuron, case (1, 1, 0): E = (t - y)^2 and gradient descent",
                     .x_label = "w1",
                     .y_label = "w2"});
  chart.heatmap(surface, {.levels = 12, .label = "error E"}).path(path_w1, path_w2, "descent path");
  tapegrad::examples::write_chart(chart, out, "linear_neuron.svg");
  return agree ? 0 : 1;
}
