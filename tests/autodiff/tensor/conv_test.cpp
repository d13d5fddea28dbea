// SPDX-License-Identifier: MIT
// conv_test.cpp: convolution, pooling, dropout and normalisation against independent references (direct
// loops written here, hand-computed values), their documented choices (first maximum, running statistics,
// inverted dropout) and their error messages. Gradients are checked in gradcheck_test.cpp.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include "tapegrad/autodiff/autodiff.hpp"
#include "tapegrad/autodiff/kernels/buffer.hpp"

using tapegrad::DomainError;
using tapegrad::Dtype;
using tapegrad::ShapeError;
using tapegrad::Tensor;

namespace {

/// Direct 2-D cross-correlation: every output element as its own sum, no im2col, no gemm.
std::vector<double> direct_conv2d(const Tensor& x, const Tensor& w, const Tensor& b,
                                  const tapegrad::Conv2dParams& p) {
  const auto xv = x.to_vector<double>(), wv = w.to_vector<double>(), bv = b.to_vector<double>();
  const std::int64_t n = x.shape()[0], c = x.shape()[1], h = x.shape()[2], wd = x.shape()[3];
  const std::int64_t o = w.shape()[0], cg = w.shape()[1], kh = w.shape()[2], kw = w.shape()[3];
  const std::int64_t og = o / p.groups;
  const std::int64_t oh = (h + 2 * p.padding[0] - p.dilation[0] * (kh - 1) - 1) / p.stride[0] + 1;
  const std::int64_t ow = (wd + 2 * p.padding[1] - p.dilation[1] * (kw - 1) - 1) / p.stride[1] + 1;
  std::vector<double> y;
  for (std::int64_t s = 0; s < n; ++s)
    for (std::int64_t oc = 0; oc < o; ++oc)
      for (std::int64_t i = 0; i < oh; ++i)
        for (std::int64_t j = 0; j < ow; ++j) {
          double acc = bv[static_cast<std::size_t>(oc)];
          const std::int64_t group = oc / og;
          for (std::int64_t ic = 0; ic < cg; ++ic)
            for (std::int64_t u = 0; u < kh; ++u)
              for (std::int64_t v = 0; v < kw; ++v) {
                const std::int64_t yy = i * p.stride[0] - p.padding[0] + u * p.dilation[0];
                const std::int64_t xx = j * p.stride[1] - p.padding[1] + v * p.dilation[1];
                if (yy < 0 || yy >= h || xx < 0 || xx >= wd) continue;
                const std::int64_t ch = group * cg + ic;
                acc += xv[static_cast<std::size_t>(((s * c + ch) * h + yy) * wd + xx)] *
                       wv[static_cast<std::size_t>(((oc * cg + ic) * kh + u) * kw + v)];
              }
          y.push_back(acc);
        }
  return y;
}

void check_close(const std::vector<double>& got, const std::vector<double>& want, double tol) {
  REQUIRE(got.size() == want.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    CAPTURE(i);
    CHECK(got[i] == doctest::Approx(want[i]).epsilon(tol).scale(1.0));
  }
}

}  // namespace

TEST_CASE("conv2d: matches a direct convolution for stride, padding, dilation and groups") {
  tapegrad::Generator gen(11);
  struct Config {
    tapegrad::Shape x, w;
    tapegrad::Conv2dParams p;
  };
  const std::vector<Config> configs = {
      {{2, 3, 7, 6}, {4, 3, 3, 3}, {}},
      {{1, 2, 6, 6}, {3, 2, 5, 5}, {.padding = {2, 2}}},
      {{2, 4, 9, 8}, {6, 2, 3, 2}, {.stride = {2, 3}, .padding = {1, 0}, .dilation = {2, 1}, .groups = 2}},
      {{3, 5, 4, 4}, {7, 5, 1, 1}, {}},
      {{1, 1, 28, 28}, {6, 1, 5, 5}, {.padding = {2, 2}}},
  };
  for (const Dtype dtype : {Dtype::float64, Dtype::float32})
    for (const Config& cfg : configs) {
      CAPTURE(tapegrad::to_string(cfg.x));
      const Tensor x = tapegrad::randn(cfg.x, gen, dtype), w = tapegrad::randn(cfg.w, gen, dtype);
      const Tensor b = tapegrad::randn({cfg.w[0]}, gen, dtype);
      check_close(tapegrad::conv2d(x, w, b, cfg.p).to_vector<double>(), direct_conv2d(x, w, b, cfg.p),
                  dtype == Dtype::float64 ? 1e-12 : 1e-5);
    }
}

