// SPDX-License-Identifier: MIT
// conv_modules_test.cpp: Conv2d, Conv1d, pooling, Flatten, Dropout, BatchNorm and LayerNorm modules: shapes,
// PyTorch's default initialisation range, repr, buffers (named_buffers, state_dict, checkpoints, untouched
// by optimizers) and train()/eval(), and a small CNN that learns.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "tapegrad/nn/nn.hpp"
#include "temp_dir.hpp"

namespace nn = tapegrad::nn;
using tapegrad::Dtype;
using tapegrad::ShapeError;
using tapegrad::Tensor;

TEST_CASE("Conv2d: output shape, PyTorch's weight layout and Kaiming-uniform range, repr") {
  tapegrad::Generator gen(1);
  nn::Conv2d conv({.in_channels = 3, .out_channels = 8, .kernel_size = {5, 5}, .padding = {2, 2}}, gen);
  CHECK(conv.weight().shape() == tapegrad::Shape{8, 3, 5, 5});
  CHECK(conv.bias().shape() == tapegrad::Shape{8});
  // kaiming_uniform_(a = sqrt(5)): U(-1/sqrt(fan_in), 1/sqrt(fan_in)), fan_in = 3 * 25; bias the same.
  const double bound = 1.0 / std::sqrt(75.0);
  double largest = 0.0;
  for (float w : conv.weight().to_vector<float>())
    largest = std::max(largest, std::abs(static_cast<double>(w)));
  CHECK(largest <= bound);
  CHECK(largest > 0.9 * bound);  // 600 draws fill the range
  for (float b : conv.bias().to_vector<float>()) CHECK(std::abs(static_cast<double>(b)) <= bound);
  CHECK(conv(tapegrad::zeros({2, 3, 28, 28})).shape() == tapegrad::Shape{2, 8, 28, 28});
  CHECK(conv.repr() == "Conv2d(3, 8, kernel_size=(5, 5), stride=(1, 1), padding=(2, 2))");
  CHECK_THROWS_WITH_AS(conv(tapegrad::zeros({2, 1, 28, 28})),
                       doctest::Contains("with C = in_channels = 3, got shape [2, 1, 28, 28]"), ShapeError);
  CHECK_THROWS_AS(nn::Conv2d({.in_channels = 3, .out_channels = 4, .kernel_size = {3, 3}, .groups = 2}),
                  ShapeError);

  nn::Conv1d c1(
      {.in_channels = 4, .out_channels = 6, .kernel_size = 3, .stride = 2, .groups = 2, .bias = false});
  CHECK(c1.weight().shape() == tapegrad::Shape{6, 2, 3});
  CHECK_FALSE(c1.bias().defined());
  CHECK(c1(tapegrad::zeros({1, 4, 11})).shape() == tapegrad::Shape{1, 6, 5});
  CHECK(c1.repr() == "Conv1d(4, 6, kernel_size=(3,), stride=(2,), groups=2, bias=false)");
}

TEST_CASE("MaxPool2d, AvgPool2d, AdaptiveAvgPool2d and Flatten: shapes and repr") {
  const Tensor x = tapegrad::zeros({2, 3, 9, 8});
  CHECK(nn::MaxPool2d()(x).shape() == tapegrad::Shape{2, 3, 4, 4});
  CHECK(nn::AvgPool2d({.kernel_size = {3, 3}, .stride = {1, 1}})(x).shape() == tapegrad::Shape{2, 3, 7, 6});
  CHECK(nn::AdaptiveAvgPool2d()(x).shape() == tapegrad::Shape{2, 3, 1, 1});
  CHECK(nn::Flatten()(x).shape() == tapegrad::Shape{2, 216});
  CHECK(nn::Flatten({.start_dim = 2})(x).shape() == tapegrad::Shape{2, 3, 72});
  CHECK(nn::MaxPool2d().repr() == "MaxPool2d(kernel_size=(2, 2), stride=(2, 2), padding=(0, 0))");
  CHECK_THROWS_WITH_AS(nn::Flatten({.start_dim = 3, .end_dim = 1})(x),
                       doctest::Contains("Flatten(start_dim=3"), ShapeError);
}

