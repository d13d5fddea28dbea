// SPDX-License-Identifier: MIT
// dual_test.cpp: Dual numbers and the forward and second-order drivers, against hand derivations.
#include <doctest/doctest.h>

#include <cmath>
#include <cstddef>
#include <stdexcept>
#include <vector>

#include "tapegrad/autodiff/autodiff.hpp"
#include "test_support.hpp"

namespace {

using tapegrad::Dual;
using tapegrad::Var;
namespace test = tapegrad::test;

/// f(x, y) = x^2 y + sin(x y): gradient (2xy + y cos(xy), x^2 + x cos(xy)),
/// Hessian [[2y - y^2 sin(xy), 2x + cos(xy) - xy sin(xy)], [same, -x^2 sin(xy)]].
template <class T>
T hand_function(const std::vector<T>& v) {
  using std::sin;
  return T(v[0] * v[0] * v[1] + sin(v[0] * v[1]));
}
constexpr auto kHand = [](const auto& v) { return hand_function(v); };

struct HandDerivatives {
  double x, y;
  double dx() const { return 2 * x * y + y * std::cos(x * y); }
  double dy() const { return x * x + x * std::cos(x * y); }
  double dxx() const { return 2 * y - y * y * std::sin(x * y); }
  double dxy() const { return 2 * x + std::cos(x * y) - x * y * std::sin(x * y); }
  double dyy() const { return -x * x * std::sin(x * y); }
};

}  // namespace

TEST_CASE("dual: value and tangent of an expression, by hand") {
  const Dual<double> x(2.0, 1.0);
  using std::exp;
  using std::sin;
  const Dual<double> y = x * sin(x) + exp(-x) / 2.0 - 3;
  CHECK(y.value() == doctest::Approx(2 * std::sin(2.0) + std::exp(-2.0) / 2 - 3).epsilon(1e-15));
  CHECK(test::close(y.tangent(), std::sin(2.0) + 2 * std::cos(2.0) - std::exp(-2.0) / 2, 1e-15));
  // A constant has zero tangent; comparisons read values.
  const Dual<double> c = 5.0;
  CHECK(c.tangent() == 0.0);
  CHECK(x < c);
  CHECK(c >= 5);
  CHECK(tapegrad::value(y) == y.value());
}

TEST_CASE("dual: vector tangents carry one direction per lane") {
  // d/dx and d/dy of x^2 y + sin(xy) in one pass, lanes seeded with e_x and e_y.
  const HandDerivatives h{0.7, -1.3};
  const std::vector<Dual<double, 2>> v{Dual<double, 2>(h.x, {1.0, 0.0}), Dual<double, 2>(h.y, {0.0, 1.0})};
  const Dual<double, 2> f = hand_function(v);
  CHECK(test::close(f.tangent(0), h.dx(), 1e-15));
  CHECK(test::close(f.tangent(1), h.dy(), 1e-15));
}

TEST_CASE("dual: kinks follow the table (relu'(0) = 0, max splits a tie)") {
  using tapegrad::max;
  const Dual<double> zero(0.0, 1.0);
  CHECK(tapegrad::relu(zero).tangent() == 0.0);
  CHECK(tapegrad::abs(zero).tangent() == 0.0);
  const Dual<double> x(1.5, 1.0);
  CHECK(max(x, x).tangent() == 1.0);  // 0.5 + 0.5
  CHECK(tapegrad::max(x, 1.5).tangent() == 0.5);
  CHECK(std::isnan(tapegrad::log(Dual<double>(-1.0, 1.0)).value()));
}

TEST_CASE("jvp: a vector function's Jacobian times a direction, by hand") {
  // f(x, y) = (x y, x + sin y); J = [[y, x], [1, cos y]]; J (2, -1) = (2y - x, 2 - cos y).
  const auto f = [](const auto& v) {
    using std::sin;
    using T = std::decay_t<decltype(v[0])>;
    return std::vector<T>{v[0] * v[1], v[0] + sin(v[1])};
  };
  const tapegrad::JvpResult r = tapegrad::jvp(f, {0.5, 2.0}, {2.0, -1.0});
  REQUIRE(r.value.size() == 2);
  CHECK(r.value[0] == 1.0);
  CHECK(test::close(r.tangent[0], 2 * 2.0 - 0.5, 1e-15));
  CHECK(test::close(r.tangent[1], 2 - std::cos(2.0), 1e-15));
  CHECK_THROWS_AS(tapegrad::jvp(f, {0.5, 2.0}, {1.0}), tapegrad::ShapeError);
}