TEST_CASE("conv2d: a large batch split over threads gives exactly the single-thread values and gradients") {
  tapegrad::Generator gen(12);
  Tensor x = tapegrad::randn({32, 6, 14, 14}, gen, Dtype::float64).requires_grad_();
  Tensor w = tapegrad::randn({16, 6, 5, 5}, gen, Dtype::float64).requires_grad_();
  Tensor b = tapegrad::randn({16}, gen, Dtype::float64).requires_grad_();
  const Tensor weights = tapegrad::randn({32, 16, 10, 10}, gen, Dtype::float64);
  std::vector<std::vector<double>> results[2];
  const int previous = tapegrad::num_threads();
  for (int threads : {1, 2}) {
    tapegrad::set_num_threads(threads);
    tapegrad::Tape tape;
    x.zero_grad(), w.zero_grad(), b.zero_grad();
    const Tensor y = tapegrad::conv2d(x, w, b);
    tapegrad::sum(y * weights).backward();
    results[threads - 1] = {y.to_vector<double>(), x.grad().to_vector<double>(), w.grad().to_vector<double>(),
                            b.grad().to_vector<double>()};
  }
  tapegrad::set_num_threads(previous);
  // The batch's chunks depend on the shapes only, and dW's parts are added in chunk order: bit-identical.
  for (std::size_t i = 0; i < 4; ++i) CHECK(results[1][i] == results[0][i]);
}

TEST_CASE("conv2d and conv1d: shapes that do not fit name the op and the shapes") {
  const Tensor x = tapegrad::zeros({2, 3, 5, 5});
  CHECK_THROWS_WITH_AS(tapegrad::conv2d(x, tapegrad::zeros({4, 2, 3, 3})),
                       doctest::Contains("conv2d: channels must match"), ShapeError);
  CHECK_THROWS_WITH_AS(tapegrad::conv2d(x, tapegrad::zeros({4, 2, 3, 3})), doctest::Contains("[4, 2, 3, 3]"),
                       ShapeError);
  CHECK_THROWS_WITH_AS(tapegrad::conv2d(tapegrad::zeros({3, 5, 5}), tapegrad::zeros({4, 3, 3, 3})),
                       doctest::Contains("conv2d: expected x [N, C, H, W]"), ShapeError);
  CHECK_THROWS_WITH_AS(tapegrad::conv2d(x, tapegrad::zeros({4, 3, 7, 7})),
                       doctest::Contains("does not fit the input [2, 3, 5, 5]"), ShapeError);
  CHECK_THROWS_WITH_AS(tapegrad::conv2d(x, tapegrad::zeros({4, 3, 3, 3}), {}, {.stride = {0, 1}}),
                       doctest::Contains("stride, dilation and groups must be positive"), ShapeError);
  CHECK_THROWS_WITH_AS(tapegrad::conv2d(x, tapegrad::zeros({4, 3, 3, 3}), tapegrad::zeros({3})),
                       doctest::Contains("bias [3]"), ShapeError);
  CHECK_THROWS_WITH_AS(tapegrad::conv2d(x, tapegrad::zeros({4, 1, 3, 3}), {}, {.groups = 2}),
                       doctest::Contains("divisible by groups = 2"), ShapeError);
  CHECK_THROWS_WITH_AS(
      tapegrad::conv1d(x, tapegrad::zeros({4, 3, 3})),
      doctest::Contains("conv1d: expected x [N, C, L] and weight [O, C/groups, k], got x [2, 3, 5, 5]"),
      ShapeError);
  CHECK_THROWS_AS(tapegrad::conv2d(x, tapegrad::zeros({4, 3, 3, 3}, Dtype::float64)), ShapeError);
}

TEST_CASE("conv1d: equals conv2d on a height-1 image") {
  tapegrad::Generator gen(13);
  const Tensor x = tapegrad::randn({2, 4, 9}, gen, Dtype::float64),
               w = tapegrad::randn({6, 2, 3}, gen, Dtype::float64);
  const Tensor b = tapegrad::randn({6}, gen, Dtype::float64);
  const Tensor y = tapegrad::conv1d(x, w, b, {.stride = 2, .padding = 1, .dilation = 2, .groups = 2});
  CHECK(y.shape() == tapegrad::Shape{2, 6, 4});
  check_close(y.to_vector<double>(),
              direct_conv2d(tapegrad::reshape(x, {2, 4, 1, 9}), tapegrad::reshape(w, {6, 2, 1, 3}), b,
                            {.stride = {1, 2}, .padding = {0, 1}, .dilation = {1, 2}, .groups = 2}),
              1e-12);
}

