// SPDX-License-Identifier: MIT
// lstm_cell_test.cpp: the fused LSTM cell row against the composition of primitives it replaces (values
// and gradients, float64), its float gate functions against <cmath> in double, shapes and errors.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "tapegrad/autodiff/autodiff.hpp"
#include "tapegrad/autodiff/kernels/gate_math.hpp"

using tapegrad::Dtype;
using tapegrad::Tensor;

namespace {

/// The LSTM state update written with primitives (what nn's LSTM recorded before the fused row).
tapegrad::LSTMCellState composed(const Tensor& gates, const Tensor& c_prev) {
  using tapegrad::narrow;
  const std::int64_t n = c_prev.shape()[1];
  const Tensor i = tapegrad::sigmoid(narrow(gates, 1, 0, n));
  const Tensor f = tapegrad::sigmoid(narrow(gates, 1, n, n));
  const Tensor g = tapegrad::tanh(narrow(gates, 1, 2 * n, n));
  const Tensor o = tapegrad::sigmoid(narrow(gates, 1, 3 * n, n));
  const Tensor c = f * c_prev + i * g;
  return {o * tapegrad::tanh(c), c};
}

double max_abs_diff(const Tensor& a, const Tensor& b) {
  const std::vector<double> x = a.to_vector<double>(), y = b.to_vector<double>();
  REQUIRE(x.size() == y.size());
  double worst = 0.0;
  for (std::size_t k = 0; k < x.size(); ++k) worst = std::max(worst, std::fabs(x[k] - y[k]));
  return worst;
}

}  // namespace

TEST_CASE("lstm_cell: values and gradients equal the composition of primitives in float64") {
  tapegrad::Generator gen(11);
  const std::int64_t batch = 5, n = 7;
  const Tensor gates0 = tapegrad::randn({batch, 4 * n}, gen, Dtype::float64) * 2.0;
  const Tensor c0 = tapegrad::randn({batch, n}, gen, Dtype::float64);
  const Tensor wh = tapegrad::randn({batch, n}, gen, Dtype::float64);
  const Tensor wc = tapegrad::randn({batch, n}, gen, Dtype::float64);
  const auto run = [&](bool fused) {
    Tensor gates = gates0.detach().requires_grad_();
    Tensor c_prev = c0.detach().requires_grad_();
    const tapegrad::LSTMCellState s = fused ? tapegrad::lstm_cell(gates, c_prev) : composed(gates, c_prev);
    tapegrad::sum(s.h * wh + s.c * wc).backward();
    return std::vector<Tensor>{s.h.detach(), s.c.detach(), gates.grad(), c_prev.grad()};
  };
  const std::vector<Tensor> fused = run(true), reference = run(false);
  for (std::size_t k = 0; k < fused.size(); ++k) {
    CAPTURE(k);  // h, c, d gates, d c_prev
    CHECK(fused[k].shape() == reference[k].shape());
    CHECK(max_abs_diff(fused[k], reference[k]) < 1e-13);
  }
}

