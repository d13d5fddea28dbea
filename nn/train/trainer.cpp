// SPDX-License-Identifier: MIT
// trainer.cpp: the loops behind fit(), evaluate() and predict().
#include "tapegrad/nn/train/trainer.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <memory>
#include <utility>

#include "tapegrad/autodiff/core/error.hpp"
#include "tapegrad/autodiff/tape/tape.hpp"
#include "tapegrad/autodiff/tensor/ops.hpp"
#include "tapegrad/nn/loss/loss.hpp"
#include "tapegrad/nn/train/data_parallel.hpp"

namespace tapegrad::nn {

namespace {

/// Sets a module's training flag for a scope and restores the previous one.
class ModeScope {
 public:
  ModeScope(Module& model, bool training) : model_(model), was_training_(model.is_training()) {
    model_.train(training);
  }
  ~ModeScope() { model_.train(was_training_); }
  ModeScope(const ModeScope&) = delete;
  ModeScope& operator=(const ModeScope&) = delete;

 private:
  Module& model_;
  bool was_training_;
};

/// Rows [start, end) of a dataset as a Batch (features and labels or targets).
Batch batch_of(const Dataset& data, std::int64_t start, std::int64_t end) {
  Batch b;
  b.features = slice(data.features(), start, end);
  if (data.has_labels()) {
    const auto labels = data.labels();
    b.labels.assign(labels.begin() + start, labels.begin() + end);
  } else {
    b.targets = slice(data.targets(), start, end);
  }
  return b;
}

/// A classifier's output must have one column per class; caught here so the message names the model.
void check_output(std::string_view op, const Tensor& output, const Dataset& data) {
  if (!data.has_labels()) return;
  TAPEGRAD_CHECK(output.dim() == 2 && output.shape()[1] == data.num_classes(), ShapeError, op,
                 ": the model's output ", to_string(output.shape()), " must have one column per class (",
                 data.num_classes(), " classes)");
}

void check_same_kind(const Dataset& train, const Dataset& validation) {
  TAPEGRAD_CHECK(train.num_features() == validation.num_features(), ShapeError,
                 "fit: the validation set has ", validation.num_features(), " features, the training set ",
                 train.num_features());
  TAPEGRAD_CHECK(train.has_labels() == validation.has_labels(), ShapeError,
                 "fit: the training and validation sets must both have class labels or both have targets");
  TAPEGRAD_CHECK(!train.has_labels() || train.num_classes() == validation.num_classes(), ShapeError,
                 "fit: the validation set has ", validation.num_classes(), " classes, the training set ",
                 train.num_classes());
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

/// Tracks the early-stopping metric; improved() is true when the value beats the best by more than min_delta.
class Patience {
 public:
  explicit Patience(const EarlyStopping& rule) : rule_(rule) {}
  /// Returns true when training should stop after this epoch.
  bool should_stop(const History& history) {
    if (rule_.patience <= 0) return false;
    const std::vector<double> values = history.column(rule_.metric);  // throws for an unknown name
    const double v = values.back();
    TAPEGRAD_CHECK(!std::isnan(v), DomainError, "fit: early_stopping.metric '", rule_.metric,
                   "' is not recorded (no validation set?)");
    const bool better = !has_best_ || (rule_.goal == Goal::minimize ? v < best_ - rule_.min_delta
                                                                    : v > best_ + rule_.min_delta);
    if (better) {
      best_ = v;
      has_best_ = true;
      stale_ = 0;
      return false;
    }
    return ++stale_ >= rule_.patience;
  }

 private:
  EarlyStopping rule_;
  double best_ = 0.0;
  bool has_best_ = false;
  std::int64_t stale_ = 0;
};

}  // namespace

LossFn default_loss(const Dataset& data) {
  if (data.has_labels()) return [](const Tensor& y, const Batch& b) { return cross_entropy(y, b.labels); };
  return [](const Tensor& y, const Batch& b) { return mse_loss(y, b.targets); };
}

History fit(Module& model, Optimizer& optimizer, const LossFn& loss_fn, DataLoader& train,
            const FitOptions& options) {
  TAPEGRAD_CHECK(options.epochs >= 1, DomainError, "fit: epochs must be at least 1, got ", options.epochs);
  TAPEGRAD_CHECK(static_cast<bool>(loss_fn), DomainError, "fit: the loss function is empty");
  const Dataset& data = train.dataset();
  if (options.validation) check_same_kind(data, *options.validation);

  std::unique_ptr<ProgressBar> bar;
  if (options.progress.out != nullptr)
    bar = std::make_unique<ProgressBar>(*options.progress.out,
                                        ProgressOptions{.epochs = options.epochs,
                                                        .batches_per_epoch = train.num_batches(),
                                                        .mode = options.progress.mode});
  History history;
  Patience patience(options.early_stopping);
  TAPEGRAD_CHECK(options.workers >= 1, DomainError, "fit: workers must be at least 1, got ", options.workers);
  std::unique_ptr<DataParallel> parallel;
  if (options.workers > 1)
    parallel = std::make_unique<DataParallel>(model, loss_fn, DataParallelOptions{.workers = options.workers});
  Tape tape;  // this fit's recording, cleared before every batch
  bool stop = false;
  for (std::int64_t epoch = 1; epoch <= options.epochs && !stop; ++epoch) {
    const auto epoch_start = std::chrono::steady_clock::now();
    if (bar) bar->begin_epoch(epoch);
    double loss_sum = 0.0;
    std::int64_t samples = 0;
    {
      ModeScope training(model, true);
      std::int64_t index = 0;
      for (const Batch& batch : train) {
        tape.clear();
        optimizer.zero_grad();
        double value = 0.0;
        if (parallel) {
          if (index == 0) parallel->check_next_output([&](const Tensor& output) { check_output("fit", output, data); });
          value = parallel->forward_backward(batch);
        } else {
          const Tensor output = model(batch.features);
          if (index == 0) check_output("fit", output, data);
          const Tensor loss = loss_fn(output, batch);
          value = loss.item();
          if (std::isfinite(value)) loss.backward();
        }
        TAPEGRAD_CHECK(std::isfinite(value), DomainError, "fit: the loss is ", value, " at epoch ", epoch,
                       ", batch ", index, " (diverged? try a smaller learning rate)");
        optimizer.step();
        loss_sum += value * static_cast<double>(batch.size());
        samples += batch.size();
        if (bar) bar->update(index + 1, value, batch.size());  // the bar counts batches done, from 1
        if (options.callbacks.on_batch_end &&
            options.callbacks.on_batch_end(epoch, index, value) == FitControl::stop) {
          stop = true;
          break;
        }
        ++index;
      }
      tape.clear();
    }
    EpochRecord record{.epoch = epoch, .train_loss = loss_sum / static_cast<double>(samples)};
    std::vector<std::pair<std::string, double>> shown;
    if (options.validation) {
      const Evaluation e = evaluate(model, *options.validation, loss_fn, options.eval_batch_size);
      record.val_loss = e.loss;
      record.val_accuracy = e.accuracy;
      shown.emplace_back("val_loss", e.loss);
      if (!std::isnan(e.accuracy)) shown.emplace_back("val_acc", e.accuracy);
    }
    if (options.scheduler != nullptr) options.scheduler->step();
    record.seconds = seconds_since(epoch_start);
    if (bar) bar->end_epoch(shown);
    history.append(record);
    if (patience.should_stop(history)) stop = true;
    if (options.callbacks.on_epoch_end && options.callbacks.on_epoch_end(history.back()) == FitControl::stop)
      stop = true;
  }
  return history;
}

Evaluation evaluate(Module& model, const Dataset& data, const LossFn& loss_fn, std::int64_t batch_size) {
  TAPEGRAD_CHECK(batch_size >= 1, DomainError, "evaluate: batch_size must be at least 1, got ", batch_size);
  const LossFn loss_of = loss_fn ? loss_fn : default_loss(data);
  ModeScope eval(model, false);
  NoGradGuard no_grad;
  double loss_sum = 0.0;
  std::int64_t correct = 0;
  const std::int64_t n = data.size();
  for (std::int64_t start = 0; start < n; start += batch_size) {
    const std::int64_t end = std::min(n, start + batch_size);
    const Batch batch = batch_of(data, start, end);
    const Tensor output = model(batch.features);
    check_output("evaluate", output, data);
    loss_sum += loss_of(output, batch).item() * static_cast<double>(end - start);
    if (data.has_labels()) {
      const std::vector<std::int64_t> predicted = argmax(output, 1);
      for (std::size_t i = 0; i < predicted.size(); ++i) correct += predicted[i] == batch.labels[i];
    }
  }
  Evaluation e{.loss = loss_sum / static_cast<double>(n)};
  if (data.has_labels()) e.accuracy = static_cast<double>(correct) / static_cast<double>(n);
  return e;
}

Tensor predict(Module& model, const Tensor& features, std::int64_t batch_size) {
  TAPEGRAD_CHECK(features.defined() && features.dim() == 2 && features.shape()[0] > 0, ShapeError,
                 "predict: expected non-empty features [n, d], got ",
                 features.defined() ? to_string(features.shape()) : std::string("an undefined tensor"));
  TAPEGRAD_CHECK(batch_size >= 1, DomainError, "predict: batch_size must be at least 1, got ", batch_size);
  ModeScope eval(model, false);
  NoGradGuard no_grad;
  const std::int64_t n = features.shape()[0];
  if (n <= batch_size) return model(features);
  std::vector<Tensor> parts;
  for (std::int64_t start = 0; start < n; start += batch_size)
    parts.push_back(model(slice(features, start, std::min(n, start + batch_size))));
  return concat(parts, 0);
}

std::vector<std::int64_t> predict_classes(Module& model, const Tensor& features, std::int64_t batch_size) {
  return argmax(predict(model, features, batch_size), 1);
}

}  // namespace tapegrad::nn
