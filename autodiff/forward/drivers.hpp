// SPDX-License-Identifier: MIT
// drivers.hpp: forward-mode and second-order derivatives in one call.
// jvp and forward_jacobian run f on Dual<double>; hvp and hessian run it on Dual<Var> (forward-over-
// reverse: one recording and one reverse sweep per direction) on a private Tape, so they neither see nor
// disturb the caller's recording. f is a template (a generic lambda): it takes the inputs as
// `const std::vector<T>&` for the T each driver chooses, as gradient() calls it with Vars.
#pragma once

#include <algorithm>
#include <cstddef>
#include <initializer_list>
#include <span>
#include <type_traits>
#include <vector>

#include "tapegrad/autodiff/core/error.hpp"
#include "tapegrad/autodiff/forward/dual.hpp"
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

/// Records f at `point` in direction `direction` on the active tape and sweeps back from the output's
/// tangent; writes the gradient and H v. Returns f's value.
template <class F>
double hvp_on_active_tape(F& f, std::span<const double> point, std::span<const double> direction,
                          std::vector<Dual<Var>>& x, std::span<double> gradient, std::span<double> hv) {
  const std::size_t n = point.size();
  x.clear();
  for (std::size_t i = 0; i < n; ++i) x.emplace_back(Var(point[i]), Var(direction[i]));
  const Dual<Var> y = call_with_duals(f, x);
  std::fill(gradient.begin(), gradient.end(), 0.0);
  std::fill(hv.begin(), hv.end(), 0.0);
  if (y.tangent().is_recorded()) {
    y.tangent().backward();
    for (std::size_t i = 0; i < n; ++i) {
      hv[i] = x[i].value().grad();
      gradient[i] = x[i].tangent().grad();
    }
  }
  return y.value().value();
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

/// Value, gradient and Hessian-vector product of a scalar f (returning a Dual<Var>) at `point`:
/// forward-over-reverse, one recording and one reverse sweep, about twice a gradient's tape.
/// Throws ShapeError when v and point differ in size.
/// Example: `auto r = hvp([](const auto& x) { return x[0] * x[0] * x[1]; }, {1.0, 2.0}, {1.0, 0.0});`
template <class F>
HvpResult hvp(F&& f, std::span<const double> point, std::span<const double> v) {
  detail::check_same_size("hvp", point.size(), v.size());
  Tape tape;
  std::vector<Dual<Var>> x;
  x.reserve(point.size());
  HvpResult result{0.0, std::vector<double>(point.size()), std::vector<double>(point.size())};
  result.value = detail::hvp_on_active_tape(f, point, v, x, result.gradient, result.hvp);
  return result;
}
template <class F>
HvpResult hvp(F&& f, std::initializer_list<double> point, std::initializer_list<double> v) {
  return hvp(f, std::span<const double>(point.begin(), point.size()),
             std::span<const double>(v.begin(), v.size()));
}

/// Value, gradient and dense Hessian of a scalar f at `point`: one hvp per column (n recordings on one
/// private Tape, cleared between them, so its memory is reused).
template <class F>
HessianResult hessian(F&& f, std::span<const double> point) {
  const std::size_t n = point.size();
  HessianResult result;
  result.n = n;
  result.gradient.assign(n, 0.0);
  result.hessian.assign(n * n, 0.0);
  Tape tape;
  std::vector<Dual<Var>> x;
  x.reserve(n);
  std::vector<double> direction(n, 0.0), column(n), gradient(n);
  if (n == 0) result.value = detail::hvp_on_active_tape(f, point, direction, x, gradient, column);
  for (std::size_t j = 0; j < n; ++j) {
    tape.clear();
    direction[j] = 1.0;
    result.value = detail::hvp_on_active_tape(f, point, direction, x, result.gradient, column);
    direction[j] = 0.0;
    for (std::size_t i = 0; i < n; ++i) result.hessian[i * n + j] = column[i];
  }
  return result;
}
template <class F>
HessianResult hessian(F&& f, std::initializer_list<double> point) {
  return hessian(f, std::span<const double>(point.begin(), point.size()));
}

}  // namespace tapegrad