TEST_CASE("forward_jacobian: agrees with the reverse jacobian, for every lane count") {
  // 3 outputs of 5 inputs: lane counts that divide 5, that do not, and that exceed it.
  const auto f = [](const auto& v) {
    using std::exp;
    using std::sin;
    using T = std::decay_t<decltype(v[0])>;
    return std::vector<T>{T(v[0] * v[1] + v[4]), T(sin(v[2]) * exp(v[3])),
                          T(v[0] / v[3] - v[1] * v[2] * v[4])};
  };
  const std::vector<double> point{0.3, -1.2, 0.8, 1.9, 0.4};
  const tapegrad::JacobianResult reverse = tapegrad::jacobian(f, point);
  const auto compare = [&](const tapegrad::JacobianResult& forward) {
    REQUIRE(forward.rows == 3);
    REQUIRE(forward.cols == 5);
    for (std::size_t i = 0; i < 3; ++i) {
      CHECK(forward.value[i] == reverse.value[i]);
      for (std::size_t j = 0; j < 5; ++j) CHECK(test::close(forward(i, j), reverse(i, j), 1e-15));
    }
  };
  compare(tapegrad::forward_jacobian<1>(f, point));
  compare(tapegrad::forward_jacobian<2>(f, point));
  compare(tapegrad::forward_jacobian<4>(f, point));
  compare(tapegrad::forward_jacobian<8>(f, point));
}

TEST_CASE("hvp: Hessian times a vector and the gradient, by hand") {
  const HandDerivatives h{0.7, -1.3};
  const double vx = 0.4, vy = -2.5;
  const tapegrad::HvpResult r = tapegrad::hvp(kHand, {h.x, h.y}, {vx, vy});
  CHECK(test::close(r.value, h.x * h.x * h.y + std::sin(h.x * h.y), 1e-15));
  CHECK(test::close(r.gradient[0], h.dx(), 1e-14));
  CHECK(test::close(r.gradient[1], h.dy(), 1e-14));
  CHECK(test::close(r.hvp[0], h.dxx() * vx + h.dxy() * vy, 1e-14));
  CHECK(test::close(r.hvp[1], h.dxy() * vx + h.dyy() * vy, 1e-14));
  CHECK_THROWS_AS(tapegrad::hvp(kHand, {1.0, 2.0}, {1.0, 2.0, 3.0}), tapegrad::ShapeError);
}

TEST_CASE("hessian: dense Hessian, gradient and value together, by hand") {
  const HandDerivatives h{-0.4, 2.2};
  const tapegrad::HessianResult r = tapegrad::hessian(kHand, {h.x, h.y});
  REQUIRE(r.n == 2);
  CHECK(test::close(r.gradient[0], h.dx(), 1e-14));
  CHECK(test::close(r.gradient[1], h.dy(), 1e-14));
  CHECK(test::close(r(0, 0), h.dxx(), 1e-14));
  CHECK(test::close(r(0, 1), h.dxy(), 1e-14));
  CHECK(test::close(r(1, 0), h.dxy(), 1e-14));
  CHECK(test::close(r(1, 1), h.dyy(), 1e-14));
}

TEST_CASE("hessian: a logistic-regression log-likelihood, against X^T diag(p(1-p)) X") {
  // l(w) = sum_i y_i z_i - softplus(z_i), z = X w: Hessian -X^T diag(s_i (1 - s_i)) X with s = sigmoid(z).
  constexpr std::size_t m = 7, n = 4;
  auto rng = test::make_rng(test::kSeed);
  std::vector<double> X(m * n), y(m), w(n);
  for (double& v : X) v = test::uniform(rng, -1.0, 1.0);
  for (double& v : y) v = test::uniform(rng, 0.0, 1.0) < 0.5 ? 0.0 : 1.0;
  for (double& v : w) v = test::uniform(rng, -0.5, 0.5);
  const auto loglik = [&](const auto& weights) {
    using T = std::decay_t<decltype(weights[0])>;
    T sum = 0.0;
    for (std::size_t i = 0; i < m; ++i) {
      T z = 0.0;
      for (std::size_t j = 0; j < n; ++j) z += X[i * n + j] * weights[j];
      sum += y[i] * z - tapegrad::softplus(z);
    }
    return sum;
  };
  const tapegrad::HessianResult r = tapegrad::hessian(loglik, w);
  for (std::size_t a = 0; a < n; ++a)
    for (std::size_t b = 0; b < n; ++b) {
      double expected = 0.0;
      for (std::size_t i = 0; i < m; ++i) {
        double z = 0.0;
        for (std::size_t j = 0; j < n; ++j) z += X[i * n + j] * w[j];
        const double s = 1 / (1 + std::exp(-z));
        expected -= X[i * n + a] * s * (1 - s) * X[i * n + b];
      }
      CAPTURE(a);
      CAPTURE(b);
      CHECK(test::close(r(a, b), expected, 1e-13));
    }
}

