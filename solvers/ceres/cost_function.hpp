// SPDX-License-Identifier: MIT
// cost_function.hpp (tapegrad::ceres): Ceres Solver's CostFunction and FirstOrderFunction made from a
// templated functor, with derivatives from tapegrad's reverse mode instead of Ceres's forward-mode Jets.
//
// The functor is the one Ceres's AutoDiffCostFunction takes, so the same code can be handed to either:
//   template <class T> bool operator()(const T* block_0, ..., const T* block_k, T* residuals) const;
// Evaluate records the residuals once on a Tape of its own (Ceres may evaluate from several threads;
// tapes are per thread) and runs one reverse sweep per residual, so a Jacobian costs one recording plus
// m sweeps, whatever the number of parameters; Jets carry every parameter's derivative through every
// operation instead, which is cheaper for a few parameters and dearer for many (bench/README.md, Ceres).
// Header-only, in its own CMake target built when Ceres is found: tapegrad::autodiff never needs Ceres.
#pragma once

#include <ceres/first_order_function.h>
#include <ceres/sized_cost_function.h>

#include <array>
#include <cstddef>
#include <utility>
#include <vector>

#include "tapegrad/autodiff/autodiff.hpp"

namespace tapegrad::solvers {

/// A ceres::CostFunction with kNumResiduals residuals over parameter blocks of sizes Ns..., computed by
/// Functor (see the file comment) and differentiated by tapegrad. Pass it to Problem::AddResidualBlock as
/// one passes Ceres's AutoDiffCostFunction.
/// Example: `problem.AddResidualBlock(new tapegrad::solvers::CostFunction<Misra1aResidual, 1, 2>(
///               Misra1aResidual{x, y}), nullptr, b);`
template <class Functor, int kNumResiduals, int... Ns>
class CostFunction final : public ceres::SizedCostFunction<kNumResiduals, Ns...> {
  static_assert(kNumResiduals > 0, "tapegrad::solvers::CostFunction: the number of residuals must be fixed");
  static constexpr std::size_t kBlocks = sizeof...(Ns);
  static constexpr std::array<int, kBlocks> kSizes{Ns...};

 public:
  explicit CostFunction(Functor functor) : functor_(std::move(functor)) {}

  bool Evaluate(double const* const* parameters, double* residuals, double** jacobians) const override {
    constexpr auto blocks = std::make_index_sequence<kBlocks>{};
    if (jacobians == nullptr) return call(parameters, residuals, blocks);  // values only: plain doubles
    Tape tape;
    std::array<std::vector<Var>, kBlocks> x;
    for (std::size_t b = 0; b < kBlocks; ++b) {
      x[b].reserve(static_cast<std::size_t>(kSizes[b]));
      for (int j = 0; j < kSizes[b]; ++j) x[b].emplace_back(parameters[b][j]);
    }
    std::array<Var, kNumResiduals> r{};
    if (!call_on_vars(x, r.data(), blocks)) return false;
    for (int i = 0; i < kNumResiduals; ++i) {
      residuals[i] = r[static_cast<std::size_t>(i)].value();
      const Var& ri = r[static_cast<std::size_t>(i)];
      if (ri.is_recorded()) {
        tape.zero_grad();
        ri.backward();
      }
      for (std::size_t b = 0; b < kBlocks; ++b) {
        if (jacobians[b] == nullptr) continue;
        double* row = jacobians[b] + i * kSizes[b];  // row-major: residual i, parameter j
        for (int j = 0; j < kSizes[b]; ++j)
          row[j] = ri.is_recorded() ? x[b][static_cast<std::size_t>(j)].grad() : 0.0;
      }
    }
    return true;
  }

 private:
  template <std::size_t... B>
  bool call(double const* const* parameters, double* residuals, std::index_sequence<B...>) const {
    return functor_(parameters[B]..., residuals);
  }
  template <std::size_t... B>
  bool call_on_vars(const std::array<std::vector<Var>, kBlocks>& x, Var* residuals,
                    std::index_sequence<B...>) const {
    return functor_(static_cast<const Var*>(x[B].data())..., residuals);
  }

  Functor functor_;
};

/// A ceres::FirstOrderFunction (for ceres::GradientProblem and its line-search solvers) of kNumParameters
/// parameters: Functor has `template <class T> bool operator()(const T* x, T* cost) const`, the functor
/// of Ceres's AutoDiffFirstOrderFunction; the gradient is one recording and one reverse sweep.
/// Example: `ceres::GradientProblem problem(new tapegrad::solvers::FirstOrderFunction<Rosenbrock, 2>({}));`
template <class Functor, int kNumParameters>
class FirstOrderFunction final : public ceres::FirstOrderFunction {
 public:
  explicit FirstOrderFunction(Functor functor) : functor_(std::move(functor)) {}

  bool Evaluate(const double* parameters, double* cost, double* gradient) const override {
    if (gradient == nullptr) return functor_(parameters, cost);
    Tape tape;
    std::vector<Var> x;
    x.reserve(kNumParameters);
    for (int j = 0; j < kNumParameters; ++j) x.emplace_back(parameters[j]);
    Var y;
    if (!functor_(static_cast<const Var*>(x.data()), &y)) return false;
    *cost = y.value();
    if (y.is_recorded()) y.backward();
    for (int j = 0; j < kNumParameters; ++j)
      gradient[j] = y.is_recorded() ? x[static_cast<std::size_t>(j)].grad() : 0.0;
    return true;
  }
  int NumParameters() const override { return kNumParameters; }

 private:
  Functor functor_;
};

}  // namespace tapegrad::solvers
