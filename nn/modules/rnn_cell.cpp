// SPDX-License-Identifier: MIT
// rnn_cell.cpp: the recurrent step equations and the three cells built on them.
#include "tapegrad/nn/modules/rnn_cell.hpp"

#include <cmath>
#include <sstream>

#include "tapegrad/autodiff/core/error.hpp"
#include "tapegrad/autodiff/tensor/ops.hpp"
#include "tapegrad/nn/modules/init.hpp"

namespace tapegrad::nn {

// ---- the step equations ------------------------------------------------------------------------------
Tensor detail::input_projection(const Tensor& x, const RecurrentWeights& w, bool fold_b_hh) {
  if (!w.b_ih.defined()) return matmul(x, w.w_ih);
  return linear(x, w.w_ih, fold_b_hh ? w.b_ih + w.b_hh : w.b_ih);
}

Tensor detail::rnn_step(const Tensor& xw, const Tensor& h, const Tensor& w_hh, RNNNonlinearity nonlinearity) {
  const Tensor pre = xw + matmul(h, w_hh);
  return nonlinearity == RNNNonlinearity::tanh ? tanh(pre) : relu(pre);
}

LSTMState detail::lstm_step(const Tensor& xw, const LSTMState& state, const Tensor& w_hh) {
  // The gate nonlinearities and the state update are one fused row (tensor/rows/recurrent.hpp).
  const auto [h, c] = lstm_cell(xw + matmul(state.h, w_hh), state.c);  // gates [batch, 4n]: i, f, g, o
  return {h, c};
}

Tensor detail::gru_step(const Tensor& xw, const Tensor& h, const Tensor& w_hh, const Tensor& b_hh) {
  const std::int64_t n = h.shape()[1];
  const Tensor hw = b_hh.defined() ? linear(h, w_hh, b_hh) : matmul(h, w_hh);  // [batch, 3n]: r, z, n
  const Tensor r = sigmoid(narrow(xw, 1, 0, n) + narrow(hw, 1, 0, n));
  const Tensor z = sigmoid(narrow(xw, 1, n, n) + narrow(hw, 1, n, n));
  const Tensor cand = tanh(narrow(xw, 1, 2 * n, n) + r * narrow(hw, 1, 2 * n, n));
  return cand + z * (h - cand);  // (1 − z) n + z h, one op fewer
}

void detail::init_recurrent(const std::vector<Tensor>& params, std::int64_t hidden_size, Generator& gen) {
  const double k = 1.0 / std::sqrt(static_cast<double>(hidden_size));
  for (const Tensor& p : params) init::uniform_(p, -k, k, gen);
}

// ---- RecurrentCellBase -------------------------------------------------------------------------------
RecurrentCellBase::RecurrentCellBase(const RNNCellOptions& options, std::int64_t gates, std::string_view type,
                                     Generator& gen)
    : options_(options) {
  TAPEGRAD_CHECK(options.input_size > 0 && options.hidden_size > 0, ShapeError, type,
                 ": input_size and hidden_size must be positive, got ", options.input_size, " and ",
                 options.hidden_size);
  const std::int64_t g = gates * options.hidden_size;
  slots_.w_ih = register_parameter("weight_ih", zeros({options.input_size, g}, options.dtype));
  slots_.w_hh = register_parameter("weight_hh", zeros({options.hidden_size, g}, options.dtype));
  if (options.bias) {
    slots_.b_ih = register_parameter("bias_ih", zeros({g}, options.dtype));
    slots_.b_hh = register_parameter("bias_hh", zeros({g}, options.dtype));
  }
  reset_parameters(gen);
}

void RecurrentCellBase::reset_parameters(Generator& gen) {
  detail::init_recurrent(parameters(), options_.hidden_size, gen);
}

std::string RecurrentCellBase::extra_repr() const {
  std::ostringstream os;
  os << "input_size=" << options_.input_size << ", hidden_size=" << options_.hidden_size
     << ", bias=" << (options_.bias ? "true" : "false");
  if (type_name() == "RNNCell")
    os << ", nonlinearity=" << (options_.nonlinearity == RNNNonlinearity::tanh ? "tanh" : "relu");
  return os.str();
}

void RecurrentCellBase::check_input(const Tensor& x) const {
  TAPEGRAD_CHECK(x.defined(), TapeError, repr(), ": the input tensor is undefined");
  TAPEGRAD_CHECK(x.dim() == 2 && x.shape()[1] == options_.input_size, ShapeError, repr(),
                 ": expected an input [batch, input_size = ", options_.input_size, "], got shape ",
                 to_string(x.shape()));
  TAPEGRAD_CHECK(x.dtype() == options_.dtype, ShapeError, repr(), ": the input is ", x.dtype(),
                 " but the parameters are ", options_.dtype, " (no implicit conversion)");
}

void RecurrentCellBase::check_state(const Tensor& s, std::int64_t batch, std::string_view what) const {
  TAPEGRAD_CHECK(s.dim() == 2 && s.shape()[0] == batch && s.shape()[1] == options_.hidden_size &&
                     s.dtype() == options_.dtype,
                 ShapeError, repr(), ": expected ", what, " [", batch, ", ", options_.hidden_size, "] ",
                 options_.dtype, ", got ", to_string(s.shape()), " ", s.dtype());
}

// ---- the cells ---------------------------------------------------------------------------------------
Tensor RNNCell::forward(const Tensor& x) {
  check_input(x);
  return forward(x, zero_state(x.shape()[0]));
}

Tensor RNNCell::forward(const Tensor& x, const Tensor& h) {
  check_input(x);
  check_state(h, x.shape()[0], "h");
  const detail::RecurrentWeights w = weights();
  return detail::rnn_step(detail::input_projection(x, w, true), h, w.w_hh, options().nonlinearity);
}

Tensor LSTMCell::forward(const Tensor& x) {
  return forward(x, LSTMState{}).h;
}

LSTMState LSTMCell::forward(const Tensor& x, const LSTMState& state) {
  check_input(x);
  const std::int64_t batch = x.shape()[0];
  const LSTMState s{state.h.defined() ? state.h : zero_state(batch),
                    state.c.defined() ? state.c : zero_state(batch)};
  check_state(s.h, batch, "h");
  check_state(s.c, batch, "c");
  const detail::RecurrentWeights w = weights();
  return detail::lstm_step(detail::input_projection(x, w, true), s, w.w_hh);
}

Tensor GRUCell::forward(const Tensor& x) {
  check_input(x);
  return forward(x, zero_state(x.shape()[0]));
}

Tensor GRUCell::forward(const Tensor& x, const Tensor& h) {
  check_input(x);
  check_state(h, x.shape()[0], "h");
  const detail::RecurrentWeights w = weights();
  return detail::gru_step(detail::input_projection(x, w, false), h, w.w_hh, w.b_hh);
}

}  // namespace tapegrad::nn
