// SPDX-License-Identifier: MIT
// conv_peer.cpp: configs E and F (conv_steps.hpp), tapegrad against libtorch, timed interleaved in one
// process, and conv2d's GFLOP/s against tapegrad's own gemm on the products conv2d runs.
// Usage: [CPU_TIME=1] conv_peer <threads> [min_seconds_per_rep] [reps]
//        conv_peer profile <E|F|torchE|torchF|leanE> <steps> [threads]: only that side's steps, for a
//        profiler (valgrind --tool=callgrind counts instructions, which the machine's other load does not
//        change)
// Prints:
//   STEP <cfg> <threads> tapegrad_us=<median> [<min>, <max>] torch_us=<median> [<min>, <max>] ratio=<t/torch>
//   LEAN E <threads> lean_us=<median> [<min>, <max>] tapegrad/lean=<> torch/lean=<>   (E's hand-written
//   floor,
//        im2col + OpenBLAS sgemm, lean_conv_step.hpp, on as many OpenBLAS threads as tapegrad has)
//   CONV <layer> <threads> conv_fwd_bwd_gflops=<> gemm_gflops=<> (per-sample shapes) gemm_batch_gflops=<>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "conv_steps.hpp"
#include "lean_conv_step.hpp"
#include "tapegrad/autodiff/kernels/gemm.hpp"
#include "tapegrad/nn/nn.hpp"

namespace nn = tapegrad::nn;
using tapegrad::Tensor;

namespace conv_peer {
namespace {

class TapegradStep final : public Step {
 public:
  explicit TapegradStep(Config config) {
    tapegrad::Generator gen(0);
    const std::int64_t batch = config == Config::E ? 64 : 128;
    if (config == Config::E) {
      net_.push_back(
          nn::Conv2d({.in_channels = 1, .out_channels = 6, .kernel_size = {5, 5}, .padding = {2, 2}}, gen));
      net_.push_back(nn::ReLU());
      net_.push_back(nn::MaxPool2d());
      net_.push_back(nn::Conv2d({.in_channels = 6, .out_channels = 16, .kernel_size = {5, 5}}, gen));
      net_.push_back(nn::ReLU());
      net_.push_back(nn::MaxPool2d());
      net_.push_back(nn::Flatten());
      net_.push_back(nn::Linear({.in_features = 400, .out_features = 120}, gen));
      net_.push_back(nn::ReLU());
      net_.push_back(nn::Linear({.in_features = 120, .out_features = 84}, gen));
      net_.push_back(nn::ReLU());
      net_.push_back(nn::Linear({.in_features = 84, .out_features = 10}, gen));
    } else {
      net_.push_back(nn::Conv2d({.in_channels = 1, .out_channels = 32, .kernel_size = {3, 3}}, gen));
      net_.push_back(nn::ReLU());
      net_.push_back(nn::Conv2d({.in_channels = 32, .out_channels = 64, .kernel_size = {3, 3}}, gen));
      net_.push_back(nn::ReLU());
      net_.push_back(nn::MaxPool2d());
      net_.push_back(nn::Flatten());
      net_.push_back(nn::Linear({.in_features = 9216, .out_features = 128}, gen));
      net_.push_back(nn::ReLU());
      net_.push_back(nn::Linear({.in_features = 128, .out_features = 10}, gen));
    }
    x_ = tapegrad::randn({batch, 1, 28, 28}, gen);
    for (std::int64_t i = 0; i < batch; ++i) labels_.push_back(i % 10);
    adam_ = std::make_unique<nn::Adam>(net_.parameters(), nn::AdamOptions{.lr = 1e-3});
  }
  double step() override {
    tape_.clear();
    const Tensor loss = nn::cross_entropy(net_(x_), labels_);
    loss.backward();
    adam_->step();
    adam_->zero_grad();
    return loss.item();
  }