TEST_CASE("lstm_layer: values and gradients equal a loop of matmul and lstm_cell in float64") {
  tapegrad::Generator gen(5);
  const std::int64_t steps = 6, batch = 3, n = 4;
  const Tensor xw0 = tapegrad::randn({steps, batch, 4 * n}, gen, Dtype::float64);
  // A random h0, and a zero one (the usual initial state, for which the row skips step 0's product).
  for (const bool zero_h0 : {false, true}) {
    CAPTURE(zero_h0);
    const Tensor h00 = zero_h0 ? tapegrad::zeros({batch, n}, Dtype::float64)
                               : tapegrad::randn({batch, n}, gen, Dtype::float64);
    const Tensor c00 = tapegrad::randn({batch, n}, gen, Dtype::float64);
    const Tensor w0 = tapegrad::randn({n, 4 * n}, gen, Dtype::float64) * 0.5;
    const Tensor weight_out = tapegrad::randn({steps, batch, n}, gen, Dtype::float64);
    const Tensor weight_c = tapegrad::randn({batch, n}, gen, Dtype::float64);
    const auto run = [&](bool fused) {
      Tensor xw = xw0.detach().requires_grad_(), h0 = h00.detach().requires_grad_();
      Tensor c0 = c00.detach().requires_grad_(), w = w0.detach().requires_grad_();
      Tensor output, h_n, c_n;
      if (fused) {
        const tapegrad::LSTMLayerState r = tapegrad::lstm_layer(xw, h0, c0, w);
        output = r.output;
        h_n = r.h_n;
        c_n = r.c_n;
      } else {  // the composition: per step a slice, the recurrent matmul, an add and the cell
        tapegrad::LSTMCellState s{h0, c0};
        std::vector<Tensor> hs;
        for (std::int64_t t = 0; t < steps; ++t) {
          const Tensor x_t = tapegrad::reshape(tapegrad::slice(xw, t, t + 1), {batch, 4 * n});
          s = composed(x_t + tapegrad::matmul(s.h, w), s.c);
          hs.push_back(s.h);
        }
        output = tapegrad::stack(hs, 0);
        h_n = s.h;
        c_n = s.c;
      }
      tapegrad::sum(output * weight_out + c_n * weight_c + h_n).backward();
      return std::vector<Tensor>{output.detach(), h_n.detach(), c_n.detach(), xw.grad(),
                                 h0.grad(),       c0.grad(),    w.grad()};
    };
    const std::vector<Tensor> fused = run(true), reference = run(false);
    for (std::size_t k = 0; k < fused.size(); ++k) {
      CAPTURE(k);  // output, h_n, c_n, d xw, d h0, d c0, d w_hh
      CHECK(fused[k].shape() == reference[k].shape());
      CHECK(max_abs_diff(fused[k], reference[k]) < 1e-12);
    }
  }
}

TEST_CASE("lstm_layer: errors name the op and every shape") {
  const Tensor h = tapegrad::zeros({2, 3});
  CHECK_THROWS_WITH_AS(
      tapegrad::lstm_layer(tapegrad::zeros({5, 2, 12}), h, h, tapegrad::zeros({3, 11})),
      doctest::Contains("lstm_layer: expected xw [steps > 0, batch, 4 * hidden], h0 and c0 "
                        "[batch, hidden] and w_hh [hidden, 4 * hidden], got xw [5, 2, 12], h0 "
                        "[2, 3], c0 [2, 3] and w_hh [3, 11]"),
      tapegrad::ShapeError);
  CHECK_THROWS_AS(tapegrad::lstm_layer(tapegrad::zeros({0, 2, 12}), h, h, tapegrad::zeros({3, 12})),
                  tapegrad::ShapeError);
  CHECK_THROWS_AS(tapegrad::lstm_layer(tapegrad::zeros({5, 4, 12}), h, h, tapegrad::zeros({3, 12})),
                  tapegrad::ShapeError);
}

TEST_CASE("lstm_cell: float32 values stay within a few ulps of float64 over the gates' whole range") {
  // Pre-activations from -30 to 30 (saturated gates), and small ones where tanh must keep its precision.
  std::vector<double> g;
  // Each value is a float, so both sides start from the same inputs.
  const auto as_float = [](double v) { return static_cast<double>(static_cast<float>(v)); };
  for (int k = 0; k < 4 * 64; ++k) g.push_back(as_float(-30.0 + 60.0 * k / (4 * 64 - 1)));
  for (int k = 0; k < 4 * 64; ++k) g.push_back(as_float(1e-4 * (k - 128)));
  std::vector<double> c;
  for (int k = 0; k < 2 * 64; ++k) c.push_back(as_float(-3.0 + 6.0 * k / (2 * 64 - 1)));
  const Tensor g64 = tapegrad::from(g, {2, 4 * 64}), c64 = tapegrad::from(c, {2, 64});
  const tapegrad::LSTMCellState ref = composed(g64, c64);
  const std::vector<float> gf(g.begin(), g.end()), cf(c.begin(), c.end());
  const tapegrad::LSTMCellState f32 =
      tapegrad::lstm_cell(tapegrad::from(gf, {2, 4 * 64}), tapegrad::from(cf, {2, 64}));
  CHECK(f32.h.dtype() == Dtype::float32);
  const std::vector<double> h = f32.h.to_vector<double>(), hr = ref.h.to_vector<double>();
  const std::vector<double> cc = f32.c.to_vector<double>(), cr = ref.c.to_vector<double>();
  for (std::size_t k = 0; k < h.size(); ++k) {
    CAPTURE(k);
    CHECK(std::fabs(h[k] - hr[k]) <= 4e-7 * std::max(1.0, std::fabs(hr[k])) + 1e-30);
    CHECK(std::fabs(cc[k] - cr[k]) <= 4e-7 * std::max(1.0, std::fabs(cr[k])));
  }
}

