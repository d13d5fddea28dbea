// SPDX-License-Identifier: MIT
// tensor_autograd_test.cpp: PyTorch's autograd semantics for Tensor, as properties (seeded, small).
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "tapegrad/autodiff/autodiff.hpp"
#include "test_support.hpp"

using tapegrad::Dtype;
using tapegrad::Shape;
using tapegrad::Tape;
using tapegrad::Tensor;
using tapegrad::Var;

namespace {
Tensor leaf(std::initializer_list<double> values, const Shape& shape) {
  Tensor t = tapegrad::from<double>(values, shape);
  t.requires_grad_();
  return t;
}
bool same_stats(const tapegrad::TapeStats& a, const tapegrad::TapeStats& b) {
  return a.statements == b.statements && a.arguments == b.arguments;
}
}  // namespace

TEST_CASE("Tensor autograd: backward of a one-element result seeds 1 and grads have the leaf's shape") {
  Tape tape;
  const Tensor x = leaf({1, -2, 3}, {3});
  const Tensor w = leaf({0.5, 0.25, 2}, {3});
  const Tensor y = tapegrad::sum(x * w + x * x);
  y.backward();
  CHECK(x.grad().shape() == x.shape());
  CHECK(x.grad().to_vector<double>() == std::vector<double>{0.5 + 2, 0.25 - 4, 2 + 6});
  CHECK(w.grad().to_vector<double>() == std::vector<double>{1, -2, 3});
  CHECK_FALSE(y.is_leaf());
  CHECK(y.requires_grad());
}

TEST_CASE("Tensor autograd: leaf grads accumulate across backward() calls until zero_grad") {
  Tape tape;
  Tensor x = leaf({1, 2}, {2});
  const Tensor y = tapegrad::sum(x * x);
  y.backward();
  y.backward();  // the recording is kept, so it can be swept again; the leaf accumulates
  CHECK(x.grad().to_vector<double>() == std::vector<double>{4, 8});
  x.zero_grad();
  CHECK_FALSE(x.grad().defined());
  y.backward();
  CHECK(x.grad().to_vector<double>() == std::vector<double>{2, 4});
}

TEST_CASE("Tensor autograd: intermediate grads are consumed, a tensor used twice accumulates") {
  Tape tape;
  const Tensor x = leaf({3}, {1});
  const Tensor h = tapegrad::exp(x);
  const Tensor y = tapegrad::sum(h * h + h);  // dy/dx = 2 e^{2x} + e^x
  y.backward();
  CHECK_FALSE(h.grad().defined());
  CHECK(x.grad().item() == doctest::Approx(2 * std::exp(6.0) + std::exp(3.0)));
}

TEST_CASE("Tensor autograd: backward(grad_output) weights a non-scalar result") {
  Tape tape;
  const Tensor x = leaf({1, 2, 3, 4}, {2, 2});
  const Tensor y = x * 3.0;
  y.backward(tapegrad::from<double>({1, 0, -1, 2}, {2, 2}));
  CHECK(x.grad().to_vector<double>() == std::vector<double>{3, 0, -3, 6});
}

TEST_CASE("Tensor autograd: NoGradGuard and inputs without requires_grad record nothing") {
  Tape tape;
  const Tensor x = leaf({1, 2, 3, 4}, {2, 2});
  const Tensor c = tapegrad::from<double>({1, 2, 3, 4}, {2, 2});
  const auto before = tape.stats();
  {
    tapegrad::NoGradGuard no_grad;
    CHECK_FALSE(tapegrad::NoGradGuard::grad_enabled());
    const Tensor y = tapegrad::softmax(tapegrad::matmul(x, x) + 1.0, 0);
    CHECK_FALSE(y.requires_grad());
    CHECK(y.is_leaf());
  }
  const Tensor z = tapegrad::sum(tapegrad::tanh(tapegrad::matmul(c, c)) * 2.0);
  CHECK_FALSE(z.requires_grad());
  CHECK(same_stats(tape.stats(), before));
  CHECK_THROWS_WITH_AS(z.backward(), doctest::Contains("does not require grad"), tapegrad::TapeError);
  const Tensor r = x * c;  // one input requires grad: recorded as one statement
  CHECK(tape.stats().statements == before.statements + 1);
  CHECK(r.requires_grad());
}

TEST_CASE("Tensor autograd: detach stops gradients") {
  Tape tape;
  const Tensor x = leaf({2, 3}, {2});
  const Tensor d = x.detach();
  CHECK(d.is_leaf());
  CHECK_FALSE(d.requires_grad());
  const Tensor y = tapegrad::sum(x * d);  // d is a constant: dy/dx = d = x
  y.backward();
  CHECK(x.grad().to_vector<double>() == std::vector<double>{2, 3});
}

TEST_CASE("Tensor autograd: requires_grad_ is for leaves only") {
  Tape tape;
  Tensor x = leaf({1}, {1});
  Tensor y = x * 2.0;
  CHECK_THROWS_WITH_AS(y.requires_grad_(false), doctest::Contains("only leaves"), tapegrad::TapeError);
}

