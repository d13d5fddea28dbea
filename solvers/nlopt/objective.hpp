// SPDX-License-Identifier: MIT
// objective.hpp (tapegrad::nlopt): NLopt's objective callback made from a function of Vars, so NLopt's
// gradient-based algorithms (LD_LBFGS, LD_MMA, LD_SLSQP, ...) run on tapegrad gradients.
//
// NLopt asks for the value and, when grad is not null, the gradient in ONE call; that is one recording
// and one reverse sweep here, on a Tape of the call's own (its blocks come from the thread's pool, so
// the steady state allocates no recording memory). The adapter is header-only and lives in its own
// CMake target, tapegrad::nlopt, built when NLopt is found: tapegrad::autodiff never depends on NLopt.
#pragma once

#include <cstddef>
#include <exception>
#include <nlopt.hpp>
#include <utility>
#include <vector>

#include "tapegrad/autodiff/autodiff.hpp"

namespace tapegrad::solvers {

/// A scalar objective f(x) for NLopt, with its gradient from tapegrad. F takes `const std::vector<Var>&`
/// (or a template parameter) and returns a Var or an expression. Keep the object alive while NLopt runs:
/// NLopt holds a pointer to it.
/// Example: `NloptObjective objective([](const auto& x) { return rosenbrock(x); });
///           nlopt::opt opt(nlopt::LD_LBFGS, n); objective.minimize_with(opt); objective.optimize(opt, x,
///           f);`
template <class F>
class NloptObjective {
 public:
  explicit NloptObjective(F f) : f_(std::move(f)) {}

  /// f(x), and d f / d x into grad[0..n) when grad is not null: NLopt's nlopt_func signature, with
  /// `self` pointing at this object. An exception from f stops NLopt (nlopt::forced_stop) and is kept,
  /// for optimize() to rethrow: NLopt itself would report only a generic failure.
  static double evaluate(unsigned n, const double* x, double* grad, void* self) {
    auto& objective = *static_cast<NloptObjective*>(self);
    try {
      return objective(n, x, grad);
    } catch (...) {
      objective.error_ = std::current_exception();
      throw ::nlopt::forced_stop();
    }
  }

  /// Runs opt.optimize(x, f) (x: the start, then the result) and returns NLopt's result code. Rethrows
  /// an exception the objective threw; a stop at the limit of roundoff (nlopt::roundoff_limited, which
  /// L-BFGS reports at the bottom of a minimum) is returned as nlopt::ROUNDOFF_LIMITED, with f and x
  /// the best point found. Other NLopt failures throw as opt.optimize() throws them.
  ::nlopt::result optimize(::nlopt::opt& opt, std::vector<double>& x, double& f) {
    error_ = nullptr;
    try {
      return opt.optimize(x, f);
    } catch (const ::nlopt::roundoff_limited&) {
      f = opt.last_optimum_value();
      return ::nlopt::ROUNDOFF_LIMITED;
    } catch (...) {
      if (error_) std::rethrow_exception(std::exchange(error_, nullptr));
      throw;
    }
  }

  double operator()(unsigned n, const double* x, double* grad) {
    ++evaluations_;
    Tape tape;
    inputs_.clear();
    inputs_.reserve(n);
    for (unsigned i = 0; i < n; ++i) inputs_.emplace_back(x[i]);
    const Var y = f_(std::as_const(inputs_));
    if (grad != nullptr) {
      if (y.is_recorded()) {
        y.backward();
        for (unsigned i = 0; i < n; ++i) grad[i] = inputs_[i].grad();
      } else {
        for (unsigned i = 0; i < n; ++i) grad[i] = 0.0;
      }
    }
    return y.value();
  }

  /// Makes this object opt's objective to minimize (maximize_with: to maximize).
  void minimize_with(::nlopt::opt& opt) { opt.set_min_objective(&NloptObjective::evaluate, this); }
  void maximize_with(::nlopt::opt& opt) { opt.set_max_objective(&NloptObjective::evaluate, this); }

  /// Calls so far (NLopt's function evaluations; each with a gradient for a gradient-based algorithm).
  std::size_t evaluations() const noexcept { return evaluations_; }

 private:
  F f_;
  std::vector<Var> inputs_;
  std::size_t evaluations_ = 0;
  std::exception_ptr error_;
};

}  // namespace tapegrad::solvers
