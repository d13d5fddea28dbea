// SPDX-License-Identifier: MIT
// recurrent.hpp: the fused LSTM rows: one step's gate nonlinearities and state update (lstm_cell), and a
// whole layer over time with its recurrent products (lstm_layer), which runs the same fused loops.
// The composition of primitives records four narrows, three sigmoids, two tanhs, three products and a sum
// per step, each a pass over memory with its own output and, in float, a scalar libm call per element. This
// row reads the gate pre-activations once, writes h and c once, and keeps the activated gates for its
// backward, which is one pass too. The matrix products stay outside (gates = x W_ih + h W_hh + b), so
// every gemm kernel serves the cell.
//   gates [B, 4n] = (i, f, g, o) pre-activations, c_prev [B, n] -> y [2, B, n]: y[0] = h, y[1] = c
//   c = σ(f) c_prev + σ(i) tanh(g),  h = σ(o) tanh(c)
//   dc = g_c + g_h σ(o) (1 − tanh²c)
//   di = dc tanh(g) σ(i)(1 − σ(i)),  df = dc c_prev σ(f)(1 − σ(f)),  dg = dc σ(i) (1 − tanh²g),
//   do = g_h tanh(c) σ(o)(1 − σ(o)),  dc_prev = dc σ(f)
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <tuple>
#include <utility>

#include "tapegrad/autodiff/core/inline.hpp"
#include "tapegrad/autodiff/kernels/buffer.hpp"
#include "tapegrad/autodiff/kernels/gate_math.hpp"
#include "tapegrad/autodiff/kernels/gemm.hpp"
#include "tapegrad/autodiff/kernels/permute.hpp"
#include "tapegrad/autodiff/kernels/simd_clones.hpp"
#include "tapegrad/autodiff/tensor/rows/row.hpp"
#include "tapegrad/autodiff/tensor/tensor.hpp"

