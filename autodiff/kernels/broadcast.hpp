// SPDX-License-Identifier: MIT
// broadcast.hpp: the elementwise binary kernels, forward and backward, over NumPy broadcasting.
// The output is walked in runs along its last dimension. Within a run each input either advances with the
// output (stride 1) or stays on one element (stride 0, a broadcast), so every run is one of four loops whose
// strides are compile-time constants: the compiler vectorises them, and a broadcast scalar is loaded once.
// In the backward, an input that stays on one element receives the SUM of the run's terms, computed in
// partial sums (kernels/partial_sum.hpp: vectorisable, in a fixed order) and added once, instead of one
// read-modify-write of the same memory per element, whose store-to-load latency made bias and scalar
// gradients the slowest loops of a step.
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "tapegrad/autodiff/core/shape.hpp"
#include "tapegrad/autodiff/kernels/partial_sum.hpp"
#include "tapegrad/autodiff/kernels/simd_clones.hpp"
#include "tapegrad/autodiff/kernels/strided.hpp"

namespace tapegrad::detail {

template <std::int64_t S>
using Stride = std::integral_constant<std::int64_t, S>;

/// Calls f(Stride<sa>{}, Stride<sb>{}) with the run's strides (each 0 or 1) as compile-time constants.
template <class F>
void with_strides(std::int64_t sa, std::int64_t sb, F&& f) {
  if (sa != 0) {
    if (sb != 0)
      f(Stride<1>{}, Stride<1>{});
    else
      f(Stride<1>{}, Stride<0>{});
  } else {
    if (sb != 0)
      f(Stride<0>{}, Stride<1>{});
    else
      f(Stride<0>{}, Stride<0>{});
  }
}

/// One run of the forward: ry[j] = Op::forward(ra[j * SA], rb[j * SB]).
template <class Op, class T, std::int64_t SA, std::int64_t SB>
[[gnu::always_inline]] inline void forward_run(std::int64_t len, const T* __restrict ra,
                                               const T* __restrict rb, T* __restrict ry) {
  for (std::int64_t j = 0; j < len; ++j) ry[j] = Op::forward(ra[j * SA], rb[j * SB]);
}

/// forward_run as the loop of run_widest, for long runs (simd_clones.hpp).
template <class Op, class T, std::int64_t SA, std::int64_t SB>
struct ForwardRun {
  TAPEGRAD_INLINE static void run(std::int64_t len, const T* ra, const T* rb, T* ry) {
    forward_run<Op, T, SA, SB>(len, ra, rb, ry);
  }
};

/// y = Op::forward(a, b) with broadcasting; y has the broadcast shape `out`.
template <class Op, class T>
void broadcast_forward(const Shape& out, const Shape& sa_shape, const Shape& sb_shape, const T* a, const T* b,
                       T* y) {
  for_each_broadcast_run(out, sa_shape, sb_shape,
                         [&](std::int64_t o, std::int64_t ia, std::int64_t ib, std::int64_t sa,
                             std::int64_t sb, std::int64_t len) {
                           with_strides(sa, sb, [&](auto csa, auto csb) {
                             constexpr std::int64_t kSa = decltype(csa)::value, kSb = decltype(csb)::value;
                             if (TAPEGRAD_HAS_SIMD_CLONES && len >= kSimdCloneMinLength)
                               run_widest<ForwardRun<Op, T, kSa, kSb>>(len, a + ia, b + ib, y + o);
                             else
                               forward_run<Op, T, kSa, kSb>(len, a + ia, b + ib, y + o);
                           });
                         });
}

/// One input's share of a run: dst[j] += term(j) (stride 1), or *dst += the run's sum (stride 0, the input
/// was broadcast); with `assign`, dst = 0 + term: the value adding to a zero-filled buffer gives (-0 -> +0).
template <std::int64_t kStride, class T, class Term>
[[gnu::always_inline]] inline void add_or_store(T* __restrict dst, std::int64_t len, bool assign,
                                                const Term& term) {
  if constexpr (kStride == 1) {
    if (assign)
      for (std::int64_t j = 0; j < len; ++j) dst[j] = T{0} + term(j);
    else
      for (std::int64_t j = 0; j < len; ++j) dst[j] += term(j);
  } else {
    const T sum = sum_terms<T>(len, term);
    *dst = (assign ? T{0} : *dst) + sum;
  }
}

/// One run of the backward: ga's and gb's shares (either may be null) of the terms d/da and d/db.
template <class Op, class T, std::int64_t SA, std::int64_t SB>
[[gnu::always_inline]] inline void backward_run(std::int64_t len, const T* __restrict ra,
                                                const T* __restrict rb, const T* __restrict ry,
                                                const T* __restrict rg, T* ga, T* gb, bool assign_a,
                                                bool assign_b) {
  const auto term_a = [&](std::int64_t j) { return Op::grad_a(ra[j * SA], rb[j * SB], ry[j], rg[j]); };
  const auto term_b = [&](std::int64_t j) { return Op::grad_b(ra[j * SA], rb[j * SB], ry[j], rg[j]); };
  if (ga != nullptr) add_or_store<SA>(ga, len, assign_a, term_a);
  if (gb != nullptr) add_or_store<SB>(gb, len, assign_b, term_b);
}

/// backward_run as the loop of run_widest, for long runs (simd_clones.hpp).
template <class Op, class T, std::int64_t SA, std::int64_t SB>
struct BackwardRun {
  TAPEGRAD_INLINE static void run(std::int64_t len, const T* ra, const T* rb, const T* ry, const T* rg, T* ga,
                                  T* gb, bool assign_a, bool assign_b) {
    backward_run<Op, T, SA, SB>(len, ra, rb, ry, rg, ga, gb, assign_a, assign_b);
  }
};

/// ga += d/da and gb += d/db (either may be null: no gradient wanted), each summed back over the dimensions
/// along which its input was broadcast. With assign_a (assign_b), ga (gb) is stored instead of added to:
/// only for an input of the output's shape, whose gradient elements each receive exactly one term. ga is
/// written before gb in every run, so gb may be the same buffer as an assigned ga (x * x).
template <class Op, class T>
void broadcast_backward(const Shape& out, const Shape& sa_shape, const Shape& sb_shape, const T* a,
                        const T* b, const T* y, const T* g, T* ga, T* gb, bool assign_a = false,
                        bool assign_b = false) {
  for_each_broadcast_run(out, sa_shape, sb_shape,
                         [&](std::int64_t o, std::int64_t ia, std::int64_t ib, std::int64_t sa,
                             std::int64_t sb, std::int64_t len) {
                           T* const run_ga = ga != nullptr ? ga + ia : nullptr;
                           T* const run_gb = gb != nullptr ? gb + ib : nullptr;
                           with_strides(sa, sb, [&](auto csa, auto csb) {
                             constexpr std::int64_t kSa = decltype(csa)::value, kSb = decltype(csb)::value;
                             if (TAPEGRAD_HAS_SIMD_CLONES && len >= kSimdCloneMinLength)
                               run_widest<BackwardRun<Op, T, kSa, kSb>>(len, a + ia, b + ib, y + o, g + o,
                                                                        run_ga, run_gb, assign_a, assign_b);
                             else
                               backward_run<Op, T, kSa, kSb>(len, a + ia, b + ib, y + o, g + o, run_ga,
                                                             run_gb, assign_a, assign_b);
                           });
                         });
}

}  // namespace tapegrad::detail
