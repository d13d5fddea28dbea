// SPDX-License-Identifier: MIT
// layers_test.cpp: Linear, Neuron, Layer, MLP and the activation modules: values against formulas
// computed here, gradchecks with respect to inputs and parameters (float64), and input errors.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "nn_test_support.hpp"
#include "tapegrad/nn/nn.hpp"

using tapegrad::Dtype;
using tapegrad::Shape;
using tapegrad::ShapeError;
using tapegrad::Tape;
using tapegrad::Tensor;
namespace nn = tapegrad::nn;
namespace test = tapegrad::nn::test;

namespace {

/// y[r][j] = sum_k x[r][k] w[k][j] + b[j], by loops over plain vectors.
std::vector<double> affine(const std::vector<double>& x, const std::vector<double>& w,
                           const std::vector<double>& b, std::int64_t rows, std::int64_t in,
                           std::int64_t out) {
  std::vector<double> y(static_cast<std::size_t>(rows * out));
  for (std::int64_t r = 0; r < rows; ++r)
    for (std::int64_t j = 0; j < out; ++j) {
      double s = b.empty() ? 0.0 : b[static_cast<std::size_t>(j)];
      for (std::int64_t k = 0; k < in; ++k)
        s += x[static_cast<std::size_t>(r * in + k)] * w[static_cast<std::size_t>(k * out + j)];
      y[static_cast<std::size_t>(r * out + j)] = s;
    }
  return y;
}

double phi(nn::Activation a, double v) {
  switch (a) {
    case nn::Activation::identity:
      return v;
    case nn::Activation::sigmoid:
      return 1.0 / (1.0 + std::exp(-v));
    case nn::Activation::tanh:
      return std::tanh(v);
    case nn::Activation::relu:
      return v > 0 ? v : 0.0;
    case nn::Activation::leaky_relu:
      return v > 0 ? v : 0.01 * v;
  }
  return v;
}

std::vector<double> apply_phi(nn::Activation a, std::vector<double> v) {
  for (double& e : v) e = phi(a, e);
  return v;
}

const nn::Activation kActivations[] = {nn::Activation::identity, nn::Activation::sigmoid,
                                       nn::Activation::tanh, nn::Activation::relu,
                                       nn::Activation::leaky_relu};

}  // namespace

TEST_CASE("nn Linear: y = x W + b with W laid out in_features by out_features") {
  nn::Linear fc({.in_features = 3, .out_features = 2, .dtype = Dtype::float64});
  CHECK(fc.weight().shape() == Shape{3, 2});
  CHECK(fc.bias().shape() == Shape{2});
  tapegrad::Generator gen(7);
  tapegrad::nn::init::normal_(fc.bias(), 0.0, 1.0, gen);  // a non-zero bias, so it is really added
  const Tensor x = test::randn64({4, 3});
  test::check_close(fc(x).to_vector<double>(), affine(x.to_vector<double>(), fc.weight().to_vector<double>(),
                                                      fc.bias().to_vector<double>(), 4, 3, 2));
  CHECK(fc(x).shape() == Shape{4, 2});
}

TEST_CASE("nn Linear: works on 1-D and 3-D inputs along the last dimension, and without bias") {
  nn::Linear fc({.in_features = 3, .out_features = 2, .bias = false, .dtype = Dtype::float64});
  CHECK_FALSE(fc.bias().defined());
  CHECK(fc.named_parameters().size() == 1);
  const std::vector<double> w = fc.weight().to_vector<double>();

  const Tensor v = test::randn64({3});
  CHECK(fc(v).shape() == Shape{2});
  test::check_close(fc(v).to_vector<double>(), affine(v.to_vector<double>(), w, {}, 1, 3, 2));

  const Tensor x = test::randn64({2, 5, 3});
  CHECK(fc(x).shape() == Shape{2, 5, 2});
  test::check_close(fc(x).to_vector<double>(), affine(x.to_vector<double>(), w, {}, 10, 3, 2));
}

