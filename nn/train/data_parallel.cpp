// SPDX-License-Identifier: MIT
// data_parallel.cpp: the workers of DataParallel: a compute phase (shard forward + backward into each
// worker's GradSink) and a reduce phase (the sinks summed, in worker order, into the parameters' .grad()).
#include "tapegrad/nn/train/data_parallel.hpp"

#include <algorithm>
#include <utility>

#include "tapegrad/autodiff/core/error.hpp"
#include "tapegrad/autodiff/kernels/buffer.hpp"
#include "tapegrad/autodiff/kernels/dtype_dispatch.hpp"
#include "tapegrad/autodiff/kernels/threading.hpp"
#include "tapegrad/autodiff/tape/tape.hpp"
#include "tapegrad/autodiff/tensor/grad_sink.hpp"
#include "tapegrad/autodiff/tensor/layout.hpp"
#include "tapegrad/autodiff/tensor/replica_state.hpp"

namespace tapegrad::nn {

struct DataParallel::Worker {
  explicit Worker(const std::vector<Tensor>& params, std::uint64_t dropout_seed)
      : sink(params), dropout_gen(dropout_seed) {}
  GradSink sink;         // read by the other workers in the reduce phase
  Tape* tape = nullptr;  // lives on the worker's thread
  Generator dropout_gen;
  Batch shard;  // kept between steps: its label vector keeps its capacity
  Tensor seed;  // d(batch loss) / d(shard loss) = shard rows / batch rows, as a 0-D tensor
  double loss = 0.0;
  double weight = 0.0;
  std::size_t allocations = 0;
  std::exception_ptr error;
};

DataParallel::DataParallel(Module& model, ShardLossFn loss_fn, DataParallelOptions options)
    : model_(model), loss_fn_(std::move(loss_fn)), options_(options), kernel_threads_before_(num_threads()) {
  TAPEGRAD_CHECK(options.workers >= 1 && options.workers <= 256, DomainError,
                 "DataParallel: workers must be in [1, 256], got ", options.workers);
  TAPEGRAD_CHECK(static_cast<bool>(loss_fn_), DomainError, "DataParallel: the loss function is empty");
  params_ = model.parameters();
  const auto n = static_cast<std::size_t>(options.workers);
  for (std::size_t w = 0; w < n; ++w) workers_.push_back(std::make_unique<Worker>(params_, options.seed + w));
  // The threads rule (header): workers x kernel threads <= the kernel threads there were.
  set_num_threads(std::max(1, kernel_threads_before_ / options.workers));
  {
    std::lock_guard lock(mutex_);
    pending_ = n;
  }
  try {
    for (std::size_t w = 0; w < n; ++w) threads_.emplace_back([this, w] { run(w); });
  } catch (...) {
    {
      std::lock_guard lock(mutex_);
      pending_ -= n - threads_.size();
      phase_ = Phase::stop;
      ++ticket_;
    }
    wake_.notify_all();
    for (std::thread& t : threads_) t.join();
    set_num_threads(kernel_threads_before_);
    throw;
  }
  std::unique_lock lock(mutex_);
  done_.wait(lock, [this] { return pending_ == 0; });  // every worker has made its tape
}

DataParallel::~DataParallel() {
  {
    std::lock_guard lock(mutex_);
    phase_ = Phase::stop;
    ++ticket_;
  }
  wake_.notify_all();
  for (std::thread& t : threads_) t.join();
  try {
    set_num_threads(kernel_threads_before_);
  } catch (...) {  // the count was accepted before; nothing to report from a destructor
  }
}

void DataParallel::run(std::size_t w) {
  Worker& worker = *workers_[w];
  Tape tape;  // this worker's recording; a Tape belongs to the thread that made it
  worker.tape = &tape;
  GradSinkScope sink(worker.sink);
  detail::running_stats_frozen = w != 0;
  detail::dropout_generator = &worker.dropout_gen;
  std::uint64_t seen = 0;
  {
    std::lock_guard lock(mutex_);
    seen = ticket_;
    if (--pending_ == 0) done_.notify_all();
  }
  for (;;) {
    Phase phase;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return ticket_ != seen; });
      seen = ticket_;
      phase = phase_;
    }
    if (phase == Phase::stop) break;
    try {
      if (phase == Phase::compute)
        compute(worker, w);
      else
        reduce(w);
    } catch (...) {
      worker.error = std::current_exception();
      tape.clear();
    }
    std::lock_guard lock(mutex_);
    if (--pending_ == 0) done_.notify_all();
  }
  worker.shard = Batch{};  // its tensors go back to this thread's caches
  worker.seed = Tensor();
  tape.clear();
  detail::dropout_generator = nullptr;
  detail::running_stats_frozen = false;
}