namespace tapegrad::ops::tensor {

namespace detail_lstm {

// Each block of a row comes in as its own __restrict parameter and is indexed by j alone: GCC vectorizes
// that, while offsets such as g[2 * n + j] into one array need more run-time alias checks than it makes.
// Each row runs in the widest vector copy of the loop the CPU has (run_widest, kernels/simd_clones.hpp):
// the dispatch costs a few nanoseconds per row, a row of the gates hundreds.
// With Split, an input arrives as two parts to be added (x_t W_ih + b and h_(t-1) W_hh; g_t and the
// gradient from step t + 1), which saves lstm_layer a pass that would add them first.

/// One row's forward: gate pre-activations a (+ b with Split) for i, f, g, o and c0, n values each, give h
/// and c, and the saved σ(i), σ(f), tanh(g), σ(o), tanh(c).
template <class T, bool Split>
struct ForwardRow {
  TAPEGRAD_INLINE static void run(std::int64_t n, const T* __restrict ai, const T* __restrict af,
                                  const T* __restrict ag, const T* __restrict ao, const T* __restrict bi,
                                  const T* __restrict bf, const T* __restrict bg, const T* __restrict bo,
                                  const T* __restrict c0, T* __restrict h, T* __restrict c, T* __restrict si,
                                  T* __restrict sf, T* __restrict tg, T* __restrict so, T* __restrict tc) {
    using tapegrad::detail::gate_sigmoid;
    using tapegrad::detail::gate_tanh;
    for (std::int64_t j = 0; j < n; ++j) {
      T pi = ai[j], pf = af[j], pg = ag[j], po = ao[j];
      if constexpr (Split) {
        pi += bi[j];
        pf += bf[j];
        pg += bg[j];
        po += bo[j];
      }
      const T i = gate_sigmoid(pi), f = gate_sigmoid(pf), g = gate_tanh(pg), o = gate_sigmoid(po);
      const T cj = f * c0[j] + i * g;
      const T t = gate_tanh(cj);
      c[j] = cj;
      h[j] = o * t;
      si[j] = i;
      sf[j] = f;
      tg[j] = g;
      so[j] = o;
      tc[j] = t;
    }
  }
};

/// The step's forward for `rows` rows of gates [rows, 4n] (+ gates_b with Split) and c_prev [rows, n],
/// saving [rows, 5n].
template <class T, bool Split>
void forward_rows(std::int64_t rows, std::int64_t n, const T* gates, const T* gates_b, const T* c_prev,
                  T* h_out, T* c_out, T* saved) {
  for (std::int64_t b = 0; b < rows; ++b) {
    const T* a = gates + b * 4 * n;
    const T* p = Split ? gates_b + b * 4 * n : a;
    T* s = saved + b * 5 * n;
    tapegrad::detail::run_widest<ForwardRow<T, Split>>(
        n, a, a + n, a + 2 * n, a + 3 * n, p, p + n, p + 2 * n, p + 3 * n, c_prev + b * n, h_out + b * n,
        c_out + b * n, s, s + n, s + 2 * n, s + 3 * n, s + 4 * n);
  }
}

/// One row's backward from grad_h (gh + gh_b with Split), grad_c, c_prev and the saved values: the four
/// gates' gradients and dc_prev, stored (Assign) or added.
template <class T, bool Assign, bool Split>
struct BackwardRow {
  TAPEGRAD_INLINE static void run(std::int64_t n, const T* __restrict gh, const T* __restrict gh_b,
                                  const T* __restrict gc, const T* __restrict c0, const T* __restrict si,
                                  const T* __restrict sf, const T* __restrict tg, const T* __restrict so,
                                  const T* __restrict tc, T* __restrict di, T* __restrict df,
                                  T* __restrict dg, T* __restrict d_o, T* __restrict dc_prev) {
    for (std::int64_t j = 0; j < n; ++j) {
      const T i = si[j], f = sf[j], g = tg[j], o = so[j], t = tc[j];
      T dh = gh[j];
      if constexpr (Split) dh += gh_b[j];
      const T dc = gc[j] + dh * o * (T{1} - t * t);
      const T vi = dc * g * (i * (T{1} - i)), vf = dc * c0[j] * (f * (T{1} - f));
      const T vg = dc * i * (T{1} - g * g), vo = dh * t * (o * (T{1} - o));
      if constexpr (Assign) {
        di[j] = vi;
        df[j] = vf;
        dg[j] = vg;
        d_o[j] = vo;
        dc_prev[j] = dc * f;
      } else {
        di[j] += vi;
        df[j] += vf;
        dg[j] += vg;
        d_o[j] += vo;
        dc_prev[j] += dc * f;
      }
    }
  }
};

/// The step's backward for `rows` rows into dgates [rows, 4n] and dc_prev [rows, n].
template <class T, bool Assign, bool Split>
void backward_rows(std::int64_t rows, std::int64_t n, const T* grad_h, const T* grad_h_b, const T* grad_c,
                   const T* c_prev, const T* saved, T* dgates, T* dc_prev) {
  for (std::int64_t b = 0; b < rows; ++b) {
    const T* s = saved + b * 5 * n;
    T* d = dgates + b * 4 * n;
    tapegrad::detail::run_widest<BackwardRow<T, Assign, Split>>(
        n, grad_h + b * n, Split ? grad_h_b + b * n : grad_h + b * n, grad_c + b * n, c_prev + b * n, s,
        s + n, s + 2 * n, s + 3 * n, s + 4 * n, d, d + n, d + 2 * n, d + 3 * n, dc_prev + b * n);
  }
}

}  // namespace detail_lstm

/// One LSTM step after its matrix products: gates [B, 4n] in PyTorch's order (i, f, g, o) and c_prev
/// [B, n] give y [2, B, n] with y[0] = h and y[1] = c (the front end lstm_cell splits them).
struct LSTMCell {
  static constexpr std::string_view name = "lstm_cell";
  static constexpr Kind kind = Kind::general;
  static constexpr std::size_t arity = 2;
  static constexpr Domain domain{-3.0, 3.0};
  struct Attrs {
    // The activated gates and tanh(c), [B, 5n]: written by forward (the record owns it), read by backward.
    mutable tapegrad::detail::Buffer saved;
  };

