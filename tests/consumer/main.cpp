// SPDX-License-Identifier: MIT
// Consumer smoke test: d/dx (x*x + sin x) at x = 2 must be 2x + cos x. Exit code 0 means right.
#include <autodiff/autodiff.hpp>
#include <nn/nn.hpp>

#include <cmath>

int main() {
  tapegrad::Var x = 2.0;
  tapegrad::Var y = x * x + sin(x);
  y.backward();
  double expect = 4.0 + std::cos(2.0);
  return std::abs(x.grad() - expect) < 1e-12 ? 0 : 1;
}
