// SPDX-License-Identifier: MIT
// special.hpp: special functions that <cmath> lacks but our derivatives need.
// tgamma'(x) = tgamma(x) * digamma(x) and lgamma'(x) = digamma(x); <cmath> has no digamma. Their second
// derivatives need trigamma, psi'(x).
#pragma once

#include <cmath>
#include <limits>
#include <numbers>

namespace tapegrad::detail {

/// The digamma function psi(x) = d/dx log|Gamma(x)|, to about 1e-15 absolute error for x > 0 (so the
/// relative error grows near psi's root x = 1.4616...).
/// Poles (x = 0, -1, -2, ...) give NaN, as tgamma's derivative is undefined there.
inline double digamma(double x) noexcept {
  if (std::isnan(x)) return x;
  if (x <= 0.0 && x == std::floor(x)) return std::numeric_limits<double>::quiet_NaN();
  double result = 0.0;
  if (x < 0.5) {
    // Reflection: psi(x) = psi(1 - x) - pi / tan(pi x), so the series below only sees x >= 0.5.
    result -= std::numbers::pi / std::tan(std::numbers::pi * x);
    x = 1.0 - x;
  }
  // Recurrence psi(x) = psi(x + 1) - 1/x lifts x to where the asymptotic series converges fast.
  while (x < 10.0) {
    result -= 1.0 / x;
    x += 1.0;
  }
  const double inv = 1.0 / x;
  const double inv2 = inv * inv;
  // Asymptotic series: ln x - 1/(2x) - sum B_2k / (2k x^2k), Bernoulli numbers B_2..B_12.
  const double series =
      inv2 * (1.0 / 12 -
              inv2 * (1.0 / 120 -
                      inv2 * (1.0 / 252 - inv2 * (1.0 / 240 - inv2 * (1.0 / 132 - inv2 * 691.0 / 32760)))));
  return result + std::log(x) - 0.5 * inv - series;
}

/// The trigamma function psi'(x) = d2/dx2 log|Gamma(x)|, to a few 1e-15 relative error for x > 0 (the
/// recurrence adds up to ten terms). Poles (x = 0, -1, -2, ...) give NaN.
inline double trigamma(double x) noexcept {
  if (std::isnan(x)) return x;
  if (x <= 0.0 && x == std::floor(x)) return std::numeric_limits<double>::quiet_NaN();
  double result = 0.0;
  if (x < 0.5) {
    // Reflection: psi'(1 - x) + psi'(x) = pi^2 / sin^2(pi x).
    const double s = std::sin(std::numbers::pi * x);
    result += std::numbers::pi * std::numbers::pi / (s * s);
    return result - trigamma(1.0 - x);
  }
  // Recurrence psi'(x) = psi'(x + 1) + 1/x^2.
  while (x < 10.0) {
    result += 1.0 / (x * x);
    x += 1.0;
  }
  const double inv = 1.0 / x;
  const double inv2 = inv * inv;
  // Asymptotic series: 1/x + 1/(2x^2) + sum B_2k / x^(2k+1), Bernoulli numbers B_2..B_12.
  const double series =
      inv2 *
      (1.0 / 6 -
       inv2 * (1.0 / 30 - inv2 * (1.0 / 42 - inv2 * (1.0 / 30 - inv2 * (5.0 / 66 - inv2 * 691.0 / 2730)))));
  return result + inv + 0.5 * inv2 + inv * series;
}

}  // namespace tapegrad::detail
