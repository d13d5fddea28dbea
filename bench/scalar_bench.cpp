// SPDX-License-Identifier: MIT
// scalar_bench.cpp: tapegrad's scalar reverse mode on the five anchor problems, against plain double
// and hand-written adjoints in the same binary, plus per-op micro benchmarks.
//
// For each problem P (Rosenbrock, NormalLL, DenseTanh, Advection, Chain):
//   BM_Baseline_<P>_Primal       f(x) in plain double
//   BM_Baseline_<P>_HandAdjoint  f(x) and its gradient, hand-written (hand_adjoints.hpp)
//   BM_Var_<P>_Record            tapegrad: clear + record only (to split recording from the sweep)
//   BM_Var_<P>_Gradient          tapegrad: clear + record + backward + read the gradient
// and BM_Var_Op_<op> for each op of the unary derivatives table.
// The figures we publish are ratios taken in one run: bench/ratios.py runs this binary and prints them.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
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
    for (std::size_t i = 0; i < in_.size(); ++i) x_[i] = Var(in_[i]);
    y_ = P{}(x_.data());
    return y_.value();
  }
  double gradient() {
    const double f = record();
    y_.backward();
    for (std::size_t i = 0; i < x_.size(); ++i) g_[i] = x_[i].grad();
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

void tape_counters(benchmark::State& state, const Tape& tape, long ops) {
  const TapeStats s = tape.stats();
  state.counters["ops"] = static_cast<double>(ops);
  state.counters["statements"] = static_cast<double>(s.statements);
  state.counters["tape_bytes_per_op"] = static_cast<double>(s.bytes()) / static_cast<double>(ops);
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

template <class P>
void register_problem(HandAdjoint adjoint) {
  const std::string name(P::name);
  benchmark::RegisterBenchmark(("BM_Baseline_" + name + "_Primal").c_str(), primal<P>);
  benchmark::RegisterBenchmark(("BM_Baseline_" + name + "_HandAdjoint").c_str(), hand_adjoint<P>, adjoint);
  benchmark::RegisterBenchmark(("BM_Var_" + name + "_Record").c_str(), var_record<P>, adjoint);
  benchmark::RegisterBenchmark(("BM_Var_" + name + "_Gradient").c_str(), var_gradient<P>, adjoint);
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
  register_ops(static_cast<ops::UnaryOps*>(nullptr));
  return true;
}();

}  // namespace
}  // namespace tapegrad::bench