TEST_CASE("max_pool2d: takes window maxima, and a tie sends the whole gradient to the first maximum") {
  const Tensor x = tapegrad::from<double>({1, 5, 2, 0,  //
                                           3, 5, 7, 7,  //
                                           4, 4, 1, 2,  //
                                           4, 4, 3, 0},
                                          {1, 1, 4, 4})
                       .requires_grad_();
  tapegrad::Tape tape;
  const Tensor y = tapegrad::max_pool2d(x);
  CHECK(y.to_vector<double>() == std::vector<double>{5, 7, 4, 3});
  tapegrad::sum(y).backward();
  CHECK(x.grad().to_vector<double>() == std::vector<double>{0, 1, 0, 0,  //
                                                            0, 0, 1, 0,  //
                                                            1, 0, 0, 0,  //
                                                            0, 0, 1, 0});
  // Padding never wins, even against negative values.
  const Tensor neg = tapegrad::full({1, 1, 2, 2}, -3.0, Dtype::float64);
  CHECK(tapegrad::max_pool2d(neg, {.kernel_size = {2, 2}, .stride = {1, 1}, .padding = {1, 1}})
            .to_vector<double>() == std::vector<double>(9, -3.0));
}

TEST_CASE("max_pool2d: 2x2 windows of stride 2 on odd sizes, with a NaN, match a direct first-maximum loop") {
  tapegrad::Generator gen(21);
  std::vector<double> v = tapegrad::randn({2, 3, 5, 7}, gen, Dtype::float64).to_vector<double>();
  v[9] = std::nan("");  // plane 0, row 1, column 2: window (0, 1)
  v[35] = v[36] = 9.0;  // a tied maximum in plane 1's first window
  Tensor x = tapegrad::from<double>(v, {2, 3, 5, 7}).requires_grad_();
  tapegrad::Tape tape;
  const Tensor y = tapegrad::max_pool2d(x);
  REQUIRE(y.shape() == tapegrad::Shape{2, 3, 2, 3});
  const Tensor g = tapegrad::randn({2, 3, 2, 3}, gen, Dtype::float64);
  tapegrad::sum(y * g).backward();
  const std::vector<double> gv = g.to_vector<double>();
  std::vector<double> want_y, want_dx(v.size(), 0.0);
  for (std::int64_t pl = 0; pl < 6; ++pl)
    for (std::int64_t oy = 0; oy < 2; ++oy)
      for (std::int64_t ox = 0; ox < 3; ++ox) {
        std::int64_t best = -1;
        for (std::int64_t u = 0; u < 2; ++u)
          for (std::int64_t t = 0; t < 2; ++t) {
            const std::int64_t at = (pl * 5 + 2 * oy + u) * 7 + 2 * ox + t;
            const double m = best < 0 ? 0.0 : v[static_cast<std::size_t>(best)];
            if (best < 0 || (std::isnan(v[static_cast<std::size_t>(at)]) && !std::isnan(m)) ||
                v[static_cast<std::size_t>(at)] > m)
              best = at;
          }
        want_y.push_back(v[static_cast<std::size_t>(best)]);
        want_dx[static_cast<std::size_t>(best)] += gv[static_cast<std::size_t>((pl * 2 + oy) * 3 + ox)];
      }
  const std::vector<double> got = y.to_vector<double>();
  REQUIRE(std::isnan(got[1]));
  for (std::size_t i = 0; i < got.size(); ++i)
    if (i != 1) CHECK(got[i] == want_y[i]);
  CHECK(x.grad().to_vector<double>() == want_dx);
}

