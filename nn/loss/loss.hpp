// SPDX-License-Identifier: MIT
// loss.hpp: loss functions, each composed from tensor ops only (so backward() differentiates them like
// any other expression, and tensor_gradcheck checks them).
//
// Examples run along the first dimension (a batch [n, ...]). Each loss takes a Reduction: `mean` (the
// default) averages over what PyTorch averages over, `sum` adds, `none` returns the unreduced losses.
// Inputs and targets must have one shape and dtype, else ShapeError naming the loss and both shapes;
// an empty input is a ShapeError too (a mean over nothing has no value); a target or label outside the
// loss's domain is a DomainError naming the loss, the value, its position and the input's shape.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "tapegrad/autodiff/tensor/tensor.hpp"

namespace tapegrad::nn {

/// How a loss combines the per-element (or per-example) losses.
enum class Reduction { mean, sum, none };

/// "mean", "sum", "none".
std::string_view reduction_name(Reduction reduction) noexcept;

/// The seed article's squared error: each example's E_x = ½‖y_x − t_x‖², summed over all but the first
/// dimension, so mean gives E = 1/(2n) Σ_x ‖y(x) − t(x)‖² for n examples; sum gives Σ_x E_x; none gives
/// E_x, shape [n] (a 0-D output is one example; a 1-D output [n] is n examples of one value each).
/// dE/dy = (y − t)/n, the seed's ∂E/∂o_j = y − t per example.
/// Example: `Tensor e = nn::half_squared_error(net(x), t);`
Tensor half_squared_error(const Tensor& output, const Tensor& target, Reduction reduction = Reduction::mean);

/// (input − target)², averaged over every element (mean), summed, or elementwise (none).
Tensor mse_loss(const Tensor& input, const Tensor& target, Reduction reduction = Reduction::mean);

/// −[t log p + (1 − t) log(1 − p)] elementwise, for probabilities p = input (say, a sigmoid's output) and
/// targets t in [0, 1]. Safe without clamping: each log gets the dtype's smallest normal number added
/// (log(p + ε), log((1 − p) + ε)), which leaves every p ≥ 1e-30 (float32) or 1e-290 (float64) unchanged but
/// keeps the loss and its gradient finite at p = 0 and p = 1 (at most −log ε ≈ 87 or 708; PyTorch clamps
/// each log at −100 instead). Throws DomainError naming the value and its position if an input is outside
/// [0, 1] (or NaN) or a target is. Prefer binary_cross_entropy_with_logits on logits: it is exact there.
Tensor binary_cross_entropy(const Tensor& input, const Tensor& target, Reduction reduction = Reduction::mean);

/// binary_cross_entropy(sigmoid(x), t) computed from logits x without overflow or cancellation, as
/// softplus(x) − x t with softplus(x) = m + log(1 + e^(x − 2m)), m = max(x, 0) (so x − 2m = −|x| and the
/// exponent is never positive). Written with relu rather than |x| so that its gradient is exactly
/// sigmoid(x) − t everywhere, at x = 0 too, whichever subgradient relu takes there. Targets in [0, 1].
/// Example: `Tensor loss = nn::binary_cross_entropy_with_logits(net(x), y);`
Tensor binary_cross_entropy_with_logits(const Tensor& input, const Tensor& target,
                                        Reduction reduction = Reduction::mean);

/// −log softmax(logits)[label] per row, from logits [n, classes] and one label per row in
/// [0, classes); log_softmax is the stable one (the maximum is subtracted). mean averages over rows,
/// none gives [n]. Throws ShapeError unless logits is 2-D with labels.size() rows, DomainError naming a
/// label outside [0, classes) and its position. Example: `auto loss = nn::cross_entropy(net(x), labels);`
Tensor cross_entropy(const Tensor& logits, std::span<const std::int64_t> labels,
                     Reduction reduction = Reduction::mean);

/// Options of the masked / weighted cross-entropy, PyTorch's CrossEntropyLoss arguments.
struct CrossEntropyOptions {
  Reduction reduction = Reduction::mean;
  /// Rows whose label is ignore_index cost nothing and count nothing (padded positions of a batch of
  /// sequences): their loss is 0 and mean divides by the weight of the other rows only.
  std::int64_t ignore_index = -100;
  /// Per-class weights [classes] of the logits' dtype, taken as constants; undefined means all 1. mean
  /// then divides by the summed weights of the rows counted: Σ w[l_i] loss_i / Σ w[l_i], as PyTorch does.
  Tensor weight{};
};

/// The masked / weighted cross-entropy: w[l_i] · −log softmax(logits)[i, l_i] per row, 0 for a row labelled
/// ignore_index; built from log_softmax, gather and a constant weight per row. A mean over rows that are
/// all ignored is 0/0 = NaN, as in PyTorch. Throws as cross_entropy does (a label that is neither
/// ignore_index nor in [0, classes) is a DomainError), and ShapeError for a weight that is not [classes]
/// of the logits' dtype. Example, a batch of padded sequences [b, t, 27] with labels −100 at pads:
/// `nn::cross_entropy(reshape(logits, {-1, 27}), labels, {.ignore_index = -100})`.
Tensor cross_entropy(const Tensor& logits, std::span<const std::int64_t> labels,
                     const CrossEntropyOptions& options);
/// The same with the labels as an int64 tensor of n elements (any shape, read row-major).
Tensor cross_entropy(const Tensor& logits, const Tensor& labels, const CrossEntropyOptions& options = {});

/// −log_probs[i, label_i] per row, for log-probabilities [n, classes] (a LogSoftmax's output); same
/// checks as cross_entropy. cross_entropy(x, l) equals nll_loss(log_softmax(x, 1), l).
Tensor nll_loss(const Tensor& log_probs, std::span<const std::int64_t> labels,
                Reduction reduction = Reduction::mean);

/// micrograd's max-margin loss: max(0, 1 − y t) elementwise for scores y and targets t in {−1, +1}.
/// Throws DomainError naming a target that is neither −1 nor +1 and its position.
Tensor hinge_loss(const Tensor& scores, const Tensor& targets, Reduction reduction = Reduction::mean);

}  // namespace tapegrad::nn
