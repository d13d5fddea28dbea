// SPDX-License-Identifier: MIT
// optim_test.cpp: SGD, Adam and AdamW against update sequences computed here by their formulas (and
// by hand where short), state and load_state, schedules, gradient clipping, and no allocation in a
// steady-state training step.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "nn_test_support.hpp"
#include "tapegrad/nn/nn.hpp"

using tapegrad::DomainError;
using tapegrad::Dtype;
using tapegrad::Tape;
using tapegrad::Tensor;
namespace nn = tapegrad::nn;
namespace test = tapegrad::nn::test;

namespace {

Tensor param(std::initializer_list<double> values) {
  return tapegrad::from<double>(values, {static_cast<std::int64_t>(values.size())}).requires_grad_();
}

/// Makes w.grad() equal c exactly: the gradient of sum(w * c).
void set_grad(Tensor w, const std::vector<double>& c) {
  Tape tape;
  w.zero_grad();
  tapegrad::sum(w * tapegrad::from<double>(c, w.shape())).backward();
}

std::vector<std::string> names_of(const nn::NamedTensors& named) {
  std::vector<std::string> names;
  for (const auto& [name, tensor] : named) names.push_back(name);
  return names;
}

/// Adam's formula for one scalar weight, for the expected sequences: returns the new w.
struct AdamRef {
  double lr, b1, b2, eps, wd;
  bool decoupled = false, amsgrad = false;
  double m = 0, v = 0, vmax = 0;
  int t = 0;
  double step(double w, double g) {
    ++t;
    if (decoupled) {
      w *= 1 - lr * wd;
    } else {
      g += wd * w;
    }
    m = b1 * m + (1 - b1) * g;
    v = b2 * v + (1 - b2) * g * g;
    vmax = std::max(vmax, v);
    const double m_hat = m / (1 - std::pow(b1, t));
    const double v_hat = (amsgrad ? vmax : v) / (1 - std::pow(b2, t));
    return w - lr * m_hat / (std::sqrt(v_hat) + eps);
  }
};

}  // namespace

TEST_CASE("nn SGD: the seed's linear neuron, dw = -eta dE/dw, two steps by hand") {
  // y = x1 w1 + x2 w2, case (1, 1, 0), E = 1/2 (t - y)^2, so dE/dw_i = (y - t) x_i = y.
  // w = (0.6, 0.2): y = 0.8, w <- w - 0.1 * 0.8 = (0.52, 0.12); then y = 0.64, w = (0.456, 0.056).
  nn::Neuron neuron(
      {.in_features = 2, .activation = nn::Activation::identity, .bias = false, .dtype = Dtype::float64});
  neuron.weight().data<double>()[0] = 0.6;
  neuron.weight().data<double>()[1] = 0.2;
  nn::SGD opt(neuron.parameters(), {.lr = 0.1});
  const Tensor x = tapegrad::from<double>({1, 1}, {1, 2});
  const Tensor t = tapegrad::from<double>({0}, {1});
  Tape tape;
  for (int step = 0; step < 2; ++step) {
    tape.clear();
    opt.zero_grad();
    nn::half_squared_error(neuron(x), t).backward();
    opt.step();
  }
  test::check_close(neuron.weight().to_vector<double>(), {0.456, 0.056});
}

TEST_CASE("nn SGD: momentum, dampening, Nesterov and weight decay follow PyTorch's update") {
  // With a constant gradient g the momentum buffer is g, 1.9 g, 2.71 g (mu = 0.9): three steps move
  // w by -lr (1 + 1.9 + 2.71) g. Nesterov steps with g + mu b: 1.9 g, 2.71 g, 3.439 g. Dampening 0.5
  // (not applied on the first step): b = g, 1.4 g, 1.76 g.
  struct Case {
    nn::SGDOptions options;
    double factor;
  };
  const Case cases[] = {
      {{.lr = 0.1}, 3.0},
      {{.lr = 0.1, .momentum = 0.9}, 1 + 1.9 + 2.71},
      {{.lr = 0.1, .momentum = 0.9, .nesterov = true}, 1.9 + 2.71 + 3.439},
      {{.lr = 0.1, .momentum = 0.9, .dampening = 0.5}, 1 + 1.4 + 1.76},
  };
  for (const Case& c : cases) {
    CAPTURE(c.factor);
    Tensor w = param({1, -2});
    nn::SGD opt({w}, c.options);
    for (int step = 0; step < 3; ++step) {
      set_grad(w, {0.5, 3});
      opt.step();
    }
    test::check_close(w.to_vector<double>(), {1 - 0.1 * c.factor * 0.5, -2 - 0.1 * c.factor * 3});
  }

  // weight_decay 0.1 adds 0.1 w to the gradient: w1 = (1 - 0.1 (0.5 + 0.1), -2 - 0.1 (3 - 0.2)) = (0.94,
  // -2.28), w2 = (0.94 - 0.1 (0.5 + 0.094), -2.28 - 0.1 (3 - 0.228)) = (0.8806, -2.5572).
  Tensor w = param({1, -2});
  nn::SGD opt({w}, {.lr = 0.1, .weight_decay = 0.1});
  for (int step = 0; step < 2; ++step) {
    set_grad(w, {0.5, 3});
    opt.step();
  }
  test::check_close(w.to_vector<double>(), {0.8806, -2.5572});
}

