// SPDX-License-Identifier: MIT
// gradcheck.hpp: compare reverse-mode derivatives with central finite differences, in float64.
// For users who want to trust a gradient of their own code, and for our tests, which run it over
// every op of the derivatives table. Central differences have error O(h^2) from truncation and
// O(eps/h) from rounding; h = 1e-6 * max(1, |x|) balances the two for well-scaled double functions.
#pragma once

#include <cstddef>
#include <functional>
#include <initializer_list>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

#include "tapegrad/autodiff/scalar/drivers.hpp"
#include "tapegrad/autodiff/scalar/expression.hpp"
#include "tapegrad/autodiff/scalar/var.hpp"

namespace tapegrad {

struct GradcheckOptions {
  double step = 1e-6;  // finite-difference step, relative: h_j = step * max(1, |x_j|)
  double atol = 1e-5;  // a component passes when |analytic - numeric| <= atol + rtol * |numeric|
  double rtol = 1e-3;  // (PyTorch's gradcheck defaults)
};

struct GradcheckResult {
  bool passed = false;
  double max_abs_error = 0.0;  // max |analytic - numeric| over all components
  double max_rel_error = 0.0;  // max |analytic - numeric| / max(|analytic|, |numeric|)
  std::size_t outputs = 0, inputs = 0;
  std::size_t worst_output = 0, worst_input = 0;  // component furthest outside (or least inside) tolerance
  double worst_analytic = 0.0, worst_numeric = 0.0;
  std::vector<double> analytic, numeric;  // row-major Jacobians, rows = outputs
  /// One readable paragraph: verdict, sizes, errors, and the worst component.
  std::string report() const;
  explicit operator bool() const noexcept { return passed; }
};

namespace detail {
/// Fills result.numeric by central differences using `values_at(point) -> std::vector<double>`, then
/// compares it with result.analytic.
GradcheckResult compare_with_differences(
    GradcheckResult result, std::span<const double> point, const GradcheckOptions& options,
    const std::function<std::vector<double>(std::span<const double>)>& values_at);

template <class F>
constexpr bool returns_scalar = Expression<std::invoke_result_t<F&, const std::vector<Var>&>>;

/// f's outputs at `point` as doubles, recorded on a scratch tape that is thrown away.
template <class F>
std::vector<double> values_at(F& f, std::span<const double> point) {
  Tape scratch;
  const std::vector<Var> x = make_inputs(point);
  if constexpr (returns_scalar<F>) {
    return {value(call_with_vars(f, x))};
  } else {
    std::vector<double> out;
    for (const auto& y : call_with_vars(f, x)) out.push_back(value(y));
    return out;
  }
}
}  // namespace detail

/// Checks the reverse-mode gradient (f returns a Var or expression) or Jacobian (f returns a
/// std::vector<Var>) of f at `point` against central differences. f takes `const std::vector<Var>&`.
/// Throws ShapeError on an empty point. Example:
///   auto r = gradcheck([](const auto& x) { return x[0] * exp(x[1]); }, {0.5, -1.0});
///   if (!r) std::puts(r.report().c_str());
template <class F>
GradcheckResult gradcheck(F&& f, std::span<const double> point, const GradcheckOptions& options = {}) {
  TAPEGRAD_CHECK(!point.empty(), ShapeError, "gradcheck: expected at least one input, got an empty point");
  GradcheckResult result;
  if constexpr (detail::returns_scalar<F>) {
    GradientResult g = gradient(f, point);
    result.outputs = 1;
    result.analytic = std::move(g.gradient);
  } else {
    JacobianResult j = jacobian(f, point);
    result.outputs = j.rows;
    result.analytic = std::move(j.jacobian);
  }
  result.inputs = point.size();
  return detail::compare_with_differences(
      std::move(result), point, options, [&f](std::span<const double> p) { return detail::values_at(f, p); });
}
template <class F>
GradcheckResult gradcheck(F&& f, std::initializer_list<double> point, const GradcheckOptions& options = {}) {
  return gradcheck(f, std::span<const double>(point.begin(), point.size()), options);
}

}  // namespace tapegrad