TEST_CASE("avg_pool2d and adaptive_avg_pool2d: window means") {
  const Tensor x = tapegrad::arange(16, Dtype::float64).reshape({1, 1, 4, 4});
  CHECK(tapegrad::avg_pool2d(x).to_vector<double>() == std::vector<double>{2.5, 4.5, 10.5, 12.5});
  // count_include_pad: the corner window [0] with three padded cells is 0 / 4, else 0 / 1.
  CHECK(tapegrad::avg_pool2d(x, {.kernel_size = {2, 2}, .padding = {1, 1}}).to_vector<double>()[0] == 0.0);
  CHECK(tapegrad::avg_pool2d(x, {.kernel_size = {2, 2}, .padding = {1, 1}}).to_vector<double>()[1] == 0.75);
  CHECK(tapegrad::avg_pool2d(x, {.kernel_size = {2, 2}, .padding = {1, 1}, .count_include_pad = false})
            .to_vector<double>()[1] == 1.5);
  CHECK(tapegrad::adaptive_avg_pool2d(x, {1, 1}).item() == 7.5);
  // 4 -> 3 cells: rows [0, 2), [1, 3), [2, 4).
  CHECK(tapegrad::adaptive_avg_pool2d(x, {3, 1}).to_vector<double>() == std::vector<double>{3.5, 7.5, 11.5});
}

TEST_CASE("pooling: inputs and windows that do not fit name the op and the shape") {
  CHECK_THROWS_WITH_AS(
      tapegrad::max_pool2d(tapegrad::zeros({4, 4})),
      doctest::Contains("max_pool2d: expected an input [N, C, H, W] or [C, H, W], got [4, 4]"), ShapeError);
  CHECK_THROWS_WITH_AS(tapegrad::avg_pool2d(tapegrad::zeros({1, 1, 1, 3}), {.kernel_size = {2, 2}}),
                       doctest::Contains("avg_pool2d: the window [2, 2]"), ShapeError);
  CHECK_THROWS_WITH_AS(
      tapegrad::max_pool2d(tapegrad::zeros({1, 1, 4, 4}), {.kernel_size = {2, 2}, .padding = {2, 0}}),
      doctest::Contains("padding at most half the kernel"), ShapeError);
  CHECK_THROWS_WITH_AS(tapegrad::adaptive_avg_pool2d(tapegrad::zeros({1, 2, 4, 4}), {0, 2}),
                       doctest::Contains("adaptive_avg_pool2d: output_size must be positive"), ShapeError);
}

TEST_CASE("dropout: inverted, reproducible from a seed, identity in evaluation") {
  const Tensor x = tapegrad::ones({100, 100}, Dtype::float64).requires_grad_();
  tapegrad::Generator a(5), b(5);
  tapegrad::Tape tape;
  const Tensor y = tapegrad::dropout(x, 0.3, a);
  CHECK(y.to_vector<double>() == tapegrad::dropout(x, 0.3, b).to_vector<double>());
  const auto v = y.to_vector<double>();
  std::size_t zeros = 0;
  for (double e : v) {
    if (e == 0.0)
      ++zeros;
    else
      CHECK(e == doctest::Approx(1.0 / 0.7));
  }
  CHECK(zeros > 2700);  // 3000 expected; the binomial's standard deviation is about 46
  CHECK(zeros < 3300);
  tapegrad::sum(y).backward();
  CHECK(x.grad().to_vector<double>() == v);  // d(x * mask)/dx = mask, and x is all ones
  tapegrad::Generator c(5);
  CHECK(tapegrad::dropout(x, 0.3, c, false).shares_data(x));
  CHECK(tapegrad::sum(tapegrad::dropout(x, 1.0, c)).item() == 0.0);
  CHECK_THROWS_WITH_AS(tapegrad::dropout(x, 1.5, c),
                       doctest::Contains("dropout: p must be in [0, 1], got 1.5"), DomainError);
}

TEST_CASE("batch_norm: normalises per channel, updates running statistics as PyTorch, evaluates with them") {
  // Channel 0 holds 1, 2, 3, 4; channel 1 holds 10, 10, 20, 20 (over N = 2 and 2 pixels).
  const Tensor x = tapegrad::from<double>({1, 2, 10, 10, 3, 4, 20, 20}, {2, 2, 2});
  Tensor rm = tapegrad::zeros({2}, Dtype::float64), rv = tapegrad::ones({2}, Dtype::float64);
  const Tensor y = tapegrad::batch_norm(x, rm, rv, {}, {}, true, 0.1, 1e-5);
  const double s0 = 1.0 / std::sqrt(1.25 + 1e-5), s1 = 1.0 / std::sqrt(25.0 + 1e-5);
  check_close(y.to_vector<double>(),
              {-1.5 * s0, -0.5 * s0, -5 * s1, -5 * s1, 0.5 * s0, 1.5 * s0, 5 * s1, 5 * s1}, 1e-12);
  // running_mean = 0.9 * 0 + 0.1 * mean; running_var = 0.9 * 1 + 0.1 * unbiased var (5/3 and 100/3).
  check_close(rm.to_vector<double>(), {0.25, 1.5}, 1e-12);
  check_close(rv.to_vector<double>(), {0.9 + 0.1 * 5.0 / 3.0, 0.9 + 0.1 * 100.0 / 3.0}, 1e-12);
  // Evaluation: the running statistics, weight and bias.
  const Tensor w = tapegrad::from<double>({2, 1}, {2}), b = tapegrad::from<double>({0, 1}, {2});
  const Tensor e = tapegrad::batch_norm(x, rm, rv, w, b, false);
  CHECK(e.to_vector<double>()[0] ==
        doctest::Approx((1 - 0.25) / std::sqrt(rv.to_vector<double>()[0] + 1e-5) * 2));
  CHECK(rm.to_vector<double>()[0] == 0.25);  // untouched in evaluation
}