TEST_CASE("nn Adam: three steps match the formula, the first is lr * sign(g)") {
  // The first Adam step is lr * g / (|g| + eps): the bias corrections cancel (1 - beta) exactly.
  Tensor w = param({1, -2, 0.5});
  nn::Adam opt({w}, {.lr = 0.1});
  set_grad(w, {1, -2, 0.5});  // the gradient of 1/2 ||w||^2 is w
  opt.step();
  test::check_close(w.to_vector<double>(),
                    {1 - 0.1 / (1 + 1e-8), -2 + 0.1 * 2 / (2 + 1e-8), 0.5 - 0.1 * 0.5 / (0.5 + 1e-8)});

  for (const double wd : {0.0, 0.05}) {
    CAPTURE(wd);
    Tensor v = param({1, -2, 0.5});
    nn::Adam adam({v}, {.lr = 0.1, .betas = {0.8, 0.9}, .eps = 1e-6, .weight_decay = wd});
    std::vector<AdamRef> ref(3, AdamRef{.lr = 0.1, .b1 = 0.8, .b2 = 0.9, .eps = 1e-6, .wd = wd});
    std::vector<double> expected = v.to_vector<double>();
    for (int step = 0; step < 3; ++step) {
      const std::vector<double> g = {expected[0] * 0.5 + 1, expected[1] * 2, -expected[2]};
      for (std::size_t i = 0; i < 3; ++i) expected[i] = ref[i].step(expected[i], g[i]);
      set_grad(v, g);
      adam.step();
      test::check_close(v.to_vector<double>(), expected);
    }
  }
}

TEST_CASE("nn AdamW: decoupled weight decay shrinks w before the Adam step") {
  Tensor w = param({1, -2});
  nn::AdamW opt({w}, {.lr = 0.1, .weight_decay = 0.5});
  CHECK(opt.options().weight_decay == 0.5);
  std::vector<AdamRef> ref(
      2, AdamRef{.lr = 0.1, .b1 = 0.9, .b2 = 0.999, .eps = 1e-8, .wd = 0.5, .decoupled = true});
  std::vector<double> expected = {1, -2};
  for (int step = 0; step < 3; ++step) {
    const std::vector<double> g = {3 * expected[0], 0.25};
    for (std::size_t i = 0; i < 2; ++i) expected[i] = ref[i].step(expected[i], g[i]);
    set_grad(w, g);
    opt.step();
  }
  test::check_close(w.to_vector<double>(), expected);
  // By hand, one step from w = -2 with g = 0.25: shrink to -2 (1 - 0.1 * 0.5) = -1.9, then Adam's
  // first step -0.1 * sign(g): -2.0 (up to eps).
  Tensor v = param({-2});
  nn::AdamW single({v}, {.lr = 0.1, .weight_decay = 0.5});
  set_grad(v, {0.25});
  single.step();
  CHECK(v.item() == doctest::Approx(-2.0).epsilon(1e-7));
  CHECK(nn::AdamW({param({0})}).options().weight_decay == 1e-2);  // PyTorch's default
}

TEST_CASE("nn Adam: amsgrad keeps the largest second moment") {
  // A big gradient then small ones: v shrinks, vmax does not, so amsgrad takes smaller steps.
  Tensor a = param({0}), b = param({0});
  nn::Adam plain({a}, {.lr = 0.1, .betas = {0.5, 0.5}});
  nn::Adam ams({b}, {.lr = 0.1, .betas = {0.5, 0.5}, .amsgrad = true});
  AdamRef ref_plain{.lr = 0.1, .b1 = 0.5, .b2 = 0.5, .eps = 1e-8, .wd = 0};
  AdamRef ref_ams{.lr = 0.1, .b1 = 0.5, .b2 = 0.5, .eps = 1e-8, .wd = 0, .amsgrad = true};
  double wa = 0, wb = 0;
  for (double g : {10.0, 0.1, 0.1, 0.1}) {
    wa = ref_plain.step(wa, g);
    wb = ref_ams.step(wb, g);
    set_grad(a, {g});
    set_grad(b, {g});
    plain.step();
    ams.step();
  }
  CHECK(a.item() == doctest::Approx(wa).epsilon(1e-12));
  CHECK(b.item() == doctest::Approx(wb).epsilon(1e-12));
  CHECK(std::fabs(wa - wb) > 1e-3);
  CHECK(names_of(ams.state()) ==
        std::vector<std::string>{"step", "0.exp_avg", "0.exp_avg_sq", "0.max_exp_avg_sq"});
}

