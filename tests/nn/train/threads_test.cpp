// SPDX-License-Identifier: MIT
// threads_test.cpp: two threads train their own models at the same time, each on its own tape, with
// products large enough to be split over the thread pool (or handed to BLAS). The results must be
// bit-identical to each other and to the same training run alone on the main thread. The tsan preset runs
// this suite under ThreadSanitizer.
#include <doctest/doctest.h>

#include <cstdint>
#include <thread>
#include <vector>

#include "tapegrad/nn/nn.hpp"

namespace nn = tapegrad::nn;
using tapegrad::Tensor;

namespace {

// Restores the thread count a test changed, whatever happens.
struct ThreadCount {
  explicit ThreadCount(int n) : before(tapegrad::num_threads()) { tapegrad::set_num_threads(n); }
  ~ThreadCount() { tapegrad::set_num_threads(before); }
  ThreadCount(const ThreadCount&) = delete;
  ThreadCount& operator=(const ThreadCount&) = delete;
  int before;
};

// A few Adam steps of a 256-256-1 MLP on 128 seeded points; returns every parameter value afterwards.
// [128, 256] x [256, 256] is 8.4M multiply-adds, above the size where a product is split over threads.
std::vector<float> train(std::uint64_t seed, int steps) {
  tapegrad::Tape tape;
  tapegrad::Generator gen(seed);
  const Tensor x = tapegrad::randn({128, 256}, gen);
  const Tensor y = tapegrad::randn({128, 1}, gen);
  nn::MLP net({.in_features = 256, .hidden = {256}, .out_features = 1}, gen);
  nn::Adam opt(net.parameters(), {.lr = 1e-3});
  for (int step = 0; step < steps; ++step) {
    tape.clear();
    opt.zero_grad();
    const Tensor loss = nn::mse_loss(net(x), y);
    loss.backward();
    opt.step();
  }
  std::vector<float> values;
  for (const Tensor& p : net.parameters()) {
    const std::vector<float> v = p.to_vector<float>();
    values.insert(values.end(), v.begin(), v.end());
  }
  return values;
}

}  // namespace

TEST_CASE("threads: two threads training at once get the results of a run alone" *
          doctest::test_suite("threads")) {
  const ThreadCount two(2);
  constexpr int kSteps = 3;
  const std::vector<float> alone = train(7, kSteps);
  std::vector<float> first, second;
  std::thread a([&] { first = train(7, kSteps); });
  std::thread b([&] { second = train(7, kSteps); });
  a.join();
  b.join();
  REQUIRE(alone.size() == first.size());
  CHECK(first == alone);  // bit-identical: no shared state leaks between the two trainings
  CHECK(second == alone);
}