TEST_CASE("Dropout: active in training mode only") {
  tapegrad::Generator gen(2);
  nn::Dropout drop({.p = 0.5}, gen);
  const Tensor x = tapegrad::ones({1000});
  const auto trained = drop(x).to_vector<float>();
  std::size_t zeros = 0;
  for (float v : trained) zeros += v == 0.0f ? 1 : 0;
  CHECK(zeros > 400);
  CHECK(zeros < 600);
  drop.eval();
  CHECK(drop(x).to_vector<float>() == x.to_vector<float>());
  CHECK(drop.repr() == "Dropout(p=0.5)");
  CHECK_THROWS_AS(nn::Dropout({.p = -0.1}), tapegrad::DomainError);
}

TEST_CASE("BatchNorm2d: buffers are named, not parameters, updated in training only, untouched by Adam") {
  nn::Sequential net(nn::Conv2d({.in_channels = 1, .out_channels = 2, .kernel_size = {3, 3}}),
                     nn::BatchNorm2d({.num_features = 2}), nn::ReLU());
  const nn::NamedTensors buffers = net.named_buffers();
  REQUIRE(buffers.size() == 3);
  CHECK(buffers[0].first == "1.running_mean");
  CHECK(buffers[1].first == "1.running_var");
  CHECK(buffers[2].first == "1.num_batches_tracked");
  CHECK(net.parameters().size() == 4);  // conv weight, bias; bn weight, bias
  const nn::NamedTensors state = net.state_dict();
  CHECK(state.size() == 7);
  CHECK(state.back().first == "1.num_batches_tracked");

  tapegrad::Generator gen(3);
  const Tensor x = tapegrad::randn({4, 1, 6, 6}, gen) * 2.0 + 3.0;
  nn::Adam adam(net.parameters());
  {
    tapegrad::Tape tape;
    tapegrad::sum(net(x)).backward();
  }
  const auto mean_after_forward = buffers[0].second.to_vector<float>();
  CHECK(mean_after_forward != std::vector<float>{0.0f, 0.0f});
  CHECK(buffers[2].second.item() == 1.0);
  adam.step();
  CHECK(buffers[0].second.to_vector<float>() == mean_after_forward);  // the optimizer never sees buffers
  net.eval();
  const Tensor y = net(x);
  CHECK(buffers[0].second.to_vector<float>() == mean_after_forward);  // evaluation reads, never writes
  CHECK(buffers[2].second.item() == 1.0);
  CHECK(net[1].repr() == "BatchNorm2d(2, eps=1e-05, momentum=0.1, affine=true, track_running_stats=true)");
  CHECK_THROWS_WITH_AS(
      net[1](tapegrad::zeros({4, 2, 3})),
      doctest::Contains("expected an input [N, C, H, W] with C = num_features = 2, got shape [4, 2, 3]"),
      ShapeError);
}

TEST_CASE("BatchNorm1d: momentum None is a cumulative average, and evaluation uses the running statistics") {
  nn::BatchNorm1d bn({.num_features = 1, .momentum = std::nullopt, .dtype = Dtype::float64});
  for (double shift : {1.0, 3.0}) {
    const Tensor x = tapegrad::from<double>({shift - 1, shift + 1}, {2, 1});
    bn(x);
  }
  // Means 1 and 3 averaged: 2; unbiased variances 2 and 2, averaged with the initial 1 weighted away: 2.
  CHECK(bn.running_mean().item() == doctest::Approx(2.0));
  CHECK(bn.running_var().item() == doctest::Approx(2.0));
  bn.eval();
  CHECK(bn(tapegrad::from<double>({2.0}, {1, 1})).item() == doctest::Approx(0.0));
  CHECK(bn(tapegrad::from<double>({2.0 + std::sqrt(2.0 + 1e-5)}, {1, 1})).item() == doctest::Approx(1.0));
}

