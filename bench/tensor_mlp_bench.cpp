// SPDX-License-Identifier: MIT
// tensor_mlp_bench.cpp: the training step of configs A-D (tensor_mlp.hpp), float32, our side only.
// The peers (libtorch's C++ step and the anchors' hand-written "lean" floor) are timed by
// bench/anchors/run_tensor_anchors.sh, in one run, with the same OpenBLAS setting.
//
//   BM_TensorMLP_<cfg>            clear the tape, forward, loss, backward, SGD update, zero_grad; each layer
//                                 is one linear(x, w, b)
//   BM_TensorMLP_<cfg>_MatmulAdd  the same step with each layer written matmul(x, w) + b (two ops)
//   BM_Tensor_Overhead_*          fixed costs per op on tiny tensors (record, sweep, buffers)
// Time is per step, in microseconds. Counters: heap allocations per step in steady state
// (system_allocs_per_step: blocks the tensor buffer cache took from the system; new_per_step: every global
// operator new call, counted by counting_new.hpp), tape_statements (records of one step), loss (after the
// timed steps).
#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include <string>
#include <utility>

#include "counting_new.hpp"
#include "tapegrad/autodiff/kernels/buffer.hpp"
#include "tensor_mlp.hpp"

namespace tapegrad::bench {
namespace {

constexpr int kWarmupSteps = 3;  // the first step fills the buffer cache, the tape and its arena

/// Minor page faults of this process so far: a step that touches a fresh page pays one (~12 us in a VM).
long minor_faults() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_minflt;
}

void tensor_mlp_step(benchmark::State& state, const MlpConfig& config, LayerForm form) {
  TensorMlp net(config, form);
  float loss = 0.0f;
  for (int i = 0; i < kWarmupSteps; ++i) loss = net.step();
  const std::size_t system_before = detail::system_allocations();
  const long new_before = new_calls();
  const long faults_before = minor_faults();
  for (auto _ : state) {
    loss = net.step();
    benchmark::DoNotOptimize(loss);
  }
  const auto steps = static_cast<double>(state.iterations());
  state.counters["system_allocs_per_step"] =
      static_cast<double>(detail::system_allocations() - system_before) / steps;
  state.counters["new_per_step"] = static_cast<double>(new_calls() - new_before) / steps;
  state.counters["page_faults_per_step"] = static_cast<double>(minor_faults() - faults_before) / steps;
  state.counters["tape_statements"] = static_cast<double>(net.tape().stats().statements);
  state.counters["loss"] = static_cast<double>(loss);
}

// ---- per-op overhead: small tensors, where the framework's fixed costs are all there is ----------------
// f(x) = sum(tanh(x) * exp(-(x * x))) on a [10] float32 leaf: 6 ops recorded, then swept and the grad
// released (the anchors time libtorch on sum(sin(x) * exp(-x * x)), also 6 ops, n = 10).
constexpr int kChainOps = 6;

void overhead_chain(benchmark::State& state, bool backward) {
  Generator gen(1);
  Tensor x = randn({10}, gen).requires_grad_();
  Tape tape;
  for (auto _ : state) {
    tape.clear();
    const Tensor y = sum(tanh(x) * exp(-(x * x)));
    if (backward) {
      y.backward();
      benchmark::DoNotOptimize(x.grad().data<float>());
      x.zero_grad();
    }
    benchmark::DoNotOptimize(y.data<float>());
  }
  state.counters["ns_per_op"] = benchmark::Counter(static_cast<double>(state.iterations()) * kChainOps * 1e-9,
                                                   benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

/// One op on one-element tensors, nothing recorded (no input requires grad): dispatch and allocation only.
void overhead_add_nograd(benchmark::State& state) {
  const Tensor a = full({1}, 1.5), b = full({1}, 2.5);
  for (auto _ : state) {
    const Tensor c = a + b;
    benchmark::DoNotOptimize(c.impl_ptr());
  }
}

[[maybe_unused]] const bool registered = [] {
  for (const MlpConfig& config : mlp_configs()) {
    for (const auto& [suffix, form] :
         {std::pair{"", LayerForm::linear}, std::pair{"_MatmulAdd", LayerForm::matmul_add}}) {
      auto* b = benchmark::RegisterBenchmark(("BM_TensorMLP_" + std::string(config.name) + suffix).c_str(),
                                             tensor_mlp_step, config, form);
      b->Unit(benchmark::kMicrosecond);
      if (config.name == "D") b->MinTime(2.0);  // a few steps per second: enough of them for a stable median
    }
  }
  benchmark::RegisterBenchmark("BM_Tensor_Overhead_Chain10_Forward", overhead_chain, false);
  benchmark::RegisterBenchmark("BM_Tensor_Overhead_Chain10_Gradient", overhead_chain, true);
  benchmark::RegisterBenchmark("BM_Tensor_Overhead_Add1_NoGrad", overhead_add_nograd);
  return true;
}();

}  // namespace
}  // namespace tapegrad::bench
