// SPDX-License-Identifier: MIT
#include "tapegrad/autodiff/scalar/gradcheck.hpp"

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <limits>
#include <sstream>

namespace tapegrad {
namespace detail {

constexpr double kInf = std::numeric_limits<double>::infinity();

GradcheckResult compare_with_differences(
    GradcheckResult result, std::span<const double> point, const GradcheckOptions& options,
    const std::function<std::vector<double>(std::span<const double>)>& values_at) {
  const std::size_t m = result.outputs, n = result.inputs;
  result.numeric.assign(m * n, 0.0);
  std::vector<double> x(point.begin(), point.end());
  for (std::size_t j = 0; j < n; ++j) {
    const double h = options.step * std::max(1.0, std::fabs(point[j]));
    x[j] = point[j] + h;
    const std::vector<double> up = values_at(x);
    x[j] = point[j] - h;
    const std::vector<double> down = values_at(x);
    x[j] = point[j];
    TAPEGRAD_CHECK(up.size() == m && down.size() == m, ShapeError, "gradcheck: the function returned ", m,
                   " outputs at the point but ", up.size(), " and ", down.size(), " at perturbed points");
    // (up - down) / (2h) with the step actually represented in x, not the one we asked for.
    const double width = (point[j] + h) - (point[j] - h);
    for (std::size_t i = 0; i < m; ++i) result.numeric[i * n + j] = (up[i] - down[i]) / width;
  }

  result.passed = true;
  double worst_excess = -1.0;  // error / tolerance of the worst component; > 1 fails
  for (std::size_t i = 0; i < m; ++i) {
    for (std::size_t j = 0; j < n; ++j) {
      const double a = result.analytic[i * n + j], u = result.numeric[i * n + j];
      const double error = std::fabs(a - u);
      const double scale = std::max(std::fabs(a), std::fabs(u));
      const double tolerance = options.atol + options.rtol * std::fabs(u);
      const bool finite = std::isfinite(a) && std::isfinite(u);
      const double excess = finite ? error / tolerance : kInf;
      if (!finite || excess > 1.0) result.passed = false;
      result.max_abs_error = std::max(result.max_abs_error, finite ? error : kInf);
      if (scale > 0.0) result.max_rel_error = std::max(result.max_rel_error, finite ? error / scale : kInf);
      if (excess > worst_excess) {
        worst_excess = excess;
        result.worst_output = i;
        result.worst_input = j;
        result.worst_analytic = a;
        result.worst_numeric = u;
      }
    }
  }
  return result;
}

}  // namespace detail

std::string GradcheckResult::report() const {
  std::ostringstream os;
  os.precision(6);
  os << "gradcheck " << (passed ? "passed" : "FAILED") << ": " << outputs << " output(s) x " << inputs
     << " input(s), max abs error " << max_abs_error << ", max rel error " << max_rel_error
     << "; worst component d out[" << worst_output << "] / d x[" << worst_input << "]: analytic "
     << std::setprecision(12) << worst_analytic << ", numeric " << worst_numeric;
  return os.str();
}

}  // namespace tapegrad
