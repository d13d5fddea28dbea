// SPDX-License-Identifier: MIT
#include "tapegrad/autodiff/kernels/thread_pool.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

#include "tapegrad/autodiff/kernels/threading.hpp"

namespace tapegrad::detail {
namespace {

// How long a worker polls for the next job, and the caller for the last task, before sleeping on the
// futex. Long enough to catch the next product of the same training step without a wake-up (which costs
// microseconds), short enough that an idle pool, or one on a machine shared with other work, soon gives
// the core back: a spinning thread takes time from whoever else runs there.
constexpr auto kSpin = std::chrono::microseconds(20);

void cpu_relax() noexcept {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#endif
}

// Waits until value != old: polls for up to kSpin, then sleeps until notified.
template <class Int>
Int wait_for_change(const std::atomic<Int>& value, Int old) {
  Int now = value.load(std::memory_order_acquire);
  if (now != old) return now;
  const auto deadline = std::chrono::steady_clock::now() + kSpin;
  for (int spin = 1; now == old; ++spin) {
    cpu_relax();
    now = value.load(std::memory_order_acquire);
    if (spin % 64 == 0 && std::chrono::steady_clock::now() > deadline) break;  // the clock costs ~20 ns
  }
  while (now == old) {
    value.wait(old, std::memory_order_acquire);
    now = value.load(std::memory_order_acquire);
  }
  return now;
}

// Set while this thread runs a task, so that a nested parallel_for runs inline instead of deadlocking.
constinit thread_local bool inside_task = false;

// Tasks are claimed one at a time from a shared counter, by the caller and by whichever workers are awake,
// so a worker that the OS has descheduled (the machine is shared) delays nobody: the caller does its
// share. The caller returns once every task is done and no worker still looks at the job, which lives on
// the caller's stack.
class ThreadPool {
 public:
  ThreadPool() = default;
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;
  ~ThreadPool() {
    stop_.store(true);
    epoch_.fetch_add(1);
    epoch_.notify_all();
    for (std::thread& w : workers_) w.join();
  }

  void run(int tasks, int helpers, void (*task)(void*, int), void* context) {
    std::unique_lock lock(run_mutex_, std::try_to_lock);
    if (!lock.owns_lock()) {  // another thread's job holds the workers: do ours alone
      run_inline(tasks, task, context);
      return;
    }
    while (static_cast<int>(workers_.size()) < helpers) {
      const int index = static_cast<int>(workers_.size());
      workers_.emplace_back([this, index] { work(index); });
      started_.store(static_cast<int>(workers_.size()), std::memory_order_relaxed);
    }
    task_ = task;
    context_ = context;
    tasks_ = tasks;
    helpers_ = helpers;
    next_.store(0, std::memory_order_relaxed);
    done_.store(0, std::memory_order_relaxed);
    finished_.store(false, std::memory_order_relaxed);
    epoch_.fetch_add(1);  // seq_cst: publishes the job
    epoch_.notify_all();

    claim_tasks();
    for (int done = done_.load(std::memory_order_acquire); done != tasks;)
      done = wait_for_change(done_, done);
    // A worker that woke late must either be seen here (and waited for) or see finished_ (and leave
    // without touching the job): both sides use sequentially consistent operations.
    finished_.store(true);
    for (int active = active_.load(); active != 0;) active = wait_for_change(active_, active);
  }

  int started() const noexcept { return started_.load(std::memory_order_relaxed); }

  static void run_inline(int tasks, void (*task)(void*, int), void* context) {
    for (int i = 0; i < tasks; ++i) task(context, i);
  }

 private:
  void claim_tasks() {
    inside_task = true;
    for (int i = next_.fetch_add(1, std::memory_order_relaxed); i < tasks_;
         i = next_.fetch_add(1, std::memory_order_relaxed)) {
      task_(context_, i);
      if (done_.fetch_add(1, std::memory_order_acq_rel) + 1 == tasks_) done_.notify_one();
    }
    inside_task = false;
  }

  void work(int index) {
    std::uint32_t seen = 0;
    for (;;) {
      seen = wait_for_change(epoch_, seen);
      if (stop_.load()) return;
      active_.fetch_add(1);
      // The job may be over already, and the next one may have started: join only the job we woke for.
      if (epoch_.load() == seen && !finished_.load() && index < helpers_) claim_tasks();
      if (active_.fetch_sub(1) == 1) active_.notify_one();
    }
  }

  std::mutex run_mutex_;  // one job at a time; held by the caller for the whole job
  std::vector<std::thread> workers_;
  std::atomic<int> started_{0};
  // The job: written by the caller before it bumps epoch_, read by workers only while counted in active_.
  void (*task_)(void*, int) = nullptr;
  void* context_ = nullptr;
  int tasks_ = 0;
  int helpers_ = 0;  // workers allowed to join (num_threads() - 1)
  std::atomic<std::uint32_t> epoch_{0};
  std::atomic<int> next_{0};  // next task to claim
  std::atomic<int> done_{0};  // tasks finished
  std::atomic<bool> finished_{false};
  std::atomic<int> active_{0};  // workers looking at the current job
  std::atomic<bool> stop_{false};
};

ThreadPool& pool() {
  static ThreadPool p;
  return p;
}

}  // namespace

void parallel_for(int tasks, void (*task)(void* context, int index), void* context) {
  const int helpers = std::min(tasks, num_threads()) - 1;
  if (helpers <= 0 || inside_task) {
    ThreadPool::run_inline(tasks, task, context);
    return;
  }
  pool().run(tasks, helpers, task, context);
}

int pool_workers() noexcept {
  return pool().started();
}

}  // namespace tapegrad::detail
