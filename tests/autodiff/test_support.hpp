// SPDX-License-Identifier: MIT
// test_support.hpp: seeded sample points and small comparisons shared by the autodiff tests.
// Points come from an op's Domain (ops/domain.hpp) and stay at least kKinkMargin away from its kinks (and
// from the diagonal a == b for min/max-like ops), so a central difference, whose step is about 1e-6, never
// straddles one. Every generator is a std::mt19937_64 with a fixed seed, and doubles are built from its raw
// 64-bit draws rather than with std::uniform_real_distribution, whose algorithm differs between standard
// libraries: every platform checks the same points.
#pragma once

#include <doctest/doctest.h>

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "tapegrad/autodiff/autodiff.hpp"

namespace tapegrad::test {

/// How far a sample point stays from a kink, in absolute terms (Domain's contract).
inline constexpr double kKinkMargin = 1e-3;
/// The seed of every random choice in the tests, unless a test says otherwise.
inline constexpr std::uint64_t kSeed = 20240501;

inline std::mt19937_64 make_rng(std::uint64_t seed) {
  return std::mt19937_64{seed};
}

/// Uniform in [lo, hi): the top 53 bits of one draw, scaled (the same numbers with every standard library).
inline double uniform(std::mt19937_64& rng, double lo, double hi) {
  const double unit = static_cast<double>(rng() >> 11) * 0x1p-53;
  return lo + (hi - lo) * unit;
}

/// True when x lies within kKinkMargin of a multiple of d.kinks_every; never when kinks_every is 0.
inline bool near_kink(const ops::Domain& d, double x) {
  if (d.kinks_every == 0.0) return false;
  const double nearest = d.kinks_every * std::round(x / d.kinks_every);
  return std::fabs(x - nearest) < kKinkMargin;
}

namespace detail {
/// Draws until `count` tuples pass `accept`; throws (failing the calling test) if the domain leaves no room.
template <std::size_t N, class Draw, class Accept>
std::vector<std::array<double, N>> draw_until(std::size_t count, Draw draw, Accept accept) {
  std::vector<std::array<double, N>> out;
  for (std::size_t attempt = 0; out.size() < count; ++attempt) {
    if (attempt == 1000 * count) throw std::runtime_error("test_support: the domain is nothing but kinks");
    const std::array<double, N> p = draw();
    if (accept(p)) out.push_back(p);
  }
  return out;
}
}  // namespace detail

/// `count` points of `d`, away from its kinks.
inline std::vector<double> sample_points(const ops::Domain& d, std::size_t count,
                                         std::uint64_t seed = kSeed) {
  auto rng = make_rng(seed);
  const auto drawn = detail::draw_until<1>(
      count, [&] { return std::array<double, 1>{uniform(rng, d.lo, d.hi)}; },
      [&](const std::array<double, 1>& p) { return !near_kink(d, p[0]); });
  std::vector<double> points;
  for (const auto& p : drawn) points.push_back(p[0]);
  return points;
}

/// `count` points (a, b) of a binary op's domains, away from each domain's kinks and, when
/// Op::kink_on_diagonal (min, max, ...), away from a == b.
template <class Op>
std::vector<std::array<double, 2>> sample_pairs(std::size_t count, std::uint64_t seed = kSeed) {
  auto rng = make_rng(seed);
  return detail::draw_until<2>(
      count,
      [&] {
        const double a = uniform(rng, Op::domain_a.lo, Op::domain_a.hi);
        const double b = uniform(rng, Op::domain_b.lo, Op::domain_b.hi);
        return std::array<double, 2>{a, b};
      },
      [](const std::array<double, 2>& p) {
        if (near_kink(Op::domain_a, p[0]) || near_kink(Op::domain_b, p[1])) return false;
        return !(Op::kink_on_diagonal && std::fabs(p[0] - p[1]) < kKinkMargin);
      });
}

/// `count` points (a, b, c) of a ternary op's domains, away from each domain's kinks.
template <class Op>
std::vector<std::array<double, 3>> sample_triples(std::size_t count, std::uint64_t seed = kSeed) {
  auto rng = make_rng(seed);
  return detail::draw_until<3>(
      count,
      [&] {
        const double a = uniform(rng, Op::domain_a.lo, Op::domain_a.hi);
        const double b = uniform(rng, Op::domain_b.lo, Op::domain_b.hi);
        const double c = uniform(rng, Op::domain_c.lo, Op::domain_c.hi);
        return std::array<double, 3>{a, b, c};
      },
      [](const std::array<double, 3>& p) {
        return !near_kink(Op::domain_a, p[0]) && !near_kink(Op::domain_b, p[1]) &&
               !near_kink(Op::domain_c, p[2]);
      });
}

/// Exactly the same double: both NaN, or equal with the same sign (so -0.0 and 0.0 differ).
inline bool same_value(double a, double b) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
  return a == b && std::signbit(a) == std::signbit(b);
}

/// |actual - expected| <= rel * max(|actual|, |expected|): purely relative, and true for equal values (zeros
/// too), unlike doctest::Approx, which adds an absolute term of epsilon.
inline bool close(double actual, double expected, double rel) {
  if (actual == expected) return true;
  return std::fabs(actual - expected) <= rel * std::fmax(std::fabs(actual), std::fabs(expected));
}

}  // namespace tapegrad::test

/// CHECKs that a gradcheck passed; on failure doctest prints its report (worst component, errors).
#define TAPEGRAD_CHECK_GRADCHECK(...)                                   \
  do {                                                                  \
    const ::tapegrad::GradcheckResult tapegrad_result_ = (__VA_ARGS__); \
    const std::string gradcheck_report = tapegrad_result_.report();     \
    CAPTURE(gradcheck_report);                                          \
    CHECK(tapegrad_result_.passed);                                     \
  } while (false)
