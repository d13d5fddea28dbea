// SPDX-License-Identifier: MIT
// tensor_problems_bench.cpp: scalar problems a, b, c of problems.hpp written as float64 Tensor expressions,
// timed against the same plain-double primal as scalar_bench.cpp (BM_Baseline_<P>_Primal, same binary), with
// the tape recorded afresh on every call, as FastAD-style whole-array code would be written with Tensor.
//
//   BM_Tensor_<P>_Record    clear the tape, record the expression (no sweep)
//   BM_Tensor_<P>_Gradient  clear, record, backward, copy the gradient out, zero_grad
// for P = Rosenbrock (a: the sum over shifted slices x[1:] and x[:-1]), NormalLL (b: one reduction over the
// 10^4 observations), DenseTanh (c: tanh(W x + b) as one matrix-vector product).
// bench/ratios.py --tensor prints x_primal from one run, next to FastAD's figures.
//
// Problem a needs slice(x, start, end) (rows [start, end) of the leading axis); it is registered only when
// the library declares it, so this file builds before and after that op arrives.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <concepts>
#include <cstdint>
#include <cstring>
#include <limits>
#include <span>
#include <string>
#include <vector>

#include "hand_adjoints.hpp"
#include "problems.hpp"
#include "relative_error.hpp"
#include "tapegrad/autodiff/tape/tape.hpp"
#include "tapegrad/autodiff/tensor/ops.hpp"
#include "tapegrad/autodiff/tensor/tensor.hpp"

namespace tapegrad::bench {
namespace {

using HandAdjoint = double (*)(const double*, double*);

/// True once the library has slice(x, start, end) (found by argument-dependent lookup on Tensor).
template <class X>
concept HasSlice = requires(const X& x) {
  { slice(x, std::int64_t{0}, std::int64_t{1}) } -> std::same_as<X>;
};

/// A float64 leaf holding values[begin, begin + numel(shape)).
Tensor leaf(const std::vector<double>& values, std::size_t begin, const Shape& shape) {
  const auto n = static_cast<std::size_t>(numel(shape));
  return from<double>(std::span<const double>(values.data() + begin, n), shape).requires_grad_();
}

// ---- the three problems as tensor expressions -------------------------------------------------------------

/// (a) sum_i 100 (x_{i+1} - x_i^2)^2 + (1 - x_i)^2 over the shifted slices x[1:] and x[:-1].
struct TensorRosenbrock {
  using Problem = Rosenbrock;
  std::vector<Tensor> params;  // x [n]
  explicit TensorRosenbrock(const std::vector<double>& in) : params{leaf(in, 0, {Rosenbrock::n})} {}
  template <class X = Tensor>
  X operator()() const {
    const X& x = params[0];
    const X head = slice(x, 0, Rosenbrock::n - 1);  // x_i
    const X tail = slice(x, 1, Rosenbrock::n);      // x_{i+1}
    const X valley = tail - head * head;
    const X offset = 1.0 - head;
    return sum(100.0 * valley * valley + offset * offset);
  }
};

/// (b) sum_i -z_i^2 / 2 - log(sigma), z = (y - mu) / sigma: one reduction over the observations.
struct TensorNormalLL {
  using Problem = NormalLL;
  std::vector<Tensor> params;  // mu [], sigma []
  Tensor observations = from<double>(passive_data().observations, {kLikelihoodPoints});
  explicit TensorNormalLL(const std::vector<double>& in) : params{leaf(in, 0, {}), leaf(in, 1, {})} {}
  Tensor operator()() const {
    const Tensor& mu = params[0];
    const Tensor& sigma = params[1];
    const Tensor z = (observations - mu) / sigma;
    return sum(-0.5 * z * z - log(sigma));
  }
};

/// (c) sum_j tanh((W x + b)_j)^2, W x one matrix-vector product.
struct TensorDenseTanh {
  using Problem = DenseTanh;
  std::vector<Tensor> params;  // W [rows, cols], b [rows]
  Tensor input = from<double>(passive_data().layer_input, {kLayerCols});
  explicit TensorDenseTanh(const std::vector<double>& in)
      : params{leaf(in, 0, {kLayerRows, kLayerCols}), leaf(in, kLayerRows * kLayerCols, {kLayerRows})} {}
  Tensor operator()() const {
    const Tensor act = tanh(matmul(params[0], input) + params[1]);
    return sum(act * act);
  }
};

// ---- timing ----------------------------------------------------------------------------------------------

/// A persistent tape and parameter leaves; every call clears the tape and records the expression again.
template <class Expr>
class TensorGradient {
 public:
  TensorGradient() : in_(Expr::Problem::inputs()), expr_(in_), g_(in_.size()) {}

  double record() {
    tape_.clear();
    y_ = expr_();
    return y_.data<double>()[0];
  }
  double gradient() {
    const double f = record();
    y_.backward();
    double* out = g_.data();
    for (Tensor& p : expr_.params) {
      const Tensor g = p.grad();
      std::memcpy(out, g.data<double>(), static_cast<std::size_t>(g.numel()) * sizeof(double));
      out += g.numel();
      p.zero_grad();
    }
    return f;
  }
  const std::vector<double>& grad() const { return g_; }
  const std::vector<double>& inputs() const { return in_; }
  const Tape& tape() const { return tape_; }

 private:
  Tape tape_;
  std::vector<double> in_;
  Expr expr_;
  std::vector<double> g_;
  Tensor y_;
};

/// Checks the tensor gradient (and value) against the hand adjoint; false (benchmark skipped) if off.
template <class Expr>
bool check(benchmark::State& state, TensorGradient<Expr>& run, HandAdjoint adjoint) {
  std::vector<double> ref(run.inputs().size());
  const double f_ref = adjoint(run.inputs().data(), ref.data());
  const double f = run.gradient();
  const double err =
      std::max(relative_error(run.grad(), ref), std::abs(f - f_ref) / std::max(1.0, std::abs(f_ref)));
  if (err < 1e-10) return true;
  state.SkipWithError(
      ("tensor gradient differs from the hand adjoint: relative error " + std::to_string(err)).c_str());
  return false;
}

template <class Expr>
void tensor_gradient(benchmark::State& state, HandAdjoint adjoint, bool sweep) {
  TensorGradient<Expr> run;
  if (!check(state, run, adjoint)) return;
  for (auto _ : state) {
    double f = sweep ? run.gradient() : run.record();
    benchmark::DoNotOptimize(f);
    benchmark::DoNotOptimize(run.grad().data());
  }
  run.record();
  state.counters["tensor_ops"] = static_cast<double>(run.tape().stats().statements);
}

template <class Expr>
void register_problem(HandAdjoint adjoint) {
  const std::string name(Expr::Problem::name);
  benchmark::RegisterBenchmark(("BM_Tensor_" + name + "_Record").c_str(), tensor_gradient<Expr>, adjoint,
                               false);
  benchmark::RegisterBenchmark(("BM_Tensor_" + name + "_Gradient").c_str(), tensor_gradient<Expr>, adjoint,
                               true);
}

/// Problem a, once slice exists (a template, so that without slice its body is never compiled).
template <class X>
void register_rosenbrock() {
  if constexpr (HasSlice<X>) register_problem<TensorRosenbrock>(rosenbrock_adjoint);
}

[[maybe_unused]] const bool registered = [] {
  register_rosenbrock<Tensor>();
  register_problem<TensorNormalLL>(normal_ll_adjoint);
  register_problem<TensorDenseTanh>(dense_tanh_adjoint);
  return true;
}();

}  // namespace
}  // namespace tapegrad::bench
