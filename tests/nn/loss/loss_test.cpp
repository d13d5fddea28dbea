// SPDX-License-Identifier: MIT
// loss_test.cpp: every loss against a formula computed here with plain doubles, in each reduction;
// gradchecked in float64 with respect to its differentiable inputs; stable at extreme values; clear
// errors on mismatched shapes and out-of-range labels or targets.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <numeric>
#include <vector>

#include "nn_test_support.hpp"
#include "tapegrad/nn/nn.hpp"

using tapegrad::DomainError;
using tapegrad::Dtype;
using tapegrad::Shape;
using tapegrad::ShapeError;
using tapegrad::Tape;
using tapegrad::Tensor;
namespace nn = tapegrad::nn;
namespace test = tapegrad::nn::test;
using nn::Reduction;

namespace {

constexpr Reduction kReductions[] = {Reduction::mean, Reduction::sum, Reduction::none};

/// Reduces per-element losses as `r` says (mean over all of them).
std::vector<double> reduced(const std::vector<double>& v, Reduction r) {
  const double s = std::accumulate(v.begin(), v.end(), 0.0);
  if (r == Reduction::none) return v;
  return {r == Reduction::sum ? s : s / static_cast<double>(v.size())};
}

/// A float64 tensor with entries uniform in [lo, hi).
Tensor uniform64(const Shape& shape, double lo, double hi, std::uint64_t seed) {
  tapegrad::Generator gen(seed);
  return nn::init::uniform_(tapegrad::zeros(shape, Dtype::float64), lo, hi, gen);
}

/// Gradcheck of loss(input, target) with respect to the input and, when `wrt_target`, the target.
void gradcheck_loss(const std::function<Tensor(const Tensor&, const Tensor&)>& loss, const Tensor& input,
                    const Tensor& target, bool wrt_target) {
  tapegrad::GradcheckResult r;
  if (wrt_target)
    r = tapegrad::tensor_gradcheck([&](const auto& x) { return loss(x[0], x[1]); }, {input, target});
  else
    r = tapegrad::tensor_gradcheck([&](const auto& x) { return loss(x[0], target); }, {input});
  CHECK_MESSAGE(r.passed, r.report());
}

const std::vector<std::int64_t> kLabels{2, 0, 1, 2, 1};

}  // namespace

TEST_CASE("nn loss: half_squared_error is the seed's E = 1/(2n) sum ||y - t||^2") {
  const Tensor y = test::randn64({4, 3}, 1), t = test::randn64({4, 3}, 2);
  const std::vector<double> ys = y.to_vector<double>(), ts = t.to_vector<double>();
  std::vector<double> per_example(4, 0.0);
  for (std::size_t i = 0; i < 12; ++i) per_example[i / 3] += 0.5 * (ys[i] - ts[i]) * (ys[i] - ts[i]);
  const double total = std::accumulate(per_example.begin(), per_example.end(), 0.0);
  CHECK(nn::half_squared_error(y, t).item() == doctest::Approx(total / 4));
  CHECK(nn::half_squared_error(y, t, Reduction::sum).item() == doctest::Approx(total));
  const Tensor none = nn::half_squared_error(y, t, Reduction::none);
  CHECK(none.shape() == Shape{4});
  test::check_close(none.to_vector<double>(), per_example);

  // One value per example ([n]) and a single example ([]).
  const Tensor y1 = test::randn64({5}, 3), t1 = test::randn64({5}, 4);
  const double d0 = y1.to_vector<double>()[0] - t1.to_vector<double>()[0];
  CHECK(nn::half_squared_error(y1, t1, Reduction::none).to_vector<double>()[0] ==
        doctest::Approx(0.5 * d0 * d0));
  const Tensor y0 = tapegrad::full({}, 3.0, Dtype::float64), t0 = tapegrad::full({}, 1.0, Dtype::float64);
  CHECK(nn::half_squared_error(y0, t0).item() == doctest::Approx(2.0));

  // dE/dy = (y - t) / n: the seed's dE/do_j = y - t for each example, averaged.
  Tape tape;
  const Tensor yl = y.clone().requires_grad_();
  nn::half_squared_error(yl, t).backward();
  std::vector<double> expected(12);
  for (std::size_t i = 0; i < 12; ++i) expected[i] = (ys[i] - ts[i]) / 4;
  test::check_close(yl.grad().to_vector<double>(), expected);

  for (Reduction r : kReductions) {
    CAPTURE(nn::reduction_name(r));
    gradcheck_loss([r](const Tensor& a, const Tensor& b) { return nn::half_squared_error(a, b, r); }, y, t,
                   true);
    gradcheck_loss([r](const Tensor& a, const Tensor& b) { return nn::half_squared_error(a, b, r); },
                   test::randn64({2, 3, 2}, 5), test::randn64({2, 3, 2}, 6), true);
  }
}