TEST_CASE("checkpoints: parameters and buffers round-trip through state_dict") {
  tapegrad::test::TempDir dir;
  const auto make = [](std::uint64_t seed) {
    tapegrad::Generator gen(seed);
    return std::make_shared<nn::Sequential>(
        nn::Conv2d({.in_channels = 1, .out_channels = 3, .kernel_size = {3, 3}}, gen),
        nn::BatchNorm2d({.num_features = 3}), nn::Flatten(), nn::LayerNorm({.normalized_shape = {24}}));
  };
  auto a = make(4);
  tapegrad::Generator gen(5);
  (*a)(tapegrad::randn({5, 1, 4, 6}, gen));  // moves the running statistics away from 0 and 1
  nn::save_checkpoint(dir.path() / "cnn.tgc", a->state_dict());
  auto b = make(6);
  nn::load_checkpoint(dir.path() / "cnn.tgc", b->state_dict());
  const auto sa = a->state_dict(), sb = b->state_dict();
  REQUIRE(sa.size() == sb.size());
  for (std::size_t i = 0; i < sa.size(); ++i) {
    CAPTURE(sa[i].first);
    CHECK(sa[i].first == sb[i].first);
    CHECK(sa[i].second.to_vector<double>() == sb[i].second.to_vector<double>());
  }
  CHECK(b->named_buffers()[2].second.item() == 1.0);
}

TEST_CASE("LayerNorm: parameters of normalized_shape, repr") {
  nn::LayerNorm ln({.normalized_shape = {4}});
  CHECK(ln.named_parameters().size() == 2);
  CHECK(ln(tapegrad::zeros({3, 4})).shape() == tapegrad::Shape{3, 4});
  CHECK(ln.repr() == "LayerNorm((4,), eps=1e-05, elementwise_affine=true)");
  CHECK_THROWS_AS(nn::LayerNorm({.normalized_shape = {}}), ShapeError);
}

TEST_CASE("a small CNN with batch norm and dropout learns a two-class image task with fit()") {
  // Class 1 images have a bright vertical bar, class 0 a horizontal one, both at random positions.
  tapegrad::Generator gen(7);
  const std::int64_t n = 128;
  std::vector<float> pixels(static_cast<std::size_t>(n * 64), 0.0f);
  std::vector<std::int64_t> labels;
  for (std::int64_t i = 0; i < n; ++i) {
    const std::int64_t label = i % 2, at = static_cast<std::int64_t>(gen.uniform() * 8.0);
    labels.push_back(label);
    for (std::int64_t k = 0; k < 8; ++k) {
      const std::int64_t r = label == 1 ? k : at, c = label == 1 ? at : k;
      pixels[static_cast<std::size_t>(i * 64 + r * 8 + c)] = 1.0f;
    }
  }
  const nn::Dataset data(tapegrad::from<float>(pixels, {n, 64}), labels, 2);
  struct Net : nn::Module {
    explicit Net(tapegrad::Generator& g) {
      body = register_module(
          "body",
          std::make_shared<nn::Sequential>(
              nn::Conv2d({.in_channels = 1, .out_channels = 4, .kernel_size = {3, 3}, .padding = {1, 1}}, g),
              nn::BatchNorm2d({.num_features = 4}), nn::ReLU(), nn::MaxPool2d(), nn::Flatten(),
              nn::Dropout({.p = 0.2}, g), nn::Linear({.in_features = 64, .out_features = 2}, g)));
    }
    Tensor forward(const Tensor& x) override { return (*body)(tapegrad::reshape(x, {-1, 1, 8, 8})); }
    std::string type_name() const override { return "Net"; }
    std::shared_ptr<nn::Sequential> body;
  };
  Net net(gen);
  nn::Adam adam(net.parameters(), {.lr = 1e-2});
  nn::DataLoader loader(data, {.batch_size = 16, .shuffle = true, .seed = 1});
  nn::fit(net, adam, nn::default_loss(data), loader, {.epochs = 15});
  CHECK(net.is_training());  // fit restores the mode it found
  CHECK(nn::evaluate(net, data).accuracy >= 0.95);
  CHECK(net.is_training());
}