TEST_CASE(
    "nn Linear: a batch with a bias is one record on the tape, a 3-D input with a bias is still right") {
  nn::Linear fc({.in_features = 3, .out_features = 2, .dtype = Dtype::float64});
  tapegrad::Generator gen(11);
  nn::init::normal_(fc.bias(), 0.0, 1.0, gen);
  const std::vector<double> w = fc.weight().to_vector<double>(), b = fc.bias().to_vector<double>();
  {
    Tape tape;
    const Tensor x = test::randn64({4, 3});
    const std::size_t before = tape.stats().statements;
    const Tensor y = fc(x);
    CHECK(tape.stats().statements == before + 1);  // linear(x, W, b), not matmul and a broadcast add
    test::check_close(y.to_vector<double>(), affine(x.to_vector<double>(), w, b, 4, 3, 2));
  }
  const Tensor x3 = test::randn64({2, 5, 3});
  test::check_close(fc(x3).to_vector<double>(), affine(x3.to_vector<double>(), w, b, 10, 3, 2));
  const auto r = test::module_gradcheck(fc, x3);
  CHECK_MESSAGE(r.passed, r.report());
}

TEST_CASE("nn Linear: initialisation is U(-1/sqrt(in), 1/sqrt(in)) with zero bias, reproducible per seed") {
  tapegrad::Generator g1(42), g2(42), g3(43);
  nn::Linear a({.in_features = 16, .out_features = 8}, g1);
  nn::Linear b({.in_features = 16, .out_features = 8}, g2);
  nn::Linear c({.in_features = 16, .out_features = 8}, g3);
  CHECK(a.weight().to_vector<float>() == b.weight().to_vector<float>());
  CHECK(a.weight().to_vector<float>() != c.weight().to_vector<float>());
  for (float w : a.weight().to_vector<float>()) CHECK(std::fabs(w) <= 0.25f);
  for (float v : a.bias().to_vector<float>()) CHECK(v == 0.0f);

  nn::manual_seed(5);
  nn::Linear d({.in_features = 16, .out_features = 8});
  nn::manual_seed(5);
  nn::Linear e({.in_features = 16, .out_features = 8});
  CHECK(d.weight().to_vector<float>() == e.weight().to_vector<float>());
}

TEST_CASE("nn Linear: a mismatched feature width names the module and the shapes") {
  nn::Linear fc({.in_features = 3, .out_features = 2});
  CHECK_THROWS_WITH_AS(
      fc(tapegrad::zeros({4, 5})),
      "Linear(in_features=3, out_features=2, bias=true): expected an input whose last dimension "
      "is in_features = 3, got shape [4, 5]",
      ShapeError);
  CHECK_THROWS_WITH_AS(fc(tapegrad::zeros({})), doctest::Contains("got shape []"), ShapeError);
  CHECK_THROWS_WITH_AS(fc(tapegrad::zeros({4, 3}, Dtype::float64)),
                       doctest::Contains("the input is float64 but the parameters are float32"), ShapeError);
  CHECK_THROWS_WITH_AS(
      nn::Linear({.in_features = 0, .out_features = 2}),
      doctest::Contains("Linear: in_features and out_features must be positive, got in_features = 0"),
      ShapeError);

  nn::MLP net({.in_features = 2, .hidden = {4}, .out_features = 1});
  CHECK_THROWS_WITH_AS(
      net(tapegrad::zeros({8, 3})),
      doctest::Contains("Layer(in_features=2, out_features=4, bias=true, activation=relu): expected "
                        "an input whose last dimension is in_features = 2, got shape [8, 3]"),
      ShapeError);
  CHECK_THROWS_WITH_AS(nn::MLP({.in_features = 2, .hidden = {4, 0}, .out_features = 1}),
                       doctest::Contains("MLP: hidden layer sizes must be positive, got hidden[1] = 0"),
                       ShapeError);
  CHECK_THROWS_WITH_AS(nn::Layer({.in_features = 2, .out_features = -1}),
                       doctest::Contains("Layer: in_features and out_features must be positive"), ShapeError);
  CHECK_THROWS_WITH_AS(nn::Neuron({.in_features = 0}),
                       doctest::Contains("Neuron: in_features must be positive"), ShapeError);
}

