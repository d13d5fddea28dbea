// SPDX-License-Identifier: MIT
// ceres_test.cpp: tapegrad::ceres. The cost function's Jacobian must equal the one Ceres's own
// AutoDiffCostFunction computes from the same functor (independent forward-mode Jets), Levenberg-Marquardt
// must reach NIST's certified Misra1a parameters on it, and the FirstOrderFunction must drive Ceres's
// line-search solver to a known minimum.
#include <ceres/ceres.h>
#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <vector>

#include "nist_strd.hpp"
#include "tapegrad/solvers/ceres/cost_function.hpp"

namespace {

namespace ex = tapegrad::examples;

/// Two parameter blocks (sizes 2 and 3), three residuals, with a Var read twice and a constant residual.
struct TwoBlocks {
  template <class T>
  bool operator()(const T* a, const T* b, T* r) const {
    using std::sin;
    r[0] = a[0] * b[0] + sin(a[1] * b[2]);
    r[1] = a[0] * a[0] - b[1] / b[2];
    r[2] = T(4.0) * 0.5;  // depends on nothing
    return true;
  }
};

/// Evaluates `cost` at (a, b) with every Jacobian requested.
std::vector<std::vector<double>> jacobians_of(const ceres::CostFunction& cost,
                                              const std::vector<const double*>& params,
                                              std::vector<double>& residuals) {
  std::vector<std::vector<double>> j;
  for (const int size : cost.parameter_block_sizes())
    j.emplace_back(static_cast<std::size_t>(size * cost.num_residuals()), -7.0);
  std::vector<double*> pointers;
  for (auto& block : j) pointers.push_back(block.data());
  residuals.assign(static_cast<std::size_t>(cost.num_residuals()), 0.0);
  REQUIRE(cost.Evaluate(params.data(), residuals.data(), pointers.data()));
  return j;
}

/// The 2-D Rosenbrock function, as Ceres's AutoDiffFirstOrderFunction takes it.
struct Rosenbrock {
  template <class T>
  bool operator()(const T* x, T* cost) const {
    cost[0] = 100.0 * (x[1] - x[0] * x[0]) * (x[1] - x[0] * x[0]) + (1.0 - x[0]) * (1.0 - x[0]);
    return true;
  }
};

const std::filesystem::path kMisra1a = std::filesystem::path(TAPEGRAD_EXAMPLES_DATA_DIR) / "Misra1a.dat";

}  // namespace

TEST_CASE("ceres: CostFunction's Jacobians equal Ceres's AutoDiffCostFunction's, for several blocks") {
  const std::vector<double> a = {0.7, -1.3}, b = {2.0, 0.4, 1.5};
  const std::vector<const double*> params = {a.data(), b.data()};
  const tapegrad::solvers::CostFunction<TwoBlocks, 3, 2, 3> ours(TwoBlocks{});
  const ceres::AutoDiffCostFunction<TwoBlocks, 3, 2, 3> jets(new TwoBlocks);
  std::vector<double> r_ours, r_jets;
  const auto j_ours = jacobians_of(ours, params, r_ours);
  const auto j_jets = jacobians_of(jets, params, r_jets);
  CHECK(r_ours == r_jets);
  for (std::size_t blk = 0; blk < 2; ++blk)
    for (std::size_t k = 0; k < j_ours[blk].size(); ++k) {
      CAPTURE(blk);
      CAPTURE(k);
      CHECK(j_ours[blk][k] == doctest::Approx(j_jets[blk][k]).epsilon(1e-15));
    }
  // Residuals only, and one block's Jacobian only.
  std::vector<double> r(3);
  CHECK(ours.Evaluate(params.data(), r.data(), nullptr));
  CHECK(r == r_jets);
  std::vector<double> jb(9, -7.0);
  double* only_b[] = {nullptr, jb.data()};
  CHECK(ours.Evaluate(params.data(), r.data(), only_b));
  CHECK(jb == j_ours[1]);
}

TEST_CASE("ceres: Levenberg-Marquardt on tapegrad Jacobians reaches NIST's certified Misra1a values") {
  const ex::NistProblem p = ex::read_nist_strd(kMisra1a);
  REQUIRE(p.x.size() == 14);
  REQUIRE(p.certified.size() == 2);
  for (const auto& start : {p.start1, p.start2}) {
    std::vector<double> b = start;
    ceres::Problem problem;
    for (std::size_t i = 0; i < p.x.size(); ++i)
      problem.AddResidualBlock(
          new tapegrad::solvers::CostFunction<ex::Misra1aResidual, 1, 2>(ex::Misra1aResidual{p.x[i], p.y[i]}),
          nullptr, b.data());
    ceres::Solver::Options options;
    options.linear_solver_type = ceres::DENSE_QR;
    options.max_num_iterations = 1000;
    options.function_tolerance = 1e-16;
    options.parameter_tolerance = 1e-16;
    options.gradient_tolerance = 1e-20;
    ceres::Solver::Summary summary;
    ceres::Solve(options, &problem, &summary);
    CAPTURE(summary.BriefReport());
    // NIST's yardstick: significant digits of agreement with the certified values.
    CHECK(ex::log_relative_error(b[0], p.certified[0]) >= 8.0);
    CHECK(ex::log_relative_error(b[1], p.certified[1]) >= 8.0);
    CHECK(ex::log_relative_error(2.0 * summary.final_cost, p.certified_rss) >= 8.0);
  }
}

TEST_CASE("ceres: FirstOrderFunction drives the line-search solver to Rosenbrock's minimum") {
  double x[2] = {-1.2, 1.0};
  ceres::GradientProblem problem(new tapegrad::solvers::FirstOrderFunction<Rosenbrock, 2>(Rosenbrock{}));
  ceres::GradientProblemSolver::Options options;
  options.function_tolerance = 1e-16;
  options.gradient_tolerance = 1e-14;
  ceres::GradientProblemSolver::Summary summary;
  ceres::Solve(options, problem, x, &summary);
  CAPTURE(summary.BriefReport());
  CHECK(x[0] == doctest::Approx(1.0).epsilon(1e-6));
  CHECK(x[1] == doctest::Approx(1.0).epsilon(1e-6));
  // and the gradient it hands Ceres is the hand-derived one
  const tapegrad::solvers::FirstOrderFunction<Rosenbrock, 2> f(Rosenbrock{});
  const double at[2] = {0.5, -0.25};
  double cost = 0.0, g[2] = {0.0, 0.0};
  CHECK(f.Evaluate(at, &cost, g));
  CHECK(g[0] == doctest::Approx(-400.0 * 0.5 * (-0.25 - 0.25) - 2.0 * 0.5).epsilon(1e-14));
  CHECK(g[1] == doctest::Approx(200.0 * (-0.25 - 0.25)).epsilon(1e-14));
}