TEST_CASE("lstm_cell: the float gate functions against <cmath> in double, relative error") {
  using tapegrad::detail::gate_sigmoid;
  using tapegrad::detail::gate_tanh;
  double worst_sigmoid = 0.0, worst_tanh = 0.0;
  for (int k = -200000; k <= 200000; ++k) {
    const float x = static_cast<float>(k) * 1e-4f;  // [-20, 20]
    const double xd = static_cast<double>(x);
    const double s = 1.0 / (1.0 + std::exp(-xd)), t = std::tanh(xd);
    worst_sigmoid = std::max(worst_sigmoid, std::fabs(static_cast<double>(gate_sigmoid(x)) - s) / s);
    if (t != 0.0)
      worst_tanh = std::max(worst_tanh, std::fabs(static_cast<double>(gate_tanh(x)) - t) / std::fabs(t));
  }
  const double ulp = static_cast<double>(std::numeric_limits<float>::epsilon());
  CHECK(worst_sigmoid < 4.0 * ulp);
  CHECK(worst_tanh < 4.0 * ulp);
  // Saturation and the ends of the range: no overflow, no NaN; a NaN input stays NaN.
  CHECK(gate_sigmoid(200.0f) == 1.0f);
  CHECK(gate_sigmoid(-200.0f) >= 0.0f);
  CHECK(gate_sigmoid(-200.0f) < 1e-37f);
  CHECK(gate_tanh(200.0f) == 1.0f);
  CHECK(gate_tanh(-200.0f) == -1.0f);
  CHECK(std::isnan(gate_sigmoid(std::numeric_limits<float>::quiet_NaN())));
  CHECK(std::isnan(gate_tanh(std::numeric_limits<float>::quiet_NaN())));
}

TEST_CASE("lstm_cell: one record, h and c of shape [batch, hidden], nothing recorded without a gradient") {
  Tensor gates = tapegrad::zeros({3, 8}).requires_grad_();
  const Tensor c_prev = tapegrad::zeros({3, 2});
  const tapegrad::LSTMCellState s = tapegrad::lstm_cell(gates, c_prev);
  CHECK(s.h.shape() == tapegrad::Shape{3, 2});
  CHECK(s.c.shape() == tapegrad::Shape{3, 2});
  CHECK(s.h.requires_grad());
  // σ(0) = 1/2 and tanh(0) = 0: c = 0, h = 0.
  CHECK(s.c.to_vector<float>() == std::vector<float>(6, 0.0f));
  {
    tapegrad::NoGradGuard no_grad;
    const tapegrad::LSTMCellState t = tapegrad::lstm_cell(gates, c_prev);
    CHECK_FALSE(t.h.requires_grad());
    CHECK_FALSE(t.c.requires_grad());
  }
}

TEST_CASE("lstm_cell: errors name the op and both shapes") {
  CHECK_THROWS_WITH_AS(tapegrad::lstm_cell(tapegrad::zeros({3, 7}), tapegrad::zeros({3, 2})),
                       doctest::Contains("lstm_cell: expected gates [batch, 4 * hidden] and c_prev [batch, "
                                         "hidden], got gates [3, 7] and c_prev [3, 2]"),
                       tapegrad::ShapeError);
  CHECK_THROWS_WITH_AS(tapegrad::lstm_cell(tapegrad::zeros({3, 8}), tapegrad::zeros({4, 2})),
                       doctest::Contains("[4, 2]"), tapegrad::ShapeError);
  CHECK_THROWS_AS(tapegrad::lstm_cell(tapegrad::zeros({3, 8}), tapegrad::zeros({3, 2}, Dtype::float64)),
                  tapegrad::ShapeError);
  CHECK_THROWS_AS(tapegrad::lstm_cell(tapegrad::zeros({3, 8}), Tensor()), tapegrad::TapeError);
}