TEST_CASE("nn optimizers: parameters without a gradient are skipped") {
  Tensor used = param({1, 2}), unused = param({3});
  nn::Adam opt({used, unused}, {.lr = 0.1});
  set_grad(used, {1, 1});
  opt.step();
  CHECK(unused.item() == 3.0);
  CHECK(used.to_vector<double>() != std::vector<double>{1, 2});
  CHECK(opt.state()[0].second.to_vector<double>() == std::vector<double>{1, 0});  // per-parameter steps
}

TEST_CASE("nn optimizers: state() names the buffers, load_state restores them or leaves them untouched") {
  nn::SGD plain({param({1})}, {.lr = 0.1});
  CHECK(names_of(plain.state()) == std::vector<std::string>{"step"});
  nn::SGD momentum({param({1, 2}), param({3})}, {.lr = 0.1, .momentum = 0.9});
  CHECK(names_of(momentum.state()) ==
        std::vector<std::string>{"step", "0.momentum_buffer", "1.momentum_buffer"});

  // Two Adams on equal weights: one trains 2 steps, the other loads its state (and weights), then
  // both take the same third step and must agree exactly.
  Tensor w1 = param({1, -2}), w2 = param({0, 0});
  nn::Adam a({w1}, {.lr = 0.1});
  nn::Adam b({w2}, {.lr = 0.1});
  CHECK(names_of(a.state()) == std::vector<std::string>{"step", "0.exp_avg", "0.exp_avg_sq"});
  for (int step = 0; step < 2; ++step) {
    set_grad(w1, {0.3, -0.7});
    a.step();
  }
  b.load_state(a.state());
  w2.data<double>()[0] = w1.data<double>()[0];
  w2.data<double>()[1] = w1.data<double>()[1];
  CHECK(b.state()[1].second.to_vector<double>() == a.state()[1].second.to_vector<double>());
  CHECK_FALSE(b.state()[1].second.shares_data(a.state()[1].second));
  set_grad(w1, {0.2, 0.1});
  set_grad(w2, {0.2, 0.1});
  a.step();
  b.step();
  CHECK(w1.to_vector<double>() == w2.to_vector<double>());

  // A bad checkpoint: nothing is copied.
  const std::vector<double> before = b.state()[1].second.to_vector<double>();
  nn::NamedTensors wrong_shape = a.state();
  wrong_shape[2].second = tapegrad::zeros({3}, Dtype::float64);
  CHECK_THROWS_WITH_AS(b.load_state(wrong_shape),
                       "Adam: load_state: '0.exp_avg_sq' must be [2] float64, got [3] float64",
                       tapegrad::ShapeError);
  nn::NamedTensors renamed = a.state();
  renamed[1].first = "0.exp_avg_typo";
  CHECK_THROWS_WITH_AS(b.load_state(renamed), "Adam: load_state is missing the state '0.exp_avg'",
                       DomainError);
  CHECK_THROWS_WITH_AS(b.load_state({}), "Adam: load_state expected 3 state tensors, got 0", DomainError);
  CHECK(b.state()[1].second.to_vector<double>() == before);
}

TEST_CASE("nn optimizers: bad options and parameters are rejected with the optimizer's name") {
  CHECK_THROWS_WITH_AS(nn::SGD({}, {}), "SGD: got an empty parameter list", DomainError);
  CHECK_THROWS_WITH_AS(nn::SGD({param({1})}, {.lr = -1}), "SGD: invalid learning rate (expected lr >= 0) -1",
                       DomainError);
  CHECK_THROWS_WITH_AS(nn::SGD({param({1})}, {.lr = 0.1, .nesterov = true}), doctest::Contains("nesterov"),
                       DomainError);
  CHECK_THROWS_WITH_AS(nn::Adam({param({1})}, {.betas = {0.9, 1.0}}),
                       "Adam: invalid beta2 (expected 0 <= beta2 < 1) 1", DomainError);
  CHECK_THROWS_WITH_AS(nn::AdamW({param({1})}, {.eps = -1}), doctest::Contains("AdamW: invalid eps"),
                       DomainError);
  CHECK_THROWS_WITH_AS(nn::SGD({Tensor()}, {}), "SGD: parameter 0 is undefined", tapegrad::TapeError);
  Tape tape;
  const Tensor w = param({1, 2});
  CHECK_THROWS_WITH_AS(nn::SGD({w * 2.0}, {}),
                       doctest::Contains("SGD: parameter 0 of shape [2] is the result of a recorded op"),
                       tapegrad::TapeError);
  nn::SGD opt({w}, {.lr = 0.1});
  CHECK_THROWS_WITH_AS(opt.set_lr(std::nan("")), doctest::Contains("SGD: invalid learning rate"),
                       DomainError);
}

