// SPDX-License-Identifier: MIT
// trainer.hpp: fit(), evaluate() and predict(): the training loop most users want, written once. Each batch
// is recorded on a Tape that fit() clears before the next one, so memory stays flat; evaluation and
// prediction run in eval mode under NoGradGuard (nothing is recorded). Every step is a batch op.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "tapegrad/autodiff/tensor/tensor.hpp"
#include "tapegrad/nn/data/dataloader.hpp"
#include "tapegrad/nn/data/dataset.hpp"
#include "tapegrad/nn/modules/module.hpp"
#include "tapegrad/nn/optim/lr_scheduler.hpp"
#include "tapegrad/nn/optim/optimizer.hpp"
#include "tapegrad/nn/train/history.hpp"
#include "tapegrad/nn/train/progress.hpp"

namespace tapegrad::nn {

/// The loss of one batch: the model's output and the batch (labels or targets) in, a 0-D mean loss out.
/// Example: `nn::LossFn ce = [](const Tensor& y, const nn::Batch& b) { return nn::cross_entropy(y, b.labels);
/// };`
using LossFn = std::function<Tensor(const Tensor& output, const Batch& batch)>;

/// cross_entropy on the labels for a classification dataset, mse_loss on the targets otherwise.
/// Example: `nn::fit(net, opt, nn::default_loss(train), loader, {.epochs = 10});`
LossFn default_loss(const Dataset& data);

/// What a callback asks of fit(): go on, or stop after the current batch or epoch.
enum class FitControl : std::uint8_t { proceed, stop };

/// Hooks fit() calls; either may be empty. on_epoch_end gets the record just appended to the History
/// (epochs count from 1); on_batch_end gets the epoch, the batch index (from 0) and the batch's loss.
struct FitCallbacks {
  std::function<FitControl(const EpochRecord& record)> on_epoch_end{};
  std::function<FitControl(std::int64_t epoch, std::int64_t batch, double loss)> on_batch_end{};
};

/// Stops training once `metric` (a History column: "val_loss", "val_accuracy", "train_loss") has not
/// improved by more than min_delta for `patience` epochs in a row. patience 0 turns it off.
struct EarlyStopping {
  std::int64_t patience = 0;
  double min_delta = 0.0;
  std::string metric = "val_loss";
  Goal goal = Goal::minimize;
};

/// Where fit() draws its progress bar; no stream, no bar.
struct FitProgress {
  std::ostream* out = nullptr;
  ProgressMode mode = ProgressMode::automatic;
};

/// Options of fit(). validation, when given, is evaluated after every epoch (val_loss, and val_accuracy
/// for a classification dataset); the scheduler, when given, steps once per epoch.
struct FitOptions {
  std::int64_t epochs = 1;
  std::optional<Dataset> validation{};
  EarlyStopping early_stopping{};
  FitCallbacks callbacks{};
  FitProgress progress{};
  LRScheduler* scheduler = nullptr;
  std::int64_t eval_batch_size = 1024;
  /// Threads that share each batch (DataParallel, data_parallel.hpp): 1 trains on the calling thread; N > 1
  /// splits every batch over N worker threads and sums their gradients in a fixed order (reproducible, equal
  /// to the 1-thread run up to that rounding), and the kernels get num_threads() / N threads each meanwhile.
  int workers = 1;
};

/// Trains `model` for options.epochs passes over `train` (zero_grad, forward, loss, backward, step per
/// batch) and returns the History: train_loss (mean over the epoch's examples), val_loss, val_accuracy,
/// seconds. Stops early when options.early_stopping or a callback says so.
/// Throws DomainError for epochs < 1, a non-finite loss (naming the epoch and batch) or an early-stopping
/// metric that is not recorded; ShapeError if the validation set's feature width or kind (labels or
/// targets) differs from the training set's, or the model's output does not fit the labels; and what the
/// model and the loss throw (a Linear names both shapes when the feature width is wrong).
/// Example: `auto history = nn::fit(net, adam, nn::default_loss(train), loader, {.epochs = 20, .validation =
/// test});`
History fit(Module& model, Optimizer& optimizer, const LossFn& loss_fn, DataLoader& train,
            const FitOptions& options = {});

/// Mean loss over a dataset, and accuracy for a classification dataset (NaN otherwise).
struct Evaluation {
  double loss = EpochRecord::missing;
  double accuracy = EpochRecord::missing;
};

/// Evaluates `model` on `data` in eval mode under NoGradGuard, batch by batch (the training flag is restored
/// afterwards). An empty loss_fn means default_loss(data).
/// Throws ShapeError if the model's output does not have one column per class (classification), or what the
/// model and the loss throw. Example: `nn::Evaluation e = nn::evaluate(net, test); e.accuracy;`
Evaluation evaluate(Module& model, const Dataset& data, const LossFn& loss_fn = {},
                    std::int64_t batch_size = 1024);

/// The model's outputs for `features` [n, d], computed in eval mode under NoGradGuard in batches and joined
/// ([n, outputs], not recorded). Throws ShapeError unless features is a non-empty 2-D tensor, DomainError
/// for batch_size < 1. Example: `Tensor logits = nn::predict(net, test.features());`
Tensor predict(Module& model, const Tensor& features, std::int64_t batch_size = 1024);

/// argmax over each row of predict(): one class per example. Throws what predict throws.
/// Example: `std::vector<std::int64_t> classes = nn::predict_classes(net, test.features());`
std::vector<std::int64_t> predict_classes(Module& model, const Tensor& features,
                                          std::int64_t batch_size = 1024);

}  // namespace tapegrad::nn