  static Shape output_shape(const Attrs& /*unused*/, const std::array<Tensor, 2>& in) {
    const Shape &g = in[0].shape(), &c = in[1].shape();
    TAPEGRAD_CHECK(g.size() == 2 && c.size() == 2 && g[1] == 4 * c[1] && g[0] == c[0] && c[1] > 0, ShapeError,
                   "lstm_cell: expected gates [batch, 4 * hidden] and c_prev [batch, hidden], got gates ",
                   to_string(g), " and c_prev ", to_string(c));
    return {2, c[0], c[1]};
  }

  template <class T>
  static void forward(const Attrs& attrs, const std::array<Tensor, 2>& in, const Tensor& out) {
    const std::int64_t rows = in[1].shape()[0], n = in[1].shape()[1];
    attrs.saved = tapegrad::detail::Buffer(static_cast<std::size_t>(rows * 5 * n) * sizeof(T));
    T* y = out.data<T>();
    detail_lstm::forward_rows<T, false>(rows, n, in[0].data<T>(), nullptr, in[1].data<T>(), y, y + rows * n,
                                        static_cast<T*>(attrs.saved.data()));
  }

  /// grads arrive zero-filled when fresh (no fresh flags): the kernel only adds.
  template <class T>
  static void backward(const Attrs& attrs, const std::array<Tensor, 2>& in, const Tensor& /*out*/, const T* g,
                       const std::array<T*, 2>& grads) {
    const std::int64_t rows = in[1].shape()[0], n = in[1].shape()[1];
    tapegrad::detail::Buffer scratch;  // dgates when only c_prev needs a gradient (rare: constant gates)
    T* dgates = grads[0];
    if (dgates == nullptr) {
      scratch = tapegrad::detail::Buffer(static_cast<std::size_t>(rows * 4 * n) * sizeof(T));
      dgates = static_cast<T*>(scratch.data());
      std::fill_n(dgates, rows * 4 * n, T{0});
    }
    const T* saved = static_cast<const T*>(attrs.saved.data());
    tapegrad::detail::Buffer scratch_c;  // dc_prev when c_prev needs no gradient
    T* dc_prev = grads[1];
    if (dc_prev == nullptr) {
      scratch_c = tapegrad::detail::Buffer(static_cast<std::size_t>(rows * n) * sizeof(T));
      dc_prev = static_cast<T*>(scratch_c.data());
      std::fill_n(dc_prev, rows * n, T{0});
    }
    detail_lstm::backward_rows<T, false, false>(rows, n, g, nullptr, g + rows * n, in[1].data<T>(), saved,
                                                dgates, dc_prev);
  }
};

/// A whole LSTM layer over time, after its input projection: xw [T, B, 4n] (x_t W_ih + b_ih + b_hh per
/// step), h0 and c0 [B, n], w_hh [n, 4n] give y [T + 1, B, n]: y[t] = h_(t+1) for t < T and y[T] = c_T.
/// Per step the forward runs the recurrent product into the step's gates and the cell's fused loop; the
/// backward walks the steps in reverse with one product per step (dh_(t−1) = dgates_t W_hhᵀ, W_hhᵀ made
/// once) and then gets dW_hh = Σ_t h_(t−1)ᵀ dgates_t as one product over all T·B rows, as cuDNN does.
///   gates_t = xw_t + h_(t−1) W_hh;  (h_t, c_t) = lstm_cell(gates_t, c_(t−1))
///   dxw_t = dgates_t,  dh0 = dgates_0 W_hhᵀ,  dc0 = dc_0 σ(f_0),  dW_hh = Σ_t h_(t−1)ᵀ dgates_t
struct LSTMLayer {
  static constexpr std::string_view name = "lstm_layer";
  static constexpr Kind kind = Kind::general;
  static constexpr std::size_t arity = 4;
  static constexpr Domain domain{-1.5, 1.5};
  struct Attrs {
    // Per step the activated gates and tanh(c), [T, B, 5n], then every c_t, [T, B, n]: written by forward
    // (the record owns them), read by backward.
    mutable tapegrad::detail::Buffer saved;
    // h0 is all zeros (the usual initial state): step 0's product and its share of dW_hh are skipped.
    mutable bool zero_h0 = false;
  };

