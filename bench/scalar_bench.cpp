// SPDX-License-Identifier: MIT
// scalar_bench.cpp: tapegrad's scalar reverse mode on the five anchor problems, against plain double
// and hand-written adjoints in the same binary, plus per-op micro benchmarks.
//
// For each problem P (Rosenbrock, NormalLL, DenseTanh, Advection, Chain):
//   BM_Baseline_<P>_Primal       f(x) in plain double
//   BM_Baseline_<P>_HandAdjoint  f(x) and its gradient, hand-written (hand_adjoints.hpp)
//   BM_Var_<P>_Record            tapegrad: clear + record only (to split recording from the sweep)
//   BM_Var_<P>_Gradient          tapegrad: clear + record + backward + read the gradient
//   BM_SecondOrder_<P>_Hvp       tapegrad: Hessian-vector product on the second-order tape (what hvp()
//                                runs): clear + record + one backward + read H v and the gradient
//   BM_Dual_<P>_Hvp              the same with the eager Dual<Var> (two statements per operation)
// plus BM_Dual_Logistic_Hessian (the dense 100 x 100 Hessian of a logistic log-likelihood through hessian(),
// with BM_Var_Logistic_Gradient and BM_Baseline_Logistic_Primal beside it), and BM_Var_Op_<op> for each op of
// the unary derivatives table. The figures we publish are ratios taken in one run: bench/ratios.py runs this
// binary and prints them.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "hand_adjoints.hpp"
#include "problems.hpp"
#include "relative_error.hpp"
#include "tapegrad/autodiff/autodiff.hpp"

namespace tapegrad::bench {
namespace {

using HandAdjoint = double (*)(const double*, double*);

template <class P>
void primal(benchmark::State& state) {
  const std::vector<double> in = P::inputs();
  for (auto _ : state) {
    double f = P{}(in.data());
    benchmark::DoNotOptimize(f);
  }
  state.counters["ops"] = static_cast<double>(count_ops<P>());
}

template <class P>
void hand_adjoint(benchmark::State& state, HandAdjoint adjoint) {
  const std::vector<double> in = P::inputs();
  std::vector<double> g(in.size());
  for (auto _ : state) {
    double f = adjoint(in.data(), g.data());
    benchmark::DoNotOptimize(f);
    benchmark::DoNotOptimize(g.data());
    benchmark::ClobberMemory();
  }
  state.counters["ops"] = static_cast<double>(count_ops<P>());
}

/// One gradient the steady-state way: a persistent Tape cleared before each recording (so its blocks
/// and adjoint array are reused), persistent input Vars re-recorded each time.
template <class P>
class VarGradient {
 public:
  VarGradient() : in_(P::inputs()), x_(in_.size()), g_(in_.size()) {}

  double record() {
    tape_.clear();
    tapegrad::make_inputs(in_, x_);
    y_ = P{}(x_.data());
    return y_.value();
  }
  double gradient() {
    const double f = record();
    y_.backward();
    tapegrad::gradients(x_, g_);
    return f;
  }
  const std::vector<double>& grad() const { return g_; }
  const std::vector<double>& inputs() const { return in_; }
  const Tape& tape() const { return tape_; }

 private:
  Tape tape_;
  std::vector<double> in_;
  std::vector<Var> x_;
  std::vector<double> g_;
  Var y_;
};

/// Checks tapegrad's gradient against the hand adjoint; false (and the benchmark skipped) if off.
template <class P>
bool check_gradient(benchmark::State& state, VarGradient<P>& run, HandAdjoint adjoint) {
  std::vector<double> ref(run.inputs().size());
  adjoint(run.inputs().data(), ref.data());
  run.gradient();
  const double err = relative_error(run.grad(), ref);
  if (err < 1e-10) return true;
  state.SkipWithError(
      ("gradient differs from the hand adjoint: relative error " + std::to_string(err)).c_str());
  return false;
}

template <class AnyTape>
void tape_counters(benchmark::State& state, const AnyTape& tape, long ops) {
  const TapeStats s = tape.stats();
  state.counters["ops"] = static_cast<double>(ops);
  state.counters["statements"] = static_cast<double>(s.statements);
  // The second-order tape's arguments differ in size (affine statements have no partial tangents).
  double bytes = static_cast<double>(s.bytes());
  if constexpr (requires { tape.bytes(); }) bytes = static_cast<double>(tape.bytes());
  state.counters["tape_bytes_per_op"] = bytes / static_cast<double>(ops);
}

template <class P>
void var_gradient(benchmark::State& state, HandAdjoint adjoint) {
  VarGradient<P> run;
  if (!check_gradient(state, run, adjoint)) return;
  for (auto _ : state) {
    double f = run.gradient();
    benchmark::DoNotOptimize(f);
    benchmark::DoNotOptimize(run.grad().data());
  }
  tape_counters(state, run.tape(), count_ops<P>());
}

template <class P>
void var_record(benchmark::State& state, HandAdjoint adjoint) {
  VarGradient<P> run;
  if (!check_gradient(state, run, adjoint)) return;
  for (auto _ : state) {
    double f = run.record();
    benchmark::DoNotOptimize(f);
  }
  tape_counters(state, run.tape(), count_ops<P>());
}

/// One Hessian-vector product the steady-state way (as VarGradient): inputs Dual<Var>(x_i, v_i), one
/// reverse sweep from the output's tangent; the values' adjoints are H v, the tangents' the gradient.
template <class P>
class DualHvp {
 public:
  DualHvp() : in_(P::inputs()), v_(in_.size()), x_(in_.size()), hv_(in_.size()), g_(in_.size()) {
    std::mt19937_64 rng(99);
    std::uniform_real_distribution<double> uniform(-1.0, 1.0);
    for (double& d : v_) d = uniform(rng);
  }
  double hvp() {
    tape_.clear();
    for (std::size_t i = 0; i < in_.size(); ++i) x_[i] = Dual<Var>(Var(in_[i]), Var(v_[i]));
    const Dual<Var> y = P{}(x_.data());
    y.tangent().backward();
    for (std::size_t i = 0; i < x_.size(); ++i) {
      hv_[i] = x_[i].value().grad();
      g_[i] = x_[i].tangent().grad();
    }
    return y.value().value();
  }
  const std::vector<double>& hv() const { return hv_; }
  const std::vector<double>& grad() const { return g_; }
  const std::vector<double>& inputs() const { return in_; }
  const std::vector<double>& direction() const { return v_; }
  const Tape& tape() const { return tape_; }

