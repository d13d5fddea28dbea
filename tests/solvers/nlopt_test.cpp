// SPDX-License-Identifier: MIT
// nlopt_test.cpp: tapegrad::nlopt. The adapter's gradient must equal a hand-written one, NLopt's
// gradient-based algorithms must reach known minima on it, and a derivative-free algorithm (which
// passes no gradient buffer) must work too.
#include <doctest/doctest.h>

#include <cmath>
#include <nlopt.hpp>
#include <vector>

#include "tapegrad/solvers/nlopt/objective.hpp"

namespace {

using tapegrad::Var;

template <class T>
T rosenbrock(const std::vector<T>& x) {
  T sum = 0.0;
  for (std::size_t i = 0; i + 1 < x.size(); ++i) {
    T valley = x[i + 1] - x[i] * x[i];
    T offset = 1.0 - x[i];
    sum += 100.0 * valley * valley + offset * offset;
  }
  return sum;
}

std::vector<double> rosenbrock_gradient(const std::vector<double>& x) {
  std::vector<double> g(x.size(), 0.0);
  for (std::size_t i = 0; i + 1 < x.size(); ++i) {
    const double valley = x[i + 1] - x[i] * x[i];
    g[i] += -400.0 * x[i] * valley - 2.0 * (1.0 - x[i]);
    g[i + 1] += 200.0 * valley;
  }
  return g;
}

std::vector<double> classic_start(std::size_t n) {
  std::vector<double> x(n);
  for (std::size_t i = 0; i < n; ++i) x[i] = i % 2 == 0 ? -1.2 : 1.0;
  return x;
}

}  // namespace

TEST_CASE("nlopt: the objective's value and gradient are the hand-written ones") {
  tapegrad::solvers::NloptObjective objective([](const auto& x) { return rosenbrock(x); });
  const std::vector<double> x = {0.3, -1.1, 2.0, 0.7, 1.4};
  std::vector<double> g(x.size());
  const double f =
      decltype(objective)::evaluate(static_cast<unsigned>(x.size()), x.data(), g.data(), &objective);
  CHECK(f == doctest::Approx(rosenbrock(x)).epsilon(1e-15));
  const std::vector<double> expected = rosenbrock_gradient(x);
  for (std::size_t i = 0; i < x.size(); ++i) {
    CAPTURE(i);
    CHECK(g[i] == doctest::Approx(expected[i]).epsilon(1e-13));
  }
  CHECK(objective.evaluations() == 1);
}

TEST_CASE("nlopt: L-BFGS and SLSQP reach the minimum of a 100-variable Rosenbrock on tapegrad gradients") {
  for (const nlopt::algorithm algorithm : {nlopt::LD_LBFGS, nlopt::LD_SLSQP}) {
    CAPTURE(static_cast<int>(algorithm));
    tapegrad::solvers::NloptObjective objective([](const auto& x) { return rosenbrock(x); });
    nlopt::opt opt(algorithm, 100);
    objective.minimize_with(opt);
    opt.set_ftol_rel(1e-16);
    opt.set_xtol_rel(1e-12);
    opt.set_maxeval(20'000);
    std::vector<double> x = classic_start(100);
    double f = 0.0;
    const nlopt::result result = objective.optimize(opt, x, f);
    CHECK((result > 0 || result == nlopt::ROUNDOFF_LIMITED));
    CHECK(f < 1e-10);
    for (const double v : x) CHECK(v == doctest::Approx(1.0).epsilon(1e-4));
    CHECK(objective.evaluations() > 1);
  }
}

TEST_CASE("nlopt: a derivative-free algorithm gets values only, and maximisation works") {
  // -(x - 1)^2 - 2 (y + 0.5)^2 has its maximum 3 at (1, -0.5).
  tapegrad::solvers::NloptObjective objective(
      [](const auto& x) { return 3.0 - (x[0] - 1.0) * (x[0] - 1.0) - 2.0 * (x[1] + 0.5) * (x[1] + 0.5); });
  nlopt::opt opt(nlopt::LN_NELDERMEAD, 2);
  objective.maximize_with(opt);
  opt.set_xtol_abs(1e-10);
  std::vector<double> x = {0.0, 0.0};
  double f = 0.0;
  CHECK(objective.optimize(opt, x, f) > 0);
  CHECK(f == doctest::Approx(3.0).epsilon(1e-12));
  CHECK(x[0] == doctest::Approx(1.0).epsilon(1e-6));
  CHECK(x[1] == doctest::Approx(-0.5).epsilon(1e-6));
}

TEST_CASE("nlopt: an exception thrown by the objective comes out of optimize() as it was thrown") {
  tapegrad::solvers::NloptObjective objective([](const auto& x) {
    tapegrad::AnomalyGuard guard;
    return Var(log(x[0] - 5.0));  // recorded under the guard: log of a negative number throws DomainError
  });
  nlopt::opt opt(nlopt::LD_LBFGS, 1);
  objective.minimize_with(opt);
  std::vector<double> x = {1.0};
  double f = 0.0;
  CHECK_THROWS_WITH_AS(objective.optimize(opt, x, f), doctest::Contains("log"), tapegrad::DomainError);
}
