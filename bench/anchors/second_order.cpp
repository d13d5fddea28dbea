// SPDX-License-Identifier: MIT
// second_order.cpp: second derivatives side by side, tapegrad against Stan Math and CoDiPack, in one
// binary and one run (interleaved rounds, order rotated each round, median per entry, as the scalar
// anchors harness ../shared/anchors/scalar times gradients).
//
// Built with that harness's problems.hpp on the include path (problems a-e, its passive data) and this
// checkout on it too (tapegrad, bench/problems.hpp for the logistic problem); WITH_STAN and WITH_CODIPACK
// add the peers (StanHeaders from Debian; CoDiPack from its published sources, outside the repository).
//   problems a-e:  tapegrad gradient (for the hvp / gradient ratio), tapegrad hvp (SecondOrderVar<1> on
//                  the second-order tape), the eager Dual<Var>, Stan hessian_times_vector (fvar<var>),
//                  CoDiPack RealReverseGen<RealForward>
//   logistic n=100: tapegrad hessian (8 lanes; also 1, 4, 16), Stan hessian, CoDiPack
//                  EvaluationHelper::evalHessian (its default type), and CoDiPack with n
//                  RealReverseGen<RealForward> sweeps
// Every entry's result is compared with tapegrad's (relative max-norm error printed, MISMATCH past 1e-9).
// Times are the thread's CPU time (CLOCK_THREAD_CPUTIME_ID), not wall-clock: on a shared machine a time
// slice lost to another process would otherwise land in one entry's median and not another's.
// Usage: second_order [--reps 11] [--target-ms 30]
#include <time.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <tapegrad/autodiff/autodiff.hpp>
#include <vector>

#include "bench/problems.hpp"  // tapegrad::bench::Logistic
#include "problems.hpp"        // the anchors' problems a-e

#ifdef WITH_STAN
#include <stan/math/mix/mat.hpp>
#endif
#ifdef WITH_CODIPACK
#include <codi.hpp>
#endif

namespace bench {
FixedData g_data;
bool g_collect_stats = false;
std::string g_stats;
}  // namespace bench

