// SPDX-License-Identifier: MIT
// recurrent_test.cpp: the recurrent cells and sequence modules: gradchecks over a few steps (through the
// parameters, the inputs and the initial state), BPTT by hand on a 1-unit linear RNN, the sequence
// modules against their cells unrolled by hand, shapes, PyTorch's parameter names and init bounds, errors.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "tapegrad/nn/nn.hpp"

using tapegrad::Dtype;
using tapegrad::Shape;
using tapegrad::Tensor;
namespace nn = tapegrad::nn;

namespace {

constexpr Dtype f64 = Dtype::float64;

Tensor randn64(const Shape& s, std::uint64_t seed, double scale = 1.0) {
  tapegrad::Generator gen(seed);
  return tapegrad::randn(s, gen, f64) * scale;
}

/// Gradcheck of `run` (x, state tensors) -> loss over the module's parameters and the given inputs: the
/// parameters are swapped in through set_parameter, so the tape sees them as gradcheck's inputs.
template <class Run>
void gradcheck_module(nn::Module& m, std::vector<Tensor> data, Run run) {
  const nn::NamedTensors named = m.named_parameters();
  std::vector<Tensor> inputs = data;
  for (const auto& [name, p] : named) inputs.push_back(p.detach().clone());
  const auto r = tapegrad::tensor_gradcheck(
      [&](const std::vector<Tensor>& in) {
        for (std::size_t k = 0; k < named.size(); ++k) m.set_parameter(named[k].first, in[data.size() + k]);
        return run(in);
      },
      inputs);
  CHECK_MESSAGE(r.passed, r.report());
}

}  // namespace

TEST_CASE("recurrent cells: gradcheck over 3 steps, through the initial state and every parameter") {
  const nn::RNNCellOptions o{.input_size = 3, .hidden_size = 4, .dtype = f64};
  const Tensor x = randn64({3, 2, 3}, 1), h0 = randn64({2, 4}, 2, 0.5), c0 = randn64({2, 4}, 3, 0.5);
  const auto step_x = [](const Tensor& xs, std::int64_t t) {
    return tapegrad::reshape(tapegrad::slice(xs, t, t + 1), {2, 3});
  };
  SUBCASE("RNNCell tanh and relu") {
    for (const auto nl : {nn::RNNNonlinearity::tanh, nn::RNNNonlinearity::relu}) {
      nn::RNNCell cell({.input_size = 3, .hidden_size = 4, .nonlinearity = nl, .dtype = f64});
      gradcheck_module(cell, {x, h0}, [&](const std::vector<Tensor>& in) {
        Tensor h = in[1];
        for (std::int64_t t = 0; t < 3; ++t) h = cell(step_x(in[0], t), h);
        return h;
      });
    }
  }
  SUBCASE("LSTMCell") {
    nn::LSTMCell cell(o);
    gradcheck_module(cell, {x, h0, c0}, [&](const std::vector<Tensor>& in) {
      nn::LSTMState s{in[1], in[2]};
      for (std::int64_t t = 0; t < 3; ++t) s = cell(step_x(in[0], t), s);
      return tapegrad::concat({s.h, s.c}, 1);
    });
  }
  SUBCASE("GRUCell") {
    nn::GRUCell cell(o);
    gradcheck_module(cell, {x, h0}, [&](const std::vector<Tensor>& in) {
      Tensor h = in[1];
      for (std::int64_t t = 0; t < 3; ++t) h = cell(step_x(in[0], t), h);
      return h;
    });
  }
  SUBCASE("a cell without bias") {
    nn::LSTMCell cell({.input_size = 3, .hidden_size = 4, .bias = false, .dtype = f64});
    CHECK(cell.parameters().size() == 2);
    gradcheck_module(cell, {x, h0, c0}, [&](const std::vector<Tensor>& in) {
      nn::LSTMState s{in[1], in[2]};
      for (std::int64_t t = 0; t < 3; ++t) s = cell(step_x(in[0], t), s);
      return s.h;
    });
  }
}

