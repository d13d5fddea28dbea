// SPDX-License-Identifier: MIT
// problems.hpp: the five scalar problems of the anchors (../shared/anchors/scalar), as templates
// over the scalar type T, so one definition runs as plain double (the primal), as an operation
// counter, and as tapegrad::Var.
//
// Sizes, formulas, statement grouping and input data are those of the anchors, so that our ratios
// can be put next to the peers' (ADOL-C, Stan, CoDiPack, Adept). Keep them that way: an expression
// template library gains from long right-hand sides, so regrouping a statement changes the figures.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <random>
#include <string_view>
#include <vector>

namespace tapegrad::bench {

// ---- fixed (passive) data: the same generator, seed and draw order as the anchors -------------------
inline constexpr int kLikelihoodPoints = 10'000;  // (b)
inline constexpr int kLayerRows = 100;            // (c) W is kLayerRows x kLayerCols
inline constexpr int kLayerCols = 100;

struct PassiveData {
  std::vector<double> observations;  // (b) y_i ~ N(0.5, 2^2)
  std::vector<double> layer_input;   // (c) x_k ~ U(-1, 1)
};

/// Built once: the observations are drawn first, then the layer input, from one mt19937_64(777).
inline const PassiveData& passive_data() {
  static const PassiveData data = [] {
    PassiveData d;
    std::mt19937_64 rng(777);
    std::normal_distribution<double> normal(0.5, 2.0);
    std::uniform_real_distribution<double> uniform(-1.0, 1.0);
    d.observations.resize(kLikelihoodPoints);
    for (double& y : d.observations) y = normal(rng);
    d.layer_input.resize(kLayerCols);
    for (double& x : d.layer_input) x = uniform(rng);
    return d;
  }();
  return data;
}

/// The anchors' generator for a problem's inputs: mt19937_64 seeded with 12345 + problem number.
inline std::mt19937_64 input_rng(int problem_number) {
  return std::mt19937_64(static_cast<std::uint64_t>(12345 + problem_number));
}

// ---- (a) extended Rosenbrock: f = sum_i 100 (x_{i+1} - x_i^2)^2 + (1 - x_i)^2, n = 10^4 -------------
struct Rosenbrock {
  static constexpr std::string_view name = "Rosenbrock";
  static constexpr int n = 10'000;

  static std::vector<double> inputs() {
    auto rng = input_rng(0);
    std::uniform_real_distribution<double> uniform(-1.0, 1.0);
    std::vector<double> x(n);
    for (double& v : x) v = 1.0 + 0.5 * uniform(rng);  // around the minimum at (1, ..., 1)
    return x;
  }

  template <class T>
  T operator()(const T* x) const {
    T sum = 0.0;
    for (int i = 0; i + 1 < n; ++i) {
      T valley = x[i + 1] - x[i] * x[i];
      T offset = 1.0 - x[i];
      sum += 100.0 * valley * valley + offset * offset;
    }
    return sum;
  }
};

// ---- (b) normal log-likelihood of 10^4 points in (mu, sigma) --------------------------------------
struct NormalLL {
  static constexpr std::string_view name = "NormalLL";
  static constexpr int n = 2;  // mu, sigma

  static std::vector<double> inputs() { return {0.3, 1.7}; }

  template <class T>
  T operator()(const T* params) const {
    using std::log;
    const T& mu = params[0];
    const T& sigma = params[1];
    T loglik = 0.0;
    for (double y : passive_data().observations) {
      T z = (y - mu) / sigma;
      loglik += -0.5 * z * z - log(sigma);  // log(sigma) per point, as the anchors write it
    }
    return loglik;
  }
};

// ---- (c) one dense layer: loss = sum_j tanh((W x + b)_j)^2, W 100 x 100 --------------------------
// Inputs: W row-major, then b. x is passive data.
struct DenseTanh {
  static constexpr std::string_view name = "DenseTanh";
  static constexpr int n = kLayerRows * kLayerCols + kLayerRows;

