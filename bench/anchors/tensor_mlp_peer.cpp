// SPDX-License-Identifier: MIT
// tensor_mlp_peer.cpp: tapegrad's MLP training step (bench/tensor_mlp.hpp) timed in ONE process, interleaved,
// with the anchors' hand-written lean step on OpenBLAS (lean_step.hpp), for configs A-D. The anchors'
// torch_bench does the same for libtorch against the same lean step, so run_tensor_anchors.sh can put
// tapegrad, libtorch and the lean floor in one table with ratios that machine noise hits alike.
//
// Usage: tensor_mlp_peer <threads> [min_seconds_per_rep] [reps]      env: TB_ONLY=AB (configs to run)
// Prints, per config:
//   OURS <cfg> <threads> <median us> <min> <max> lean_us=<median> ratio_lean=<median of per-rep ratios>
//        matmul_add_us=<median> system_allocs_per_step=<> new_per_step=<> faults_per_step=<> loss=<>
//   OVERHEAD chain10 <threads> fwd_us=<> fwdbwd_us=<> ops=6   (per-op overhead on a [10] tensor)
// <threads> is only echoed: the thread counts come from the environment (OPENBLAS_NUM_THREADS for lean).
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "../counting_new.hpp"
#include "../tensor_mlp.hpp"
#include "lean_step.hpp"
#include "tapegrad/autodiff/kernels/buffer.hpp"

namespace {

using tapegrad::bench::LayerForm;
using tapegrad::bench::LeanStep;
using tapegrad::bench::MlpConfig;
using tapegrad::bench::TensorMlp;

double now_s() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

/// Seconds per call of each function: each is calibrated so one repetition lasts about min_s, then the
/// repetitions of all functions alternate, so a burst of load from another process hits them all.
std::vector<std::vector<double>> interleaved(const std::vector<std::function<void()>>& fns, double min_s,
                                             int reps) {
  std::vector<long> calls(fns.size(), 1);
  for (std::size_t f = 0; f < fns.size(); ++f) {
    for (int i = 0; i < 3; ++i) fns[f]();  // warm-up: caches, tape blocks, buffer cache
    for (;;) {
      const double t0 = now_s();
      for (long i = 0; i < calls[f]; ++i) fns[f]();
      const double dt = now_s() - t0;
      if (dt >= 0.5 * min_s) {
        calls[f] = std::max(1L, static_cast<long>(static_cast<double>(calls[f]) * min_s / dt));
        break;
      }
      calls[f] *= 4;
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

long minor_faults() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_minflt;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  const int threads = argc > 1 ? std::atoi(argv[1]) : 1;
  const double min_s = argc > 2 ? std::atof(argv[2]) : 0.2;
  const int reps = argc > 3 ? std::atoi(argv[3]) : 7;
  const char* only = std::getenv("TB_ONLY");
  for (const MlpConfig& c : tapegrad::bench::mlp_configs()) {
    if (only != nullptr && std::strchr(only, c.name[0]) == nullptr) continue;
    LeanStep lean(std::vector<int>(c.sizes.begin(), c.sizes.end()), static_cast<int>(c.batch), c.mse);
    float loss = 0.0f;
    double ours_us = 0.0, lo = 0.0, hi = 0.0, lean_us = 0.0, ratio = 0.0, matmul_add_us = 0.0;
    double system_allocs = 0.0, news = 0.0, faults = 0.0;
    {
      TensorMlp net(c, LayerForm::linear);
      const auto t = interleaved({[&] { loss = net.step(); }, [&] { lean.step(); }}, min_s, reps);
      std::vector<double> ratios;
      for (int r = 0; r < reps; ++r)
        ratios.push_back(t[0][static_cast<std::size_t>(r)] / t[1][static_cast<std::size_t>(r)]);
      ours_us = median(t[0]) * 1e6;
      lo = *std::min_element(t[0].begin(), t[0].end()) * 1e6;
      hi = *std::max_element(t[0].begin(), t[0].end()) * 1e6;
      lean_us = median(t[1]) * 1e6;
      ratio = median(ratios);
      // Steady-state allocations: the steps above were the warm-up.
      constexpr int kCounted = 20;
      const std::size_t sys0 = tapegrad::detail::system_allocations();
      const long new0 = tapegrad::bench::new_calls();
      const long faults0 = minor_faults();
      for (int i = 0; i < kCounted; ++i) loss = net.step();
      system_allocs = static_cast<double>(tapegrad::detail::system_allocations() - sys0) / kCounted;
      news = static_cast<double>(tapegrad::bench::new_calls() - new0) / kCounted;
      faults = static_cast<double>(minor_faults() - faults0) / kCounted;
    }
    {
      TensorMlp net(c, LayerForm::matmul_add);  // one at a time: each holds the active tape
      matmul_add_us = median(interleaved({[&] { net.step(); }}, min_s, std::max(3, reps / 2))[0]) * 1e6;
    }
    std::printf(
        "OURS %s %d %.2f %.2f %.2f lean_us=%.2f ratio_lean=%.3f matmul_add_us=%.2f "
        "system_allocs_per_step=%.2f "
        "new_per_step=%.2f faults_per_step=%.2f loss=%.5f\n",
        std::string(c.name).c_str(), threads, ours_us, lo, hi, lean_us, ratio, matmul_add_us, system_allocs,
        news, faults, static_cast<double>(loss));
    std::fflush(stdout);
  }
  // Per-op overhead, as torch_bench's SCAL 10 line measures libtorch: the gradient of a 6-op expression on
  // a [10] tensor (ours with tanh where libtorch's has sin, which this library does not have yet).
  {
    tapegrad::Generator gen(1);
    tapegrad::Tensor x = tapegrad::randn({10}, gen).requires_grad_();
    tapegrad::Tape tape;
    const auto forward = [&] {
      tape.clear();
      return tapegrad::sum(tapegrad::tanh(x) * tapegrad::exp(-(x * x)));
    };
    const auto t = interleaved({[&] { forward(); },
                                [&] {
                                  forward().backward();
                                  x.zero_grad();
                                }},
                               min_s / 4, reps);
    std::printf("OVERHEAD chain10 %d fwd_us=%.2f fwdbwd_us=%.2f ops=6\n", threads, median(t[0]) * 1e6,
                median(t[1]) * 1e6);
  }
  return 0;
}
