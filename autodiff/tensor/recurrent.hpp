// SPDX-License-Identifier: MIT
// recurrent.hpp: the fused LSTM ops behind the nn layer's LSTMCell and LSTM (tensor/rows/recurrent.hpp).
// lstm_cell records one row for what the composition of sigmoid, tanh, narrow, mul and add records as
// thirteen, with its own one-pass backward. lstm_layer records one row for a whole layer over time: the
// recurrent product and the same fused loops per step, and in the backward W_hh's gradient as one product
// over every step. Both equal the composition of primitives, values and gradients
// (tests/autodiff/tensor/lstm_cell_test.cpp).
#pragma once

#include "tapegrad/autodiff/tensor/tensor.hpp"

namespace tapegrad {

/// What lstm_cell returns: the new hidden state h and cell state c, each [batch, hidden].
struct LSTMCellState {
  Tensor h{};
  Tensor c{};
};

/// One LSTM step from its gate pre-activations: gates [batch, 4 * hidden] = x W_ih + h_prev W_hh + b, in
/// PyTorch's gate order (i, f, g, o), and c_prev [batch, hidden] give c = σ(f) c_prev + σ(i) tanh(g) and
/// h = σ(o) tanh(c). Differentiable in both inputs. In float the gate functions are vectorized
/// approximations within a few ulps of <cmath>'s; in double they are <cmath>'s. Throws ShapeError naming
/// the op and both shapes unless gates is [batch, 4 * hidden] and c_prev [batch, hidden], or the dtypes
/// differ. Example: `auto [h, c] = lstm_cell(xw + matmul(h_prev, w_hh), c_prev);`
LSTMCellState lstm_cell(const Tensor& gates, const Tensor& c_prev);

/// What lstm_layer returns: h at every step, [steps, batch, hidden], and the final h and c, [batch, hidden].
struct LSTMLayerState {
  Tensor output{};
  Tensor h_n{};
  Tensor c_n{};
};

/// An LSTM layer unrolled over time after its input projection: xw [steps, batch, 4 * hidden] holds
/// x_t W_ih + b_ih + b_hh for every step t (one matmul over the whole sequence), w_hh is [hidden,
/// 4 * hidden] (gate order i, f, g, o), h0 and c0 [batch, hidden]. Step t computes gates_t = xw_t +
/// h_(t-1) w_hh and then what lstm_cell computes. Differentiable in all four inputs. Throws ShapeError
/// naming the op and every shape unless they fit (steps > 0), or the dtypes differ.
/// Example: `auto [out, h_n, c_n] = lstm_layer(reshape(linear(x2d, w_ih, b), {steps, batch, -1}), h0, c0,
/// w_hh);`
LSTMLayerState lstm_layer(const Tensor& xw, const Tensor& h0, const Tensor& c0, const Tensor& w_hh);

}  // namespace tapegrad
