// SPDX-License-Identifier: MIT
// rnn.cpp: RNN and GRU unrolled over time from the step equations of rnn_cell.cpp; LSTM as one fused
// lstm_layer row per layer (the same equations, tensor/rows/recurrent.hpp).
#include "tapegrad/nn/modules/rnn.hpp"

#include <sstream>

#include "tapegrad/autodiff/core/error.hpp"
#include "tapegrad/autodiff/tensor/ops.hpp"

namespace tapegrad::nn {

RecurrentBase::RecurrentBase(const RNNOptions& options, std::int64_t gates, std::string_view type,
                             Generator& gen)
    : options_(options) {
  TAPEGRAD_CHECK(options.input_size > 0 && options.hidden_size > 0 && options.num_layers > 0, ShapeError,
                 type, ": input_size, hidden_size and num_layers must be positive, got ", options.input_size,
                 ", ", options.hidden_size, " and ", options.num_layers);
  const std::int64_t g = gates * options.hidden_size;
  for (std::int64_t l = 0; l < options.num_layers; ++l) {
    const std::string suffix = "_l" + std::to_string(l);
    const std::int64_t in = l == 0 ? options.input_size : options.hidden_size;
    detail::RecurrentSlots s;
    s.w_ih = register_parameter("weight_ih" + suffix, zeros({in, g}, options.dtype));
    s.w_hh = register_parameter("weight_hh" + suffix, zeros({options.hidden_size, g}, options.dtype));
    if (options.bias) {
      s.b_ih = register_parameter("bias_ih" + suffix, zeros({g}, options.dtype));
      s.b_hh = register_parameter("bias_hh" + suffix, zeros({g}, options.dtype));
    }
    slots_.push_back(s);
  }
  reset_parameters(gen);
}

void RecurrentBase::reset_parameters(Generator& gen) {
  detail::init_recurrent(parameters(), options_.hidden_size, gen);
}

detail::RecurrentWeights RecurrentBase::layer_weights(std::int64_t layer) const {
  const detail::RecurrentSlots& s = slots_[static_cast<std::size_t>(layer)];
  if (!options_.bias) return {parameter_at(s.w_ih), parameter_at(s.w_hh), {}, {}};
  return {parameter_at(s.w_ih), parameter_at(s.w_hh), parameter_at(s.b_ih), parameter_at(s.b_hh)};
}

std::string RecurrentBase::extra_repr() const {
  std::ostringstream os;
  os << "input_size=" << options_.input_size << ", hidden_size=" << options_.hidden_size
     << ", num_layers=" << options_.num_layers << ", bias=" << (options_.bias ? "true" : "false")
     << ", batch_first=" << (options_.batch_first ? "true" : "false");
  if (type_name() == "RNN")
    os << ", nonlinearity=" << (options_.nonlinearity == RNNNonlinearity::tanh ? "tanh" : "relu");
  return os.str();
}

Tensor RecurrentBase::time_major(const Tensor& x) const {
  TAPEGRAD_CHECK(x.defined(), TapeError, repr(), ": the input tensor is undefined");
  TAPEGRAD_CHECK(x.dim() == 3 && x.shape()[2] == options_.input_size && x.shape()[0] > 0 && x.shape()[1] > 0,
                 ShapeError, repr(), ": expected a non-empty input ",
                 options_.batch_first ? "[batch, seq, " : "[seq, batch, ",
                 "input_size = ", options_.input_size, "], got shape ", to_string(x.shape()));
  TAPEGRAD_CHECK(x.dtype() == options_.dtype, ShapeError, repr(), ": the input is ", x.dtype(),
                 " but the parameters are ", options_.dtype, " (no implicit conversion)");
  return options_.batch_first ? transpose(x, 0, 1) : x;
}

Tensor RecurrentBase::stack_output(const std::vector<Tensor>& steps) const {
  return stack(steps, options_.batch_first ? 1 : 0);
}

Tensor RecurrentBase::initial(const Tensor& s0, std::int64_t layer, std::int64_t batch,
                              std::string_view what) const {
  const std::int64_t n = options_.hidden_size;
  if (!s0.defined()) return zeros({batch, n}, options_.dtype);
  TAPEGRAD_CHECK(s0.dim() == 3 && s0.shape()[0] == options_.num_layers && s0.shape()[1] == batch &&
                     s0.shape()[2] == n && s0.dtype() == options_.dtype,
                 ShapeError, repr(), ": expected ", what, " [num_layers = ", options_.num_layers,
                 ", batch = ", batch, ", hidden_size = ", n, "] ", options_.dtype, ", got ",
                 to_string(s0.shape()), " ", s0.dtype());
  return reshape(slice(s0, layer, layer + 1), {batch, n});
}

namespace {
/// Step t of the projected sequence xw [seq * batch, g] as [batch, g].
Tensor step_rows(const Tensor& xw, std::int64_t t, std::int64_t batch) {
  return slice(xw, t * batch, (t + 1) * batch);
}
}  // namespace

RNNOutput RNN::forward(const Tensor& x, const Tensor& h_0) {
  Tensor seq = time_major(x);
  const std::int64_t steps = seq.shape()[0], batch = seq.shape()[1];
  std::vector<Tensor> finals, outs;
  for (std::int64_t l = 0; l < options().num_layers; ++l) {
    const detail::RecurrentWeights w = layer_weights(l);
    const Tensor xw = detail::input_projection(reshape(seq, {steps * batch, -1}), w, true);
    Tensor h = initial(h_0, l, batch, "h_0");
    outs.clear();
    for (std::int64_t t = 0; t < steps; ++t) {
      h = detail::rnn_step(step_rows(xw, t, batch), h, w.w_hh, options().nonlinearity);
      outs.push_back(h);
    }
    finals.push_back(h);
    if (l + 1 < options().num_layers) seq = stack(outs, 0);
  }
  return {stack_output(outs), stack(finals, 0)};
}

LSTMOutput LSTM::forward(const Tensor& x, const LSTMState& state) {
  Tensor seq = time_major(x);
  const std::int64_t steps = seq.shape()[0], batch = seq.shape()[1];
  std::vector<Tensor> final_h, final_c;
  for (std::int64_t l = 0; l < options().num_layers; ++l) {
    const detail::RecurrentWeights w = layer_weights(l);
    // One projection for the whole sequence, then the layer over time as one fused row.
    const Tensor xw = detail::input_projection(reshape(seq, {steps * batch, -1}), w, true);
    const LSTMLayerState r = lstm_layer(reshape(xw, {steps, batch, -1}), initial(state.h, l, batch, "h_0"),
                                        initial(state.c, l, batch, "c_0"), w.w_hh);
    final_h.push_back(r.h_n);
    final_c.push_back(r.c_n);
    seq = r.output;  // [steps, batch, hidden]: the next layer's input
  }
  // One layer's final state is a view with a leading 1, not a stack (a copy).
  const auto layers = [](const std::vector<Tensor>& s) {
    return s.size() == 1 ? reshape(s[0], {1, s[0].shape()[0], s[0].shape()[1]}) : stack(s, 0);
  };
  return {options().batch_first ? transpose(seq, 0, 1) : seq, {layers(final_h), layers(final_c)}};
}

RNNOutput GRU::forward(const Tensor& x, const Tensor& h_0) {
  Tensor seq = time_major(x);
  const std::int64_t steps = seq.shape()[0], batch = seq.shape()[1];
  std::vector<Tensor> finals, outs;
  for (std::int64_t l = 0; l < options().num_layers; ++l) {
    const detail::RecurrentWeights w = layer_weights(l);
    const Tensor xw = detail::input_projection(reshape(seq, {steps * batch, -1}), w, false);
    Tensor h = initial(h_0, l, batch, "h_0");
    outs.clear();
    for (std::int64_t t = 0; t < steps; ++t) {
      h = detail::gru_step(step_rows(xw, t, batch), h, w.w_hh, w.b_hh);
      outs.push_back(h);
    }
    finals.push_back(h);
    if (l + 1 < options().num_layers) seq = stack(outs, 0);
  }
  return {stack_output(outs), stack(finals, 0)};
}

}  // namespace tapegrad::nn