 private:
  nn::Sequential net_;
  Tensor x_;
  std::vector<std::int64_t> labels_;
  std::unique_ptr<nn::Adam> adam_;
  tapegrad::Tape tape_;
};

/// Wall time, or with CPU_TIME=1 the calling thread's CPU time: on a shared machine a single-threaded
/// step's CPU time is what the other tenants disturb least (both sides then run on the calling thread).
double now_s() {
  static const bool cpu = std::getenv("CPU_TIME") != nullptr && std::string(std::getenv("CPU_TIME")) == "1";
  if (cpu) {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
  }
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

struct Stat {
  double med, lo, hi;
};

/// Seconds per call of each fn: each calibrated to >= min_s per rep, then reps interleaved.
std::vector<Stat> time_multi(const std::vector<std::function<void()>>& fns, double min_s, int reps) {
  std::vector<long> iters(fns.size(), 1);
  for (std::size_t k = 0; k < fns.size(); ++k) {
    for (int i = 0; i < 3; ++i) fns[k]();
    for (;;) {
      const double t0 = now_s();
      for (long i = 0; i < iters[k]; ++i) fns[k]();
      const double dt = now_s() - t0;
      if (dt >= min_s * 0.5) {
        iters[k] = std::max<long>(1, static_cast<long>(static_cast<double>(iters[k]) * (min_s / dt)));
        break;
      }
      iters[k] *= 4;
    }
  }
  std::vector<std::vector<double>> v(fns.size());
  for (int r = 0; r < reps; ++r)
    for (std::size_t k = 0; k < fns.size(); ++k) {
      const double t0 = now_s();
      for (long i = 0; i < iters[k]; ++i) fns[k]();
      v[k].push_back((now_s() - t0) / static_cast<double>(iters[k]));
    }
  std::vector<Stat> out;
  for (auto& s : v) {
    std::sort(s.begin(), s.end());
    out.push_back({s[s.size() / 2], s.front(), s.back()});
  }
  return out;
}

/// conv2d forward + backward (dx, dw, db) against the gemm products it lowers to, same process.
void conv_vs_gemm(const char* label, std::int64_t n, std::int64_t c, std::int64_t hw, std::int64_t o,
                  std::int64_t k, int threads, double min_s, int reps) {
  tapegrad::Generator gen(1);
  Tensor x = tapegrad::randn({n, c, hw, hw}, gen).requires_grad_();
  Tensor w = (tapegrad::randn({o, c, k, k}, gen) * 0.1).detach().requires_grad_();
  Tensor b = tapegrad::zeros({o}).requires_grad_();
  const std::int64_t ohw = hw - k + 1, pixels = ohw * ohw, kk = c * k * k;
  const Tensor g = tapegrad::randn({n, o, ohw, ohw}, gen);
  tapegrad::Tape tape;
  const auto conv = [&] {
    tape.clear();
    tapegrad::conv2d(x, w, b).backward(g);
    x.zero_grad(), w.zero_grad(), b.zero_grad();
  };
  // The same three products per sample as conv2d runs (y = W col, dW += dy colT, dcol = W^T dy), on
  // buffers of the same shapes, without im2col, col2im or the tape.
  std::vector<float> wm(static_cast<std::size_t>(o * kk), 0.01f),
      col(static_cast<std::size_t>(kk * pixels), 0.5f), y(static_cast<std::size_t>(o * pixels)),
      dw(static_cast<std::size_t>(o * kk)), dcol(static_cast<std::size_t>(kk * pixels));
  const auto gemms = [&] {
    for (std::int64_t s = 0; s < n; ++s) {
      tapegrad::detail::gemm<float>(o, pixels, kk, wm.data(), kk, 1, col.data(), pixels, y.data(), pixels,
                                    true);
      tapegrad::detail::gemm<float>(o, kk, pixels, y.data(), pixels, 1, col.data(), kk, dw.data(), kk,
                                    s == 0);
      tapegrad::detail::gemm<float>(kk, pixels, o, wm.data(), 1, kk, y.data(), pixels, dcol.data(), pixels,
                                    true);
    }
  };
  // The whole batch as one product per kind ([o, kk] x [kk, n pixels] and its adjoints): gemm at its best.
  std::vector<float> colb(static_cast<std::size_t>(kk * n * pixels), 0.5f),
      yb(static_cast<std::size_t>(o * n * pixels)), dcolb(static_cast<std::size_t>(kk * n * pixels));
  const std::int64_t np = n * pixels;
  const auto gemm_batch = [&] {
    tapegrad::detail::gemm<float>(o, np, kk, wm.data(), kk, 1, colb.data(), np, yb.data(), np, true);
    tapegrad::detail::gemm<float>(o, kk, np, yb.data(), np, 1, colb.data(), kk, dw.data(), kk, true);
    tapegrad::detail::gemm<float>(kk, np, o, wm.data(), 1, kk, yb.data(), np, dcolb.data(), np, true);
  };
  const auto t = time_multi({conv, gemms, gemm_batch}, min_s, reps);
  const double flops = 3.0 * 2.0 * static_cast<double>(n * o * kk * pixels);
  std::printf(
      "CONV %s %d conv_fwd_bwd_gflops=%.2f [%.2f, %.2f] gemm_gflops=%.2f gemm_batch_gflops=%.2f "
      "conv/gemm=%.2f\n",
      label, threads, flops / t[0].med * 1e-9, flops / t[0].hi * 1e-9, flops / t[0].lo * 1e-9,
      flops / t[1].med * 1e-9, flops / t[2].med * 1e-9, t[1].med / t[0].med);
}

}  // namespace

std::unique_ptr<Step> make_tapegrad_step(Config config) {
  return std::make_unique<TapegradStep>(config);
}

}  // namespace conv_peer

int main(int argc, char** argv) {
  using namespace conv_peer;
  if (argc > 3 && std::string(argv[1]) == "profile") {
    const std::string which = argv[2];
    const Config config = which.back() == 'E' ? Config::E : Config::F;
    const int threads = argc > 4 ? std::atoi(argv[4]) : 1;
    tapegrad::set_num_threads(threads);
    set_torch_threads(threads);
    double sink = 0.0;
    const int steps = std::atoi(argv[3]);
    if (which == "leanE") {
      LeanLeNet lean(64);
      for (int i = 0; i < steps; ++i) sink += lean.step();
      std::printf("PROFILE %s loss sum %.4f\n", which.c_str(), sink);
      return 0;
    }
    auto step = which.starts_with("torch") ? make_torch_step(config) : make_tapegrad_step(config);
    for (int i = 0; i < steps; ++i) sink += step->step();
    std::printf("PROFILE %s loss sum %.4f\n", which.c_str(), sink);
    return 0;
  }
  const int threads = argc > 1 ? std::atoi(argv[1]) : 1;
  const double min_s = argc > 2 ? std::atof(argv[2]) : 0.3;
  const int reps = argc > 3 ? std::atoi(argv[3]) : 5;
  tapegrad::set_num_threads(threads);
  set_torch_threads(threads);
  std::printf("INFO threads=%d gemm=%s blas=%s\n", threads, tapegrad::detail::gemm_kernel_name(),
              tapegrad::detail::gemm_blas_name());
  for (const Config config : {Config::E, Config::F}) {
    auto ours = make_tapegrad_step(config);
    auto theirs = make_torch_step(config);
    std::unique_ptr<LeanLeNet> lean;
    if (config == Config::E) lean = std::make_unique<LeanLeNet>(64);
    double sink = 0.0;
    std::vector<std::function<void()>> fns = {[&] { sink += ours->step(); }, [&] { sink += theirs->step(); }};
    if (lean) fns.emplace_back([&] { sink += lean->step(); });
    const auto t = time_multi(fns, min_s, reps);
    std::printf(
        "STEP %s %d tapegrad_us=%.0f [%.0f, %.0f] torch_us=%.0f [%.0f, %.0f] tapegrad/torch=%.2f (sink "
        "%.1f)\n",
        config == Config::E ? "E" : "F", threads, t[0].med * 1e6, t[0].lo * 1e6, t[0].hi * 1e6,
        t[1].med * 1e6, t[1].lo * 1e6, t[1].hi * 1e6, t[0].med / t[1].med, sink > 0 ? 1.0 : 0.0);
    if (lean)
      std::printf("LEAN E %d lean_us=%.0f [%.0f, %.0f] tapegrad/lean=%.2f torch/lean=%.2f\n", threads,
                  t[2].med * 1e6, t[2].lo * 1e6, t[2].hi * 1e6, t[0].med / t[2].med, t[1].med / t[2].med);
  }
  conv_vs_gemm("F.conv2 [128,32,26,26]*[64,32,3,3]", 128, 32, 26, 64, 3, threads, min_s, reps);
  conv_vs_gemm("E.conv2 [64,6,14,14]*[16,6,5,5]", 64, 6, 14, 16, 5, threads, min_s, reps);
  return 0;
}