TEST_CASE("sequence modules: gradcheck of 2 stacked layers, batch_first, with the initial state") {
  const nn::RNNOptions o{
      .input_size = 3, .hidden_size = 3, .num_layers = 2, .batch_first = true, .dtype = f64};
  const Tensor x = randn64({2, 4, 3}, 4), h0 = randn64({2, 2, 3}, 5, 0.5), c0 = randn64({2, 2, 3}, 6, 0.5);
  SUBCASE("RNN") {
    nn::RNN rnn(o);
    gradcheck_module(rnn, {x, h0}, [&](const std::vector<Tensor>& in) {
      const nn::RNNOutput out = rnn(in[0], in[1]);
      return tapegrad::concat({tapegrad::reshape(out.output, {-1}), tapegrad::reshape(out.h_n, {-1})}, 0);
    });
  }
  SUBCASE("LSTM") {
    nn::LSTM lstm(o);
    gradcheck_module(lstm, {x, h0, c0}, [&](const std::vector<Tensor>& in) {
      const nn::LSTMOutput out = lstm(in[0], nn::LSTMState{in[1], in[2]});
      return tapegrad::concat({tapegrad::reshape(out.output, {-1}), tapegrad::reshape(out.state.c, {-1})}, 0);
    });
  }
  SUBCASE("GRU") {
    nn::GRU gru(o);
    gradcheck_module(gru, {x, h0}, [&](const std::vector<Tensor>& in) {
      const nn::RNNOutput out = gru(in[0], in[1]);
      return tapegrad::concat({tapegrad::reshape(out.output, {-1}), tapegrad::reshape(out.h_n, {-1})}, 0);
    });
  }
}

TEST_CASE("BPTT by hand: a 1-unit linear RNN over 3 steps matches the engine exactly") {
  // h_t = w h_(t-1) + u x_t (relu on positive values is the identity), E = ½ (h_3 − y)². The seed's
  // recursion on the unrolled net: δ_3 = h_3 − y, δ_(t−1) = w δ_t (a linear unit, φ' = 1); a weight shared
  // by the time steps collects o_i δ_j from each: ∂E/∂w = Σ_t h_(t−1) δ_t, ∂E/∂u = Σ_t x_t δ_t, and
  // ∂E/∂h_0 = w δ_1. Dyadic values keep every product exact, so the comparison is ==.
  const double w = 0.75, u = 0.5, h0 = 0.5, y = 1.0;
  const double x[3] = {1.0, 2.0, 3.0};
  double h[4] = {h0, 0, 0, 0};
  for (int t = 1; t <= 3; ++t) h[t] = w * h[t - 1] + u * x[t - 1];
  double delta[4] = {0, 0, 0, h[3] - y};
  for (int t = 3; t >= 2; --t) delta[t - 1] = w * delta[t];
  double dw = 0, du = 0;
  for (int t = 1; t <= 3; ++t) {
    dw += h[t - 1] * delta[t];
    du += x[t - 1] * delta[t];
  }
  const double dh0 = w * delta[1];

  nn::RNN rnn({.input_size = 1,
               .hidden_size = 1,
               .bias = false,
               .nonlinearity = nn::RNNNonlinearity::relu,
               .dtype = f64});
  rnn.set_parameter("weight_ih_l0", tapegrad::from<double>({u}, {1, 1}).requires_grad_());
  rnn.set_parameter("weight_hh_l0", tapegrad::from<double>({w}, {1, 1}).requires_grad_());
  Tensor h_0 = tapegrad::from<double>({h0}, {1, 1, 1}).requires_grad_();
  const nn::RNNOutput out = rnn(tapegrad::from<double>({x[0], x[1], x[2]}, {3, 1, 1}), h_0);
  CHECK(out.output.to_vector<double>() == std::vector<double>{h[1], h[2], h[3]});
  const Tensor e = tapegrad::sum(tapegrad::pow(out.h_n - y, 2.0)) * 0.5;
  CHECK(e.item() == 0.5 * (h[3] - y) * (h[3] - y));
  e.backward();
  CHECK(rnn.parameter("weight_hh_l0").grad().item() == dw);
  CHECK(rnn.parameter("weight_ih_l0").grad().item() == du);
  CHECK(h_0.grad().item() == dh0);
}

TEST_CASE("sequence modules: the same numbers as their cells unrolled by hand") {
  const Tensor x = randn64({5, 2, 3}, 7);  // [seq, batch, input]
  nn::LSTM lstm({.input_size = 3, .hidden_size = 4, .dtype = f64});
  nn::LSTMCell cell({.input_size = 3, .hidden_size = 4, .dtype = f64});
  for (const std::string p : {"weight_ih", "weight_hh", "bias_ih", "bias_hh"})
    cell.set_parameter(p, lstm.parameter(p + "_l0"));
  const nn::LSTMOutput out = lstm(x, nn::LSTMState{});
  nn::LSTMState s;
  std::vector<double> expected;
  for (std::int64_t t = 0; t < 5; ++t) {
    s = cell(tapegrad::reshape(tapegrad::slice(x, t, t + 1), {2, 3}), s);
    for (double v : s.h.to_vector<double>()) expected.push_back(v);
  }
  const std::vector<double> got = out.output.to_vector<double>();
  REQUIRE(got.size() == expected.size());
  for (std::size_t i = 0; i < got.size(); ++i) CHECK(got[i] == doctest::Approx(expected[i]).epsilon(1e-12));
  const std::vector<double> c = out.state.c.to_vector<double>(), c_cell = s.c.to_vector<double>();
  for (std::size_t i = 0; i < c.size(); ++i) CHECK(c[i] == doctest::Approx(c_cell[i]).epsilon(1e-12));
}

