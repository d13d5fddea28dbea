// SPDX-License-Identifier: MIT
// rnn_cell.hpp: one step of a recurrent network: RNNCell, LSTMCell, GRUCell.
//
// Each cell is PyTorch's, with its gate order and initialisation, and the project's weight layout (as
// Linear): weight_ih is [input_size, G * hidden_size] and weight_hh [hidden_size, G * hidden_size], the
// transposes of PyTorch's, with the G gate blocks side by side along the columns in PyTorch's order
// (LSTM: i, f, g, o; GRU: r, z, n), so a PyTorch state dict ports by transposing the two weights. Every
// parameter starts U(−1/√hidden, 1/√hidden). A step is a composition of tensor ops (matmul, add, and the
// fused lstm_cell row for the LSTM's gates and state update; narrow, sigmoid, tanh, mul for RNN and GRU),
// so the tape records it like any other expression; unrolling a cell over a
// sequence is backpropagation through time with no extra machinery.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "tapegrad/autodiff/core/dtype.hpp"
#include "tapegrad/autodiff/tensor/tensor.hpp"
#include "tapegrad/nn/modules/module.hpp"
#include "tapegrad/nn/modules/random.hpp"

namespace tapegrad::nn {

/// The nonlinearity of an Elman RNN (PyTorch's nonlinearity="tanh" or "relu").
enum class RNNNonlinearity { tanh, relu };

/// Options of the cells (PyTorch's names). Example: `{.input_size = 32, .hidden_size = 128}`.
struct RNNCellOptions {
  std::int64_t input_size = 0;
  std::int64_t hidden_size = 0;
  bool bias = true;
  RNNNonlinearity nonlinearity = RNNNonlinearity::tanh;  // RNNCell only
  Dtype dtype = Dtype::float32;
};

/// An LSTM's state: hidden h and cell c, each [batch, hidden] for a cell, [num_layers, batch, hidden] for
/// the sequence module.
struct LSTMState {
  Tensor h{};
  Tensor c{};
  /// Both tensors detached: the state carried into the next chunk of truncated BPTT, through which no
  /// gradient flows back.
  LSTMState detach() const { return {h.detach(), c.detach()}; }
};

namespace detail {
/// The recurrent parameters of one layer (b_ih and b_hh undefined without bias).
struct RecurrentWeights {
  Tensor w_ih, w_hh, b_ih, b_hh;
};
/// h' = act(xw + h W_hh), where xw = x W_ih + b_ih + b_hh was computed for the step (or a whole sequence).
Tensor rnn_step(const Tensor& xw, const Tensor& h, const Tensor& w_hh, RNNNonlinearity nonlinearity);
/// The LSTM equations with gates = xw + h W_hh split as i, f, g, o: c' = σ(f) c + σ(i) tanh(g),
/// h' = σ(o) tanh(c'); xw = x W_ih + b_ih + b_hh. Records the recurrent matmul, the add and the fused
/// lstm_cell row.
LSTMState lstm_step(const Tensor& xw, const LSTMState& state, const Tensor& w_hh);
/// The GRU equations with xw = x W_ih + b_ih and hw = h W_hh + b_hh split as r, z, n:
/// r = σ(xw_r + hw_r), z = σ(xw_z + hw_z), n = tanh(xw_n + r hw_n), h' = (1 − z) n + z h.
Tensor gru_step(const Tensor& xw, const Tensor& h, const Tensor& w_hh, const Tensor& b_hh);
/// x W_ih plus the biases the step does not add itself (both for RNN and LSTM, b_ih for GRU); x is
/// [rows, input_size] (a step's batch, or every step of a sequence at once).
Tensor input_projection(const Tensor& x, const RecurrentWeights& w, bool fold_b_hh);
/// Draws each of `params` from U(−1/√hidden, 1/√hidden), PyTorch's init for every recurrent parameter.
void init_recurrent(const std::vector<Tensor>& params, std::int64_t hidden_size, Generator& gen);
/// Where a module keeps one layer's weight_ih, weight_hh, bias_ih, bias_hh (registered in that order).
struct RecurrentSlots {
  std::size_t w_ih = 0, w_hh = 0, b_ih = 0, b_hh = 0;
};
}  // namespace detail

/// The shared part of the three cells: options, parameters, checks.
class RecurrentCellBase : public Module {
 public:
  const RNNCellOptions& options() const noexcept { return options_; }
  const Tensor& weight_ih() const { return parameter_at(slots_.w_ih); }
  const Tensor& weight_hh() const { return parameter_at(slots_.w_hh); }
  /// Undefined when options.bias is false.
  Tensor bias_ih() const { return options_.bias ? parameter_at(slots_.b_ih) : Tensor(); }
  Tensor bias_hh() const { return options_.bias ? parameter_at(slots_.b_hh) : Tensor(); }
  std::string extra_repr() const override;
  /// Draws every parameter again from U(−1/√hidden, 1/√hidden).
  void reset_parameters(Generator& gen = default_generator());

