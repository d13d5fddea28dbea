// SPDX-License-Identifier: MIT
// nlopt_rosenbrock.cpp: NLopt's L-BFGS minimises the extended Rosenbrock function of 10^4 variables
// (More, Garbow and Hillstrom 1981, problem 21: n/2 Rosenbrock valleys, one per pair of variables),
// f(x) = sum_{i < n/2} 100 (x_{2i+1} - x_{2i}^2)^2 + (1 - x_{2i})^2, on tapegrad gradients (tapegrad::nlopt),
// and then once more on a hand-written gradient, to show what the tape costs per evaluation (L-BFGS asks for
// value and gradient about once per iteration). The minimum is f = 0 at x = (1, ..., 1); the start is MGH's
// (-1.2, 1, -1.2, 1, ...). Exits 0 only if both runs reach it (f < 1e-10, every |x_i - 1| < 1e-4) and the
// two gradients agree at the start. (The chained variant of the benchmarks' problem a, whose valleys
// overlap, takes L-BFGS about 5n evaluations from this start: 5 * 10^4 for n = 10^4.)
#include <CLI/CLI.hpp>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <nlopt.hpp>
#include <string>
#include <tapegrad/autodiff/autodiff.hpp>
#include <tapegrad/solvers/nlopt/objective.hpp>
#include <vector>

namespace {

/// Written once, as a template: double for the hand-written run's value, Var for tapegrad's.
template <class T>
T rosenbrock(const std::vector<T>& x) {
  T sum{};
  for (std::size_t i = 0; i + 1 < x.size(); i += 2) {
    T valley = x[i + 1] - x[i] * x[i];
    T offset = 1.0 - x[i];
    sum += 100.0 * valley * valley + offset * offset;
  }
  return sum;
}

/// The hand-written gradient, for NLopt's nlopt_func signature.
double rosenbrock_by_hand(unsigned n, const double* x, double* grad, void* evaluations) {
  ++*static_cast<std::size_t*>(evaluations);
  double sum = 0.0;
  for (unsigned i = 0; i + 1 < n; i += 2) {
    const double valley = x[i + 1] - x[i] * x[i];
    const double offset = 1.0 - x[i];
    sum += 100.0 * valley * valley + offset * offset;
    if (grad != nullptr) {
      grad[i] = -400.0 * x[i] * valley - 2.0 * offset;
      grad[i + 1] = 200.0 * valley;
    }
  }
  return sum;
}

struct Run {
  double f = 0.0, max_error = 0.0, seconds = 0.0;
  std::size_t evaluations = 0;
  nlopt::result result = nlopt::FAILURE;
};

/// L-BFGS from the classic start; `attach` makes the objective opt's. The caller fills in evaluations.
template <class Attach>
Run minimise(unsigned n, Attach&& attach) {
  nlopt::opt opt(nlopt::LD_LBFGS, n);
  attach(opt);
  opt.set_ftol_rel(1e-16);
  opt.set_xtol_rel(1e-12);
  opt.set_maxeval(20'000);
  std::vector<double> x(n);
  for (unsigned i = 0; i < n; ++i) x[i] = i % 2 == 0 ? -1.2 : 1.0;
  Run run;
  const auto start = std::chrono::steady_clock::now();
  try {
    run.result = opt.optimize(x, run.f);
  } catch (const nlopt::roundoff_limited&) {  // L-BFGS at the bottom: the minimum reached to roundoff
    run.result = nlopt::ROUNDOFF_LIMITED;     // (NloptObjective::optimize does this for tapegrad's run;
    run.f = opt.last_optimum_value();         // one loop here times both runs alike)
  }
  run.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  for (const double v : x) run.max_error = std::max(run.max_error, std::abs(v - 1.0));
  return run;
}

void report(const char* label, const Run& r) {
  std::printf("  %-22s %6zu evaluations  f = %.3e  max|x - 1| = %.2e  %8.3f ms per evaluation  (result %d)\n",
              label, r.evaluations, r.f, r.max_error, 1e3 * r.seconds / static_cast<double>(r.evaluations),
              static_cast<int>(r.result));
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"NLopt L-BFGS on the extended Rosenbrock function, gradients by tapegrad and by hand"};
  unsigned n = 10'000;
  app.add_option("-n,--variables", n, "number of variables (even: one valley per pair)")
      ->check(CLI::Range(2u, 10'000'000u))
      ->check([](const std::string& v) {
        return std::stoul(v) % 2 == 0 ? std::string() : std::string("must be even");
      });
  CLI11_PARSE(app, argc, argv);

  tapegrad::solvers::NloptObjective objective([](const auto& x) { return rosenbrock(x); });
  // The two gradients must agree before either is trusted.
  std::vector<double> start(n), g_tape(n), g_hand(n);
  for (unsigned i = 0; i < n; ++i) start[i] = i % 2 == 0 ? -1.2 : 1.0;
  std::size_t scratch = 0;
  objective(n, start.data(), g_tape.data());
  rosenbrock_by_hand(n, start.data(), g_hand.data(), &scratch);
  double worst = 0.0;
  for (unsigned i = 0; i < n; ++i) worst = std::max(worst, std::abs(g_tape[i] - g_hand[i]));
  std::printf(
      "extended Rosenbrock, n = %u, L-BFGS from (-1.2, 1, ...); max |tape - hand| gradient at the start: "
      "%.1e\n",
      n, worst);

  const std::size_t before = objective.evaluations();
  Run tape_run = minimise(n, [&](nlopt::opt& opt) { objective.minimize_with(opt); });
  tape_run.evaluations = objective.evaluations() - before;
  std::size_t hand_calls = 0;
  Run hand_run =
      minimise(n, [&](nlopt::opt& opt) { opt.set_min_objective(rosenbrock_by_hand, &hand_calls); });
  hand_run.evaluations = hand_calls;
  report("tapegrad gradient", tape_run);
  report("hand-written gradient", hand_run);
  const auto per_evaluation = [](const Run& r) { return r.seconds / static_cast<double>(r.evaluations); };
  std::printf("  time per evaluation, tapegrad / hand-written: %.2f\n",
              per_evaluation(tape_run) / per_evaluation(hand_run));

  const auto reached = [](const Run& r) { return r.f < 1e-10 && r.max_error < 1e-4; };
  const bool ok = worst <= 1e-9 && reached(tape_run) && reached(hand_run);
  std::printf("%s\n",
              ok ? "both runs reached the minimum f = 0 at x = (1, ..., 1)" : "FAILED: minimum not reached");
  return ok ? 0 : 1;
}
