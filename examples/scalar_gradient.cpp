// SPDX-License-Identifier: MIT
// scalar_gradient.cpp: differentiate a function written once, as a template, for double and Var.
//
// The function is the negative log-likelihood of eight measurements of g under a normal model
// N(mu, sigma^2), with sigma = exp(log_sigma) so that the parameter is unconstrained. With T = double
// it is plain C++; with T = tapegrad::Var every line is recorded on the tape and backward() gives
// the gradient. Shown here: the functional gradient driver, the same template with T = double,
// gradcheck, the Jacobian driver, and Tape + Var + backward() by hand. Exits 0 only if every
// gradcheck passes.
#include <cmath>
#include <cstdio>
#include <iterator>
#include <numbers>
#include <tapegrad/autodiff/autodiff.hpp>
#include <vector>

namespace {

constexpr double kData[] = {9.79, 9.83, 9.76, 9.85, 9.81, 9.78, 9.84, 9.80};  // g in m/s^2
constexpr double kCount = static_cast<double>(std::size(kData));

/// -log L(mu, sigma | data) = sum_i [ log sigma + (x_i - mu)^2 / (2 sigma^2) ] + n/2 log(2 pi).
template <class T>
T normal_nll(T mu, T log_sigma) {
  using std::exp;  // T = double uses std::exp; T = Var finds tapegrad::exp by argument-dependent lookup
  const T inv_sigma = exp(-log_sigma);
  T nll{};  // 0; for Var a constant, so it is not recorded as an input
  for (double x : kData) {
    const T z = (x - mu) * inv_sigma;  // one tape statement: z depends on mu and inv_sigma
    nll += 0.5 * z * z + log_sigma;
  }
  return nll + 0.5 * kCount * std::log(2.0 * std::numbers::pi);
}

/// Polar to Cartesian, (r, theta) -> (r cos theta, r sin theta): its Jacobian has determinant r.
template <class T>
std::vector<T> polar_to_cartesian(const std::vector<T>& p) {
  using std::cos, std::sin;
  return {p[0] * cos(p[1]), p[0] * sin(p[1])};
}

/// One aligned line: a label and one or two numbers.
void row(const char* label, double a) {
  std::printf("  %-30s % .12f\n", label, a);
}
void row(const char* label, double a, double b) {
  std::printf("  %-30s % .12f  % .12f\n", label, a, b);
}

}  // namespace

int main() {
  using tapegrad::Var;
  const std::vector<double> theta = {9.8, -3.0};  // mu, log sigma
  // One generic lambda serves the driver and gradcheck, which call it with a std::vector<Var>.
  auto f = [](const auto& x) { return normal_nll(x[0], x[1]); };
  std::printf("Normal negative log-likelihood of %g measurements of g at mu = %g, log sigma = %g\n", kCount,
              theta[0], theta[1]);

  std::printf("tapegrad::gradient (functional driver)\n");
  const tapegrad::GradientResult g = tapegrad::gradient(f, theta);
  row("value", g.value);
  row("d/dmu, d/dlog_sigma", g.gradient[0], g.gradient[1]);

  std::printf("the same template with T = double, and the closed-form gradient\n");
  const double plain = normal_nll(theta[0], theta[1]);
  row("normal_nll<double>", plain);
  double s1 = 0.0, s2 = 0.0;  // d/dmu = -sum(x - mu) / sigma^2, d/dlog sigma = n - sum(x - mu)^2 / sigma^2
  for (double x : kData) {
    s1 += x - theta[0];
    s2 += (x - theta[0]) * (x - theta[0]);
  }
  const double inv_var = std::exp(-2.0 * theta[1]);
  row("closed form", -s1 * inv_var, kCount - s2 * inv_var);
  const tapegrad::GradcheckResult check = tapegrad::gradcheck(f, theta);
  std::printf("%s\n\n", check.report().c_str());

  // Jacobian driver: one recording, then one reverse sweep per output.
  const std::vector<double> polar = {2.0, 0.5};
  auto to_xy = [](const auto& p) { return polar_to_cartesian(p); };
  const tapegrad::JacobianResult j = tapegrad::jacobian(to_xy, polar);
  std::printf("tapegrad::jacobian of (r, theta) -> (r cos theta, r sin theta) at (%g, %g)\n", polar[0],
              polar[1]);
  row("row 0: dx/dr, dx/dtheta", j(0, 0), j(0, 1));
  row("row 1: dy/dr, dy/dtheta", j(1, 0), j(1, 1));
  row("determinant (= r)", j(0, 0) * j(1, 1) - j(0, 1) * j(1, 0));
  const tapegrad::GradcheckResult check_j = tapegrad::gradcheck(to_xy, polar);
  std::printf("%s\n\n", check_j.report().c_str());

  // By hand: a Tape is the thread's active tape until it goes out of scope.
  {
    tapegrad::Tape tape;
    Var mu = theta[0], log_sigma = theta[1];  // two inputs
    Var nll = normal_nll(mu, log_sigma);      // recorded on `tape`
    nll.backward();                           // reverse sweep: adjoints land in the inputs
    std::printf("Tape + Var + backward()\n");
    row("nll.value()", nll.value());
    row("mu.grad(), log_sigma.grad()", mu.grad(), log_sigma.grad());
    const tapegrad::TapeStats stats = tape.stats();
    std::printf("  tape: %zu statements, %zu argument slots, %zu bytes (1 per statement + 12 per slot)\n",
                stats.statements, stats.arguments, stats.bytes());
    nll.backward();  // input gradients accumulate until zero_grad(), as PyTorch's leaf .grad does
    row("mu.grad() after 2nd backward()", mu.grad());
    tape.zero_grad();
    row("mu.grad() after zero_grad()", mu.grad());
  }
  return check && check_j ? 0 : 1;
}
