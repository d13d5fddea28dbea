// SPDX-License-Identifier: MIT
// distributed_test.cpp: tapegrad::distributed on the ranks of one mpirun job (2 on loopback in ctest).
// Every rank runs every case in the same order: the cases call collectives.
#include "tapegrad/nn/distributed/distributed.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <vector>

#include "nn_test_support.hpp"
#include "tapegrad/autodiff/tensor/grad_sink.hpp"
#include "tapegrad/nn/nn.hpp"

namespace nn = tapegrad::nn;
namespace dist = tapegrad::nn::distributed;
using tapegrad::Dtype;
using tapegrad::Tensor;

namespace {

using tapegrad::nn::test::blobs;

nn::MLP make_net(std::uint64_t seed) {
  tapegrad::Generator gen(seed);
  return nn::MLP({.in_features = 4, .hidden = {16, 8}, .out_features = 3, .dtype = Dtype::float64}, gen);
}

std::vector<double> flat(const std::vector<Tensor>& tensors, bool grads = false) {
  std::vector<double> out;
  for (const Tensor& t : tensors) {
    const std::vector<double> v = (grads ? t.grad() : t).to_vector<double>();
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

/// rank 0's copy of `values`, on every rank.
std::vector<double> from_root(const dist::Communicator& comm, std::vector<double> values) {
  if (!comm.is_root()) std::fill(values.begin(), values.end(), 0.0);
  comm.allreduce_sum(values);
  return values;
}

}  // namespace

TEST_CASE("distributed: the ranks reach the parameters of one process on the same global batches") {
  const dist::Communicator comm = dist::Communicator::world();
  REQUIRE(comm.size() >= 2);
  const nn::Dataset data = blobs(50, 4, 3);  // global batch 8: the last one has 2 rows
  const nn::Dataset validation = blobs(21, 4, 4);
  const dist::FitOptions options{.epochs = 3,
                                 .batch_size = 8,
                                 .seed = 5,
                                 .validation = validation,
                                 .buckets = {.bucket_bytes = 256},
                                 .abort_on_error = false};
  // Each rank starts from its own initial weights: the broadcast must make them rank 0's.
  nn::MLP net = make_net(100 + static_cast<std::uint64_t>(comm.rank()));
  nn::SGD opt(net.parameters(), {.lr = 0.1, .momentum = 0.9});
  const nn::History history = dist::fit(net, opt, nn::default_loss(data), data, options, comm);

  nn::MLP alone = make_net(100);  // rank 0's initial weights, trained by this process alone
  nn::SGD alone_opt(alone.parameters(), {.lr = 0.1, .momentum = 0.9});
  const nn::History reference =
      dist::fit(alone, alone_opt, nn::default_loss(data), data, options, dist::Communicator::self());

  const std::vector<double> mine = flat(net.parameters());
  CHECK(max_relative_gap(mine, flat(alone.parameters())) < 1e-10);  // 21 steps of rounding differences
  CHECK(from_root(comm, mine) == mine);                             // every rank holds the same bits
  REQUIRE(history.size() == 3);
  for (std::size_t e = 0; e < history.size(); ++e) {
    CHECK(history.records()[e].train_loss ==
          doctest::Approx(reference.records()[e].train_loss).epsilon(1e-10));
    CHECK(history.records()[e].val_loss == doctest::Approx(reference.records()[e].val_loss).epsilon(1e-10));
    CHECK(history.records()[e].val_accuracy == reference.records()[e].val_accuracy);
  }
  CHECK(history.back().train_loss < history[0].train_loss);
}

TEST_CASE("distributed: buckets start during the sweep and sum to the global gradient") {
  const dist::Communicator comm = dist::Communicator::world();
  const nn::Dataset data = blobs(24, 4, 8);
  nn::MLP net = make_net(7);
  comm.broadcast(net.state_dict());
  // The global batch (all 24 rows) on this rank alone: the reference gradient.
  std::vector<double> reference;
  {
    tapegrad::Tape tape;
    nn::cross_entropy(net(data.features()), data.labels()).backward();
    reference = flat(net.parameters(), true);
    net.zero_grad();
  }
  dist::GradientBuckets buckets(net.parameters(), comm, {.bucket_bytes = 600});
  CHECK(buckets.num_buckets() >= 3);
  const auto [lo, hi] = buckets.bucket_slots(0);
  CHECK(hi == net.parameters().size() - 1);  // the first bucket holds the last parameters
  CHECK(lo <= hi);
  std::vector<std::int64_t> rows;
  for (std::int64_t i = comm.rank(); i < 24; i += comm.size()) rows.push_back(i);
  const nn::Dataset part = data.subset(rows);
  for (int step = 0; step < 2; ++step) {
    tapegrad::Tape tape;
    net.zero_grad();
    buckets.begin_step();
    {
      tapegrad::GradSinkScope sink(buckets);
      const Tensor loss = nn::cross_entropy(net(part.features()), part.labels());
      loss.backward(tapegrad::full({}, static_cast<double>(rows.size()) / 24.0, Dtype::float64));
    }
    buckets.finish();
    CAPTURE(step);
    CHECK(max_relative_gap(flat(net.parameters(), true), reference) < 1e-12);
    // Learned in step 0; from step 1 on, all but the last bucket (the first layer's) start during the sweep.
    if (step == 1) CHECK(buckets.started_during_sweep() >= buckets.num_buckets() - 1);
    if (step == 0) CHECK(buckets.started_during_sweep() == 0);
  }
}

TEST_CASE("distributed: the sampler's shards are disjoint and cover the epoch across processes") {
  const dist::Communicator comm = dist::Communicator::world();
  for (const std::int64_t n : {10, 37}) {
    nn::DistributedSampler sampler(n, {.world = comm.size(), .rank = comm.rank(), .seed = 11});
    for (std::int64_t epoch = 0; epoch < 3; ++epoch) {
      sampler.set_epoch(epoch);
      std::vector<double> times(static_cast<std::size_t>(n), 0.0);
      for (const std::int64_t i : sampler.shard()) times[static_cast<std::size_t>(i)] += 1.0;
      comm.allreduce_sum(times);
      CHECK(std::all_of(times.begin(), times.end(), [](double t) { return t == 1.0; }));
    }
  }
}

TEST_CASE("distributed: rank 0's checkpoint loads in another process and buffers follow rank 0") {
  const dist::Communicator comm = dist::Communicator::world();
  const nn::Dataset data = blobs(40, 4, 9);
  const auto make = [](std::uint64_t seed) {
    auto net = std::make_shared<nn::Sequential>();
    tapegrad::Generator gen(seed);
    net->push_back(std::make_shared<nn::Linear>(
        nn::LinearOptions{.in_features = 4, .out_features = 6, .dtype = Dtype::float64}, gen));
    net->push_back(
        std::make_shared<nn::BatchNorm1d>(nn::BatchNormOptions{.num_features = 6, .dtype = Dtype::float64}));
    net->push_back(std::make_shared<nn::ReLU>());
    net->push_back(std::make_shared<nn::Linear>(
        nn::LinearOptions{.in_features = 6, .out_features = 3, .dtype = Dtype::float64}, gen));
    return net;
  };
  auto net = make(20 + static_cast<std::uint64_t>(comm.rank()));
  nn::Adam opt(net->parameters(), {.lr = 1e-2});
  dist::fit(*net, opt, nn::default_loss(data), data, {.epochs = 2, .batch_size = 10, .abort_on_error = false},
            comm);
  std::vector<double> buffers = flat(net->buffers());
  CHECK(from_root(comm, buffers) == buffers);  // running statistics are rank 0's on every rank

  const std::filesystem::path file = "distributed_checkpoint.tgc";
  if (comm.is_root()) nn::save_checkpoint(file, net->state_dict());
  comm.barrier();
  if (comm.rank() == comm.size() - 1) {  // another process than the writer; loading needs no MPI
    auto fresh = make(99);
    nn::load_checkpoint(file, fresh->state_dict());
    CHECK(flat(fresh->parameters()) == flat(net->parameters()));
    CHECK(flat(fresh->buffers()) == flat(net->buffers()));
  }
  comm.barrier();
  if (comm.is_root()) std::filesystem::remove(file);
}
