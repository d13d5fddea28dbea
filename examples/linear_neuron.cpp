// SPDX-License-Identifier: MIT
// linear_neuron.cpp: the worked example of the seed article (Backpropagation, "Intuition").
//
// A linear neuron with two inputs, y = x1 w1 + x2 w2, one training case (x1, x2, t) = (1, 1, 0) and
// the squared error E = (t - y)^2. By hand, dE/dw_i = 2 (y - t) x_i. Over (w1, w2) E is a parabolic
// bowl whose bottom, E = 0, is the line w1 + w2 = 0. Gradient descent dw = -eta dE/dw walks down it.
// Each step re-records on one Tape after clear(), which keeps the tape's memory: a training loop
// allocates nothing after its first step. Exits 1 if tapegrad disagrees with the hand-derived gradient.
#include <autodiff/autodiff.hpp>
#include <cmath>
#include <cstdio>

int main() {
  using tapegrad::Var;
  constexpr double x1 = 1.0, x2 = 1.0, t = 0.0;  // the training case
  constexpr double eta = 0.1;                    // learning rate
  double w1 = 0.6, w2 = 0.2;                     // "initially, the weights are set randomly"

  tapegrad::Tape tape;
  bool agree = true;
  std::printf("Linear neuron y = x1 w1 + x2 w2, training case (x1, x2, t) = (%g, %g, %g), E = (t - y)^2\n",
              x1, x2, t);
  std::printf("dE/dw_i from tapegrad's reverse sweep, 2(y - t)x_i by hand; each step w -= %g dE/dw\n", eta);
  std::printf("%4s  %9s  %9s  %9s  %9s  %9s  %9s   %9s  %9s\n", "step", "w1", "w2", "y", "E", "dE/dw1",
              "dE/dw2", "2(y-t)x1", "2(y-t)x2");
  for (int step = 0; step <= 12; ++step) {
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

    w1 -= eta * g1;  // delta w = -eta dE/dw
    w2 -= eta * g2;
  }
  // Both weights get the same update (x1 = x2), so w1 - w2 stays 0.4: descent ends at (0.2, -0.2),
  // the point of the line w1 + w2 = 0 nearest the start.
  std::printf("after 13 steps: w = (%.6f, %.6f), w1 + w2 = %.2e (the bowl's bottom is w1 + w2 = 0)\n", w1, w2,
              w1 + w2);
  std::printf("tapegrad's gradient %s the hand-derived 2 (y - t) x_i at every step\n",
              agree ? "matches" : "DOES NOT match");
  return agree ? 0 : 1;
}