TEST_CASE("nn loss: mse_loss averages (y - t)^2 over every element") {
  const Tensor y = test::randn64({3, 4}, 7), t = test::randn64({3, 4}, 8);
  const std::vector<double> ys = y.to_vector<double>(), ts = t.to_vector<double>();
  std::vector<double> sq(12);
  for (std::size_t i = 0; i < 12; ++i) sq[i] = (ys[i] - ts[i]) * (ys[i] - ts[i]);
  for (Reduction r : kReductions) {
    CAPTURE(nn::reduction_name(r));
    test::check_close(nn::mse_loss(y, t, r).to_vector<double>(), reduced(sq, r));
    gradcheck_loss([r](const Tensor& a, const Tensor& b) { return nn::mse_loss(a, b, r); }, y, t, true);
  }
  CHECK(nn::mse_loss(y, t, Reduction::none).shape() == Shape{3, 4});
}

TEST_CASE("nn loss: binary_cross_entropy on probabilities, finite at 0 and 1") {
  const Tensor p = uniform64({4, 2}, 0.05, 0.95, 9);
  const Tensor t = uniform64({4, 2}, 0.0, 1.0, 10);  // soft targets are allowed
  const std::vector<double> ps = p.to_vector<double>(), ts = t.to_vector<double>();
  std::vector<double> expected(8);
  for (std::size_t i = 0; i < 8; ++i)
    expected[i] = -(ts[i] * std::log(ps[i]) + (1 - ts[i]) * std::log(1 - ps[i]));
  for (Reduction r : kReductions) {
    CAPTURE(nn::reduction_name(r));
    test::check_close(nn::binary_cross_entropy(p, t, r).to_vector<double>(), reduced(expected, r));
    gradcheck_loss([r](const Tensor& a, const Tensor& b) { return nn::binary_cross_entropy(a, b, r); }, p, t,
                   true);
  }

  // Saturated probabilities: a right answer costs 0, a wrong one a large finite amount, and the
  // gradient stays finite (float32 and float64).
  for (Dtype dtype : {Dtype::float32, Dtype::float64}) {
    CAPTURE(dtype);
    Tape tape;
    Tensor q = dtype == Dtype::float32 ? tapegrad::from<float>({0, 1, 0, 1}, {4})
                                       : tapegrad::from<double>({0, 1, 0, 1}, {4});
    q.requires_grad_();
    const Tensor target = dtype == Dtype::float32 ? tapegrad::from<float>({0, 1, 1, 0}, {4})
                                                  : tapegrad::from<double>({0, 1, 1, 0}, {4});
    const Tensor loss = nn::binary_cross_entropy(q, target, Reduction::none);
    const std::vector<double> l = loss.to_vector<double>();
    CHECK(l[0] == 0.0);
    CHECK(l[1] == 0.0);
    CHECK(std::isfinite(l[2]));
    CHECK(l[2] > 80.0);
    CHECK(std::isfinite(l[3]));
    tapegrad::sum(loss).backward();
    for (double g : q.grad().to_vector<double>()) CHECK(std::isfinite(g));
  }
}

