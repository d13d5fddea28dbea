// SPDX-License-Identifier: MIT
// init_test.cpp: nn::init fills: moments on big tensors, bounds, gains, fans, reproducibility, no tape
// recording, and the errors.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "nn_test_support.hpp"
#include "tapegrad/nn/nn.hpp"

using tapegrad::Dtype;
using tapegrad::Tape;
using tapegrad::Tensor;
namespace nn = tapegrad::nn;
namespace init = tapegrad::nn::init;

namespace {

struct Moments {
  double mean = 0, std = 0, max_abs = 0;
};

Moments moments(const Tensor& t) {
  const std::vector<double> v = t.to_vector<double>();
  Moments m;
  for (double x : v) m.mean += x;
  m.mean /= static_cast<double>(v.size());
  for (double x : v) {
    m.std += (x - m.mean) * (x - m.mean);
    m.max_abs = std::max(m.max_abs, std::fabs(x));
  }
  m.std = std::sqrt(m.std / static_cast<double>(v.size() - 1));
  return m;
}

}  // namespace

TEST_CASE("nn init: kaiming_normal_ and kaiming_uniform_ have He's standard deviation") {
  // fan_in = 1000 (shape[0] in nn's [in, out] layout): std = sqrt(2) / sqrt(1000) for relu's gain.
  // With 500k samples the sample std is within 0.5% with overwhelming probability; 2% leaves room.
  tapegrad::Generator gen(nn::test::kSeed);
  const double expected = std::sqrt(2.0 / 1000.0);
  const Tensor a = init::kaiming_normal_(tapegrad::zeros({1000, 500}, Dtype::float64), {}, gen);
  const Moments ma = moments(a);
  CHECK(ma.std == doctest::Approx(expected).epsilon(0.02));
  CHECK(std::fabs(ma.mean) < 0.01 * expected);

  const Tensor b = init::kaiming_uniform_(tapegrad::zeros({1000, 500}), {}, gen);
  const Moments mb = moments(b);
  CHECK(mb.std == doctest::Approx(expected).epsilon(0.02));
  CHECK(mb.max_abs <= std::sqrt(3.0) * expected * (1 + 1e-6));
  CHECK(mb.max_abs > 0.99 * std::sqrt(3.0) * expected);  // the bound is reached, not a narrower range

  // fan_out mode reads shape[1]; tanh's gain is 5/3.
  const Tensor c =
      init::kaiming_normal_(tapegrad::zeros({200, 2000}, Dtype::float64),
                            {.mode = init::FanMode::fan_out, .nonlinearity = nn::Activation::tanh}, gen);
  CHECK(moments(c).std == doctest::Approx(5.0 / 3.0 / std::sqrt(2000.0)).epsilon(0.02));
}

TEST_CASE("nn init: xavier_uniform_ and xavier_normal_ have Glorot's standard deviation") {
  tapegrad::Generator gen(nn::test::kSeed);
  const double expected = std::sqrt(2.0 / (600.0 + 400.0));
  const Moments n = moments(init::xavier_normal_(tapegrad::zeros({600, 400}, Dtype::float64), 1.0, gen));
  CHECK(n.std == doctest::Approx(expected).epsilon(0.02));
  const Moments u = moments(init::xavier_uniform_(tapegrad::zeros({600, 400}, Dtype::float64), 2.0, gen));
  CHECK(u.std == doctest::Approx(2.0 * expected).epsilon(0.02));
  CHECK(u.max_abs <= 2.0 * std::sqrt(3.0) * expected * (1 + 1e-12));
}

TEST_CASE("nn init: uniform_, normal_ and the constant fills") {
  tapegrad::Generator gen(nn::test::kSeed);
  const Moments u = moments(init::uniform_(tapegrad::zeros({100000}, Dtype::float64), 2.0, 5.0, gen));
  CHECK(u.mean == doctest::Approx(3.5).epsilon(0.01));
  CHECK(u.std == doctest::Approx(3.0 / std::sqrt(12.0)).epsilon(0.02));
  const std::vector<double> v =
      init::uniform_(tapegrad::zeros({1000}, Dtype::float64), 2.0, 5.0, gen).to_vector<double>();
  CHECK(*std::min_element(v.begin(), v.end()) >= 2.0);
  CHECK(*std::max_element(v.begin(), v.end()) < 5.0);

  const Moments n = moments(init::normal_(tapegrad::zeros({100000}, Dtype::float64), -1.0, 0.5, gen));
  CHECK(n.mean == doctest::Approx(-1.0).epsilon(0.01));
  CHECK(n.std == doctest::Approx(0.5).epsilon(0.02));

  CHECK(init::constant_(tapegrad::zeros({3}), 0.25).to_vector<float>() ==
        std::vector<float>{0.25f, 0.25f, 0.25f});
  CHECK(init::ones_(tapegrad::zeros({2})).to_vector<float>() == std::vector<float>{1, 1});
  CHECK(init::zeros_(tapegrad::ones({2})).to_vector<float>() == std::vector<float>{0, 0});
}

