// SPDX-License-Identifier: MIT
// indexing.hpp: picking elements by index: index_select, gather, embedding and the one_hot factory.
// Indices are std::int64_t lists (or int64 tensors for gather and embedding) checked against the axis size
// (IndexError names index and size). Every op throws ShapeError when its inputs mix float32 and float64 (no
// implicit promotion) and TapeError when an input is undefined or belongs to a cleared recording.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>

#include "tapegrad/autodiff/core/dtype.hpp"
#include "tapegrad/autodiff/core/shape.hpp"
#include "tapegrad/autodiff/tensor/tensor.hpp"

namespace tapegrad {

/// The slices of x at `indices` along `axis` (negative axis counts from the end), in that order, repeats
/// allowed: the result has x's shape with that axis of size indices.size(). The gradient of a repeated
/// index accumulates. Indices are not wrapped: each must lie in [0, size), else IndexError naming the
/// index and the size. Example: `index_select(embedding, 0, token_ids)` of [vocab, dim] is [n, dim].
Tensor index_select(const Tensor& x, std::int64_t axis, std::span<const std::int64_t> indices);
Tensor index_select(const Tensor& x, std::int64_t axis, std::initializer_list<std::int64_t> indices);

/// torch.gather: `index`, an int64 tensor with x's rank and no larger than x along any axis but `axis`,
/// picks out[p] = x[p with its `axis` coordinate replaced by index[p]]; out has index's shape. For a 2-D
/// x along axis 1: out[i][j] = x[i][index[i][j]]. The gradient of x is the scatter-add of the incoming
/// one (an element picked twice gets both). Indices are not wrapped. Throws ShapeError for an index that
/// is not int64 or whose shape does not fit (naming both shapes), IndexError naming the index value, its
/// position and x's shape unless each index is in [0, size of the axis).
/// Example: `gather(x, 1, from<std::int64_t>({0, 0, 1, 0}, {2, 2}))` of [[1, 2], [3, 4]] is [[1, 1], [4, 3]].
Tensor gather(const Tensor& x, std::int64_t axis, const Tensor& index);

/// The same with one element per lane along `axis`, index listing the lanes in row-major order: the
/// result has x's shape with that axis of size 1 (gather with an index of that shape). Throws ShapeError
/// unless index has one entry per lane, IndexError (index, size) unless each is in [0, size). Example, a
/// cross-entropy over [batch, classes]: `-mean(gather(log_softmax(logits, 1), 1, labels))`.
Tensor gather(const Tensor& x, std::int64_t axis, std::span<const std::int64_t> index);
Tensor gather(const Tensor& x, std::int64_t axis, std::initializer_list<std::int64_t> index);

/// The rows of weight [vocab, dim] picked by `indices`, an int64 tensor of any shape S: the result has
/// shape S + [dim] (torch.nn.functional.embedding). The gradient of weight gets each picked row's incoming
/// gradient added (a repeated index accumulates), except row `padding_idx` (negative counts from the end,
/// as in PyTorch), which gets none. Throws ShapeError unless indices is int64 and weight 2-D, IndexError
/// naming the index and the vocabulary size unless each index is in [0, vocab) and padding_idx in
/// [-vocab, vocab). Example: `embedding(from<std::int64_t>({3, 0, 3}, {3}), table)` is [3, dim].
Tensor embedding(const Tensor& indices, const Tensor& weight, std::optional<std::int64_t> padding_idx = {});

/// A [labels.size(), num_classes] tensor of 0s with a 1 at (i, labels[i]) in `dtype` (int64 too, the
/// dtype torch's one_hot returns): a factory, so a leaf without grad. Throws ShapeError for a negative
/// num_classes, IndexError (label, num_classes) unless every label is in [0, num_classes). Example:
/// `one_hot({2, 0}, 3)` is [[0, 0, 1], [1, 0, 0]].
Tensor one_hot(std::span<const std::int64_t> labels, std::int64_t num_classes, Dtype dtype = Dtype::float32);
Tensor one_hot(std::initializer_list<std::int64_t> labels, std::int64_t num_classes,
               Dtype dtype = Dtype::float32);

}  // namespace tapegrad
