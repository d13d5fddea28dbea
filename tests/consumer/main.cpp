// SPDX-License-Identifier: MIT
// Consumer smoke test: d/dx (x*x + sin x) at x = 2 must be 2x + cos x, and a Linear layer's output has the
// shape it promises. Exit code 0 means right.
#include <cmath>
#include <tapegrad/autodiff/autodiff.hpp>
#include <tapegrad/nn/nn.hpp>
#include <tapegrad/nn/plot/plot.hpp>

int main() {
  tapegrad::Var x = 2.0;
  tapegrad::Var y = x * x + sin(x);
  y.backward();
  double expect = 4.0 + std::cos(2.0);
  tapegrad::nn::Linear fc({.in_features = 3, .out_features = 2});
  const bool shape_ok = fc(tapegrad::zeros({4, 3})).shape() == tapegrad::Shape{4, 2};
  return std::abs(x.grad() - expect) < 1e-12 && shape_ok ? 0 : 1;
}
