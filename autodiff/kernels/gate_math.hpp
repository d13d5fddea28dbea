// SPDX-License-Identifier: MIT
// gate_math.hpp: sigmoid and tanh for the fused gate loops of recurrent cells, written so loops vectorize.
// libm's expf and tanhf are scalar calls: in an LSTM step they cost more than the recurrent matrix product.
// In float the functions below are branch-free (range reduction and Cephes' polynomials, both sides of a
// branch computed and one selected), so a loop over them compiles to vector code; they agree with the
// float64 functions within a few float ulps (tests/autodiff/tensor/lstm_cell_test.cpp). In double they
// call <cmath> and the same formulas as the sigmoid and tanh rows, so a fused row in float64 computes what
// the composition of primitives computes.
#pragma once

#include <bit>
#include <cmath>
#include <cstdint>

namespace tapegrad::detail {

/// e^x in float, for x clamped to [-87.3, 88.3] (so 2^k stays a normal float): Cody-Waite reduction
/// x = k ln2 + r, |r| <= ln2 / 2, then Cephes expf's degree-7 polynomial for e^r (about 1 ulp).
[[gnu::always_inline]] inline float gate_exp(float x) noexcept {
  x = x < -87.3f ? -87.3f : (x > 88.3f ? 88.3f : x);
  // Adding 1.5 * 2^23 rounds to an integer, branch-free, and leaves that integer in the low mantissa bits,
  // so 2^k is built from bits without a float-to-int conversion (which a NaN would make undefined).
  constexpr float kRound = 12582912.0f;
  const float t = x * 1.44269504088896341f + kRound;
  const float k = t - kRound;
  const float r = (x - k * 0.693359375f) - k * -2.12194440e-4f;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = p * r * r + r + 1.0f;
  const std::uint32_t biased = std::bit_cast<std::uint32_t>(t) - std::bit_cast<std::uint32_t>(kRound) + 127u;
  const float two_k = std::bit_cast<float>(biased << 23);
  return p * two_k;
}

/// 1 / (1 + e^-x).
[[gnu::always_inline]] inline float gate_sigmoid(float x) noexcept {
  return 1.0f / (1.0f + gate_exp(-x));
}
[[gnu::always_inline]] inline double gate_sigmoid(double x) noexcept {
  if (x >= 0.0) return 1.0 / (1.0 + std::exp(-x));  // the sigmoid row's formula (ops/unary.hpp)
  const double e = std::exp(x);
  return e / (1.0 + e);
}

/// tanh: Cephes tanhf's odd polynomial for |x| < 0.625 (where 1 - 2 / (e^2|x| + 1) would cancel), that
/// formula above, the sign restored.
[[gnu::always_inline]] inline float gate_tanh(float x) noexcept {
  const float a = std::fabs(x);
  const float z = x * x;
  float p = -5.70498872745e-3f;
  p = p * z + 2.06390887954e-2f;
  p = p * z - 5.37397155531e-2f;
  p = p * z + 1.33314422036e-1f;
  p = p * z - 3.33332819422e-1f;
  const float small = p * z * x + x;
  const float large = 1.0f - 2.0f / (gate_exp(2.0f * a) + 1.0f);
  return a < 0.625f ? small : std::copysign(large, x);
}
[[gnu::always_inline]] inline double gate_tanh(double x) noexcept {
  return std::tanh(x);
}

}  // namespace tapegrad::detail