  static Shape output_shape(const Attrs& /*unused*/, const std::array<Tensor, 4>& in) {
    const Shape &x = in[0].shape(), &h = in[1].shape(), &c = in[2].shape(), &w = in[3].shape();
    TAPEGRAD_CHECK(x.size() == 3 && h.size() == 2 && c.size() == 2 && w.size() == 2 && h[1] > 0 && x[0] > 0 &&
                       h == c && x[1] == h[0] && x[2] == 4 * h[1] && w[0] == h[1] && w[1] == 4 * h[1],
                   ShapeError,
                   "lstm_layer: expected xw [steps > 0, batch, 4 * hidden], h0 and c0 [batch, hidden] and "
                   "w_hh [hidden, 4 * hidden], got xw ",
                   to_string(x), ", h0 ", to_string(h), ", c0 ", to_string(c), " and w_hh ", to_string(w));
    return {x[0] + 1, h[0], h[1]};
  }

  template <class T>
  static void forward(const Attrs& attrs, const std::array<Tensor, 4>& in, const Tensor& out) {
    const std::int64_t steps = in[0].shape()[0], rows = in[1].shape()[0], n = in[1].shape()[1];
    const std::int64_t bn = rows * n, g4 = rows * 4 * n;
    attrs.saved = tapegrad::detail::Buffer(static_cast<std::size_t>(steps * rows * 6 * n) * sizeof(T));
    T* acts = static_cast<T*>(attrs.saved.data());  // [T, B, 5n]
    T* cs = acts + steps * rows * 5 * n;            // [T, B, n]
    const tapegrad::detail::Buffer gates_buffer(static_cast<std::size_t>(g4) * sizeof(T));
    T* gates = static_cast<T*>(gates_buffer.data());
    const T* xw = in[0].data<T>();
    const T* w = in[3].data<T>();
    T* y = out.data<T>();
    const T* h0 = in[1].data<T>();
    attrs.zero_h0 = std::all_of(h0, h0 + bn, [](T v) { return v == T{0}; });
    for (std::int64_t t = 0; t < steps; ++t) {
      const T* h_prev = t == 0 ? h0 : y + (t - 1) * bn;
      const T* c_prev = t == 0 ? in[2].data<T>() : cs + (t - 1) * bn;
      if (t == 0 && attrs.zero_h0) {  // h0 W_hh = 0: the gates are xw_0
        detail_lstm::forward_rows<T, false>(rows, n, xw, nullptr, c_prev, y, cs, acts);
        continue;
      }
      tapegrad::detail::gemm<T>(rows, 4 * n, n, h_prev, n, 1, w, 4 * n, gates, 4 * n, true);  // h W_hh
      detail_lstm::forward_rows<T, true>(rows, n, xw + t * g4, gates, c_prev, y + t * bn, cs + t * bn,
                                         acts + t * rows * 5 * n);
    }
    std::copy_n(cs + (steps - 1) * bn, bn, y + steps * bn);
  }

