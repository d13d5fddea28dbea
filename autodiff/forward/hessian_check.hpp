// SPDX-License-Identifier: MIT
// hessian_check.hpp: compare the Hessian (forward-over-reverse) with central differences of the
// reverse-mode gradient, in float64: the second-order counterpart of gradcheck. The first derivatives it
// differentiates are gradcheck's own subject, so a pass here means the table's second-derivative column
// agrees with its first-derivative column.
#pragma once

#include <initializer_list>
#include <span>
#include <vector>

#include "tapegrad/autodiff/forward/drivers.hpp"
#include "tapegrad/autodiff/scalar/drivers.hpp"
#include "tapegrad/autodiff/scalar/gradcheck.hpp"

namespace tapegrad {

/// Checks hessian(f, point) against central differences of gradient(f, .) (GradcheckOptions' step and
/// tolerances; the result's rows are gradient components, its columns inputs). f is a template over
/// the scalar type (it is called with Vars and with Dual<Var>s) and returns a scalar.
/// Throws ShapeError on an empty point. Example:
///   auto r = hessian_check([](const auto& x) { return x[0] * exp(x[1]); }, {0.5, -1.0});
///   if (!r) std::puts(r.report().c_str());
template <class F>
GradcheckResult hessian_check(F&& f, std::span<const double> point, const GradcheckOptions& options = {}) {
  TAPEGRAD_CHECK(!point.empty(), ShapeError,
                 "hessian_check: expected at least one input, got an empty point");
  GradcheckResult result;
  result.outputs = point.size();
  result.inputs = point.size();
  result.analytic = hessian(f, point).hessian;
  return detail::compare_with_differences(
      std::move(result), point, options, [&f](std::span<const double> p) { return gradient(f, p).gradient; });
}
template <class F>
GradcheckResult hessian_check(F&& f, std::initializer_list<double> point,
                              const GradcheckOptions& options = {}) {
  return hessian_check(f, std::span<const double>(point.begin(), point.size()), options);
}

}  // namespace tapegrad