 private:
  Tape tape_;
  std::vector<double> in_, v_;
  std::vector<Dual<Var>> x_;
  std::vector<double> hv_, g_;
};

/// The same product on the second-order tape (what hvp() runs): inputs SecondOrderVar(x_i, v_i), one
/// statement per right-hand side, one sweep of adjoints and adjoint tangents.
template <class P>
class SecondOrderHvp {
 public:
  SecondOrderHvp() : in_(P::inputs()), v_(in_.size()), x_(in_.size()), hv_(in_.size()), g_(in_.size()) {
    std::mt19937_64 rng(99);
    std::uniform_real_distribution<double> uniform(-1.0, 1.0);
    for (double& d : v_) d = uniform(rng);
  }
  double hvp() {
    tape_.clear();
    for (std::size_t i = 0; i < in_.size(); ++i) x_[i] = SecondOrderVar<1>(in_[i], v_[i]);
    const SecondOrderVar<1> y = P{}(x_.data());
    y.backward();
    for (std::size_t i = 0; i < x_.size(); ++i) {
      hv_[i] = x_[i].grad_tangent();
      g_[i] = x_[i].grad();
    }
    return y.value();
  }
  const std::vector<double>& hv() const { return hv_; }
  const std::vector<double>& grad() const { return g_; }
  const std::vector<double>& inputs() const { return in_; }
  const std::vector<double>& direction() const { return v_; }
  const SecondOrderTape<1>& tape() const { return tape_; }