TEST_CASE("nn LR schedules: StepLR and CosineAnnealingLR set the optimizer's lr per epoch") {
  nn::SGD opt({param({1})}, {.lr = 1.0});
  nn::StepLR step_lr(opt, {.step_size = 2, .gamma = 0.5});
  std::vector<double> seen{opt.lr()};
  for (int e = 0; e < 5; ++e) {
    step_lr.step();
    seen.push_back(opt.lr());
    CHECK(step_lr.get_last_lr() == opt.lr());
  }
  CHECK(seen == std::vector<double>{1, 1, 0.5, 0.5, 0.25, 0.25});
  CHECK(step_lr.last_epoch() == 5);

  nn::SGD opt2({param({1})}, {.lr = 1.0});
  nn::CosineAnnealingLR cosine(opt2, {.T_max = 4, .eta_min = 0.1});
  std::vector<double> lrs{opt2.lr()};
  for (int e = 0; e < 4; ++e) {
    cosine.step();
    lrs.push_back(opt2.lr());
  }
  // 0.1 + 0.45 (1 + cos(pi e / 4)): cos = 1, sqrt(2)/2, 0, -sqrt(2)/2, -1.
  test::check_close(lrs,
                    {1.0, 0.1 + 0.45 * (1 + std::sqrt(0.5)), 0.55, 0.1 + 0.45 * (1 - std::sqrt(0.5)), 0.1});

  CHECK_THROWS_WITH_AS(nn::StepLR(opt, {.step_size = 0}), doctest::Contains("StepLR: expected step_size > 0"),
                       DomainError);
  CHECK_THROWS_WITH_AS(nn::CosineAnnealingLR(opt, {.T_max = 0}),
                       doctest::Contains("CosineAnnealingLR: expected T_max > 0"), DomainError);
}

TEST_CASE("nn clip_grad_norm_ and clip_grad_value_ rescale or clamp the gradients in place") {
  Tensor a = param({0, 0}), b = param({0}), none = param({7});
  set_grad(a, {3, 4});
  set_grad(b, {0});
  const double norm = nn::clip_grad_norm_({a, b, none}, 1.0);
  CHECK(norm == doctest::Approx(5.0));
  test::check_close(a.grad().to_vector<double>(), {3 / (5 + 1e-6), 4 / (5 + 1e-6)});
  CHECK_FALSE(none.grad().defined());

  set_grad(a, {3, -4});
  CHECK(nn::clip_grad_norm_({a}, 10.0, 1.0) == doctest::Approx(7.0));
  test::check_close(a.grad().to_vector<double>(), {3, -4});  // under max_norm: unchanged
  CHECK(nn::clip_grad_norm_({a}, 10.0, std::numeric_limits<double>::infinity()) == doctest::Approx(4.0));

  set_grad(a, {std::nan(""), 1});
  CHECK_THROWS_WITH_AS(nn::clip_grad_norm_({a}, 1.0, 2.0, true),
                       doctest::Contains("clip_grad_norm_: the total norm"), DomainError);
  CHECK_THROWS_AS(nn::clip_grad_norm_({a}, -1.0), DomainError);

  Tensor c = param({0, 0, 0});
  set_grad(c, {-3, 0.2, 5});
  nn::clip_grad_value_({c}, 1.0);
  test::check_close(c.grad().to_vector<double>(), {-1, 0.2, 1});
  CHECK_THROWS_WITH_AS(nn::clip_grad_value_({c}, -1.0), "clip_grad_value_: expected clip_value >= 0, got -1",
                       DomainError);
}

TEST_CASE("nn training step: forward, loss, backward, clip, Adam step allocate nothing once warm") {
  tapegrad::Generator gen(test::kSeed);
  nn::MLP net({.in_features = 8, .hidden = {16}, .out_features = 4}, gen);
  nn::Adam opt(net.parameters(), {.lr = 1e-2});
  const Tensor x = tapegrad::randn({32, 8}, gen);
  std::vector<std::int64_t> labels(32);
  for (std::size_t i = 0; i < labels.size(); ++i) labels[i] = static_cast<std::int64_t>(i % 4);
  const float* state_data = opt.state()[1].second.data<float>();
  Tape tape;
  const auto step = [&] {
    tape.clear();
    opt.zero_grad();
    nn::cross_entropy(net(x), labels).backward();
    nn::clip_grad_norm_(net.parameters(), 1.0);
    opt.step();
  };
  step();
  step();
  const std::size_t before = tapegrad::detail::system_allocations();
  for (int i = 0; i < 5; ++i) step();
  CHECK(tapegrad::detail::system_allocations() == before);
  CHECK(opt.state()[1].second.data<float>() == state_data);
}
