// SPDX-License-Identifier: MIT
// rnn.hpp: the sequence modules RNN, LSTM and GRU: a cell unrolled over time, layers stacked.
//
// PyTorch's modules, options and parameter names (weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0,
// then _l1, ...), gate orders and init (U(−1/√hidden, 1/√hidden) for every parameter), with the weights
// stored transposed as in RNNCell (see rnn_cell.hpp). Input [seq, batch, input_size], or [batch, seq,
// input_size] with batch_first; states [num_layers, batch, hidden_size] (never batch-first, as PyTorch).
// The forward records one input projection per layer for the whole sequence (one matmul), then for RNN
// and GRU per step the recurrent matmul and the gate ops, for LSTM one lstm_layer row that runs the steps
// itself (recurrent products and fused gate loops, tensor/rows/recurrent.hpp): either way backward() is
// backpropagation through time over the unrolled network. For truncated BPTT, feed each chunk the previous chunk's final state
// detached (LSTMState::detach, Tensor::detach): the sweep then stops at the chunk's start.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tapegrad/autodiff/core/dtype.hpp"
#include "tapegrad/autodiff/tensor/tensor.hpp"
#include "tapegrad/nn/modules/module.hpp"
#include "tapegrad/nn/modules/random.hpp"
#include "tapegrad/nn/modules/rnn_cell.hpp"

namespace tapegrad::nn {

/// Options of RNN, LSTM and GRU (PyTorch's names). Example: `{.input_size = 32, .hidden_size = 128,
/// .batch_first = true}`.
struct RNNOptions {
  std::int64_t input_size = 0;
  std::int64_t hidden_size = 0;
  std::int64_t num_layers = 1;
  bool bias = true;
  bool batch_first = false;
  RNNNonlinearity nonlinearity = RNNNonlinearity::tanh;  // RNN only
  Dtype dtype = Dtype::float32;
};

/// What RNN and GRU return: the last layer's h at every step ([seq, batch, hidden], or batch-first) and
/// every layer's final h, [num_layers, batch, hidden].
struct RNNOutput {
  Tensor output{};
  Tensor h_n{};
};
/// What LSTM returns: the output sequence and the final (h_n, c_n), each [num_layers, batch, hidden].
struct LSTMOutput {
  Tensor output{};
  LSTMState state{};
};

/// What the three sequence modules share: options, per-layer parameters, checks, the time-major layout.
class RecurrentBase : public Module {
 public:
  const RNNOptions& options() const noexcept { return options_; }
  std::string extra_repr() const override;
  /// Draws every parameter again from U(−1/√hidden, 1/√hidden).
  void reset_parameters(Generator& gen = default_generator());

 protected:
  RecurrentBase(const RNNOptions& options, std::int64_t gates, std::string_view type, Generator& gen);
  detail::RecurrentWeights layer_weights(std::int64_t layer) const;
  /// x checked and made time-major [seq, batch, input_size].
  Tensor time_major(const Tensor& x) const;
  /// outputs of the last layer stacked to [seq, batch, hidden] (or batch-first).
  Tensor stack_output(const std::vector<Tensor>& steps) const;
  /// The layer's initial state from s0 [num_layers, batch, hidden] (zeros when s0 is undefined), after
  /// checking s0's shape; `what` names it in errors ("h_0", "c_0").
  Tensor initial(const Tensor& s0, std::int64_t layer, std::int64_t batch, std::string_view what) const;

 private:
  RNNOptions options_;
  std::vector<detail::RecurrentSlots> slots_;
};

/// Elman RNN: h_t = tanh(x_t W_ih + b_ih + h_(t−1) W_hh + b_hh) per layer (relu with that option).
/// Example: `nn::RNN rnn({.input_size = 1, .hidden_size = 1}); auto [out, h_n] = rnn(x, h0);`
class RNN : public RecurrentBase {
 public:
  explicit RNN(const RNNOptions& options, Generator& gen = default_generator())
      : RecurrentBase(options, 1, "RNN", gen) {}
  /// The output sequence from a zero state.
  Tensor forward(const Tensor& x) override { return forward(x, Tensor()).output; }
  /// From h_0 [num_layers, batch, hidden] (undefined: zeros). Throws ShapeError naming the module and
  /// the shapes when x or h_0 does not fit.
  RNNOutput forward(const Tensor& x, const Tensor& h_0);
  RNNOutput operator()(const Tensor& x, const Tensor& h_0) { return forward(x, h_0); }
  using Module::operator();
  std::string type_name() const override { return "RNN"; }
};

/// LSTM (PyTorch's gate order i, f, g, o). Example, a language model's recurrent layer:
/// `nn::LSTM lstm({.input_size = 32, .hidden_size = 128, .batch_first = true}); auto out = lstm(e, {});`
class LSTM : public RecurrentBase {
 public:
  explicit LSTM(const RNNOptions& options, Generator& gen = default_generator())
      : RecurrentBase(options, 4, "LSTM", gen) {}
  Tensor forward(const Tensor& x) override { return forward(x, LSTMState{}).output; }
  /// From (h_0, c_0), each [num_layers, batch, hidden] (undefined: zeros).
  LSTMOutput forward(const Tensor& x, const LSTMState& state);
  LSTMOutput operator()(const Tensor& x, const LSTMState& state) { return forward(x, state); }
  using Module::operator();
  std::string type_name() const override { return "LSTM"; }
};

/// GRU (PyTorch's gate order r, z, n).
class GRU : public RecurrentBase {
 public:
  explicit GRU(const RNNOptions& options, Generator& gen = default_generator())
      : RecurrentBase(options, 3, "GRU", gen) {}
  Tensor forward(const Tensor& x) override { return forward(x, Tensor()).output; }
  RNNOutput forward(const Tensor& x, const Tensor& h_0);
  RNNOutput operator()(const Tensor& x, const Tensor& h_0) { return forward(x, h_0); }
  using Module::operator();
  std::string type_name() const override { return "GRU"; }
};

}  // namespace tapegrad::nn
