// SPDX-License-Identifier: MIT
// ceres_bench.cpp: tapegrad's Ceres cost function (reverse mode: one recording, one sweep per residual)
// against Ceres's AutoDiffCostFunction (forward mode: a Jet of N derivatives through every operation),
// the same functor in both, in one binary. Built when Ceres is found.
//   BM_Ceres_Misra1a_Evaluate_<Tapegrad|Jets>   residuals + Jacobians of Misra1a's 14 residual blocks (2
//   parameters) BM_Ceres_Misra1a_Solve_<Tapegrad|Jets>      the whole Levenberg-Marquardt fit from NIST's
//   start 1 BM_Ceres_Dense_Evaluate_<Tapegrad|Jets>/N   one residual block, 4 residuals over N parameters
//   (each
//                                               residual reads every parameter: r_k = sum_i log(1 + (k+1)
//                                               p_i^2) c_i)
// Each pair is checked to agree before it is timed (residuals and Jacobians within 1e-12).
#include <benchmark/benchmark.h>
#include <ceres/ceres.h>

#include <cmath>
#include <memory>
#include <vector>

#include "../examples/nist_strd.hpp"
#include "tapegrad/solvers/ceres/cost_function.hpp"

namespace tapegrad::bench {
namespace {

namespace ex = tapegrad::examples;

const ex::NistProblem& misra1a() {
  static const ex::NistProblem p = ex::read_nist_strd(TAPEGRAD_BENCH_MISRA1A);
  return p;
}

template <bool kTapegrad>
std::vector<std::unique_ptr<ceres::CostFunction>> misra1a_costs() {
  std::vector<std::unique_ptr<ceres::CostFunction>> costs;
  const ex::NistProblem& p = misra1a();
  for (std::size_t i = 0; i < p.x.size(); ++i) {
    const ex::Misra1aResidual r{p.x[i], p.y[i]};
    if constexpr (kTapegrad)
      costs.emplace_back(new solvers::CostFunction<ex::Misra1aResidual, 1, 2>(r));
    else
      costs.emplace_back(
          new ceres::AutoDiffCostFunction<ex::Misra1aResidual, 1, 2>(new ex::Misra1aResidual(r)));
  }
  return costs;
}

/// Residuals and Jacobians of every cost at `params`, concatenated (for the agreement check).
std::vector<double> evaluate_all(const std::vector<std::unique_ptr<ceres::CostFunction>>& costs,
                                 const double* params, std::size_t jacobian_size) {
  std::vector<double> out;
  std::vector<double> r(4), j(jacobian_size);
  for (const auto& c : costs) {
    double* jacobians[] = {j.data()};
    const double* parameters[] = {params};
    c->Evaluate(parameters, r.data(), jacobians);
    out.insert(out.end(), r.begin(), r.begin() + c->num_residuals());
    out.insert(out.end(), j.begin(), j.end());
  }
  return out;
}

bool agree(const std::vector<double>& a, const std::vector<double>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::abs(a[i] - b[i]) > 1e-12 * std::max(1.0, std::abs(b[i]))) return false;
  return true;
}

template <bool kTapegrad>
void misra1a_evaluate(benchmark::State& state) {
  const auto costs = misra1a_costs<kTapegrad>();
  const double b[2] = {240.0, 5.5e-4};
  if (!agree(evaluate_all(costs, b, 2), evaluate_all(misra1a_costs<!kTapegrad>(), b, 2))) {
    state.SkipWithError("tapegrad and Jets disagree");
    return;
  }
  double r = 0.0, j[2];
  double* jacobians[] = {j};
  const double* parameters[] = {b};
  for (auto _ : state) {
    for (const auto& c : costs) c->Evaluate(parameters, &r, jacobians);
    benchmark::DoNotOptimize(j);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(costs.size()));
}

template <bool kTapegrad>
void misra1a_solve(benchmark::State& state) {
  const ex::NistProblem& p = misra1a();
  for (auto _ : state) {
    std::vector<double> b = p.start1;
    ceres::Problem::Options problem_options;
    ceres::Problem problem(problem_options);
    for (auto& c : misra1a_costs<kTapegrad>()) problem.AddResidualBlock(c.release(), nullptr, b.data());
    ceres::Solver::Options options;
    options.linear_solver_type = ceres::DENSE_QR;
    options.function_tolerance = 1e-16;
    options.parameter_tolerance = 1e-16;
    options.gradient_tolerance = 1e-20;
    ceres::Solver::Summary summary;
    ceres::Solve(options, &problem, &summary);
    benchmark::DoNotOptimize(b.data());
    state.counters["digits_b1"] = ex::log_relative_error(b[0], p.certified[0]);
  }
}

/// 4 residuals, each reading all N parameters: r_k = sum_i log(1 + (k+1) p_i^2) c_i.
template <int N>
struct Dense {
  template <class T>
  bool operator()(const T* p, T* r) const {
    using std::log;
    for (int k = 0; k < 4; ++k) {
      T sum = T(0.0);
      for (int i = 0; i < N; ++i) sum += log(1.0 + (k + 1.0) * p[i] * p[i]) * (0.5 + 0.01 * i);
      r[k] = sum;
    }
    return true;
  }
};

template <int N, bool kTapegrad>
void dense_evaluate(benchmark::State& state) {
  std::vector<std::unique_ptr<ceres::CostFunction>> costs, other;
  const auto make = [](bool tapegrad) -> ceres::CostFunction* {
    if (tapegrad) return new solvers::CostFunction<Dense<N>, 4, N>(Dense<N>{});
    return new ceres::AutoDiffCostFunction<Dense<N>, 4, N>(new Dense<N>);
  };
  costs.emplace_back(make(kTapegrad));
  other.emplace_back(make(!kTapegrad));
  std::vector<double> p(N);
  for (int i = 0; i < N; ++i) p[static_cast<std::size_t>(i)] = std::sin(0.3 * i + 0.1);
  if (!agree(evaluate_all(costs, p.data(), 4 * N), evaluate_all(other, p.data(), 4 * N))) {
    state.SkipWithError("tapegrad and Jets disagree");
    return;
  }
  std::vector<double> r(4), j(4 * N);
  double* jacobians[] = {j.data()};
  const double* parameters[] = {p.data()};
  for (auto _ : state) {
    costs[0]->Evaluate(parameters, r.data(), jacobians);
    benchmark::DoNotOptimize(j.data());
  }
}

BENCHMARK_TEMPLATE(misra1a_evaluate, true)->Name("BM_Ceres_Misra1a_Evaluate_Tapegrad");
BENCHMARK_TEMPLATE(misra1a_evaluate, false)->Name("BM_Ceres_Misra1a_Evaluate_Jets");
BENCHMARK_TEMPLATE(misra1a_solve, true)
    ->Name("BM_Ceres_Misra1a_Solve_Tapegrad")
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_TEMPLATE(misra1a_solve, false)->Name("BM_Ceres_Misra1a_Solve_Jets")->Unit(benchmark::kMicrosecond);
#define TAPEGRAD_DENSE(N)                            \
  BENCHMARK_TEMPLATE(dense_evaluate, N, true)        \
      ->Name("BM_Ceres_Dense_Evaluate_Tapegrad/" #N) \
      ->Unit(benchmark::kMicrosecond);               \
  BENCHMARK_TEMPLATE(dense_evaluate, N, false)       \
      ->Name("BM_Ceres_Dense_Evaluate_Jets/" #N)     \
      ->Unit(benchmark::kMicrosecond)
TAPEGRAD_DENSE(2);
TAPEGRAD_DENSE(8);
TAPEGRAD_DENSE(32);
TAPEGRAD_DENSE(128);
TAPEGRAD_DENSE(512);
#undef TAPEGRAD_DENSE

}  // namespace
}  // namespace tapegrad::bench
