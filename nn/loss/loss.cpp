// SPDX-License-Identifier: MIT
// loss.cpp: losses from tensor ops, with the checks that make their errors readable.
#include "tapegrad/nn/loss/loss.hpp"

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "tapegrad/autodiff/core/error.hpp"
#include "tapegrad/autodiff/tensor/ops.hpp"

namespace tapegrad::nn {

namespace {

/// Calls f(i, value) for each element of t, as double, until f returns false; returns the index where
/// it stopped, or -1.
template <class F>
std::int64_t find_if_not(const Tensor& t, F f) {
  const auto scan = [&](const auto* p) -> std::int64_t {
    for (std::int64_t i = 0; i < t.numel(); ++i)
      if (!f(static_cast<double>(p[i]))) return i;
    return -1;
  };
  return t.dtype() == Dtype::float32 ? scan(t.data<float>()) : scan(t.data<double>());
}

double value_at(const Tensor& t, std::int64_t i) {
  return t.dtype() == Dtype::float32 ? static_cast<double>(t.data<float>()[i]) : t.data<double>()[i];
}

/// Both defined, one shape, one dtype, not empty.
void check_pair(std::string_view loss, const Tensor& input, const Tensor& target) {
  TAPEGRAD_CHECK(input.defined() && target.defined(), TapeError, loss,
                 ": the input or the target tensor is undefined");
  TAPEGRAD_CHECK(input.shape() == target.shape(), ShapeError, loss, ": input ", to_string(input.shape()),
                 " and target ", to_string(target.shape()), " must have the same shape");
  TAPEGRAD_CHECK(input.dtype() == target.dtype(), ShapeError, loss, ": input ", input.dtype(), " and target ",
                 target.dtype(), " must have the same dtype (no implicit conversion)");
  TAPEGRAD_CHECK(input.numel() > 0, ShapeError, loss, ": expected a non-empty input, got shape ",
                 to_string(input.shape()));
}

/// Throws DomainError unless every element of t lies in [0, 1] (NaN does not).
void check_unit_interval(std::string_view loss, std::string_view what, const Tensor& t) {
  const std::int64_t bad = find_if_not(t, [](double v) { return v >= 0.0 && v <= 1.0; });
  TAPEGRAD_CHECK(bad < 0, DomainError, loss, ": ", what, " must lie in [0, 1], got ", value_at(t, bad),
                 " at element ", bad, " of shape ", to_string(t.shape()));
}

/// An elementwise loss reduced as asked: mean and sum over every element.
Tensor reduce(const Tensor& elementwise, Reduction reduction) {
  switch (reduction) {
    case Reduction::mean:
      return mean(elementwise);
    case Reduction::sum:
      return sum(elementwise);
    case Reduction::none:
      return elementwise;
  }
  return elementwise;
}

/// Checks `labels` against `scores` [n, classes]: one label per row, each in [0, classes).
void check_labels(std::string_view loss, const Tensor& scores, std::span<const std::int64_t> labels) {
  TAPEGRAD_CHECK(scores.defined(), TapeError, loss, ": the input tensor is undefined");
  TAPEGRAD_CHECK(scores.dim() == 2, ShapeError, loss, ": expected a 2-D input [batch, classes], got shape ",
                 to_string(scores.shape()));
  const std::int64_t n = scores.shape()[0];
  const std::int64_t classes = scores.shape()[1];
  TAPEGRAD_CHECK(n > 0 && classes > 0, ShapeError, loss, ": expected a non-empty input, got shape ",
                 to_string(scores.shape()));
  TAPEGRAD_CHECK(static_cast<std::int64_t>(labels.size()) == n, ShapeError, loss, ": expected ", n,
                 " labels (one per row of the input ", to_string(scores.shape()), "), got ", labels.size());
  for (std::size_t i = 0; i < labels.size(); ++i)
    TAPEGRAD_CHECK(labels[i] >= 0 && labels[i] < classes, DomainError, loss, ": label ", labels[i],
                   " at position ", i, " is out of range [0, ", classes, ") for the input of shape ",
                   to_string(scores.shape()));
}

/// −scores[i, labels[i]] reduced over rows, after checking the labels: one gather picks the entries.
Tensor negated_picked(std::string_view loss, const Tensor& scores, std::span<const std::int64_t> labels,
                      Reduction reduction) {
  check_labels(loss, scores, labels);
  const Tensor picked = gather(scores, 1, labels);  // [n, 1]
  switch (reduction) {
    case Reduction::mean:
      return -mean(picked);
    case Reduction::sum:
      return -sum(picked);
    case Reduction::none:
      return -reshape(picked, {scores.shape()[0]});
  }
  return picked;
}

}  // namespace

std::string_view reduction_name(Reduction reduction) noexcept {
  switch (reduction) {
    case Reduction::mean:
      return "mean";
    case Reduction::sum:
      return "sum";
    case Reduction::none:
      return "none";
  }
  return "unknown";
}

Tensor half_squared_error(const Tensor& output, const Tensor& target, Reduction reduction) {
  check_pair("half_squared_error", output, target);
  const Tensor d = output - target;
  const Tensor sq = d * d;
  const std::int64_t n = output.dim() == 0 ? 1 : output.shape()[0];
  switch (reduction) {
    case Reduction::mean:
      return sum(sq) * (0.5 / static_cast<double>(n));
    case Reduction::sum:
      return sum(sq) * 0.5;
    case Reduction::none:
      return (output.dim() <= 1 ? sq : sum(reshape(sq, {n, -1}), 1, false)) * 0.5;
  }
  return sq;
}

Tensor mse_loss(const Tensor& input, const Tensor& target, Reduction reduction) {
  check_pair("mse_loss", input, target);
  const Tensor d = input - target;
  return reduce(d * d, reduction);
}

Tensor binary_cross_entropy(const Tensor& input, const Tensor& target, Reduction reduction) {
  check_pair("binary_cross_entropy", input, target);
  check_unit_interval("binary_cross_entropy", "input probabilities", input);
  check_unit_interval("binary_cross_entropy", "targets", target);
  // The smallest normal number: invisible next to any p that matters, finite log and 1/(p + eps) at 0.
  const double eps = input.dtype() == Dtype::float32 ? static_cast<double>(std::numeric_limits<float>::min())
                                                     : std::numeric_limits<double>::min();
  // (1 - p) + eps, not (1 + eps) - p: 1 + eps rounds to 1.
  const Tensor elementwise = -(target * log(input + eps) + (1.0 - target) * log((1.0 - input) + eps));
  return reduce(elementwise, reduction);
}

Tensor binary_cross_entropy_with_logits(const Tensor& input, const Tensor& target, Reduction reduction) {
  check_pair("binary_cross_entropy_with_logits", input, target);
  check_unit_interval("binary_cross_entropy_with_logits", "targets", target);
  const Tensor m = relu(input);
  const Tensor softplus = m + log(1.0 + exp(input - 2.0 * m));
  return reduce(softplus - input * target, reduction);
}

Tensor cross_entropy(const Tensor& logits, std::span<const std::int64_t> labels, Reduction reduction) {
  check_labels("cross_entropy", logits, labels);  // before log_softmax, so its errors name this loss
  return negated_picked("cross_entropy", log_softmax(logits, 1), labels, reduction);
}

Tensor cross_entropy(const Tensor& logits, std::span<const std::int64_t> labels,
                     const CrossEntropyOptions& options) {
  constexpr std::string_view loss = "cross_entropy";
  TAPEGRAD_CHECK(logits.defined(), TapeError, loss, ": the input tensor is undefined");
  TAPEGRAD_CHECK(logits.dim() == 2, ShapeError, loss, ": expected a 2-D input [batch, classes], got shape ",
                 to_string(logits.shape()));
  const std::int64_t n = logits.shape()[0];
  const std::int64_t classes = logits.shape()[1];
  TAPEGRAD_CHECK(n > 0 && classes > 0, ShapeError, loss, ": expected a non-empty input, got shape ",
                 to_string(logits.shape()));
  TAPEGRAD_CHECK(static_cast<std::int64_t>(labels.size()) == n, ShapeError, loss, ": expected ", n,
                 " labels (one per row of the input ", to_string(logits.shape()), "), got ", labels.size());
  std::vector<double> class_weight;
  if (options.weight.defined()) {
    const Tensor& w = options.weight;
    TAPEGRAD_CHECK(w.dim() == 1 && w.shape()[0] == classes && w.dtype() == logits.dtype(), ShapeError, loss,
                   ": expected a weight [", classes, "] ", logits.dtype(), ", got ", to_string(w.shape()),
                   " ", w.dtype());
    class_weight = w.to_vector<double>();
  }
  std::vector<std::int64_t> picked_labels(labels.size());
  std::vector<double> row_weight(labels.size());
  double total = 0.0;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    const std::int64_t l = labels[i];
    if (l == options.ignore_index) continue;  // label 0 (any valid one) and weight 0
    TAPEGRAD_CHECK(l >= 0 && l < classes, DomainError, loss, ": label ", l, " at position ", i,
                   " is out of range [0, ", classes, ") and is not ignore_index ", options.ignore_index,
                   ", for the input of shape ", to_string(logits.shape()));
    picked_labels[i] = l;
    row_weight[i] = class_weight.empty() ? 1.0 : class_weight[static_cast<std::size_t>(l)];
    total += row_weight[i];
  }
  const Tensor w = logits.dtype() == Dtype::float32
                       ? from(std::vector<float>(row_weight.begin(), row_weight.end()), {n, 1})
                       : from(row_weight, {n, 1});
  const Tensor losses = -gather(log_softmax(logits, 1), 1, picked_labels) * w;  // [n, 1]
  switch (options.reduction) {
    case Reduction::mean:
      return sum(losses) * (1.0 / total);  // total 0: NaN, as PyTorch
    case Reduction::sum:
      return sum(losses);
    case Reduction::none:
      return reshape(losses, {n});
  }
  return losses;
}