TEST_CASE("nn Neuron: o = phi(x . w + b), one output per example") {
  for (nn::Activation a : kActivations) {
    CAPTURE(nn::activation_name(a));
    nn::Neuron neuron({.in_features = 3, .activation = a, .dtype = Dtype::float64});
    tapegrad::nn::init::constant_(neuron.bias(), 0.3);
    const Tensor x = test::randn64({5, 3});
    CHECK(neuron(x).shape() == Shape{5});
    const std::vector<double> expected =
        apply_phi(a, affine(x.to_vector<double>(), neuron.weight().to_vector<double>(), {0.3}, 5, 3, 1));
    test::check_close(neuron(x).to_vector<double>(), expected);

    const Tensor v = test::randn64({3}, 9);
    CHECK(neuron(v).shape() == Shape{});
    CHECK(neuron(v).item() ==
          doctest::Approx(
              phi(a, affine(v.to_vector<double>(), neuron.weight().to_vector<double>(), {0.3}, 1, 3, 1)[0])));

    const auto r = test::module_gradcheck(neuron, x);
    CHECK_MESSAGE(r.passed, r.report());
  }
}

TEST_CASE("nn Layer: phi(x W + b) for each activation, gradchecked in input and parameters") {
  for (nn::Activation a : kActivations) {
    CAPTURE(nn::activation_name(a));
    nn::Layer layer({.in_features = 4, .out_features = 3, .activation = a, .dtype = Dtype::float64});
    tapegrad::Generator gen(3);
    nn::init::normal_(layer.bias(), 0.0, 0.5, gen);
    const Tensor x = test::randn64({6, 4});
    const std::vector<double> expected =
        apply_phi(a, affine(x.to_vector<double>(), layer.weight().to_vector<double>(),
                            layer.bias().to_vector<double>(), 6, 4, 3));
    test::check_close(layer(x).to_vector<double>(), expected);
    const auto r = test::module_gradcheck(layer, x);
    CHECK_MESSAGE(r.passed, r.report());
  }
}

TEST_CASE("nn Layer: the gradient of the seed's squared error is o_i delta_j (the delta rule)") {
  // One logistic layer, E = 1/(2n) sum ||o - t||^2. The seed: dE/dw_ij = o_i delta_j with
  // delta_j = (o_j - t_j) o_j (1 - o_j) per example (here averaged over the n examples), o_i the input.
  Tape tape;
  nn::Layer layer(
      {.in_features = 3, .out_features = 2, .activation = nn::Activation::sigmoid, .dtype = Dtype::float64});
  const std::int64_t n = 4;
  const Tensor x = test::randn64({n, 3});
  const Tensor t = tapegrad::from<double>({0, 1, 1, 0, 1, 1, 0, 0}, {n, 2});
  const Tensor o = layer(x);
  nn::half_squared_error(o, t).backward();

  const std::vector<double> xs = x.to_vector<double>(), os = o.to_vector<double>(),
                            ts = t.to_vector<double>();
  std::vector<double> expected_w(6, 0.0), expected_b(2, 0.0);
  for (std::int64_t e = 0; e < n; ++e)
    for (std::int64_t j = 0; j < 2; ++j) {
      const double oj = os[static_cast<std::size_t>(e * 2 + j)];
      const double delta = (oj - ts[static_cast<std::size_t>(e * 2 + j)]) * oj * (1 - oj);
      for (std::int64_t i = 0; i < 3; ++i)
        expected_w[static_cast<std::size_t>(i * 2 + j)] +=
            xs[static_cast<std::size_t>(e * 3 + i)] * delta / n;
      expected_b[static_cast<std::size_t>(j)] += delta / n;
    }
  test::check_close(layer.weight().grad().to_vector<double>(), expected_w);
  test::check_close(layer.bias().grad().to_vector<double>(), expected_b);
}

TEST_CASE("nn MLP: hidden layers use the activation, the last layer is linear unless asked") {
  nn::MLP net({.in_features = 3,
               .hidden = {5, 4},
               .out_features = 2,
               .activation = nn::Activation::tanh,
               .dtype = Dtype::float64});
  REQUIRE(net.num_layers() == 3);
  CHECK(net.layer(0).activation() == nn::Activation::tanh);
  CHECK(net.layer(1).activation() == nn::Activation::tanh);
  CHECK(net.layer(2).activation() == nn::Activation::identity);
  CHECK_THROWS_WITH_AS(net.layer(3), doctest::Contains("MLP: layer index 3 is out of range for 3 layers"),
                       tapegrad::DomainError);

  const Tensor x = test::randn64({6, 3});
  std::vector<double> h = x.to_vector<double>();
  std::int64_t in = 3;
  for (std::size_t l = 0; l < 3; ++l) {
    const nn::Layer& layer = net.layer(l);
    const std::int64_t out = layer.options().out_features;
    h = apply_phi(layer.activation(), affine(h, layer.weight().to_vector<double>(),
                                             layer.bias().to_vector<double>(), 6, in, out));
    in = out;
  }
  test::check_close(net(x).to_vector<double>(), h);
  const auto r = test::module_gradcheck(net, x);
  CHECK_MESSAGE(r.passed, r.report());

  nn::MLP probs({.in_features = 3, .out_features = 2, .output_activation = nn::Activation::sigmoid});
  CHECK(probs.num_layers() == 1);
  CHECK(probs.layer(0).activation() == nn::Activation::sigmoid);
}