TEST_CASE("hessian_check: passes a correct Hessian and fails a wrong one") {
  TAPEGRAD_CHECK_GRADCHECK(tapegrad::hessian_check(kHand, {0.7, -1.3}));
  // A function whose Var and Dual versions disagree (x^3 on the tape, x^2 in forward mode): its Hessian
  // (2) is not the derivative of its gradient (6x), and the check must say so.
  const auto inconsistent = [](const auto& v) {
    using T = std::decay_t<decltype(v[0])>;
    if constexpr (std::is_same_v<T, Var>)
      return T(v[0] * v[0] * v[0]);
    else
      return T(v[0] * v[0]);
  };
  const tapegrad::GradcheckResult r = tapegrad::hessian_check(inconsistent, {1.5});
  CHECK_FALSE(r.passed);
  CHECK(r.worst_analytic == doctest::Approx(2.0));
  CHECK(r.worst_numeric == doctest::Approx(9.0).epsilon(1e-6));
  CHECK_THROWS_AS(tapegrad::hessian_check(kHand, std::vector<double>{}), tapegrad::ShapeError);
}

TEST_CASE("hvp: leaves the caller's tape and its gradients alone") {
  tapegrad::Tape tape;
  Var a = 3.0;
  Var b = a * a;
  b.backward();
  const std::size_t statements = tape.stats().statements;
  const tapegrad::HvpResult r = tapegrad::hvp(kHand, {0.7, -1.3}, {1.0, 0.0});
  CHECK(r.gradient.size() == 2);
  CHECK(tape.stats().statements == statements);
  CHECK(a.grad() == 6.0);
}

TEST_CASE("dual<var>: the anomaly guard throws for a non-finite value, naming the op") {
  tapegrad::Tape tape;
  const tapegrad::AnomalyGuard guard;
  const Dual<Var> x(Var(0.0), Var(1.0));
  CHECK_THROWS_AS(static_cast<void>(Dual<Var>(tapegrad::log(x))), tapegrad::DomainError);  // log(0) = -inf
}

TEST_CASE("dual<var>: each op records a value statement and a tangent statement") {
  tapegrad::Tape tape;
  const Dual<Var> x(Var(0.8), Var(1.0));
  const tapegrad::TapeStats before = tape.stats();
  using std::sin;
  // sin: value [x.v], tangent [x.v, x.t]; mul: value [x.v, s.v], tangent [x.v, s.v, x.t, s.t].
  const Dual<Var> y = x * sin(x);
  CHECK(tape.stats().statements == before.statements + 4);
  CHECK(tape.stats().arguments == before.arguments + 1 + 2 + 2 + 4);
  CHECK(test::close(tapegrad::value(y), 0.8 * std::sin(0.8), 1e-15));
  CHECK(test::close(y.tangent().value(), std::sin(0.8) + 0.8 * std::cos(0.8), 1e-15));
  // Sweeping from the tangent: d/dx (sin x + x cos x) = 2 cos x - x sin x, and the tangent's adjoint is
  // f'(x).
  y.tangent().backward();
  CHECK(test::close(x.value().grad(), 2 * std::cos(0.8) - 0.8 * std::sin(0.8), 1e-15));
  CHECK(test::close(x.tangent().grad(), std::sin(0.8) + 0.8 * std::cos(0.8), 1e-15));
  // A row whose second derivative is zero (add) reads no values in its tangent statement.
  const tapegrad::TapeStats mid = tape.stats();
  const Dual<Var> z = x + y;
  CHECK(tape.stats().arguments == mid.arguments + 2 + 2);
  CHECK(test::close(z.tangent().value(), 1.0 + y.tangent().value(), 1e-15));
}
