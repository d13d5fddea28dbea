// SPDX-License-Identifier: MIT
// delta_rule_test.cpp: the seed article's backpropagation formulas, checked against the tape.
// Seed, "Derivation for a single-layered network": o_j = phi(net_j), net_j = sum_k w_kj o_k, phi the logistic
// function, E = 1/2 (t - y)^2, and
//   dE/dw_ij = o_i delta_j,
//   delta_j  = (o_j - t) o_j (1 - o_j)                  for the output neuron,
//   delta_j  = (sum_l w_jl delta_l) o_j (1 - o_j)       for a hidden neuron.
// Seed, "Learning as an optimization problem": a linear neuron y = x1 w1 + x2 w2 with E = (t - y)^2 on the
// training case (1, 1, 0).
#include <doctest/doctest.h>

#include <array>
#include <cmath>
#include <vector>

#include "tapegrad/autodiff/autodiff.hpp"
#include "test_support.hpp"

namespace {

using tapegrad::Tape;
using tapegrad::Var;

/// The seed's phi(z) = 1 / (1 + e^-z), on doubles.
double phi(double z) {
  return 1.0 / (1.0 + std::exp(-z));
}

// A 2-2-1 network without biases: inputs 1 and 2, hidden neurons 3 and 4, output neuron 5.
constexpr std::array<double, 2> kInput{0.05, 0.10};  // o_1, o_2
constexpr double kTarget = 0.01;
constexpr double kW13 = 0.15, kW23 = 0.20, kW14 = 0.25, kW24 = 0.30, kW35 = 0.40, kW45 = 0.45;

/// dE/dw for the six weights (w13, w23, w14, w24, w35, w45) by the seed's delta rule, on doubles.
std::array<double, 6> delta_rule_gradient() {
  const double o1 = kInput[0], o2 = kInput[1];
  const double o3 = phi(kW13 * o1 + kW23 * o2);
  const double o4 = phi(kW14 * o1 + kW24 * o2);
  const double o5 = phi(kW35 * o3 + kW45 * o4);
  const double delta5 = (o5 - kTarget) * o5 * (1 - o5);   // output neuron
  const double delta3 = (kW35 * delta5) * o3 * (1 - o3);  // hidden neurons: the sum has one term, l = 5
  const double delta4 = (kW45 * delta5) * o4 * (1 - o4);
  return {o1 * delta3, o2 * delta3, o1 * delta4, o2 * delta4, o3 * delta5, o4 * delta5};
}

/// E of the network on the tape; `activation` is the library's sigmoid or phi built from primitives.
template <class Activation>
Var network_error(const std::array<Var, 6>& w, const Activation& activation) {
  const double o1 = kInput[0], o2 = kInput[1];
  const Var o3 = activation(w[0] * o1 + w[1] * o2);
  const Var o4 = activation(w[2] * o1 + w[3] * o2);
  const Var y = activation(w[4] * o3 + w[5] * o4);
  return 0.5 * (kTarget - y) * (kTarget - y);
}

void check_against_delta_rule(const Var& error, const std::array<Var, 6>& w) {
  const std::array<double, 6> expected = delta_rule_gradient();
  const std::vector<double> got = tapegrad::gradient(error, w);
  REQUIRE(got.size() == 6);
  for (std::size_t k = 0; k < 6; ++k) {
    CAPTURE(k);  // 0..3: hidden weights w13 w23 w14 w24; 4, 5: output weights w35 w45
    CAPTURE(got[k]);
    CAPTURE(expected[k]);
    CHECK(expected[k] != 0.0);
    CHECK(tapegrad::test::close(got[k], expected[k], 1e-12));
  }
}

}  // namespace

TEST_CASE("delta rule: tape gradients of a 2-2-1 logistic network equal o_i delta_j") {
  Tape tape;
  const std::array<Var, 6> w{Var(kW13), Var(kW23), Var(kW14), Var(kW24), Var(kW35), Var(kW45)};
  SUBCASE("with the library's sigmoid") {
    const Var error = network_error(w, [](const auto& net) { return Var(tapegrad::sigmoid(net)); });
    check_against_delta_rule(error, w);
  }
  SUBCASE("with phi written out as 1 / (1 + e^-net)") {
    const Var error =
        network_error(w, [](const auto& net) { return Var(1.0 / (1.0 + tapegrad::exp(-net))); });
    check_against_delta_rule(error, w);
  }
}

TEST_CASE("delta rule: the seed's linear neuron has dE/dw1 = dE/dw2 = 2 (y - t) on the case (1, 1, 0)") {
  // E = (t - y)^2 with y = x1 w1 + x2 w2, so dE/dw_i = -2 (t - y) x_i = 2 (y - t) when x1 = x2 = 1.
  constexpr double x1 = 1.0, x2 = 1.0, t = 0.0;
  struct Case {
    double w1, w2, y;
  };
  // Weights chosen so that every value is exact in binary; the last sits at the parabola's minimum.
  for (const Case c : {Case{0.25, -0.75, -0.5}, Case{0.625, 0.875, 1.5}, Case{0.375, -0.375, 0.0}}) {
    CAPTURE(c.w1);
    CAPTURE(c.w2);
    Tape tape;
    Var w1 = c.w1, w2 = c.w2;
    Var y = x1 * w1 + x2 * w2;
    Var error = (t - y) * (t - y);
    error.backward();
    CHECK(y.value() == c.y);
    CHECK(error.value() == (t - c.y) * (t - c.y));
    CHECK(w1.grad() == 2 * (c.y - t));
    CHECK(w2.grad() == 2 * (c.y - t));
  }
}
