// SPDX-License-Identifier: MIT
// data_parallel_test.cpp: DataParallel and fit(.workers = N) against the single-thread step on the same
// batches. Every case name contains "thread", so the tsan preset runs them under ThreadSanitizer.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <vector>

#include "nn_test_support.hpp"
#include "tapegrad/autodiff/kernels/buffer.hpp"
#include "tapegrad/nn/nn.hpp"

namespace nn = tapegrad::nn;
using tapegrad::Dtype;
using tapegrad::Tensor;

namespace {

using tapegrad::nn::test::blobs;  // 3 separable classes, float64, seeded

nn::MLP make_net(std::int64_t d) {
  tapegrad::Generator gen(11);
  return nn::MLP({.in_features = d, .hidden = {16, 8}, .out_features = 3, .dtype = Dtype::float64}, gen);
}

Tensor ce(const Tensor& y, const nn::Batch& b) {
  return nn::cross_entropy(y, b.labels);
}

std::vector<double> flat_grads(const nn::Module& net) {
  std::vector<double> out;
  for (const Tensor& p : net.parameters()) {
    const std::vector<double> g = p.grad().to_vector<double>();
    out.insert(out.end(), g.begin(), g.end());
  }
  return out;
}

std::vector<double> flat_params(const nn::Module& net) {
  std::vector<double> out;
  for (const Tensor& p : net.parameters()) {
    const std::vector<double> v = p.to_vector<double>();
    out.insert(out.end(), v.begin(), v.end());
  }
  return out;
}

double max_relative_gap(const std::vector<double>& a, const std::vector<double>& b) {
  REQUIRE(a.size() == b.size());
  double gap = 0.0;
  for (std::size_t i = 0; i < a.size(); ++i)
    gap = std::max(gap, std::abs(a[i] - b[i]) / std::max(1e-3, std::abs(b[i])));
  return gap;
}

}  // namespace

TEST_CASE("DataParallel threads: the gradient of a batch equals the single-thread gradient" *
          doctest::test_suite("threads")) {
  const nn::Dataset data = blobs(37, 5, 3);  // 37 rows: shards of unequal sizes
  nn::Batch batch{.features = data.features(),
                  .labels = std::vector<std::int64_t>(data.labels().begin(), data.labels().end()),
                  .targets = {}};
  nn::MLP net = make_net(5);
  double alone = 0.0;
  std::vector<double> reference;
  {
    tapegrad::Tape tape;
    const Tensor loss = ce(net(batch.features), batch);
    alone = loss.item();
    loss.backward();
    reference = flat_grads(net);
    net.zero_grad();
  }
  for (const int workers : {1, 2, 3}) {
    CAPTURE(workers);
    nn::DataParallel dp(net, ce, {.workers = workers});
    const double loss = dp.forward_backward(batch);
    CHECK(loss == doctest::Approx(alone).epsilon(1e-13));
    CHECK(max_relative_gap(flat_grads(net), reference) < 1e-12);
    // A second call adds into the gradients, as a second backward() would.
    dp.forward_backward(batch);
    std::vector<double> twice = reference;
    for (double& g : twice) g *= 2.0;
    CHECK(max_relative_gap(flat_grads(net), twice) < 1e-12);
    net.zero_grad();
  }
}

TEST_CASE("DataParallel threads: fit with 2 workers matches 1 and is reproducible bit for bit" *
          doctest::test_suite("threads")) {
  const nn::Dataset data = blobs(90, 4, 5);
  const auto train = [&](int workers) {
    nn::MLP net = make_net(4);
    nn::SGD opt(net.parameters(), {.lr = 0.1, .momentum = 0.9});
    nn::DataLoader loader(data, {.batch_size = 16, .shuffle = true, .seed = 2});  // a last batch of 10
    const nn::History h =
        nn::fit(net, opt, nn::default_loss(data), loader, {.epochs = 3, .workers = workers});
    CHECK(h.back().train_loss < h[0].train_loss);
    return flat_params(net);
  };
  const std::vector<double> one = train(1);
  const std::vector<double> two = train(2);
  CHECK(max_relative_gap(two, one) < 1e-10);  // 18 steps, the rounding of a different summation order
  CHECK(train(2) == two);                     // a fixed order: the same bits every run
  CHECK(tapegrad::num_threads() >= 1);
}

