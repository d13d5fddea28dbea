// SPDX-License-Identifier: MIT
// recurrent.cpp: the front end of the fused recurrent rows: each records its row, then splits the output.
#include "tapegrad/autodiff/tensor/recurrent.hpp"

#include "tapegrad/autodiff/tensor/apply.hpp"
#include "tapegrad/autodiff/tensor/layout.hpp"
#include "tapegrad/autodiff/tensor/linalg.hpp"

namespace tapegrad {

namespace tops = ops::tensor;

LSTMCellState lstm_cell(const Tensor& gates, const Tensor& c_prev) {
  const Tensor hc = detail::apply<tops::LSTMCell>({}, {gates, c_prev});  // [2, batch, hidden]
  const std::int64_t batch = hc.shape()[1], hidden = hc.shape()[2];
  return {reshape(slice(hc, 0, 1), {batch, hidden}), reshape(slice(hc, 1, 2), {batch, hidden})};
}

LSTMLayerState lstm_layer(const Tensor& xw, const Tensor& h0, const Tensor& c0, const Tensor& w_hh) {
  // [steps + 1, batch, hidden]: h_1 ... h_T, then c_T.
  const Tensor y = detail::apply<tops::LSTMLayer>({}, {xw, h0, c0, w_hh});
  const std::int64_t steps = y.shape()[0] - 1, batch = y.shape()[1], hidden = y.shape()[2];
  return {slice(y, 0, steps), reshape(slice(y, steps - 1, steps), {batch, hidden}),
          reshape(slice(y, steps, steps + 1), {batch, hidden})};
}

}  // namespace tapegrad