TEST_CASE("nn loss: binary_cross_entropy_with_logits is stable and its gradient is sigmoid(x) - t") {
  const Tensor x = test::randn64({3, 3}, 11) * 3.0;
  const Tensor t = uniform64({3, 3}, 0.0, 1.0, 12);
  const std::vector<double> xs = x.to_vector<double>(), ts = t.to_vector<double>();
  std::vector<double> expected(9);
  for (std::size_t i = 0; i < 9; ++i) {
    const double p = 1 / (1 + std::exp(-xs[i]));
    expected[i] = -(ts[i] * std::log(p) + (1 - ts[i]) * std::log(1 - p));
  }
  for (Reduction r : kReductions) {
    CAPTURE(nn::reduction_name(r));
    test::check_close(nn::binary_cross_entropy_with_logits(x, t, r).to_vector<double>(), reduced(expected, r),
                      1e-10);
    gradcheck_loss(
        [r](const Tensor& a, const Tensor& b) { return nn::binary_cross_entropy_with_logits(a, b, r); }, x, t,
        true);
  }

  // Huge logits: no overflow; the loss is |x| for a wrong sign and ~0 for a right one.
  const Tensor big = tapegrad::from<double>({800, -800, 800, -800}, {4});
  const Tensor bt = tapegrad::from<double>({1, 0, 0, 1}, {4});
  test::check_close(nn::binary_cross_entropy_with_logits(big, bt, Reduction::none).to_vector<double>(),
                    {0, 0, 800, 800});

  // At x = 0 exactly (a zero-initialised network's first output) the gradient is sigmoid(0) - t = 0.5 - t,
  // although relu and |x| have kinks there.
  Tape tape;
  const Tensor zero = tapegrad::zeros({3}, Dtype::float64).requires_grad_();
  const Tensor zt = tapegrad::from<double>({0, 1, 0.25}, {3});
  tapegrad::sum(nn::binary_cross_entropy_with_logits(zero, zt, Reduction::none)).backward();
  test::check_close(zero.grad().to_vector<double>(), {0.5, -0.5, 0.25});
  CHECK(nn::binary_cross_entropy_with_logits(zero, zt, Reduction::sum).item() ==
        doctest::Approx(3 * std::log(2.0)));
}

TEST_CASE("nn loss: cross_entropy is -log softmax at the label, stable for large logits") {
  const Tensor logits = test::randn64({5, 3}, 13) * 2.0;
  const std::vector<double> z = logits.to_vector<double>();
  std::vector<double> expected(5);
  for (std::size_t i = 0; i < 5; ++i) {
    double s = 0;
    for (std::size_t c = 0; c < 3; ++c) s += std::exp(z[i * 3 + c]);
    expected[i] = std::log(s) - z[i * 3 + static_cast<std::size_t>(kLabels[i])];
  }
  for (Reduction r : kReductions) {
    CAPTURE(nn::reduction_name(r));
    test::check_close(nn::cross_entropy(logits, kLabels, r).to_vector<double>(), reduced(expected, r));
    const auto f = [r](const auto& x) { return nn::cross_entropy(x[0], kLabels, r); };
    const auto result = tapegrad::tensor_gradcheck(f, {logits});
    CHECK_MESSAGE(result.passed, result.report());
    // nll_loss of log_softmax is the same loss.
    test::check_close(nn::nll_loss(tapegrad::log_softmax(logits, 1), kLabels, r).to_vector<double>(),
                      reduced(expected, r));
  }
  CHECK(nn::cross_entropy(logits, kLabels, Reduction::none).shape() == Shape{5});

  // Logits of 1000 would overflow exp: the stable log-softmax gives the exact answer.
  const Tensor big = tapegrad::from<double>({1000, 0, -1000, 1000}, {2, 2});
  const std::vector<std::int64_t> labels{1, 0};
  test::check_close(nn::cross_entropy(big, labels, Reduction::none).to_vector<double>(), {1000, 2000});

  // float32 agrees with float64.
  const Tensor logits32 = tapegrad::from<float>(logits.to_vector<float>(), {5, 3});
  CHECK(nn::cross_entropy(logits32, kLabels).item() ==
        doctest::Approx(reduced(expected, Reduction::mean)[0]).epsilon(1e-5));
}

TEST_CASE("nn loss: nll_loss picks -log_probs at the label and gradchecks") {
  const Tensor lp = test::randn64({5, 3}, 14);
  const std::vector<double> v = lp.to_vector<double>();
  std::vector<double> expected(5);
  for (std::size_t i = 0; i < 5; ++i) expected[i] = -v[i * 3 + static_cast<std::size_t>(kLabels[i])];
  for (Reduction r : kReductions) {
    CAPTURE(nn::reduction_name(r));
    test::check_close(nn::nll_loss(lp, kLabels, r).to_vector<double>(), reduced(expected, r));
    const auto result =
        tapegrad::tensor_gradcheck([r](const auto& x) { return nn::nll_loss(x[0], kLabels, r); }, {lp});
    CHECK_MESSAGE(result.passed, result.report());
  }
}

