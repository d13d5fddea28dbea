// SPDX-License-Identifier: MIT
// hand_adjoints.hpp: hand-written reverse-mode derivatives of the five problems of problems.hpp.
// They are the reference every tapegrad gradient is checked against before it is timed, and the
// "x_hand" denominator: what a careful programmer gets without any AD tool. Each one evaluates the
// primal exactly as problems.hpp does (same operations, so the same libm calls) and then the adjoint;
// they do not hoist work out of the primal, so x_hand measures the AD overhead, not a better algorithm.
// Signature: returns f(in) and writes df/din into grad (sized P::n).
#pragma once

#include <cmath>
#include <vector>

#include "problems.hpp"

namespace tapegrad::bench {

inline double rosenbrock_adjoint(const double* x, double* grad) {
  constexpr int n = Rosenbrock::n;
  double sum = 0.0;
  grad[0] = 0.0;
  for (int i = 0; i + 1 < n; ++i) {
    const double valley = x[i + 1] - x[i] * x[i];
    const double offset = 1.0 - x[i];
    sum += 100.0 * valley * valley + offset * offset;
    // term i reads x[i] (through valley and offset) and x[i+1] (through valley only)
    const double valley_bar = 200.0 * valley;
    grad[i] += -2.0 * x[i] * valley_bar - 2.0 * offset;
    grad[i + 1] = valley_bar;  // first write of grad[i+1]: term i+1 adds to it next
  }
  return sum;
}

inline double normal_ll_adjoint(const double* params, double* grad) {
  const double mu = params[0];
  const double sigma = params[1];
  double loglik = 0.0, mu_bar = 0.0, sigma_bar = 0.0;
  for (double y : passive_data().observations) {
    const double z = (y - mu) / sigma;
    loglik += -0.5 * z * z - std::log(sigma);
    // d/dz of the term is -z; dz/dmu = -1/sigma, dz/dsigma = -z/sigma; d(-log sigma)/dsigma = -1/sigma
    mu_bar += z / sigma;
    sigma_bar += (z * z - 1.0) / sigma;
  }
  grad[0] = mu_bar;
  grad[1] = sigma_bar;
  return loglik;
}

inline double dense_tanh_adjoint(const double* in, double* grad) {
  const double* weight = in;
  const double* bias = in + kLayerRows * kLayerCols;
  const double* x = passive_data().layer_input.data();
  double loss = 0.0;
  for (int j = 0; j < kLayerRows; ++j) {
    double pre = bias[j];
    for (int k = 0; k < kLayerCols; ++k) pre += weight[j * kLayerCols + k] * x[k];
    const double act = std::tanh(pre);
    loss += act * act;
    const double pre_bar = 2.0 * act * (1.0 - act * act);  // d(act^2)/dact * tanh'
    for (int k = 0; k < kLayerCols; ++k) grad[j * kLayerCols + k] = pre_bar * x[k];
    grad[kLayerRows * kLayerCols + j] = pre_bar;
  }
  return loss;
}

/// The scheme is linear in q, so the reverse sweep needs no stored states, only the final one (for
/// the loss' derivative 2 q).
inline double advection_adjoint(const double* q0, double* grad) {
  constexpr int n = Advection::n;
  constexpr double c = Advection::courant;
  // flux_i = w_left q_i + w_right q_{i+1}
  constexpr double w_left = 0.5 * c * (1.0 + c);
  constexpr double w_right = 0.5 * c * (1.0 - c);
  double q[n], flux[n - 1];
  for (int i = 0; i < n; ++i) q[i] = q0[i];
  for (int step = 0; step < Advection::steps; ++step) {
    for (int i = 0; i + 1 < n; ++i) flux[i] = 0.5 * c * (q[i] + q[i + 1] + c * (q[i] - q[i + 1]));
    for (int i = 1; i + 1 < n; ++i) q[i] += flux[i - 1] - flux[i];
    q[0] = q[n - 2];
    q[n - 1] = q[1];
  }
  double loss = 0.0;
  for (int i = 0; i < n; ++i) loss += q[i] * q[i];

  double* q_bar = grad;  // swept in place: after step 0 it is d loss / d q0
  for (int i = 0; i < n; ++i) q_bar[i] = 2.0 * q[i];
  for (int step = Advection::steps; step-- > 0;) {
    // undo the ghost copies: the ghosts' adjoints flow to the cells they were copied from
    q_bar[n - 2] += q_bar[0];
    q_bar[1] += q_bar[n - 1];
    q_bar[0] = q_bar[n - 1] = 0.0;
    // q_i += flux_{i-1} - flux_i gives flux_bar_i = q_bar_{i+1} - q_bar_i (ghosts are 0 now); then
    // each flux sends w_left to its left cell and w_right to its right one. One pass, in place:
    // at step i, q_bar[i] and q_bar[i+1] still hold their incoming values.
    double flux_bar_left = 0.0;  // flux_bar_{i-1}
    for (int i = 0; i < n; ++i) {
      const double flux_bar = i + 1 < n ? q_bar[i + 1] - q_bar[i] : 0.0;
      q_bar[i] += w_left * flux_bar + w_right * flux_bar_left;
      flux_bar_left = flux_bar;
    }
  }
  return loss;
}

/// A recurrence is not linear: its adjoint stores one local derivative per step (a hand-made tape).
inline double chain_adjoint(const double* in, double* grad) {
  static thread_local std::vector<double> step_derivative(Chain::steps);
  constexpr double dt = Chain::dt;
  double x = in[0];
  for (int k = 0; k < Chain::steps; ++k) {
    const double s = std::sin(x), e = std::exp(-x * x);
    // d/dx [x + dt (sin x e^{-x^2} - x/2)]
    step_derivative[static_cast<std::size_t>(k)] = 1.0 + dt * (std::cos(x) * e - 2.0 * x * s * e - 0.5);
    x = x + dt * (s * e - 0.5 * x);
  }
  double x_bar = 1.0;
  for (int k = Chain::steps; k-- > 0;) x_bar *= step_derivative[static_cast<std::size_t>(k)];
  grad[0] = x_bar;
  return x;
}

}  // namespace tapegrad::bench