Tensor cross_entropy(const Tensor& logits, const Tensor& labels, const CrossEntropyOptions& options) {
  TAPEGRAD_CHECK(labels.defined() && labels.dtype() == Dtype::int64, ShapeError,
                 "cross_entropy: expected int64 labels, got ",
                 labels.defined() ? std::string(name(labels.dtype())) : std::string("an undefined tensor"));
  return cross_entropy(
      logits,
      std::span<const std::int64_t>(labels.data<std::int64_t>(), static_cast<std::size_t>(labels.numel())),
      options);
}

Tensor nll_loss(const Tensor& log_probs, std::span<const std::int64_t> labels, Reduction reduction) {
  return negated_picked("nll_loss", log_probs, labels, reduction);
}

Tensor hinge_loss(const Tensor& scores, const Tensor& targets, Reduction reduction) {
  check_pair("hinge_loss", scores, targets);
  const std::int64_t bad = find_if_not(targets, [](double v) { return v == 1.0 || v == -1.0; });
  TAPEGRAD_CHECK(bad < 0, DomainError, "hinge_loss: targets must be -1 or +1, got ", value_at(targets, bad),
                 " at element ", bad, " of shape ", to_string(targets.shape()));
  return reduce(relu(1.0 - scores * targets), reduction);
}

}  // namespace tapegrad::nn
