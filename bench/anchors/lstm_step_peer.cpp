// SPDX-License-Identifier: MIT
// lstm_step_peer.cpp: config G of the anchors, an LSTM training step, tapegrad and libtorch's C++ LSTM in
// ONE process, interleaved (so a burst of load from another process hits both alike).
//
// The step, identical on both sides: x [batch 64, length 16, input 32] (batch_first), one LSTM layer of
// hidden 128 from a zero state, loss = mean(output²), backward to every parameter, zero the gradients.
// Usage: [CPU_TIME=1] lstm_step_peer [threads] [min_seconds_per_rep] [reps]
// With CPU_TIME=1 each repetition is timed in the calling thread's CPU time, which the other tenants of a
// shared machine disturb far less than wall time (at 1 thread both sides run on the calling thread).
// Prints: G <threads> tapegrad_us=<median> torch_us=<median> ratio=<median of per-rep ratios> (min..max)
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <functional>
#include <string>
#include <tapegrad/autodiff/kernels/threading.hpp>
#include <tapegrad/nn/nn.hpp>
#include <vector>

namespace {

double now_s() {
  static const bool cpu = std::getenv("CPU_TIME") != nullptr && std::string(std::getenv("CPU_TIME")) == "1";
  if (cpu) {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
  }
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

/// Seconds per call of each function, calibrated to about min_s per repetition, repetitions alternating.
std::vector<std::vector<double>> interleaved(const std::vector<std::function<void()>>& fns, double min_s,
                                             int reps) {
  std::vector<long> calls(fns.size(), 1);
  for (std::size_t f = 0; f < fns.size(); ++f) {
    for (int i = 0; i < 3; ++i) fns[f]();
    for (;;) {
      const double t0 = now_s();
      for (long i = 0; i < calls[f]; ++i) fns[f]();
      const double dt = now_s() - t0;
      if (dt >= 0.5 * min_s) {
        calls[f] = std::max(1L, static_cast<long>(static_cast<double>(calls[f]) * min_s / dt));
        break;
      }
      calls[f] *= 2;
    }
  }
  std::vector<std::vector<double>> times(fns.size());
  for (int r = 0; r < reps; ++r)
    for (std::size_t f = 0; f < fns.size(); ++f) {
      const double t0 = now_s();
      for (long i = 0; i < calls[f]; ++i) fns[f]();
      times[f].push_back((now_s() - t0) / static_cast<double>(calls[f]));
    }
  return times;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  const int threads = argc > 1 ? std::atoi(argv[1]) : 1;
  const double min_s = argc > 2 ? std::atof(argv[2]) : 0.3;
  const int reps = argc > 3 ? std::atoi(argv[3]) : 7;
  constexpr std::int64_t kBatch = 64, kLength = 16, kInput = 32, kHidden = 128;
  torch::set_num_threads(threads);
  tapegrad::set_num_threads(threads);

  namespace nn = tapegrad::nn;
  tapegrad::Generator gen(1);
  nn::LSTM ours({.input_size = kInput, .hidden_size = kHidden, .batch_first = true}, gen);
  const tapegrad::Tensor x = tapegrad::randn({kBatch, kLength, kInput}, gen);
  tapegrad::Tape tape;
  double our_loss = 0.0;
  const auto tapegrad_step = [&] {
    tape.clear();
    ours.zero_grad();
    const tapegrad::Tensor out = ours(x);
    const tapegrad::Tensor loss = tapegrad::mean(out * out);
    loss.backward();
    our_loss = loss.item();
  };

  torch::manual_seed(1);
  torch::nn::LSTM theirs(torch::nn::LSTMOptions(kInput, kHidden).batch_first(true));
  const torch::Tensor tx = torch::randn({kBatch, kLength, kInput});
  double their_loss = 0.0;
  const auto torch_step = [&] {
    theirs->zero_grad();
    const torch::Tensor out = std::get<0>(theirs->forward(tx));
    const torch::Tensor loss = (out * out).mean();
    loss.backward();
    their_loss = loss.item<double>();
  };

  const auto times = interleaved({tapegrad_step, torch_step}, min_s, reps);
  std::vector<double> ratios;
  for (std::size_t r = 0; r < times[0].size(); ++r) ratios.push_back(times[0][r] / times[1][r]);
  std::printf(
      "G threads=%d batch=%lld length=%lld hidden=%lld tapegrad_us=%.1f torch_us=%.1f ratio=%.3f (%.3f..%.3f)"
      " loss tapegrad=%.4f torch=%.4f\n",
      threads, static_cast<long long>(kBatch), static_cast<long long>(kLength),
      static_cast<long long>(kHidden), 1e6 * median(times[0]), 1e6 * median(times[1]), median(ratios),
      *std::min_element(ratios.begin(), ratios.end()), *std::max_element(ratios.begin(), ratios.end()),
      our_loss, their_loss);
  return 0;
}