TEST_CASE("DataParallel threads: kernel threads are divided among the workers and restored" *
          doctest::test_suite("threads")) {
  const int before = tapegrad::num_threads();
  nn::MLP net = make_net(3);
  {
    nn::DataParallel dp(net, ce, {.workers = 2});
    CHECK(tapegrad::num_threads() == std::max(1, before / 2));
  }
  CHECK(tapegrad::num_threads() == before);
  CHECK_THROWS_AS(nn::DataParallel(net, ce, {.workers = 0}), tapegrad::DomainError);
  CHECK_THROWS_AS(nn::fit(net, *std::make_unique<nn::SGD>(net.parameters()).get(), ce,
                          *std::make_unique<nn::DataLoader>(blobs(6, 3, 1)).get(), {.workers = 0}),
                  tapegrad::DomainError);
}

TEST_CASE("DataParallel threads: a steady training step allocates nothing" * doctest::test_suite("threads")) {
  const nn::Dataset data = blobs(64, 6, 9);
  nn::Batch batch{.features = data.features(),
                  .labels = std::vector<std::int64_t>(data.labels().begin(), data.labels().end()),
                  .targets = {}};
  nn::MLP net = make_net(6);
  nn::Adam opt(net.parameters(), {.lr = 1e-3});
  nn::DataParallel dp(net, ce, {.workers = 2});
  const auto step = [&] {
    opt.zero_grad();
    dp.forward_backward(batch);
    opt.step();
  };
  step();
  step();  // warm: every cache holds what a step needs
  const std::size_t workers_before = dp.system_allocations();
  const std::size_t caller_before = tapegrad::detail::system_allocations();
  for (int i = 0; i < 3; ++i) step();
  CHECK(dp.system_allocations() == workers_before);
  CHECK(tapegrad::detail::system_allocations() == caller_before);
}

TEST_CASE("DataParallel threads: a worker exception reaches the caller with the gradients untouched" *
          doctest::test_suite("threads")) {
  const nn::Dataset data = blobs(10, 3, 4);
  nn::Batch batch{.features = data.features(),
                  .labels = std::vector<std::int64_t>(data.labels().begin(), data.labels().end()),
                  .targets = {}};
  nn::MLP net = make_net(3);
  // Worker 1 gets rows 5..9, whose first label is 5 % 3 = 2: it throws, worker 0 does not.
  const nn::ShardLossFn picky = [](const Tensor& y, const nn::Batch& b) {
    if (b.labels.front() == 2) throw tapegrad::DomainError("picky: a shard starting with class 2");
    return nn::cross_entropy(y, b.labels);
  };
  nn::DataParallel dp(net, picky, {.workers = 2});
  CHECK_THROWS_WITH_AS(dp.forward_backward(batch), "picky: a shard starting with class 2",
                       tapegrad::DomainError);
  for (const Tensor& p : net.parameters()) CHECK_FALSE(p.grad().defined());
  // The workers are still there: a batch both accept goes through.
  nn::Batch fine{.features = tapegrad::slice(data.features(), 0, 4), .labels = {0, 1, 0, 1}, .targets = {}};
  CHECK(std::isfinite(dp.forward_backward(fine)));
}

TEST_CASE("DataParallel threads: batch norm keeps worker 0's statistics" * doctest::test_suite("threads")) {
  tapegrad::Generator gen(8);
  const Tensor x = tapegrad::randn({12, 4}, gen, Dtype::float64);
  nn::Batch batch{.features = x, .labels = std::vector<std::int64_t>(12, 1), .targets = {}};
  const auto make = [] {
    auto net = std::make_shared<nn::Sequential>();
    tapegrad::Generator g(3);
    net->push_back(std::make_shared<nn::Linear>(
        nn::LinearOptions{.in_features = 4, .out_features = 3, .dtype = Dtype::float64}, g));
    net->push_back(
        std::make_shared<nn::BatchNorm1d>(nn::BatchNormOptions{.num_features = 3, .dtype = Dtype::float64}));
    return net;
  };
  auto parallel = make();
  {
    nn::DataParallel dp(*parallel, ce, {.workers = 2});
    dp.forward_backward(batch);
  }
  auto alone = make();
  {
    tapegrad::Tape tape;
    (*alone)(tapegrad::slice(x, 0, 6));  // worker 0's shard
  }
  const std::vector<Tensor> a = parallel->buffers(), b = alone->buffers();
  REQUIRE(a.size() >= 2);  // running_mean, running_var (and the batch count)
  for (std::size_t i = 0; i < a.size(); ++i) CHECK(a[i].to_vector<double>() == b[i].to_vector<double>());
}
