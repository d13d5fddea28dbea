// SPDX-License-Identifier: MIT
// indexing.cpp: the indexing front end: each function builds its row's Attrs and calls detail::apply.
#include "tapegrad/autodiff/tensor/indexing.hpp"

#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tapegrad/autodiff/tensor/front_end.hpp"

namespace tapegrad {

namespace tops = ops::tensor;

Tensor index_select(const Tensor& x, std::int64_t axis, std::span<const std::int64_t> indices) {
  return detail::apply<tops::IndexSelect>(
      {.axis = normalize_axis(axis, x.dim(), "index_select"), .indices = tops::IndexList(indices)}, {x});
}

Tensor index_select(const Tensor& x, std::int64_t axis, std::initializer_list<std::int64_t> indices) {
  return index_select(x, axis, std::span<const std::int64_t>(indices.begin(), indices.size()));
}

Tensor gather(const Tensor& x, std::int64_t axis, const Tensor& index) {
  TAPEGRAD_CHECK(x.defined() && index.defined(), TapeError, "gather: an input tensor is undefined");
  TAPEGRAD_CHECK(index.dtype() == Dtype::int64, ShapeError, "gather: expected an int64 index, got ",
                 to_string(index.shape()), " ", index.dtype(), " (for x ", to_string(x.shape()), ")");
  const std::span<const std::int64_t> values(index.data<std::int64_t>(),
                                             static_cast<std::size_t>(index.numel()));
  return detail::apply<tops::Gather>({.axis = normalize_axis(axis, x.dim(), "gather"),
                                      .index = tops::IndexList(values),
                                      .index_shape = index.shape()},
                                     {x});
}

Tensor gather(const Tensor& x, std::int64_t axis, std::span<const std::int64_t> index) {
  TAPEGRAD_CHECK(x.defined(), TapeError, "gather: an input tensor is undefined");
  const std::size_t a = normalize_axis(axis, x.dim(), "gather");
  Shape lanes = x.shape();
  lanes[a] = 1;
  TAPEGRAD_CHECK(static_cast<std::int64_t>(index.size()) == numel(lanes), ShapeError,
                 "gather: expected one index per lane, ", numel(lanes), " for x ", to_string(x.shape()),
                 " along axis ", a, ", got ", index.size());
  return detail::apply<tops::Gather>({.axis = a, .index = tops::IndexList(index), .index_shape = lanes}, {x});
}

Tensor gather(const Tensor& x, std::int64_t axis, std::initializer_list<std::int64_t> index) {
  return gather(x, axis, std::span<const std::int64_t>(index.begin(), index.size()));
}

Tensor embedding(const Tensor& indices, const Tensor& weight, std::optional<std::int64_t> padding_idx) {
  TAPEGRAD_CHECK(indices.dtype() == Dtype::int64, ShapeError, "embedding: expected int64 indices, got ",
                 to_string(indices.shape()), " ", indices.dtype());
  TAPEGRAD_CHECK(weight.dim() == 2, ShapeError, "embedding: expected a 2-D weight [vocab, dim], got ",
                 to_string(weight.shape()));
  const std::int64_t vocab = weight.shape()[0];
  std::int64_t pad = -1;
  if (padding_idx) {
    TAPEGRAD_CHECK(*padding_idx >= -vocab && *padding_idx < vocab, IndexError, "embedding: padding_idx ",
                   *padding_idx, " is out of range for a vocabulary of ", vocab);
    pad = *padding_idx < 0 ? *padding_idx + vocab : *padding_idx;
  }
  const std::span<const std::int64_t> ids(indices.data<std::int64_t>(),
                                          static_cast<std::size_t>(indices.numel()));
  return detail::apply<tops::Embedding>(
      {.indices = tops::IndexList(ids), .index_shape = indices.shape(), .padding_idx = pad}, {weight});
}

Tensor one_hot(std::span<const std::int64_t> labels, std::int64_t num_classes, Dtype dtype) {
  TAPEGRAD_CHECK(num_classes >= 0, ShapeError, "one_hot: num_classes must be non-negative, got ",
                 num_classes);
  for (std::size_t i = 0; i < labels.size(); ++i)
    TAPEGRAD_CHECK(labels[i] >= 0 && labels[i] < num_classes, IndexError, "one_hot: label ", labels[i],
                   " (position ", i, ") is out of range for ", num_classes, " classes");
  Tensor t = zeros({static_cast<std::int64_t>(labels.size()), num_classes}, dtype);
  detail::dispatch_any(dtype, [&]<class T>() {
    T* p = t.data<T>();
    for (std::size_t i = 0; i < labels.size(); ++i)
      p[static_cast<std::int64_t>(i) * num_classes + labels[i]] = T{1};
  });
  return t;
}

Tensor one_hot(std::initializer_list<std::int64_t> labels, std::int64_t num_classes, Dtype dtype) {
  return one_hot(std::span<const std::int64_t>(labels.begin(), labels.size()), num_classes, dtype);
}

}  // namespace tapegrad