 private:
  SecondOrderTape<1> tape_;
  std::vector<double> in_, v_;
  std::vector<SecondOrderVar<1>> x_;
  std::vector<double> hv_, g_;
};

/// Checks H v against central differences of the hand adjoint along v, and the gradient against it.
template <class Run>
bool check_hvp(benchmark::State& state, Run& run, HandAdjoint adjoint) {
  const std::size_t n = run.inputs().size();
  std::vector<double> ref(n), up(n), down(n), x(n);
  adjoint(run.inputs().data(), ref.data());
  const double h = 1e-5;
  for (std::size_t i = 0; i < n; ++i) x[i] = run.inputs()[i] + h * run.direction()[i];
  adjoint(x.data(), up.data());
  for (std::size_t i = 0; i < n; ++i) x[i] = run.inputs()[i] - h * run.direction()[i];
  adjoint(x.data(), down.data());
  std::vector<double> numeric(n);
  for (std::size_t i = 0; i < n; ++i) numeric[i] = (up[i] - down[i]) / (2 * h);
  run.hvp();
  const double err_g = relative_error(run.grad(), ref), err_h = relative_error(run.hv(), numeric);
  if (err_g < 1e-10 && err_h < 1e-6) return true;
  state.SkipWithError(("hvp differs: gradient error " + std::to_string(err_g) + ", H v error " +
                       std::to_string(err_h) + " against differences of the hand adjoint")
                          .c_str());
  return false;
}

template <class P, template <class> class Run>
void hvp_bench(benchmark::State& state, HandAdjoint adjoint) {
  Run<P> run;
  if (!check_hvp(state, run, adjoint)) return;
  for (auto _ : state) {
    double f = run.hvp();
    benchmark::DoNotOptimize(f);
    benchmark::DoNotOptimize(run.hv().data());
  }
  tape_counters(state, run.tape(), count_ops<P>());
}

void logistic_primal(benchmark::State& state) {
  const std::vector<double> w = Logistic::inputs();
  for (auto _ : state) {
    double f = Logistic{}(w.data());
    benchmark::DoNotOptimize(f);
  }
}

void logistic_gradient(benchmark::State& state) {
  VarGradient<Logistic> run;
  for (auto _ : state) {
    double f = run.gradient();
    benchmark::DoNotOptimize(f);
  }
}

/// The dense Hessian through the public driver, checked first against the closed form
/// -X^T diag(s (1 - s)) X.
void logistic_hessian(benchmark::State& state) {
  const std::vector<double> w = Logistic::inputs();
  const auto f = [](const auto& x) { return Logistic{}(x.data()); };
  const HessianResult first = hessian(f, w);
  const Logistic::Data& d = Logistic::data();
  constexpr std::size_t n = Logistic::n;
  std::vector<double> expected(n * n, 0.0);
  for (std::size_t i = 0; i < Logistic::points; ++i) {
    double z = 0.0;
    for (std::size_t j = 0; j < n; ++j) z += d.x[i * n + j] * w[j];
    const double s = 1.0 / (1.0 + std::exp(-z)), c = s * (1.0 - s);
    for (std::size_t a = 0; a < n; ++a)
      for (std::size_t b = 0; b < n; ++b) expected[a * n + b] -= d.x[i * n + a] * c * d.x[i * n + b];
  }
  const double err = relative_error(first.hessian, expected);
  if (err > 1e-12) {
    state.SkipWithError(("Hessian differs from the closed form: " + std::to_string(err)).c_str());
    return;
  }
  for (auto _ : state) {
    HessianResult r = hessian(f, w);
    benchmark::DoNotOptimize(r.hessian.data());
  }
}

template <class P>
void register_problem(HandAdjoint adjoint) {
  const std::string name(P::name);
  benchmark::RegisterBenchmark(("BM_Baseline_" + name + "_Primal").c_str(), primal<P>);
  benchmark::RegisterBenchmark(("BM_Baseline_" + name + "_HandAdjoint").c_str(), hand_adjoint<P>, adjoint);
  benchmark::RegisterBenchmark(("BM_Var_" + name + "_Record").c_str(), var_record<P>, adjoint);
  benchmark::RegisterBenchmark(("BM_Var_" + name + "_Gradient").c_str(), var_gradient<P>, adjoint);
  benchmark::RegisterBenchmark(("BM_Dual_" + name + "_Hvp").c_str(), hvp_bench<P, DualHvp>, adjoint);
  benchmark::RegisterBenchmark(("BM_SecondOrder_" + name + "_Hvp").c_str(), hvp_bench<P, SecondOrderHvp>,
                               adjoint);
}

// ---- per-op: record + backward of 1000 statements acc = acc + op(x + offset_i) ---------------------
// One statement per op (its local derivative is computed while recording), swept backwards with two
// arguments each; offsets spread over the op's gradcheck domain so every op sees valid inputs.
constexpr int kOpsPerIteration = 1000;

template <class Op>
void var_op(benchmark::State& state) {
  std::vector<double> offset(kOpsPerIteration);
  for (int i = 0; i < kOpsPerIteration; ++i)
    offset[static_cast<std::size_t>(i)] =
        Op::domain.lo + (Op::domain.hi - Op::domain.lo) * (i + 0.5) / kOpsPerIteration;
  Tape tape;
  for (auto _ : state) {
    tape.clear();
    Var x = 0.0;
    Var acc = 0.0;
    for (double o : offset) acc = acc + make_unary<Op>(x + o);
    acc.backward();
    benchmark::DoNotOptimize(x.grad());
  }
  state.SetItemsProcessed(state.iterations() * kOpsPerIteration);
}

template <class... Ops>
void register_ops(std::tuple<Ops...>*) {
  (benchmark::RegisterBenchmark(("BM_Var_Op_" + std::string(Ops::name)).c_str(), var_op<Ops>), ...);
}

[[maybe_unused]] const bool registered = [] {
  register_problem<Rosenbrock>(rosenbrock_adjoint);
  register_problem<NormalLL>(normal_ll_adjoint);
  register_problem<DenseTanh>(dense_tanh_adjoint);
  register_problem<Advection>(advection_adjoint);
  register_problem<Chain>(chain_adjoint);
  benchmark::RegisterBenchmark("BM_Baseline_Logistic_Primal", logistic_primal);
  benchmark::RegisterBenchmark("BM_Var_Logistic_Gradient", logistic_gradient);
  benchmark::RegisterBenchmark("BM_Dual_Logistic_Hessian", logistic_hessian);
  register_ops(static_cast<ops::UnaryOps*>(nullptr));
  return true;
}();

}  // namespace
}  // namespace tapegrad::bench
