// SPDX-License-Identifier: MIT
// drivers.hpp: gradients and Jacobians in one call.
// Two forms: on Vars already recorded (`gradient(y, {x1, x2})`), and functional: give a callable and a
// point, get the value and the gradient (or Jacobian) back. The functional drivers record on a private
// Tape, so they neither see nor disturb the caller's recording; its blocks come from a per-thread pool,
// so a loop of calls reuses the recording memory (only the small vectors of inputs, adjoints and the
// result are allocated per call).
#pragma once

#include <cstddef>
#include <initializer_list>
#include <span>
#include <type_traits>
#include <vector>

#include "tapegrad/autodiff/core/error.hpp"
#include "tapegrad/autodiff/scalar/expression.hpp"
#include "tapegrad/autodiff/scalar/var.hpp"
#include "tapegrad/autodiff/tape/tape.hpp"

namespace tapegrad {

/// Value and gradient of a scalar function at a point.
struct GradientResult {
  double value = 0.0;
  std::vector<double> gradient;  // d value / d point[i]
};

/// Values and Jacobian of a vector function at a point; jacobian is row-major, rows = outputs.
struct JacobianResult {
  std::vector<double> value;
  std::vector<double> jacobian;
  std::size_t rows = 0;  // outputs
  std::size_t cols = 0;  // inputs
  /// d value[i] / d point[j]
  double operator()(std::size_t i, std::size_t j) const { return jacobian[i * cols + j]; }
};

/// dy/dx for each x in `inputs`, for a y already recorded. Resets the tape's adjoints first
/// (zero_grad), so the result does not depend on earlier backward() calls.
/// Example: `Var x = 1.0, y = 2.0; Var f = x * y; auto g = gradient(f, {x, y});  // {2, 1}`
std::vector<double> gradient(const Var& y, std::span<const Var> inputs);
inline std::vector<double> gradient(const Var& y, std::initializer_list<Var> inputs) {
  return gradient(y, std::span<const Var>(inputs.begin(), inputs.size()));
}

namespace detail {
/// Calls f with the inputs as a std::vector<Var>, which also converts to std::span<const Var>.
template <class F>
decltype(auto) call_with_vars(F& f, const std::vector<Var>& x) {
  return f(x);
}
std::vector<Var> make_inputs(std::span<const double> point);
void read_gradient(std::span<const Var> x, std::span<double> out);
}  // namespace detail

/// Value and gradient of f at `point`. f takes the inputs as `const std::vector<Var>&` (or a
/// std::span<const Var>, or a template parameter) and returns a Var or an expression.
/// Example: `auto [v, g] = gradient([](const auto& x) { return x[0] * sin(x[1]); }, {1.0, 2.0});`
template <class F>
GradientResult gradient(F&& f, std::span<const double> point) {
  Tape tape;
  const std::vector<Var> x = detail::make_inputs(point);
  const Var y = detail::call_with_vars(f, x);
  GradientResult result{y.value(), std::vector<double>(point.size(), 0.0)};
  if (y.is_recorded()) {
    y.backward();
    detail::read_gradient(x, result.gradient);
  }
  return result;
}
template <class F>
GradientResult gradient(F&& f, std::initializer_list<double> point) {
  return gradient(f, std::span<const double>(point.begin(), point.size()));
}

/// Values and Jacobian of a vector function: f returns a std::vector<Var> (or a range of Vars).
/// One recording, then one reverse sweep per output.
template <class F>
JacobianResult jacobian(F&& f, std::span<const double> point) {
  Tape tape;
  const std::vector<Var> x = detail::make_inputs(point);
  const auto outputs = detail::call_with_vars(f, x);
  JacobianResult result;
  result.rows = static_cast<std::size_t>(std::size(outputs));
  result.cols = point.size();
  result.jacobian.assign(result.rows * result.cols, 0.0);
  std::size_t row = 0;
  for (const auto& out : outputs) {
    const Var y = out;
    result.value.push_back(y.value());
    if (y.is_recorded()) {
      tape.zero_grad();
      y.backward();
      detail::read_gradient(x, std::span<double>(result.jacobian).subspan(row * result.cols, result.cols));
    }
    ++row;
  }
  return result;
}
template <class F>
JacobianResult jacobian(F&& f, std::initializer_list<double> point) {
  return jacobian(f, std::span<const double>(point.begin(), point.size()));
}

}  // namespace tapegrad
