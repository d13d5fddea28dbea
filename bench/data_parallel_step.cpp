// SPDX-License-Identifier: MIT
// data_parallel_step.cpp: one training step of configs C, D (MLPs) and E, F (conv nets) of bench/anchors,
// on 1 thread, on 2 DataParallel worker threads, with the gemm on 2 threads, and (built with
// tapegrad::distributed, started by mpirun) on N MPI ranks with the bucketed allreduce. Wall time per step
// (the median of interleaved repetitions), since a parallel step is about elapsed time.
//   data_parallel_step threads [reps] [steps]
//   mpirun -np N data_parallel_step mpi [reps] [steps]
// Prints one line per measurement: STEP <config> <mode> <workers> us=<median> [<min>, <max>] ...
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "tapegrad/nn/nn.hpp"
#ifdef TAPEGRAD_BENCH_MPI
#include "tapegrad/autodiff/tensor/grad_sink.hpp"
#include "tapegrad/nn/distributed/distributed.hpp"
#endif

namespace nn = tapegrad::nn;
using tapegrad::Tensor;

namespace {

struct Config {
  const char* name;
  std::int64_t batch;
};
constexpr Config kConfigs[] = {{"C", 64}, {"D", 256}, {"E", 64}, {"F", 128}};

/// The model of a config (the anchors' shapes; conv_peer.cpp for E and F), and its input of `rows` rows.
std::shared_ptr<nn::Sequential> make_net(const std::string& name) {
  tapegrad::Generator gen(0);
  auto net = std::make_shared<nn::Sequential>();
  if (name == "C" || name == "D") {
    const std::vector<std::int64_t> sizes = name == "C" ? std::vector<std::int64_t>{784, 256, 128, 10}
                                                        : std::vector<std::int64_t>{784, 1024, 1024, 10};
    for (std::size_t i = 0; i + 1 < sizes.size(); ++i) {
      net->push_back(nn::Linear({.in_features = sizes[i], .out_features = sizes[i + 1]}, gen));
      if (i + 2 < sizes.size()) net->push_back(nn::ReLU());
    }
  } else if (name == "E") {
    net->push_back(
        nn::Conv2d({.in_channels = 1, .out_channels = 6, .kernel_size = {5, 5}, .padding = {2, 2}}, gen));
    net->push_back(nn::ReLU());
    net->push_back(nn::MaxPool2d());
    net->push_back(nn::Conv2d({.in_channels = 6, .out_channels = 16, .kernel_size = {5, 5}}, gen));
    net->push_back(nn::ReLU());
    net->push_back(nn::MaxPool2d());
    net->push_back(nn::Flatten());
    net->push_back(nn::Linear({.in_features = 400, .out_features = 120}, gen));
    net->push_back(nn::ReLU());
    net->push_back(nn::Linear({.in_features = 120, .out_features = 84}, gen));
    net->push_back(nn::ReLU());
    net->push_back(nn::Linear({.in_features = 84, .out_features = 10}, gen));
  } else {
    net->push_back(nn::Conv2d({.in_channels = 1, .out_channels = 32, .kernel_size = {3, 3}}, gen));
    net->push_back(nn::ReLU());
    net->push_back(nn::Conv2d({.in_channels = 32, .out_channels = 64, .kernel_size = {3, 3}}, gen));
    net->push_back(nn::ReLU());
    net->push_back(nn::MaxPool2d());
    net->push_back(nn::Flatten());
    net->push_back(nn::Linear({.in_features = 9216, .out_features = 128}, gen));
    net->push_back(nn::ReLU());
    net->push_back(nn::Linear({.in_features = 128, .out_features = 10}, gen));
  }
  return net;
}

nn::Batch make_batch(const std::string& name, std::int64_t rows) {
  tapegrad::Generator gen(1);
  nn::Batch b;
  b.features = name == "C" || name == "D" ? tapegrad::randn({rows, 784}, gen)
                                          : tapegrad::randn({rows, 1, 28, 28}, gen);
  for (std::int64_t i = 0; i < rows; ++i) b.labels.push_back(i % 10);
  return b;
}

std::unique_ptr<nn::Optimizer> make_optimizer(const std::string& name, const nn::Module& net) {
  if (name == "C" || name == "D")
    return std::make_unique<nn::SGD>(net.parameters(), nn::SGDOptions{.lr = 0.01});
  return std::make_unique<nn::Adam>(net.parameters(), nn::AdamOptions{.lr = 1e-3});
}

Tensor ce(const Tensor& y, const nn::Batch& b) {
  return nn::cross_entropy(y, b.labels);
}

double now_s() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}
/// CPU time of the whole process (every thread), for the work a step costs whatever the other tenants do.
double cpu_s() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

struct Stat {
  double med, lo, hi;
};
Stat stat(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return {v[v.size() / 2], v.front(), v.back()};
}
void print(const char* config, const char* mode, int n, const Stat& s, const char* extra = "") {
  std::printf("STEP %s %s %d us=%.0f [%.0f, %.0f]%s\n", config, mode, n, s.med * 1e6, s.lo * 1e6, s.hi * 1e6,
              extra);
  std::fflush(stdout);
}

/// Wall seconds per step of `steps` steps (after one warm-up step); adds the process CPU seconds per step
/// to *cpu.
double time_steps(const std::function<void()>& step, int steps, std::vector<double>* cpu = nullptr) {
  step();
  const double t0 = now_s(), c0 = cpu_s();
  for (int i = 0; i < steps; ++i) step();
  if (cpu != nullptr) cpu->push_back((cpu_s() - c0) / steps);
  return (now_s() - t0) / steps;
}