TEST_CASE("sequence modules: shapes, PyTorch's parameter names and init bounds") {
  nn::GRU gru({.input_size = 5, .hidden_size = 16, .num_layers = 2, .batch_first = true});
  const nn::NamedTensors named = gru.named_parameters();
  std::vector<std::string> names;
  for (const auto& [n, p] : named) names.push_back(n);
  CHECK(names == std::vector<std::string>{"weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0",
                                          "weight_ih_l1", "weight_hh_l1", "bias_ih_l1", "bias_hh_l1"});
  CHECK(gru.parameter("weight_ih_l0").shape() == Shape{5, 48});
  CHECK(gru.parameter("weight_ih_l1").shape() == Shape{16, 48});
  double lo = 1, hi = -1;
  for (const auto& [n, p] : named)
    for (float v : p.to_vector<float>()) {
      lo = std::min(lo, static_cast<double>(v));
      hi = std::max(hi, static_cast<double>(v));
    }
  CHECK(lo >= -0.25);  // 1/sqrt(16)
  CHECK(hi <= 0.25);
  CHECK(lo < -0.2);  // drawn over the whole range, not a narrower one
  CHECK(hi > 0.2);
  const nn::RNNOutput out = gru(tapegrad::zeros({3, 7, 5}), Tensor());
  CHECK(out.output.shape() == Shape{3, 7, 16});
  CHECK(out.h_n.shape() == Shape{2, 3, 16});
  nn::LSTM lstm({.input_size = 5, .hidden_size = 4});
  const nn::LSTMOutput lo_out = lstm(tapegrad::zeros({7, 3, 5}), nn::LSTMState{});
  CHECK(lo_out.output.shape() == Shape{7, 3, 4});
  CHECK(lo_out.state.h.shape() == Shape{1, 3, 4});
  CHECK(lstm.parameter("weight_hh_l0").shape() == Shape{4, 16});
}

TEST_CASE("recurrent modules: errors name the module and the shapes") {
  nn::LSTM lstm({.input_size = 5, .hidden_size = 4});
  CHECK_THROWS_WITH_AS(lstm(tapegrad::zeros({7, 3, 6})),
                       doctest::Contains("input_size = 5], got shape [7, 3, 6]"), tapegrad::ShapeError);
  CHECK_THROWS_WITH_AS(lstm(tapegrad::zeros({7, 3, 5}), nn::LSTMState{tapegrad::zeros({1, 2, 4}), {}}),
                       doctest::Contains("expected h_0 [num_layers = 1, batch = 3, hidden_size = 4]"),
                       tapegrad::ShapeError);
  CHECK_THROWS_WITH_AS(lstm(tapegrad::zeros({7, 3, 5}, f64)), doctest::Contains("float64"),
                       tapegrad::ShapeError);
  nn::GRUCell cell({.input_size = 2, .hidden_size = 3});
  CHECK_THROWS_WITH_AS(
      cell(tapegrad::zeros({4, 2}), tapegrad::zeros({4, 2})),
      doctest::Contains("GRUCell(input_size=2, hidden_size=3, bias=true): expected h [4, 3]"),
      tapegrad::ShapeError);
  CHECK_THROWS_AS(nn::RNN({.input_size = 0, .hidden_size = 3}), tapegrad::ShapeError);
}

TEST_CASE("Embedding module: N(0, 1) init, zero padding row that stays zero under training") {
  nn::Embedding emb({.num_embeddings = 6, .embedding_dim = 3, .padding_idx = -1});
  CHECK(emb.options().padding_idx == 5);
  const std::vector<float> w = emb.weight().to_vector<float>();
  for (std::size_t j = 15; j < 18; ++j) CHECK(w[j] == 0.0f);
  const Tensor e = emb(tapegrad::from<std::int64_t>({5, 1, 5, 2}, {2, 2}));
  CHECK(e.shape() == Shape{2, 2, 3});
  tapegrad::sum(e * e + e).backward();
  const std::vector<float> g = emb.weight().grad().to_vector<float>();
  for (std::size_t j = 15; j < 18; ++j) CHECK(g[j] == 0.0f);
  CHECK(g[3] != 0.0f);
  CHECK(g[0] == 0.0f);  // row 0 not picked
  CHECK_THROWS_WITH_AS(emb(tapegrad::zeros({2})), doctest::Contains("expected int64 indices"),
                       tapegrad::ShapeError);
}
