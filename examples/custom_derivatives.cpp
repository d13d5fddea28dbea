// SPDX-License-Identifier: MIT
// custom_derivatives.cpp: derivatives tapegrad cannot see, and a time loop too long to record whole.
//
//   1. custom_function: the Bessel function J0 from <cmath> (a library call with a known derivative,
//      J0' = -J1) used inside recorded code, gradchecked.
//   2. custom_op: a linear solve X = A^-1 B written on plain doubles (examples/linear_solve.hpp), with
//      its adjoint solve as backward, gradchecked, then used to fit B so that X hits a target.
//   3. checkpoint: problem d of the benchmarks (Lax-Wendroff advection, 100 cells) for --steps steps,
//      the gradient of sum q^2 with respect to the initial state recorded whole and with the time loop in
//      checkpointed blocks of --block steps: the same gradient from a small fraction of the tape.
// Draws the initial state and its gradient (custom_derivatives.svg). Exits 0 only if every check holds.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <tapegrad/autodiff/autodiff.hpp>
#include <tapegrad/nn/plot/plot.hpp>
#include <vector>

#include "../bench/advection_checkpoint.hpp"
#include "linear_solve.hpp"

namespace {

using tapegrad::Tensor;
using tapegrad::Var;

/// J0(x) for Var: the value and the derivative come from the standard library, one tape statement.
Var bessel_j0(const Var& x) {
  return tapegrad::custom_function(std::cyl_bessel_j(0.0, x.value()), {x},
                                   {-std::cyl_bessel_j(1.0, x.value())}, "bessel_j0");
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
  int steps = 100'000, block = 250;
  std::filesystem::path out = "tapegrad_out";
  CLI::App app("User-supplied derivatives (custom_function, custom_op) and checkpoint() on a long time loop");
  app.add_option("--steps", steps, "time steps of the advection problem")->check(CLI::PositiveNumber);
  app.add_option("--block", block, "time steps per checkpointed block")->check(CLI::PositiveNumber);
  app.add_option("--out", out, "output directory of the SVG picture");
  CLI11_PARSE(app, argc, argv);
  bool ok = true;

  // 1. A scalar function with its own derivative.
  const auto wave = [](const std::vector<Var>& x) { return bessel_j0(x[0] * x[1]) * exp(-0.1 * x[0]); };
  const auto scalar_check = tapegrad::gradcheck(wave, {2.5, 1.3});
  const auto [value, gradient] = tapegrad::gradient(wave, {2.5, 1.3});
  std::printf(
      "1. custom_function: f(r, k) = J0(k r) exp(-r/10) at (2.5, 1.3) = %.6f, gradient (%.6f, %.6f); "
      "gradcheck %s (max error %.1e)\n",
      value, gradient[0], gradient[1], scalar_check ? "passed" : "FAILED", scalar_check.max_abs_error);
  ok = ok && scalar_check.passed;

  // 2. A tensor op with user forward and backward.
  tapegrad::Generator gen(7);
  // A = 3 I + 0.3 N(0, 1): well conditioned, so plain gradient descent below converges fast.
  Tensor a = 0.3 * tapegrad::randn({5, 5}, gen, tapegrad::Dtype::float64);
  for (int i = 0; i < 5; ++i) a.data<double>()[i * 6] += 3.0;
  const auto solve_check = tapegrad::tensor_gradcheck(
      [](const std::vector<Tensor>& in) { return tapegrad::examples::linear_solve(in[0], in[1]); },
      {a, tapegrad::randn({5, 2}, gen, tapegrad::Dtype::float64)});
  ok = ok && solve_check.passed;
  // Gradient descent on B so that A^-1 B reaches a target X*: the gradient flows through the user op.
  const Tensor target = tapegrad::randn({5, 2}, gen, tapegrad::Dtype::float64);
  Tensor b = tapegrad::zeros({5, 2}, tapegrad::Dtype::float64).requires_grad_();
  double loss = 0.0, first_loss = 0.0;
  for (int step = 0; step < 200; ++step) {
    tapegrad::Tape tape;
    const Tensor diff = tapegrad::examples::linear_solve(a, b) - target;
    const Tensor l = sum(diff * diff);
    loss = l.item();
    if (step == 0) first_loss = loss;
    b.zero_grad();
    l.backward();
    tapegrad::NoGradGuard no_grad;
    const Tensor g = b.grad();
    for (int i = 0; i < 10; ++i) b.data<double>()[i] -= 1.5 * g.data<double>()[i];
  }
  std::printf(
      "2. custom_op (linear solve): gradcheck %s (max error %.1e); fitting B in A^-1 B = X*: loss %.3e -> "
      "%.3e in 200 steps\n",
      solve_check ? "passed" : "FAILED", solve_check.max_abs_error, first_loss, loss);
  ok = ok && loss < 1e-6 * first_loss;

  // 3. Checkpointing a long time loop.
  tapegrad::Tape tape;
  auto start = std::chrono::steady_clock::now();
  const auto plain = tapegrad::bench::advection_plain(tape, steps);
  const double plain_s = seconds_since(start);
  start = std::chrono::steady_clock::now();
  const auto blocked = tapegrad::bench::advection_checkpointed(tape, steps, block);
  const double blocked_s = seconds_since(start);
  const bool equal = plain.gradient == blocked.gradient;
  std::printf("3. checkpoint: advection, %d steps, loss %.10f\n", steps, plain.loss);
  std::printf("   recorded whole:          tape %9.2f MB  %7.3f s\n",
              static_cast<double>(plain.peak_tape_bytes) / 1e6, plain_s);
  std::printf(
      "   blocks of %5d steps:    tape %9.2f MB  %7.3f s   (%.1f%% of the memory, %.2fx the time)\n", block,
      static_cast<double>(blocked.peak_tape_bytes) / 1e6, blocked_s,
      100.0 * static_cast<double>(blocked.peak_tape_bytes) / static_cast<double>(plain.peak_tape_bytes),
      blocked_s / plain_s);
  std::printf("   gradients %s\n", equal ? "identical (bit for bit)" : "DIFFER");
  ok = ok && equal;

  namespace plot = tapegrad::nn::plot;
  std::vector<double> cells(plain.gradient.size()), q0 = tapegrad::bench::Advection::inputs();
  for (std::size_t i = 0; i < cells.size(); ++i) cells[i] = static_cast<double>(i);
  plot::Chart chart(
      {.title = "Advection after " + std::to_string(steps) + " steps: d(sum q^2)/d q0, checkpointed",
       .x_label = "cell",
       .y_label = "value"});
  chart.line(cells, q0, "initial state q0").line(cells, blocked.gradient, "gradient (blocks = whole tape)");
  std::filesystem::create_directories(out);
  chart.save(out / "custom_derivatives.svg");
  std::printf("wrote %s\n%s\n", (out / "custom_derivatives.svg").string().c_str(),
              ok ? "all checks passed" : "FAILED");
  return ok ? 0 : 1;
}