  static std::vector<double> inputs() {
    auto rng = input_rng(2);
    std::uniform_real_distribution<double> uniform(-1.0, 1.0);
    std::vector<double> in(n);
    for (int i = 0; i < kLayerRows * kLayerCols; ++i) in[static_cast<std::size_t>(i)] = 0.15 * uniform(rng);
    for (int j = 0; j < kLayerRows; ++j)
      in[static_cast<std::size_t>(kLayerRows * kLayerCols + j)] = 0.5 * uniform(rng);
    return in;
  }

  template <class T>
  T operator()(const T* in) const {
    using std::tanh;
    const T* weight = in;
    const T* bias = in + kLayerRows * kLayerCols;
    const double* x = passive_data().layer_input.data();
    T loss = 0.0;
    for (int j = 0; j < kLayerRows; ++j) {
      T pre = bias[j];
      for (int k = 0; k < kLayerCols; ++k) pre += weight[j * kLayerCols + k] * x[k];
      T act = tanh(pre);
      loss += act * act;
    }
    return loss;
  }
};

// ---- (d) 1-D linear advection, Lax-Wendroff with periodic ghost cells (Hogan 2014's test) ----------
// 100 cells (cells 0 and 99 are ghosts), 2000 steps, Courant number 0.125; loss = sum q_i^2 at the end.
struct Advection {
  static constexpr std::string_view name = "Advection";
  static constexpr int n = 100;
  static constexpr int steps = 2000;
  static constexpr double courant = 0.125;

  static std::vector<double> inputs() {
    std::vector<double> q(n);
    for (int i = 0; i < n; ++i) {
      const double t = (i - 30.0) / 8.0;  // a Gaussian bump at cell 30 ...
      q[static_cast<std::size_t>(i)] = std::exp(-t * t) + ((i >= 60 && i < 80) ? 1.0 : 0.0);  // ... and a box
    }
    return q;
  }

  template <class T>
  T operator()(const T* q0) const {
    std::vector<T> q(q0, q0 + n);
    advance(q, steps);
    return loss(q);
  }

  /// `count` time steps of q (n cells) in place: the loop of operator(), also run in blocks by
  /// checkpointing (bench/checkpoint_bench.cpp, tests/autodiff/checkpoint/checkpoint_test.cpp).
  template <class T>
  static void advance(std::vector<T>& q, int count) {
    constexpr double c = courant;
    constexpr std::size_t cells = n;
    std::vector<T> flux(cells - 1);
    for (int step = 0; step < count; ++step) {
      // flux through the face between cells i and i+1
      for (std::size_t i = 0; i + 1 < cells; ++i)
        flux[i] = 0.5 * c * (q[i] + q[i + 1] + c * (q[i] - q[i + 1]));
      for (std::size_t i = 1; i + 1 < cells; ++i) q[i] += flux[i - 1] - flux[i];
      q[0] = q[cells - 2];  // periodic ghosts
      q[cells - 1] = q[1];
    }
  }

  template <class T>
  static T loss(const std::vector<T>& q) {
    T sum = 0.0;
    for (std::size_t i = 0; i < q.size(); ++i) sum += q[i] * q[i];
    return sum;
  }
};

// ---- (e) a long chain of transcendentals with one input: explicit Euler, 10^5 steps ----------------
// x <- x + dt (sin(x) exp(-x^2) - x/2): stable, so the derivative neither explodes nor underflows.
struct Chain {
  static constexpr std::string_view name = "Chain";
  static constexpr int n = 1;
  static constexpr int steps = 100'000;
  static constexpr double dt = 1e-4;

  static std::vector<double> inputs() { return {1.3}; }

  template <class T>
  T operator()(const T* in) const {
    using std::exp;
    using std::sin;
    T x = in[0];
    for (int k = 0; k < steps; ++k) x = x + dt * (sin(x) * exp(-x * x) - 0.5 * x);
    return x;
  }
};

// ---- second order: a logistic-regression log-likelihood in 100 weights, for dense Hessians ----------
// l(w) = sum_i y_i z_i - log(1 + e^z_i), z_i = x_i . w, over 500 fixed points x_i ~ U(-1, 1)^100 with
// labels y_i drawn from the model at a fixed w*. Not an anchors problem: bench/anchors/second_order.cpp
// times it for tapegrad, Stan and CoDiPack from this one definition.
struct Logistic {
  static constexpr std::string_view name = "Logistic";
  static constexpr int n = 100;
  static constexpr int points = 500;