 protected:
  RecurrentCellBase(const RNNCellOptions& options, std::int64_t gates, std::string_view type, Generator& gen);
  detail::RecurrentWeights weights() const { return {weight_ih(), weight_hh(), bias_ih(), bias_hh()}; }
  /// Throws ShapeError naming the cell unless x is [batch, input_size] of the cell's dtype.
  void check_input(const Tensor& x) const;
  /// Throws ShapeError naming the cell and `what` unless s is [batch, hidden_size] of the cell's dtype.
  void check_state(const Tensor& s, std::int64_t batch, std::string_view what) const;
  Tensor zero_state(std::int64_t batch) const { return zeros({batch, options_.hidden_size}, options_.dtype); }

 private:
  RNNCellOptions options_;
  detail::RecurrentSlots slots_;
};

/// h' = tanh(x W_ih + b_ih + h W_hh + b_hh) (or relu). x [batch, input_size], h [batch, hidden_size].
/// Example: `nn::RNNCell cell({.input_size = 1, .hidden_size = 8}); Tensor h = cell(x, h_prev);`
class RNNCell : public RecurrentCellBase {
 public:
  explicit RNNCell(const RNNCellOptions& options, Generator& gen = default_generator())
      : RecurrentCellBase(options, 1, "RNNCell", gen) {}
  /// One step from a zero state.
  Tensor forward(const Tensor& x) override;
  /// One step from h. Throws ShapeError naming the cell and the shapes when x or h does not fit.
  Tensor forward(const Tensor& x, const Tensor& h);
  Tensor operator()(const Tensor& x, const Tensor& h) { return forward(x, h); }
  using Module::operator();
  std::string type_name() const override { return "RNNCell"; }
};

/// PyTorch's LSTMCell: gates i, f, g, o; returns the new (h, c). forward(x) starts from zeros and
/// returns h only (the Module interface).
/// Example: `nn::LSTMCell cell({.input_size = 2, .hidden_size = 16}); auto [h, c] = cell(x, {h0, c0});`
class LSTMCell : public RecurrentCellBase {
 public:
  explicit LSTMCell(const RNNCellOptions& options, Generator& gen = default_generator())
      : RecurrentCellBase(options, 4, "LSTMCell", gen) {}
  Tensor forward(const Tensor& x) override;
  /// One step from `state` (undefined h and c mean zeros). Throws ShapeError naming the cell and shapes.
  LSTMState forward(const Tensor& x, const LSTMState& state);
  LSTMState operator()(const Tensor& x, const LSTMState& state) { return forward(x, state); }
  using Module::operator();
  std::string type_name() const override { return "LSTMCell"; }
};

/// PyTorch's GRUCell: gates r, z, n, with b_hn inside the reset product (n = tanh(x W_in + b_in +
/// r (h W_hn + b_hn))). Example: `nn::GRUCell cell({.input_size = 2, .hidden_size = 16}); h = cell(x, h);`
class GRUCell : public RecurrentCellBase {
 public:
  explicit GRUCell(const RNNCellOptions& options, Generator& gen = default_generator())
      : RecurrentCellBase(options, 3, "GRUCell", gen) {}
  Tensor forward(const Tensor& x) override;
  Tensor forward(const Tensor& x, const Tensor& h);
  Tensor operator()(const Tensor& x, const Tensor& h) { return forward(x, h); }
  using Module::operator();
  std::string type_name() const override { return "GRUCell"; }
};

}  // namespace tapegrad::nn