void threads_mode(int reps, int steps) {
  for (const Config& c : kConfigs) {
    auto net = make_net(c.name);
    auto opt = make_optimizer(c.name, *net);
    const nn::Batch batch = make_batch(c.name, c.batch);
    tapegrad::Tape tape;
    const auto plain = [&] {
      tape.clear();
      opt->zero_grad();
      ce((*net)(batch.features), batch).backward();
      opt->step();
    };
    std::vector<double> one, two, gemm2, cpu1, cpu2;
    for (int r = 0; r < reps; ++r) {
      tapegrad::set_num_threads(1);
      one.push_back(time_steps(plain, steps, &cpu1));
      tapegrad::set_num_threads(2);  // the DataParallel rule then gives each of the 2 workers 1 kernel thread
      {
        nn::DataParallel dp(*net, ce, {.workers = 2});
        two.push_back(time_steps(
            [&] {
              opt->zero_grad();
              dp.forward_backward(batch);
              opt->step();
            },
            steps, &cpu2));
      }
      gemm2.push_back(time_steps(plain, steps));  // the same plain step with the gemm on 2 threads
    }
    const Stat s1 = stat(one), s2 = stat(two), sg = stat(gemm2);
    char extra[160];
    std::snprintf(extra, sizeof extra, " cpu_us=%.0f", stat(cpu1).med * 1e6);
    print(c.name, "threads", 1, s1, extra);
    std::snprintf(extra, sizeof extra, " efficiency=%.2f cpu_us=%.0f work_ratio=%.2f", s1.med / s2.med / 2.0,
                  stat(cpu2).med * 1e6, stat(cpu1).med / stat(cpu2).med);
    print(c.name, "threads", 2, s2, extra);
    std::snprintf(extra, sizeof extra, " efficiency=%.2f", s1.med / sg.med / 2.0);
    print(c.name, "gemm_threads", 2, sg, extra);
  }
}

#ifdef TAPEGRAD_BENCH_MPI
void mpi_mode(int reps, int steps) {
  namespace dist = nn::distributed;
  const dist::Communicator comm = dist::Communicator::world();
  tapegrad::set_num_threads(1);  // one core per rank
  for (const Config& c : kConfigs) {
    auto net = make_net(c.name);
    comm.broadcast(net->state_dict());
    auto opt = make_optimizer(c.name, *net);
    const std::int64_t rows = c.batch / comm.size();
    const nn::Batch batch = make_batch(c.name, rows);
    dist::GradientBuckets buckets(net->parameters(), comm);
    tapegrad::Tape tape;
    const Tensor share = tapegrad::full({}, 1.0 / comm.size());
    const auto step = [&](bool reduce) {
      tape.clear();
      opt->zero_grad();
      buckets.begin_step();
      {
        tapegrad::GradSinkScope sink(buckets);
        ce((*net)(batch.features), batch).backward(share);
      }
      if (reduce) buckets.finish();
      opt->step();
    };
    std::vector<double> full_step, compute;
    std::size_t overlapped = 0;
    for (int r = 0; r < reps; ++r) {
      comm.barrier();
      full_step.push_back(time_steps([&] { step(true); }, steps));
      overlapped = buckets.started_during_sweep();
      comm.barrier();
      compute.push_back(time_steps([&] { step(false); }, steps));  // no allreduce: this rank's compute alone
    }
    std::int64_t params = 0;
    for (const Tensor& p : net->parameters()) params += p.numel();
    if (comm.is_root()) {
      char extra[160];
      std::snprintf(
          extra, sizeof extra, " compute_us=%.0f gradient_bytes=%lld buckets=%zu started_in_sweep=%zu",
          stat(compute).med * 1e6, static_cast<long long>(params * 4), buckets.num_buckets(), overlapped);
      print(c.name, "mpi", comm.size(), stat(full_step), extra);
    }
  }
  // The allreduce alone, for the cost model's latency and bandwidth (float64 sums, in place).
  for (const std::size_t doubles : {std::size_t{1}, std::size_t{1} << 10, std::size_t{1} << 14,
                                    std::size_t{1} << 17, std::size_t{1} << 20}) {
    std::vector<double> v(doubles, 1.0);
    std::vector<double> t;
    for (int r = 0; r < reps; ++r) {
      comm.barrier();
      const int calls = doubles > (1u << 16) ? 10 : 200;
      const double t0 = now_s();
      for (int i = 0; i < calls; ++i) comm.allreduce_sum(v);
      t.push_back((now_s() - t0) / calls);
    }
    if (comm.is_root())
      std::printf("ALLREDUCE ranks=%d bytes=%zu us=%.1f\n", comm.size(), doubles * 8, stat(t).med * 1e6);
  }
}
#endif

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "threads";
  const int reps = argc > 2 ? std::atoi(argv[2]) : 5;
  const int steps = argc > 3 ? std::atoi(argv[3]) : 5;
  if (mode == "threads") {
    threads_mode(reps, steps);
    return 0;
  }
#ifdef TAPEGRAD_BENCH_MPI
  if (mode == "mpi") {
    nn::distributed::Session mpi(argc, argv);
    mpi_mode(reps, steps);
    return 0;
  }
#endif
  std::fprintf(
      stderr,
      "usage: data_parallel_step threads|mpi [reps] [steps] (mpi: built with tapegrad::distributed)\n");
  return 2;
}