TEST_CASE("Tensor autograd: to_var finishes a loss in scalar code") {
  Tape tape;
  const Tensor x = leaf({1, -2, 0.5}, {3});
  const Var s = tapegrad::to_var(tapegrad::sum(x * x));  // s = |x|^2
  const Var p = 1.5;
  const Var loss = 0.5 * s * s + p * s;  // d/dx = (s + p) 2x
  loss.backward();
  const double sv = 1 + 4 + 0.25;
  const std::vector<double> g = x.grad().to_vector<double>();
  CHECK(g[0] == doctest::Approx((sv + 1.5) * 2 * 1));
  CHECK(g[1] == doctest::Approx((sv + 1.5) * 2 * -2));
  CHECK(g[2] == doctest::Approx((sv + 1.5) * 2 * 0.5));
  CHECK(p.grad() == doctest::Approx(sv));
  CHECK_FALSE(tapegrad::to_var(tapegrad::ones({1}, Dtype::float64)).is_recorded());
  CHECK_THROWS_WITH_AS(tapegrad::to_var(x), doctest::Contains("[3]"), tapegrad::ShapeError);
}

TEST_CASE("Tensor autograd: an op result of a cleared recording cannot be used or swept") {
  Tape tape;
  const Tensor x = leaf({1, 2}, {2});
  const Tensor y = x * 2.0;
  tape.clear();
  CHECK_THROWS_WITH_AS(y * 3.0, doctest::Contains("mul"), tapegrad::TapeError);
  CHECK_THROWS_AS(tapegrad::sum(y).backward(), tapegrad::TapeError);
  CHECK_THROWS_AS(y.backward(tapegrad::ones({2}, Dtype::float64)), tapegrad::TapeError);
  CHECK_FALSE(x.grad().defined());
}

TEST_CASE("Tensor autograd: the anomaly guard names the tensor op that made a NaN or Inf") {
  Tape tape;
  const Tensor x = leaf({1, -1}, {2});
  CHECK_NOTHROW(tapegrad::log(x));  // without a guard, <cmath> semantics: NaN, silently
  tapegrad::AnomalyGuard guard;
  CHECK_THROWS_WITH_AS(tapegrad::log(x), doctest::Contains("log"), tapegrad::DomainError);
  const Tensor z = leaf({0, 4}, {2});
  const Tensor r = tapegrad::sum(tapegrad::sqrt(z));  // finite forward, infinite derivative at 0
  CHECK_THROWS_WITH_AS(r.backward(), doctest::Contains("backward of sqrt"), tapegrad::DomainError);
}

TEST_CASE("Tensor autograd: float32 gradients match float64 ones") {
  Tape tape;
  tapegrad::Generator gen(11);
  const Tensor a64 = tapegrad::randn({4, 3}, gen, Dtype::float64).requires_grad_();
  const Tensor b64 = tapegrad::randn({3, 2}, gen, Dtype::float64).requires_grad_();
  Tensor a32 = tapegrad::from(a64.to_vector<float>(), a64.shape());
  Tensor b32 = tapegrad::from(b64.to_vector<float>(), b64.shape());
  a32.requires_grad_();
  b32.requires_grad_();
  tapegrad::mean(tapegrad::log_softmax(tapegrad::matmul(a64, b64), 1)).backward();
  tapegrad::mean(tapegrad::log_softmax(tapegrad::matmul(a32, b32), 1)).backward();
  const std::vector<double> g64 = a64.grad().to_vector<double>();
  const std::vector<float> g32 = a32.grad().to_vector<float>();
  for (std::size_t i = 0; i < g64.size(); ++i)
    CHECK(static_cast<double>(g32[i]) == doctest::Approx(g64[i]).epsilon(1e-5).scale(1.0));
}

TEST_CASE("Tensor autograd: a steady-state step makes no new system allocation") {
  tapegrad::Generator gen(5);
  Tensor w = tapegrad::randn({8, 4}, gen, Dtype::float32).requires_grad_();
  Tensor b = tapegrad::zeros({4}, Dtype::float32).requires_grad_();
  const Tensor x = tapegrad::randn({16, 8}, gen, Dtype::float32);
  Tape tape;
  const auto step = [&] {
    const Tensor h = tapegrad::relu(tapegrad::matmul(x, w) + b);
    const Tensor loss =
        tapegrad::mean(-tapegrad::log_softmax(h, 1) * 0.5) + tapegrad::sum(transpose(w) * 1e-3);
    loss.backward();
    {
      tapegrad::NoGradGuard no_grad;
      CHECK(w.grad().defined());
    }
    w.zero_grad();
    b.zero_grad();
    tape.clear();
  };
  step();
  step();  // warm-up: the cache now holds every size class the step needs
  const std::size_t before = tapegrad::detail::system_allocations();
  step();
  step();
  CHECK(tapegrad::detail::system_allocations() == before);
}
