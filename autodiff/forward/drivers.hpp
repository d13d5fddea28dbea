// SPDX-License-Identifier: MIT
// drivers.hpp: forward-mode and second-order derivatives in one call.
// jvp and forward_jacobian run f on Dual<double>; hvp and hessian run it on SecondOrderVar<L>
// (forward-over-reverse on the second-order tape: one recording and one reverse sweep per L directions)
// on a private SecondOrderTape, so they neither see nor disturb the caller's recording. f is a template (a
// generic lambda): it takes the inputs as `const std::vector<T>&` for the T each driver chooses, as
// gradient() calls it with Vars.
#pragma once

#include <algorithm>
#include <cstddef>
#include <initializer_list>
#include <span>
#include <type_traits>
#include <vector>

#include "tapegrad/autodiff/core/error.hpp"
#include "tapegrad/autodiff/forward/dual.hpp"
#include "tapegrad/autodiff/forward/second_order_tape.hpp"
#include "tapegrad/autodiff/forward/second_order_var.hpp"
#include "tapegrad/autodiff/scalar/drivers.hpp"
#include "tapegrad/autodiff/scalar/var.hpp"
#include "tapegrad/autodiff/tape/tape.hpp"

namespace tapegrad {

/// Values of f and its Jacobian times a direction.
struct JvpResult {
  std::vector<double> value;    // f(point), one entry per output (one for a scalar f)
  std::vector<double> tangent;  // J(point) v
};

/// Value, gradient and Hessian-vector product of a scalar function.
struct HvpResult {
  double value = 0.0;
  std::vector<double> gradient;  // d f / d point[i]
  std::vector<double> hvp;       // (H v)[i] = sum_j d2 f / d point[i] d point[j] * v[j]
};

/// Value, gradient and dense Hessian (row-major, n x n) of a scalar function.
struct HessianResult {
  double value = 0.0;
  std::vector<double> gradient;
  std::vector<double> hessian;
  std::size_t n = 0;
  /// d2 f / d point[i] d point[j]
  double operator()(std::size_t i, std::size_t j) const { return hessian[i * n + j]; }
};

namespace detail {
/// Calls f with Duals; a Dual result is one output, anything else is a range of outputs.
template <class D, class F>
decltype(auto) call_with_duals(F& f, const std::vector<D>& x) {
  return f(x);
}

inline void check_same_size(std::string_view op, std::size_t point, std::size_t direction) {
  TAPEGRAD_CHECK(point == direction, ShapeError, op, ": the direction has ", direction,
                 " entries but the point has ", point);
}

/// Records f on the active SecondOrderTape<L> at `point`, the inputs' tangents in lane l being column
/// `first + l` of the identity (or `direction` when not null, L = 1), and sweeps back from the output once.
/// Writes the gradient and, per lane, H e_(first + l) (or H v) through `column(l, i, value)`. Returns f.
template <std::size_t L, class F, class Column>
double second_order_sweep(F& f, std::span<const double> point, const double* direction, std::size_t first,
                          std::vector<SecondOrderVar<L>>& x, std::span<double> gradient, Column&& column) {
  const std::size_t n = point.size();
  x.clear();
  for (std::size_t i = 0; i < n; ++i) {
    std::array<double, L> t{};
    if (direction != nullptr)
      t[0] = direction[i];
    else if (i >= first && i < first + L)
      t[i - first] = 1.0;
    x.emplace_back(point[i], t);
  }
  const SecondOrderVar<L> y = call_with_duals(f, x);
  const bool recorded = y.is_recorded();
  if (recorded) y.backward();
  for (std::size_t i = 0; i < n; ++i) {
    gradient[i] = recorded ? x[i].grad() : 0.0;
    for (std::size_t l = 0; l < L; ++l) column(l, i, recorded ? x[i].grad_tangent(l) : 0.0);
  }
  return y.value();
}
}  // namespace detail

/// f(point) and J(point) v in one forward pass. f returns a Dual<double> or a std::vector of them.
/// Throws ShapeError when v and point differ in size.
/// Example: `auto r = jvp([](const auto& x) { return x[0] * sin(x[1]); }, {1.0, 2.0}, {1.0, 0.0});`
template <class F>
JvpResult jvp(F&& f, std::span<const double> point, std::span<const double> v) {
  detail::check_same_size("jvp", point.size(), v.size());
  std::vector<Dual<double>> x;
  x.reserve(point.size());
  for (std::size_t i = 0; i < point.size(); ++i) x.emplace_back(point[i], v[i]);
  const auto out = detail::call_with_duals(f, x);
  JvpResult result;
  if constexpr (DualNumber<decltype(out)>) {
    result.value.push_back(out.value());
    result.tangent.push_back(out.tangent());
  } else {
    for (const Dual<double>& y : out) {
      result.value.push_back(y.value());
      result.tangent.push_back(y.tangent());
    }
  }
  return result;
}
template <class F>
JvpResult jvp(F&& f, std::initializer_list<double> point, std::initializer_list<double> v) {
  return jvp(f, std::span<const double>(point.begin(), point.size()),
             std::span<const double>(v.begin(), v.size()));
}

/// Values and Jacobian of f by forward mode: ceil(n / Lanes) passes of Dual<double, Lanes>, each pushing
/// Lanes unit directions. Cheaper than the reverse jacobian() when inputs are few and outputs many.
/// f returns a Dual or a std::vector of Duals.
template <std::size_t Lanes = 4, class F>
JacobianResult forward_jacobian(F&& f, std::span<const double> point) {
  using D = Dual<double, Lanes>;
  const std::size_t n = point.size();
  JacobianResult result;
  result.cols = n;
  std::vector<D> x(n);
  for (std::size_t first = 0; first < n || (n == 0 && first == 0); first += Lanes) {
    for (std::size_t i = 0; i < n; ++i) {
      std::array<double, Lanes> t{};
      if (i >= first && i < first + Lanes) t[i - first] = 1.0;
      x[i] = D(point[i], t);
    }
    const auto out = detail::call_with_duals(f, x);
    const auto store = [&](std::size_t row, const D& y) {
      if (first == 0) {
        result.value.push_back(y.value());
        result.jacobian.resize(result.jacobian.size() + n, 0.0);
      }
      for (std::size_t lane = 0; lane < Lanes && first + lane < n; ++lane)
        result.jacobian[row * n + first + lane] = y.tangent(lane);
    };
    if constexpr (DualNumber<decltype(out)>) {
      store(0, out);
    } else {
      std::size_t row = 0;
      for (const D& y : out) store(row++, y);
    }
    if (n == 0) break;
  }
  result.rows = result.value.size();
  return result;
}
template <std::size_t Lanes = 4, class F>
JacobianResult forward_jacobian(F&& f, std::initializer_list<double> point) {
  return forward_jacobian<Lanes>(f, std::span<const double>(point.begin(), point.size()));
}

/// Value, gradient and Hessian-vector product of a scalar f at `point`: forward-over-reverse on the
/// second-order tape (SecondOrderVar<1>: one statement per right-hand side, one reverse sweep of
/// adjoints and adjoint tangents). f is called with `const std::vector<SecondOrderVar<1>>&`.
/// Throws ShapeError when v and point differ in size.
/// Example: `auto r = hvp([](const auto& x) { return x[0] * x[0] * x[1]; }, {1.0, 2.0}, {1.0, 0.0});`
template <class F>
HvpResult hvp(F&& f, std::span<const double> point, std::span<const double> v) {
  detail::check_same_size("hvp", point.size(), v.size());
  SecondOrderTape<1> tape;
  std::vector<SecondOrderVar<1>> x;
  x.reserve(point.size());
  HvpResult result{0.0, std::vector<double>(point.size()), std::vector<double>(point.size())};
  static constexpr double kNone = 0.0;  // a direction pointer for an empty point
  result.value =
      detail::second_order_sweep<1>(f, point, v.empty() ? &kNone : v.data(), 0, x, result.gradient,
                                    [&](std::size_t, std::size_t i, double h) { result.hvp[i] = h; });
  return result;
}
template <class F>
HvpResult hvp(F&& f, std::initializer_list<double> point, std::initializer_list<double> v) {
  return hvp(f, std::span<const double>(point.begin(), point.size()),
             std::span<const double>(v.begin(), v.size()));
}

/// Value, gradient and dense Hessian of a scalar f at `point`: ceil(n / Lanes) recordings on one private
/// SecondOrderTape<Lanes>, each with Lanes unit directions as the inputs' tangents and one sweep that
/// yields Lanes columns. f is called with `const std::vector<SecondOrderVar<Lanes>>&`.
template <std::size_t Lanes = 8, class F>
HessianResult hessian(F&& f, std::span<const double> point) {
  const std::size_t n = point.size();
  HessianResult result;
  result.n = n;
  result.gradient.assign(n, 0.0);
  result.hessian.assign(n * n, 0.0);
  SecondOrderTape<Lanes> tape;
  std::vector<SecondOrderVar<Lanes>> x;
  x.reserve(n);
  for (std::size_t first = 0; first < n || (n == 0 && first == 0); first += Lanes) {
    tape.clear();
    result.value = detail::second_order_sweep<Lanes>(f, point, nullptr, first, x, result.gradient,
                                                     [&](std::size_t lane, std::size_t i, double h) {
                                                       if (first + lane < n)
                                                         result.hessian[i * n + first + lane] = h;
                                                     });
    if (n == 0) break;
  }
  return result;
}
template <std::size_t Lanes = 8, class F>
HessianResult hessian(F&& f, std::initializer_list<double> point) {
  return hessian<Lanes>(f, std::span<const double>(point.begin(), point.size()));
}

}  // namespace tapegrad
