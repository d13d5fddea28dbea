// SPDX-License-Identifier: MIT
// distributed_fit.cpp: the loop of distributed::fit (see the header).
#include "tapegrad/nn/distributed/distributed_fit.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstring>
#include <exception>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "tapegrad/autodiff/kernels/dtype_dispatch.hpp"
#include "tapegrad/autodiff/tape/tape.hpp"
#include "tapegrad/autodiff/tensor/grad_sink.hpp"
#include "tapegrad/nn/data/distributed_sampler.hpp"
#include "tapegrad/nn/train/progress.hpp"

namespace tapegrad::nn::distributed {

namespace {

/// Copies rows `rows` of `source` [n, d] into `out` (a fresh tensor from the buffer cache).
Tensor gather_rows(const Tensor& source, const std::vector<std::int64_t>& rows) {
  const std::int64_t d = source.shape()[1];
  Tensor out = tapegrad::detail::empty_tensor({static_cast<std::int64_t>(rows.size()), d}, source.dtype(),
                                              "distributed::fit");
  tapegrad::detail::dispatch_any(source.dtype(), [&]<class T>() {
    const T* from = source.data<T>();
    T* to = out.data<T>();
    for (std::size_t i = 0; i < rows.size(); ++i)
      std::memcpy(to + static_cast<std::int64_t>(i) * d, from + rows[i] * d,
                  static_cast<std::size_t>(d) * sizeof(T));
  });
  return out;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

/// Loss sum, correct count and row count of this rank's shard (rows rank, rank + world, ...) of `data`.
std::array<double, 3> evaluate_shard(Module& model, const Dataset& data, const LossFn& loss_fn,
                                     std::int64_t batch_size, const Communicator& comm) {
  std::vector<std::int64_t> rows;
  for (std::int64_t i = comm.rank(); i < data.size(); i += comm.size()) rows.push_back(i);
  if (rows.empty()) return {0.0, 0.0, 0.0};
  const Evaluation e = evaluate(model, data.subset(rows), loss_fn, batch_size);
  const auto m = static_cast<double>(rows.size());
  return {e.loss * m, std::isnan(e.accuracy) ? 0.0 : e.accuracy * m, m};
}

History run(Module& model, Optimizer& optimizer, const LossFn& loss_fn, const Dataset& data,
            const FitOptions& options, const Communicator& comm) {
  TAPEGRAD_CHECK(options.epochs >= 1, DomainError, "distributed::fit: epochs must be at least 1, got ",
                 options.epochs);
  TAPEGRAD_CHECK(options.batch_size >= 1, DomainError,
                 "distributed::fit: batch_size must be at least 1, got ", options.batch_size);
  TAPEGRAD_CHECK(static_cast<bool>(loss_fn), DomainError, "distributed::fit: the loss function is empty");

  comm.broadcast(model.state_dict(), 0);  // every rank starts from rank 0's parameters and buffers
  const NamedTensors buffers = model.named_buffers();
  DistributedSampler sampler(
      data.size(),
      {.world = comm.size(), .rank = comm.rank(), .seed = options.seed, .shuffle = options.shuffle});
  GradientBuckets buckets(model.parameters(), comm, options.buckets);
  const std::int64_t steps = sampler.num_batches(options.batch_size);

  std::unique_ptr<ProgressBar> bar;
  if (options.progress.out != nullptr && comm.is_root())
    bar = std::make_unique<ProgressBar>(
        *options.progress.out,
        ProgressOptions{.epochs = options.epochs, .batches_per_epoch = steps, .mode = options.progress.mode});
  History history;
  Tape tape;
  Batch batch;
  std::vector<std::int64_t> rows;
  Tensor seed;
  bool stop = false;
  for (std::int64_t epoch = 1; epoch <= options.epochs && !stop; ++epoch) {
    const auto epoch_start = std::chrono::steady_clock::now();
    sampler.set_epoch(epoch - 1);
    if (bar) bar->begin_epoch(epoch);
    std::array<double, 2> sums{0.0, 0.0};  // loss * rows, rows
    model.train(true);
    for (std::int64_t g = 0; g < steps; ++g) {
      sampler.part(g, options.batch_size, rows);
      const std::int64_t global_rows = std::min(options.batch_size, data.size() - g * options.batch_size);
      tape.clear();
      optimizer.zero_grad();
      buckets.begin_step();
      double value = 0.0;
      if (!rows.empty()) {
        batch.features = gather_rows(data.features(), rows);
        if (data.has_labels()) {
          batch.labels.clear();
          for (const std::int64_t i : rows)
            batch.labels.push_back(data.labels()[static_cast<std::size_t>(i)]);
        } else {
          batch.targets = gather_rows(data.targets(), rows);
        }
        GradSinkScope sink(buckets);
        const Tensor output = model(batch.features);
        const Tensor loss = loss_fn(output, batch);
        value = loss.item();
        TAPEGRAD_CHECK(std::isfinite(value), DomainError, "distributed::fit: the loss is ", value,
                       " at epoch ", epoch, ", batch ", g, " (diverged? try a smaller learning rate)");
        // This rank's share of the global mean: the ranks' gradients then simply add up.
        const double share = static_cast<double>(rows.size()) / static_cast<double>(global_rows);
        if (!seed.defined() || seed.dtype() != loss.dtype() || seed.shape() != loss.shape())
          seed = full(loss.shape(), 1.0, loss.dtype());
        tapegrad::detail::dispatch(loss.dtype(), [&]<class T>() {
          std::fill_n(seed.data<T>(), seed.numel(), static_cast<T>(share));
        });
        loss.backward(seed);
        buckets.flush();
      }
      buckets.finish();
      optimizer.step();
      for (const auto& entry : buffers) comm.broadcast(entry.second, 0);
      const auto n = static_cast<double>(rows.size());
      sums[0] += value * n;
      sums[1] += n;
      if (bar) bar->update(g + 1, value, static_cast<std::int64_t>(rows.size()));
    }
    tape.clear();
    comm.allreduce_sum(sums);
    EpochRecord record{.epoch = epoch, .train_loss = sums[0] / sums[1]};
    std::vector<std::pair<std::string, double>> shown;
    if (options.validation) {
      std::array<double, 3> v =
          evaluate_shard(model, *options.validation, loss_fn, options.eval_batch_size, comm);
      comm.allreduce_sum(v);
      record.val_loss = v[0] / v[2];
      shown.emplace_back("val_loss", record.val_loss);
      if (options.validation->has_labels()) {
        record.val_accuracy = v[1] / v[2];
        shown.emplace_back("val_acc", record.val_accuracy);
      }
    }
    if (options.scheduler != nullptr) options.scheduler->step();
    record.seconds = seconds_since(epoch_start);
    if (bar) bar->end_epoch(shown);
    history.append(record);
    if (options.on_epoch_end && options.on_epoch_end(history.back()) == FitControl::stop) stop = true;
  }
  return history;
}

}  // namespace

History fit(Module& model, Optimizer& optimizer, const LossFn& loss_fn, const Dataset& train,
            const FitOptions& options, const Communicator& comm) {
  if (!options.abort_on_error) return run(model, optimizer, loss_fn, train, options, comm);
  try {
    return run(model, optimizer, loss_fn, train, options, comm);
  } catch (const std::exception& e) {
    comm.abort(std::string("distributed::fit failed: ") + e.what());
  }
}

}  // namespace tapegrad::nn::distributed