void DataParallel::compute(Worker& worker, std::size_t w) {
  const Batch& batch = *batch_;
  const std::int64_t n = batch.size();
  const auto parts = static_cast<std::int64_t>(workers_.size());
  const std::int64_t start = n * static_cast<std::int64_t>(w) / parts;
  const std::int64_t end = n * (static_cast<std::int64_t>(w) + 1) / parts;
  worker.sink.begin_step();
  worker.loss = 0.0;
  worker.weight = static_cast<double>(end - start) / static_cast<double>(n);
  if (end > start) {
    worker.shard.features = slice(batch.features, start, end);
    if (!batch.labels.empty()) {
      worker.shard.labels.assign(batch.labels.begin() + start, batch.labels.begin() + end);
      worker.shard.targets = Tensor();
    } else {
      worker.shard.labels.clear();
      worker.shard.targets = batch.targets.defined() ? slice(batch.targets, start, end) : Tensor();
    }
    {
      const Tensor output = model_(worker.shard.features);
      if (w == 0 && check_) check_(output);
      const Tensor loss = loss_fn_(output, worker.shard);
      worker.loss = loss.item();
      if (!worker.seed.defined() || worker.seed.dtype() != loss.dtype() ||
          worker.seed.shape() != loss.shape())
        worker.seed = full(loss.shape(), 1.0, loss.dtype());
      detail::dispatch(loss.dtype(), [&]<class T>() {
        std::fill_n(worker.seed.data<T>(), worker.seed.numel(), static_cast<T>(worker.weight));
      });
      loss.backward(worker.seed);
    }
    worker.tape->clear();  // the activations go back to the caches now, not at the next step
  }
  worker.sink.zero_unwritten();
  worker.allocations = detail::system_allocations();
}

void DataParallel::reduce(std::size_t w) {
  const std::size_t parts = workers_.size();
  for (std::size_t i = 0; i < params_.size(); ++i) {
    const Tensor& p = params_[i];
    const auto m = static_cast<std::size_t>(p.numel());
    const std::size_t begin = m * w / parts, end = m * (w + 1) / parts;
    if (begin == end) continue;
    detail::dispatch(p.dtype(), [&]<class T>() {
      T* out = static_cast<T*>(p.impl().grad.data());
      const bool store = fresh_[i] != 0;
      for (std::size_t j = begin; j < end; ++j) {
        // Fixed order: worker 0's contribution first, then 1, ..., whichever thread sums this element.
        T sum = static_cast<const T*>(workers_[0]->sink.data(i))[j];
        for (std::size_t k = 1; k < parts; ++k) sum += static_cast<const T*>(workers_[k]->sink.data(i))[j];
        out[j] = store ? sum : out[j] + sum;
      }
    });
  }
}

void DataParallel::dispatch(Phase phase) {
  {
    std::lock_guard lock(mutex_);
    phase_ = phase;
    pending_ = workers_.size();
    ++ticket_;
  }
  wake_.notify_all();
  std::unique_lock lock(mutex_);
  done_.wait(lock, [this] { return pending_ == 0; });
}

double DataParallel::forward_backward(const Batch& batch) {
  TAPEGRAD_CHECK(batch.features.defined() && batch.size() > 0, DomainError,
                 "DataParallel: the batch is empty");
  batch_ = &batch;
  for (auto& worker : workers_) worker->error = nullptr;
  dispatch(Phase::compute);
  check_ = nullptr;
  for (auto& worker : workers_)
    if (worker->error) std::rethrow_exception(worker->error);
  // The parameters' gradient buffers, made here (on the caller's thread, from its buffer cache) so that
  // the reduce phase only writes into them.
  fresh_.resize(params_.size());
  for (std::size_t i = 0; i < params_.size(); ++i) {
    bool fresh = false;
    detail::grad_for_write(params_[i].impl(), fresh);
    fresh_[i] = fresh ? 1 : 0;
  }
  dispatch(Phase::reduce);
  batch_ = nullptr;
  double loss = 0.0;
  for (const auto& worker : workers_) loss += worker->weight * worker->loss;
  return loss;
}

std::size_t DataParallel::system_allocations() const {
  std::size_t total = 0;
  for (const auto& worker : workers_) total += worker->allocations;
  return total;
}

}  // namespace tapegrad::nn