TEST_CASE("nn activation modules: values match the formulas and gradcheck") {
  const Tensor x = test::randn64({3, 4});
  const std::vector<double> xs = x.to_vector<double>();
  const auto map = [&](double (*f)(double)) {
    std::vector<double> v = xs;
    for (double& e : v) e = f(e);
    return v;
  };
  nn::Sigmoid sigmoid;
  nn::Tanh tanh_module;
  nn::ReLU relu;
  nn::LeakyReLU leaky({.negative_slope = 0.2});
  nn::Identity identity;
  test::check_close(sigmoid(x).to_vector<double>(), map([](double v) { return 1.0 / (1.0 + std::exp(-v)); }));
  test::check_close(tanh_module(x).to_vector<double>(), map([](double v) { return std::tanh(v); }));
  test::check_close(relu(x).to_vector<double>(), map([](double v) { return v > 0 ? v : 0.0; }));
  test::check_close(leaky(x).to_vector<double>(), map([](double v) { return v > 0 ? v : 0.2 * v; }));
  CHECK(identity(x).shares_data(x));

  // softmax along dim 1 and dim 0, and log_softmax, by direct sums of exponentials.
  for (std::int64_t dim : {0, 1}) {
    CAPTURE(dim);
    std::vector<double> expected(12), expected_log(12);
    for (std::int64_t i = 0; i < 3; ++i)
      for (std::int64_t j = 0; j < 4; ++j) {
        double z = 0;
        for (std::int64_t k = 0; k < (dim == 1 ? 4 : 3); ++k)
          z += std::exp(xs[static_cast<std::size_t>(dim == 1 ? i * 4 + k : k * 4 + j)]);
        const auto at = static_cast<std::size_t>(i * 4 + j);
        expected[at] = std::exp(xs[at]) / z;
        expected_log[at] = xs[at] - std::log(z);
      }
    nn::Softmax softmax({.dim = dim});
    nn::LogSoftmax log_softmax({.dim = dim});
    test::check_close(softmax(x).to_vector<double>(), expected);
    test::check_close(log_softmax(x).to_vector<double>(), expected_log);
    for (nn::Module* m : {static_cast<nn::Module*>(&softmax), static_cast<nn::Module*>(&log_softmax)}) {
      const auto r = test::module_gradcheck(*m, x);
      CHECK_MESSAGE(r.passed, r.report());
    }
  }
  for (nn::Module* m : {static_cast<nn::Module*>(&sigmoid), static_cast<nn::Module*>(&tanh_module),
                        static_cast<nn::Module*>(&relu), static_cast<nn::Module*>(&leaky)}) {
    CAPTURE(m->type_name());
    const auto r = test::module_gradcheck(*m, x);
    CHECK_MESSAGE(r.passed, r.report());
  }
  CHECK_THROWS_AS(nn::Softmax({.dim = 2})(x), ShapeError);
}

TEST_CASE("nn Sequential: gradchecks through a stack of modules") {
  nn::Sequential seq(
      nn::Linear({.in_features = 3, .out_features = 4, .dtype = Dtype::float64}),
      nn::LeakyReLU({.negative_slope = 0.1}),
      nn::Layer(
          {.in_features = 4, .out_features = 2, .activation = nn::Activation::tanh, .dtype = Dtype::float64}),
      nn::LogSoftmax({.dim = 1}));
  const auto r = test::module_gradcheck(seq, test::randn64({5, 3}));
  CHECK_MESSAGE(r.passed, r.report());
}