TEST_CASE("nn loss: hinge_loss is micrograd's max(0, 1 - y t)") {
  const Tensor scores = test::randn64({6}, 15);
  const Tensor targets = tapegrad::from<double>({1, -1, -1, 1, 1, -1}, {6});
  const std::vector<double> s = scores.to_vector<double>(), t = targets.to_vector<double>();
  std::vector<double> expected(6);
  for (std::size_t i = 0; i < 6; ++i) expected[i] = std::max(0.0, 1 - s[i] * t[i]);
  for (Reduction r : kReductions) {
    CAPTURE(nn::reduction_name(r));
    test::check_close(nn::hinge_loss(scores, targets, r).to_vector<double>(), reduced(expected, r));
    gradcheck_loss([r](const Tensor& a, const Tensor& b) { return nn::hinge_loss(a, b, r); }, scores, targets,
                   false);
  }
}

TEST_CASE("nn loss: labels out of range and size mismatches name the loss, the value and the shape") {
  const Tensor logits = tapegrad::zeros({2, 3});
  const std::vector<std::int64_t> bad{0, 3}, negative{-1, 0}, short_labels{1};
  CHECK_THROWS_WITH_AS(
      nn::cross_entropy(logits, bad),
      "cross_entropy: label 3 at position 1 is out of range [0, 3) for the input of shape [2, 3]",
      DomainError);
  CHECK_THROWS_WITH_AS(nn::nll_loss(logits, negative), doctest::Contains("nll_loss: label -1 at position 0"),
                       DomainError);
  CHECK_THROWS_WITH_AS(nn::cross_entropy(logits, short_labels),
                       "cross_entropy: expected 2 labels (one per row of the input [2, 3]), got 1",
                       ShapeError);
  CHECK_THROWS_WITH_AS(
      nn::cross_entropy(tapegrad::zeros({6}), kLabels),
      doctest::Contains("cross_entropy: expected a 2-D input [batch, classes], got shape [6]"), ShapeError);
  CHECK_THROWS_WITH_AS(nn::cross_entropy(tapegrad::zeros({0, 3}), std::vector<std::int64_t>{}),
                       doctest::Contains("expected a non-empty input, got shape [0, 3]"), ShapeError);

  CHECK_THROWS_WITH_AS(nn::mse_loss(tapegrad::zeros({4, 1}), tapegrad::zeros({4})),
                       "mse_loss: input [4, 1] and target [4] must have the same shape", ShapeError);
  CHECK_THROWS_WITH_AS(
      nn::half_squared_error(tapegrad::zeros({2}), tapegrad::zeros({2}, Dtype::float64)),
      doctest::Contains("half_squared_error: input float32 and target float64 must have the same dtype"),
      ShapeError);
  CHECK_THROWS_WITH_AS(
      nn::binary_cross_entropy(tapegrad::from<double>({0.5, 1.5}, {2}), tapegrad::zeros({2}, Dtype::float64)),
      "binary_cross_entropy: input probabilities must lie in [0, 1], got 1.5 at element 1 of shape [2]",
      DomainError);
  CHECK_THROWS_WITH_AS(
      nn::binary_cross_entropy_with_logits(tapegrad::zeros({2}), tapegrad::from<float>({0, 2}, {2})),
      doctest::Contains("targets must lie in [0, 1], got 2 at element 1"), DomainError);
  CHECK_THROWS_WITH_AS(nn::hinge_loss(tapegrad::zeros({3}), tapegrad::from<float>({1, 0, -1}, {3})),
                       "hinge_loss: targets must be -1 or +1, got 0 at element 1 of shape [3]", DomainError);
  CHECK_THROWS_WITH_AS(nn::mse_loss(tapegrad::zeros({0}), tapegrad::zeros({0})),
                       doctest::Contains("mse_loss: expected a non-empty input, got shape [0]"), ShapeError);
}