TEST_CASE("nn init: gains and fans") {
  CHECK(init::calculate_gain(nn::Activation::identity) == 1.0);
  CHECK(init::calculate_gain(nn::Activation::sigmoid) == 1.0);
  CHECK(init::calculate_gain(nn::Activation::tanh) == doctest::Approx(5.0 / 3.0));
  CHECK(init::calculate_gain(nn::Activation::relu) == doctest::Approx(std::sqrt(2.0)));
  CHECK(init::calculate_gain(nn::Activation::leaky_relu, 0.2) == doctest::Approx(std::sqrt(2.0 / 1.04)));
  CHECK(init::fan_in_and_fan_out(tapegrad::zeros({7, 3})) == std::pair<std::int64_t, std::int64_t>{7, 3});
  CHECK(init::fan_in_and_fan_out(tapegrad::zeros({5})) == std::pair<std::int64_t, std::int64_t>{5, 1});
}

TEST_CASE("nn init: the same seed gives the same values, manual_seed resets the default generator") {
  tapegrad::Generator g1(9), g2(9);
  CHECK(init::normal_(tapegrad::zeros({50}), 0, 1, g1).to_vector<float>() ==
        init::normal_(tapegrad::zeros({50}), 0, 1, g2).to_vector<float>());
  nn::manual_seed(11);
  const std::vector<float> first = init::uniform_(tapegrad::zeros({50})).to_vector<float>();
  const std::vector<float> second = init::uniform_(tapegrad::zeros({50})).to_vector<float>();
  CHECK(first != second);
  nn::manual_seed(11);
  CHECK(init::uniform_(tapegrad::zeros({50})).to_vector<float>() == first);
}

TEST_CASE("nn init: initialising a parameter records nothing on the tape") {
  Tape tape;
  Tensor w = tapegrad::zeros({4, 3}).requires_grad_();
  const auto before = tape.stats();
  init::kaiming_uniform_(w);
  init::xavier_normal_(w);
  init::zeros_(w);
  const auto after = tape.stats();
  CHECK(after.statements == before.statements);
  CHECK(w.is_leaf());
  CHECK(w.requires_grad());
}

TEST_CASE("nn init: bad tensors and bad arguments are rejected with the function's name") {
  Tape tape;
  const Tensor leaf = tapegrad::ones({2, 2}).requires_grad_();
  CHECK_THROWS_WITH_AS(init::zeros_(leaf * 2.0),
                       doctest::Contains("constant_: cannot overwrite the tensor of shape [2, 2]"),
                       tapegrad::TapeError);
  CHECK_THROWS_WITH_AS(
      init::xavier_uniform_(tapegrad::zeros({2, 3, 4})),
      doctest::Contains("xavier_uniform_: fans are defined for a 1-D [in] or 2-D [in, out] tensor, "
                        "got shape [2, 3, 4]"),
      tapegrad::ShapeError);
  CHECK_THROWS_WITH_AS(init::kaiming_normal_(tapegrad::zeros({0, 3})),
                       doctest::Contains("kaiming_normal_: fans must be positive"), tapegrad::ShapeError);
  CHECK_THROWS_WITH_AS(init::uniform_(tapegrad::zeros({2}), 1.0, -1.0),
                       doctest::Contains("uniform_: expected finite bounds a <= b, got a = 1, b = -1"),
                       tapegrad::DomainError);
  CHECK_THROWS_WITH_AS(init::normal_(tapegrad::zeros({2}), 0.0, -1.0), doctest::Contains("std = -1"),
                       tapegrad::DomainError);
}
