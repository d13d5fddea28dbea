// SPDX-License-Identifier: MIT
// ceres_misra1a.cpp: Ceres Solver's Levenberg-Marquardt fits NIST's Misra1a problem (StRD nonlinear
// regression, y = b1 (1 - exp(-b2 x)), 14 observations of a dental research adsorption study) on
// Jacobians from tapegrad (tapegrad::ceres), from both of NIST's starting points, and reports how many
// significant digits of the certified parameters and residual sum of squares it reaches. The same residual
// functor then runs through Ceres's own AutoDiffCostFunction (forward-mode Jets), for comparison. Exits 0
// only if tapegrad's fits agree with the certified values to 8 significant digits or more.
#include <ceres/ceres.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <tapegrad/solvers/ceres/cost_function.hpp>
#include <vector>

#include "nist_strd.hpp"

namespace {

namespace ex = tapegrad::examples;

struct Fit {
  std::vector<double> b;
  double rss = 0.0;
  int iterations = 0;
  double min_digits = 15.0;
};

/// Least squares from `start`, one residual block per observation; `tapegrad_jacobians` picks the adapter.
Fit fit(const ex::NistProblem& p, const std::vector<double>& start, bool tapegrad_jacobians) {
  std::vector<double> b = start;
  ceres::Problem problem;
  for (std::size_t i = 0; i < p.x.size(); ++i) {
    const ex::Misra1aResidual residual{p.x[i], p.y[i]};
    ceres::CostFunction* cost =
        tapegrad_jacobians
            ? static_cast<ceres::CostFunction*>(
                  new tapegrad::solvers::CostFunction<ex::Misra1aResidual, 1, 2>(residual))
            : new ceres::AutoDiffCostFunction<ex::Misra1aResidual, 1, 2>(new ex::Misra1aResidual(residual));
    problem.AddResidualBlock(cost, nullptr, b.data());
  }
  ceres::Solver::Options options;
  options.linear_solver_type = ceres::DENSE_QR;
  options.max_num_iterations = 1000;
  options.function_tolerance = 1e-16;  // as tight as double allows: NIST's digits are the test
  options.parameter_tolerance = 1e-16;
  options.gradient_tolerance = 1e-20;
  ceres::Solver::Summary summary;
  ceres::Solve(options, &problem, &summary);
  Fit f;
  f.b = b;
  f.rss = 2.0 * summary.final_cost;  // Ceres's cost is half the sum of squares
  f.iterations = static_cast<int>(summary.iterations.size()) - 1;
  for (std::size_t j = 0; j < b.size(); ++j)
    f.min_digits = std::min(f.min_digits, ex::log_relative_error(b[j], p.certified[j]));
  f.min_digits = std::min(f.min_digits, ex::log_relative_error(f.rss, p.certified_rss));
  return f;
}

void report(const char* label, const Fit& f, const ex::NistProblem& p) {
  std::printf(
      "  %-34s b1 = %.10e (%4.1f digits)  b2 = %.10e (%4.1f digits)  RSS = %.10e (%4.1f digits)  %2d "
      "iterations\n",
      label, f.b[0], ex::log_relative_error(f.b[0], p.certified[0]), f.b[1],
      ex::log_relative_error(f.b[1], p.certified[1]), f.rss, ex::log_relative_error(f.rss, p.certified_rss),
      f.iterations);
}

}  // namespace

int main(int argc, char** argv) {
  std::filesystem::path data = std::filesystem::path(TAPEGRAD_EXAMPLES_DATA_DIR) / "Misra1a.dat";
  CLI::App app{"Ceres Levenberg-Marquardt on NIST StRD Misra1a, Jacobians by tapegrad"};
  app.add_option("--data", data, "the NIST StRD file")->check(CLI::ExistingFile);
  CLI11_PARSE(app, argc, argv);

  const ex::NistProblem p = ex::read_nist_strd(data);
  std::printf("NIST StRD Misra1a, %zu observations, y = b1 (1 - exp(-b2 x))\n", p.x.size());
  std::printf("  %-34s b1 = %.10e                b2 = %.10e                RSS = %.10e\n", "certified",
              p.certified[0], p.certified[1], p.certified_rss);
  bool ok = true;
  for (int s = 0; s < 2; ++s) {
    const std::vector<double>& start = s == 0 ? p.start1 : p.start2;
    std::printf("from start %d (b1 = %g, b2 = %g):\n", s + 1, start[0], start[1]);
    const Fit ours = fit(p, start, true);
    const Fit jets = fit(p, start, false);
    report("tapegrad::solvers::CostFunction", ours, p);
    report("ceres::AutoDiffCostFunction", jets, p);
    ok = ok && ours.min_digits >= 8.0;
  }
  std::printf("%s\n", ok ? "certified values reached (8 significant digits or more)"
                         : "FAILED: certified values not reached");
  return ok ? 0 : 1;
}
