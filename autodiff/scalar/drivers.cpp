// SPDX-License-Identifier: MIT
#include "tapegrad/autodiff/scalar/drivers.hpp"

namespace tapegrad {

std::vector<double> gradient(const Var& y, std::span<const Var> inputs) {
  TAPEGRAD_CHECK(y.is_recorded(), TapeError,
                 "gradient: the output is a constant (it depends on no recorded input), value ", y.value());
  Tape& tape = Tape::owner_of(y.generation(), "gradient");
  for (std::size_t i = 0; i < inputs.size(); ++i)
    TAPEGRAD_CHECK(!inputs[i].is_recorded() || inputs[i].generation() == y.generation(), TapeError,
                   "gradient: input ", i, " (value ", inputs[i].value(),
                   ") is not recorded on the output's tape; record inputs and output on one tape");
  tape.zero_grad();
  y.backward();
  std::vector<double> g(inputs.size());
  detail::read_gradient(inputs, g);
  return g;
}

namespace detail {

std::vector<Var> make_inputs(std::span<const double> point) {
  std::vector<Var> x(point.size());
  tapegrad::make_inputs(point, x);
  return x;
}

void read_gradient(std::span<const Var> x, std::span<double> out) {
  tapegrad::gradients(x, out);
}

}  // namespace detail
}  // namespace tapegrad