TEST_CASE("batch_norm and layer_norm: shapes that do not fit name the op and the shapes") {
  const Tensor x = tapegrad::zeros({4, 3, 2});
  CHECK_THROWS_WITH_AS(
      tapegrad::batch_norm(x, {}, {}, tapegrad::ones({2}), {}, true),
      doctest::Contains(
          "batch_norm: expected x [N, C, ...], weight [C] and bias [C], got x [4, 3, 2], weight [2]"),
      ShapeError);
  CHECK_THROWS_WITH_AS(tapegrad::batch_norm(x, tapegrad::zeros({2}), tapegrad::ones({2}), {}, {}, true),
                       doctest::Contains("batch_norm: expected running_mean and running_var [3]"),
                       ShapeError);
  CHECK_THROWS_WITH_AS(tapegrad::batch_norm(tapegrad::zeros({1, 3}), {}, {}, {}, {}, true),
                       doctest::Contains("more than one value per channel, got x [1, 3]"), ShapeError);
  CHECK_THROWS_WITH_AS(tapegrad::batch_norm(x, {}, {}, {}, {}, false),
                       doctest::Contains("needs running_mean and running_var"), ShapeError);
  CHECK_THROWS_WITH_AS(tapegrad::layer_norm(x, {3}),
                       doctest::Contains("layer_norm: expected weight and bias of the normalized shape"),
                       ShapeError);
  CHECK_THROWS_WITH_AS(tapegrad::layer_norm(x, {5, 4, 3, 2}),
                       doctest::Contains("layer_norm: normalized_shape [5, 4, 3, 2]"), ShapeError);
}

TEST_CASE("layer_norm: each row has mean 0 and variance 1 before the affine map") {
  tapegrad::Generator gen(14);
  const Tensor x = tapegrad::randn({3, 8}, gen, Dtype::float64) * 3.0 + 1.0;
  const Tensor y = tapegrad::layer_norm(x, {8}, {}, {}, 1e-12);
  const auto v = y.to_vector<double>();
  for (std::size_t r = 0; r < 3; ++r) {
    double s = 0, q = 0;
    for (std::size_t i = 0; i < 8; ++i) s += v[r * 8 + i], q += v[r * 8 + i] * v[r * 8 + i];
    CHECK(s / 8 == doctest::Approx(0.0).scale(1.0));
    CHECK(q / 8 == doctest::Approx(1.0));
  }
}

TEST_CASE("conv2d steady state: repeated LeNet-style steps take no new buffer from the system") {
  tapegrad::Generator gen(15);
  const Tensor x = tapegrad::randn({8, 1, 12, 12}, gen);
  Tensor w1 = (tapegrad::randn({4, 1, 5, 5}, gen) * 0.2).detach().requires_grad_();
  Tensor w2 = (tapegrad::randn({6, 4, 3, 3}, gen) * 0.2).detach().requires_grad_();
  tapegrad::Tape tape;
  const auto step = [&] {
    tape.clear();
    const Tensor h = tapegrad::max_pool2d(tapegrad::relu(tapegrad::conv2d(x, w1, {}, {.padding = {2, 2}})));
    const Tensor z = tapegrad::avg_pool2d(tapegrad::conv2d(h, w2));
    tapegrad::mean(z * z).backward();
    w1.zero_grad(), w2.zero_grad();
  };
  step();
  step();
  const std::size_t before = tapegrad::detail::system_allocations();
  for (int i = 0; i < 10; ++i) step();
  CHECK(tapegrad::detail::system_allocations() == before);
}