  template <class T>
  static void backward(const Attrs& attrs, const std::array<Tensor, 4>& in, const Tensor& out, const T* g,
                       const std::array<T*, 4>& grads, const std::array<bool, 4>& fresh) {
    namespace kd = tapegrad::detail;
    const std::int64_t steps = in[0].shape()[0], rows = in[1].shape()[0], n = in[1].shape()[1];
    const std::int64_t bn = rows * n, g4 = rows * 4 * n;
    const T* acts = static_cast<const T*>(attrs.saved.data());
    const T* cs = acts + steps * rows * 5 * n;
    const T* y = out.data<T>();
    const T* w = in[3].data<T>();
    // dgates of every step: stored straight into a fresh dxw, else into scratch and added at the end.
    const bool direct = grads[0] != nullptr && fresh[0];
    kd::Buffer dgates_buffer;
    if (!direct) dgates_buffer = kd::Buffer(static_cast<std::size_t>(steps * g4) * sizeof(T));
    T* dgates = direct ? grads[0] : static_cast<T*>(dgates_buffer.data());
    // W_hhᵀ [4n, n], once, so each step's product reads it with unit stride.
    const kd::Buffer wt_buffer(static_cast<std::size_t>(4 * n * n) * sizeof(T));
    T* wt = static_cast<T*>(wt_buffer.data());
    kd::transpose_tiles<false>(4 * n, n, w, 4 * n, wt, n);
    const kd::Buffer state_buffer(static_cast<std::size_t>(3 * bn) * sizeof(T));
    T* dh = static_cast<T*>(state_buffer.data());
    T* dc = dh + bn;
    T* dc_next = dc + bn;
    std::copy_n(g + steps * bn, bn, dc);  // the gradient of c_T
    for (std::int64_t t = steps - 1; t >= 0; --t) {
      const T* c_prev = t == 0 ? in[2].data<T>() : cs + (t - 1) * bn;
      const T* saved_t = acts + t * rows * 5 * n;
      if (t + 1 < steps) {  // dh_t = g_t + dgates_(t+1) W_hhᵀ, the sum taken inside the fused pass
        kd::gemm<T>(rows, n, 4 * n, dgates + (t + 1) * g4, 4 * n, 1, wt, n, dh, n, true);
        detail_lstm::backward_rows<T, true, true>(rows, n, g + t * bn, dh, dc, c_prev, saved_t,
                                                  dgates + t * g4, dc_next);
      } else {
        detail_lstm::backward_rows<T, true, false>(rows, n, g + t * bn, nullptr, dc, c_prev, saved_t,
                                                   dgates + t * g4, dc_next);
      }
      std::swap(dc, dc_next);
    }
    // dc now holds dc0.
    if (!direct && grads[0] != nullptr)
      for (std::int64_t i = 0; i < steps * g4; ++i) grads[0][i] += dgates[i];
    if (T* dh0 = grads[1]; dh0 != nullptr)
      kd::gemm<T>(rows, n, 4 * n, dgates, 4 * n, 1, wt, n, dh0, n, fresh[1]);
    if (T* dc0 = grads[2]; dc0 != nullptr) {
      if (fresh[2])
        std::copy_n(dc, bn, dc0);
      else
        for (std::int64_t i = 0; i < bn; ++i) dc0[i] += dc[i];
    }
    if (T* dw = grads[3]; dw != nullptr) {
      // h_(t−1)ᵀ dgates_t: h0 for the first step, then y's first T − 1 blocks, in one product.
      // With a zero h0 its term is 0 and skipped.
      bool overwrite = fresh[3];
      if (!attrs.zero_h0) {
        kd::gemm<T>(n, 4 * n, rows, in[1].data<T>(), 1, n, dgates, 4 * n, dw, 4 * n, overwrite);
        overwrite = false;
      }
      if (steps > 1)
        kd::gemm<T>(n, 4 * n, (steps - 1) * rows, y, 1, n, dgates + g4, 4 * n, dw, 4 * n, overwrite);
      else if (overwrite)
        std::fill_n(dw, 4 * n * n, T{0});
    }
  }
};

using RecurrentOps = std::tuple<LSTMCell, LSTMLayer>;

}  // namespace tapegrad::ops::tensor