  struct Data {
    std::vector<double> x;  // points x n, row-major
    std::vector<double> y;  // 0 or 1
  };
  static const Data& data() {
    static const Data d = [] {
      Data out;
      std::mt19937_64 rng(778);
      std::uniform_real_distribution<double> uniform(-1.0, 1.0);
      out.x.resize(static_cast<std::size_t>(points) * n);
      for (double& v : out.x) v = uniform(rng);
      out.y.resize(points);
      for (std::size_t i = 0; i < out.y.size(); ++i) {
        double z = 0.0;
        for (std::size_t j = 0; j < n; ++j) z += out.x[i * n + j] * (j % 2 == 0 ? 0.2 : -0.1);
        out.y[i] = uniform(rng) < 2.0 / (1.0 + std::exp(-z)) - 1.0 ? 1.0 : 0.0;
      }
      return out;
    }();
    return d;
  }

  static std::vector<double> inputs() {
    auto rng = input_rng(5);
    std::uniform_real_distribution<double> uniform(-1.0, 1.0);
    std::vector<double> w(n);
    for (double& v : w) v = 0.1 * uniform(rng);
    return w;
  }

  template <class T>
  T operator()(const T* w) const {
    using std::exp;
    using std::log;
    const Data& d = data();
    T loglik = 0.0;
    for (std::size_t i = 0; i < points; ++i) {
      T z = 0.0;
      for (std::size_t j = 0; j < n; ++j) z += d.x[i * n + j] * w[j];
      loglik += d.y[i] * z - log(1.0 + exp(z));
    }
    return loglik;
  }
};

// ---- counting elementary operations -----------------------------------------------------------------
// "Bytes per op" and "ns per op" divide by the number of elementary operations (+ - * / unary minus,
// compound assignments, and each function call), counted as the anchors count them: run the problem
// with a scalar that counts.
struct CountingScalar {
  double v = 0.0;
  static inline long count = 0;
  CountingScalar(double x = 0.0) : v(x) {}  // NOLINT(google-explicit-constructor): T x = 0.0 must work

  friend CountingScalar operator+(CountingScalar a, CountingScalar b) {
    return ++count, CountingScalar(a.v + b.v);
  }
  friend CountingScalar operator-(CountingScalar a, CountingScalar b) {
    return ++count, CountingScalar(a.v - b.v);
  }
  friend CountingScalar operator*(CountingScalar a, CountingScalar b) {
    return ++count, CountingScalar(a.v * b.v);
  }
  friend CountingScalar operator/(CountingScalar a, CountingScalar b) {
    return ++count, CountingScalar(a.v / b.v);
  }
  CountingScalar operator-() const { return ++count, CountingScalar(-v); }
  CountingScalar& operator+=(CountingScalar o) { return ++count, v += o.v, *this; }
  CountingScalar& operator-=(CountingScalar o) { return ++count, v -= o.v, *this; }
  friend CountingScalar sin(CountingScalar a) { return ++count, CountingScalar(std::sin(a.v)); }
  friend CountingScalar exp(CountingScalar a) { return ++count, CountingScalar(std::exp(a.v)); }
  friend CountingScalar log(CountingScalar a) { return ++count, CountingScalar(std::log(a.v)); }
  friend CountingScalar tanh(CountingScalar a) { return ++count, CountingScalar(std::tanh(a.v)); }
};

/// Elementary operations of one evaluation of problem P.
template <class P>
long count_ops() {
  const std::vector<double> in = P::inputs();
  const std::vector<CountingScalar> x(in.begin(), in.end());
  CountingScalar::count = 0;
  P{}(x.data());
  return CountingScalar::count;
}

}  // namespace tapegrad::bench