namespace {

using bench::Advection;
using bench::Chain;
using bench::DenseLayer;
using bench::NormalLL;
using bench::Rosenbrock;
using Logistic = tapegrad::bench::Logistic;

// ---- inputs and passive data: as the harness's main.cpp draws them --------------------------------
void init_data() {
  std::mt19937_64 rng(777);
  std::normal_distribution<double> nd(0.5, 2.0);
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  bench::g_data.nll_y.resize(bench::NLL_N);
  for (auto& v : bench::g_data.nll_y) v = nd(rng);
  bench::g_data.dl_x.resize(bench::DL_N);
  for (auto& v : bench::g_data.dl_x) v = u(rng);
}

std::vector<double> make_inputs(int prob) {
  std::mt19937_64 rng(12345 + prob);
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  std::vector<double> in(bench::problem_n_in(prob));
  switch (prob) {
    case 0:
      for (auto& v : in) v = 1.0 + 0.5 * u(rng);
      break;
    case 1:
      in[0] = 0.3;
      in[1] = 1.7;
      break;
    case 2:
      for (int i = 0; i < bench::DL_M * bench::DL_N; ++i) in[i] = 0.15 * u(rng);
      for (int j = 0; j < bench::DL_M; ++j) in[bench::DL_M * bench::DL_N + j] = 0.5 * u(rng);
      break;
    case 3:
      for (int i = 0; i < bench::ADV_NX; ++i) {
        const double t = (i - 30.0) / 8.0;
        in[i] = std::exp(-t * t) + ((i >= 60 && i < 80) ? 1.0 : 0.0);
      }
      break;
    default:
      in[0] = 1.3;
  }
  return in;
}

/// The direction of every Hessian-vector product: U(-1, 1) from a fixed seed.
std::vector<double> make_direction(std::size_t n) {
  std::mt19937_64 rng(99);
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  std::vector<double> v(n);
  for (auto& d : v) d = u(rng);
  return v;
}

// ---- entries: fn(x, v, out) returns f(x) and writes H v (or the gradient, or the n x n Hessian) -----
using Fn = double (*)(const double* x, const double* v, double* out);
struct Entry {
  std::string lib;
  std::string what;  // "gradient", "hvp", "hessian", "primal"
  Fn fn;
};

template <class P>
double primal(const double* x, const double*, double*) {
  return P()(x);
}

tapegrad::Tape& tape() {
  static tapegrad::Tape t;
  return t;
}

/// One second-order tape for every problem (the active one: a tape per problem would leave only the last
/// constructed active).
tapegrad::SecondOrderTape<1>& second_order_tape() {
  static tapegrad::SecondOrderTape<1> t;
  return t;
}

/// tapegrad's gradient, the steady-state way of peer_tapegrad.cpp: one Tape, cleared per call.
template <class P>
double tapegrad_gradient(const double* in, const double*, double* g) {
  static std::vector<tapegrad::Var> x(P::n_in);
  tape().clear();
  for (int i = 0; i < P::n_in; ++i) x[i] = tapegrad::Var(in[i]);
  const tapegrad::Var y = P()(x.data());
  y.backward();
  for (int i = 0; i < P::n_in; ++i) g[i] = x[i].grad();
  return y.value();
}

/// tapegrad's Hessian-vector product on the second-order tape, the steady-state way: one
/// SecondOrderTape cleared per call, inputs SecondOrderVar(x_i, v_i), one sweep from the output.
template <class P>
double tapegrad_hvp(const double* in, const double* v, double* hv) {
  using S = tapegrad::SecondOrderVar<1>;
  static std::vector<S> x(P::n_in);
  second_order_tape().clear();
  for (int i = 0; i < P::n_in; ++i) x[i] = S(in[i], v[i]);
  const S y = P()(x.data());
  y.backward();
  for (int i = 0; i < P::n_in; ++i) hv[i] = x[i].grad_tangent();
  return y.value();
}

/// The eager Dual<Var> (two statements per operation): inputs (x_i, v_i), one sweep from the tangent.
template <class P>
double tapegrad_dual_hvp(const double* in, const double* v, double* hv) {
  using D = tapegrad::Dual<tapegrad::Var>;
  static std::vector<D> x(P::n_in);
  tape().clear();
  for (int i = 0; i < P::n_in; ++i) x[i] = D(tapegrad::Var(in[i]), tapegrad::Var(v[i]));
  const D y = P()(x.data());
  y.tangent().backward();
  for (int i = 0; i < P::n_in; ++i) hv[i] = x[i].value().grad();
  return y.value().value();
}

double tapegrad_logistic_gradient(const double* in, const double*, double* g) {
  static std::vector<tapegrad::Var> x(Logistic::n);
  tape().clear();
  for (int i = 0; i < Logistic::n; ++i) x[i] = tapegrad::Var(in[i]);
  const tapegrad::Var y = Logistic()(x.data());
  y.backward();
  for (int i = 0; i < Logistic::n; ++i) g[i] = x[i].grad();
  return y.value();
}

/// The public driver: n / Lanes forward-over-reverse sweeps of Lanes tangent lanes each, on one private
/// SecondOrderTape.
template <std::size_t Lanes>
double tapegrad_logistic_hessian(const double* in, const double*, double* h) {
  const auto f = [](const auto& w) { return Logistic()(w.data()); };
  const tapegrad::HessianResult r = tapegrad::hessian<Lanes>(f, std::span<const double>(in, Logistic::n));
  std::copy(r.hessian.begin(), r.hessian.end(), h);
  return r.value;
}

#ifdef WITH_STAN
template <class P>
struct StanFunctor {
  template <class T>
  T operator()(const Eigen::Matrix<T, Eigen::Dynamic, 1>& x) const {
    return P()(x.data());
  }
};

template <class P, int N>
double stan_hvp(const double* in, const double* v, double* hv) {
  const Eigen::Map<const Eigen::VectorXd> x(in, N), dir(v, N);
  double fx = 0.0;
  Eigen::VectorXd out;
  stan::math::hessian_times_vector(StanFunctor<P>(), Eigen::VectorXd(x), Eigen::VectorXd(dir), fx, out);
  std::copy(out.data(), out.data() + N, hv);
  return fx;
}

double stan_logistic_hessian(const double* in, const double*, double* h) {
  const Eigen::Map<const Eigen::VectorXd> x(in, Logistic::n);
  double fx = 0.0;
  Eigen::VectorXd grad;
  Eigen::MatrixXd hess;
  stan::math::hessian(StanFunctor<Logistic>(), Eigen::VectorXd(x), fx, grad, hess);
  for (int i = 0; i < Logistic::n; ++i)
    for (int j = 0; j < Logistic::n; ++j) h[i * Logistic::n + j] = hess(i, j);
  return fx;
}
#endif

#ifdef WITH_CODIPACK
using CodiSecond = codi::RealReverseGen<codi::RealForward>;

/// Forward-over-reverse, CoDiPack's documented recipe (Tutorial 6): tangents on the inputs' values,
/// register, record, seed the output's adjoint, evaluate, read the inputs' adjoints' tangents.
template <class P, int N>
double codi_hvp_n(const double* in, const double* v, double* hv) {
  auto& tape = CodiSecond::getTape();
  static std::vector<CodiSecond> x(N);
  tape.setActive();
  for (int i = 0; i < N; ++i) {
    x[i] = in[i];
    x[i].value().gradient() = v[i];
    tape.registerInput(x[i]);
  }
  CodiSecond y = P()(x.data());
  tape.registerOutput(y);
  tape.setPassive();
  y.gradient().value() = 1.0;
  tape.evaluate();
  for (int i = 0; i < N; ++i) hv[i] = x[i].getGradient().gradient();
  const double f = y.getValue().getValue();
  tape.reset();
  return f;
}
template <class P>
double codi_hvp(const double* in, const double* v, double* hv) {
  return codi_hvp_n<P, P::n_in>(in, v, hv);
}

/// The EvaluationHelper's Hessian with its default type (vector forward-over-forward).
double codi_logistic_hessian_helper(const double* in, const double*, double* h) {
  using Real = codi::EvaluationHelper::HessianComputationType;
  static auto hes = codi::EvaluationHelper::createHessian(1, Logistic::n);
  const std::vector<double> x(in, in + Logistic::n);
  auto func = [](const std::vector<Real>& w, std::vector<Real>& y) { y[0] = Logistic()(w.data()); };
  codi::EvaluationHelper::evalHessian(func, x, 1, hes);
  for (int i = 0; i < Logistic::n; ++i)
    for (int j = 0; j < Logistic::n; ++j) h[i * Logistic::n + j] = hes(0, i, j);
  return Logistic()(in);
}

/// The same Hessian from n RealReverseGen<RealForward> sweeps (unit directions), as tapegrad computes it.
double codi_logistic_hessian_sweeps(const double* in, const double*, double* h) {
  std::vector<double> e(Logistic::n, 0.0), column(Logistic::n);
  double f = 0.0;
  for (int j = 0; j < Logistic::n; ++j) {
    e[j] = 1.0;
    f = codi_hvp_n<Logistic, Logistic::n>(in, e.data(), column.data());
    e[j] = 0.0;
    for (int i = 0; i < Logistic::n; ++i) h[i * Logistic::n + j] = column[i];
  }
  return f;
}
#endif

template <class P>
std::vector<Entry> problem_entries() {
  std::vector<Entry> e{{"double", "primal", &primal<P>},
                       {"tapegrad", "gradient", &tapegrad_gradient<P>},
                       {"tapegrad", "hvp", &tapegrad_hvp<P>},
                       {"tapegrad Dual<Var> (eager)", "hvp", &tapegrad_dual_hvp<P>}};
#ifdef WITH_STAN
  e.push_back({"Stan 3.0 hessian_times_vector", "hvp", &stan_hvp<P, P::n_in>});
#endif
#ifdef WITH_CODIPACK
  e.push_back({"CoDiPack RealReverseGen<RealForward>", "hvp", &codi_hvp<P>});
#endif
  return e;
}

std::vector<Entry> logistic_entries() {
  std::vector<Entry> e{
      {"double", "primal", [](const double* x, const double*, double*) { return Logistic()(x); }},
      {"tapegrad", "gradient", &tapegrad_logistic_gradient},
      {"tapegrad", "hessian", &tapegrad_logistic_hessian<8>},
      {"tapegrad hessian<1>", "hessian", &tapegrad_logistic_hessian<1>},
      {"tapegrad hessian<4>", "hessian", &tapegrad_logistic_hessian<4>},
      {"tapegrad hessian<16>", "hessian", &tapegrad_logistic_hessian<16>}};
#ifdef WITH_STAN
  e.push_back({"Stan 3.0 hessian", "hessian", &stan_logistic_hessian});
#endif
#ifdef WITH_CODIPACK
  e.push_back({"CoDiPack EvaluationHelper", "hessian", &codi_logistic_hessian_helper});
  e.push_back({"CoDiPack n x RealReverseGen<RealForward>", "hessian", &codi_logistic_hessian_sweeps});
#endif
  return e;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

double rel_err(const std::vector<double>& a, const std::vector<double>& ref) {
  double num = 0.0, den = 0.0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (!std::isfinite(a[i])) return INFINITY;
    num = std::max(num, std::fabs(a[i] - ref[i]));
    den = std::max(den, std::fabs(ref[i]));
  }
  return den > 0 ? num / den : num;
}

/// Times every entry of one problem, interleaved; prints time / primal and time / tapegrad's gradient.
double cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

void run(const char* name, const std::vector<Entry>& es, const std::vector<double>& in, std::size_t out_size,
         int reps, double target_ms) {
  const std::vector<double> v = make_direction(in.size());
  std::vector<std::vector<double>> results(es.size(), std::vector<double>(out_size, NAN));
  std::vector<long> k(es.size());
  for (std::size_t j = 0; j < es.size(); ++j) {
    es[j].fn(in.data(), v.data(), results[j].data());  // warm-up
    const double t0 = cpu_seconds();
    es[j].fn(in.data(), v.data(), results[j].data());
    const double t = cpu_seconds() - t0;
    k[j] = std::max(1L, static_cast<long>(target_ms * 1e-3 / std::max(t, 1e-9)));
  }
  std::vector<std::vector<double>> samples(es.size());
  std::vector<double> scratch(out_size);
  for (int r = 0; r < reps; ++r)
    for (std::size_t jj = 0; jj < es.size(); ++jj) {
      const std::size_t j = (jj + static_cast<std::size_t>(r)) % es.size();
      const double t0 = cpu_seconds();
      for (long c = 0; c < k[j]; ++c) es[j].fn(in.data(), v.data(), scratch.data());
      samples[j].push_back((cpu_seconds() - t0) / static_cast<double>(k[j]) * 1e6);
    }
  double primal_us = 0.0, gradient_us = 0.0;
  const std::vector<double>* reference = nullptr;
  std::vector<double> med(es.size());
  for (std::size_t j = 0; j < es.size(); ++j) {
    med[j] = median(samples[j]);
    if (es[j].what == "primal") primal_us = med[j];
    if (es[j].lib == "tapegrad" && es[j].what == "gradient") gradient_us = med[j];
    if (es[j].lib == "tapegrad" && (es[j].what == "hvp" || es[j].what == "hessian")) reference = &results[j];
  }
  std::printf("\n== %s  (n=%zu)\n%-42s %-9s %12s %9s %9s %9s\n", name, in.size(), "lib", "what",
              "cpu_median_us", "x_primal", "x_grad", "err");
  for (std::size_t j = 0; j < es.size(); ++j) {
    const bool second = es[j].what == "hvp" || es[j].what == "hessian";
    const double err = second && reference ? rel_err(results[j], *reference) : 0.0;
    std::printf("%-42s %-9s %12.2f %9.2f %9.2f %9.1e%s\n", es[j].lib.c_str(), es[j].what.c_str(), med[j],
                med[j] / primal_us, med[j] / gradient_us, err, err > 1e-9 ? "  <-- MISMATCH" : "");
  }
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  int reps = 11;
  double target_ms = 30.0;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    if (a == "--reps")
      reps = std::atoi(argv[i + 1]);
    else if (a == "--target-ms")
      target_ms = std::atof(argv[i + 1]);
  }
  init_data();
  run(Rosenbrock::name, problem_entries<Rosenbrock>(), make_inputs(0), Rosenbrock::n_in, reps, target_ms);
  run(NormalLL::name, problem_entries<NormalLL>(), make_inputs(1), NormalLL::n_in, reps, target_ms);
  run(DenseLayer::name, problem_entries<DenseLayer>(), make_inputs(2), DenseLayer::n_in, reps, target_ms);
  run(Advection::name, problem_entries<Advection>(), make_inputs(3), Advection::n_in, reps, target_ms);
  run(Chain::name, problem_entries<Chain>(), make_inputs(4), Chain::n_in, reps, target_ms);
  run("logistic_hessian_n100", logistic_entries(), Logistic::inputs(), std::size_t{Logistic::n} * Logistic::n,
      reps, target_ms);
  return 0;
}
