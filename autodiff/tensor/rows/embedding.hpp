// SPDX-License-Identifier: MIT
// embedding.hpp: the embedding row: rows of a [vocab, dim] table picked by int64 indices of any shape.
// The backward adds each incoming row into the table row it was read from (dense storage, sparse in
// effect: rows not picked get nothing), except the padding row, which as in PyTorch receives no gradient.
// Indices are checked when the op is recorded, so the backward never sees a bad one.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <tuple>

#include "tapegrad/autodiff/tensor/rows/index.hpp"
#include "tapegrad/autodiff/tensor/rows/row.hpp"
#include "tapegrad/autodiff/tensor/tensor.hpp"

namespace tapegrad::ops::tensor {

/// weight [vocab, dim], indices of shape S: y[s, :] = weight[indices[s], :], y of shape S + [dim];
/// dweight[indices[s], :] += g[s, :] unless indices[s] == padding_idx.
struct Embedding : OneInputRow {
  static constexpr std::string_view name = "embedding";
  struct Attrs {
    IndexList indices;
    Shape index_shape;
    std::int64_t padding_idx = -1;  // in [0, vocab), or -1 for none: resolved by the front end
  };
  static Shape output_shape(const Attrs& r, const std::array<Tensor, 1>& in) {
    const Shape& w = in[0].shape();
    TAPEGRAD_CHECK(w.size() == 2, ShapeError, "embedding: expected a 2-D weight [vocab, dim], got ",
                   to_string(w));
    detail_index::check_indices(name, r.indices.values(), 0, w[0], w);
    Shape out = r.index_shape;
    out.push_back(w[1]);
    return out;
  }
  template <class T>
  static void forward(const Attrs& r, const std::array<Tensor, 1>& in, const Tensor& out) {
    const std::int64_t dim = in[0].shape()[1];
    const T* w = in[0].data<T>();
    T* y = out.data<T>();
    std::int64_t j = 0;
    for (const std::int64_t i : r.indices.values()) std::copy_n(w + i * dim, dim, y + (j++) * dim);
  }
  template <class T>
  static void backward(const Attrs& r, const std::array<Tensor, 1>& in, const Tensor& /*out*/, const T* g,
                       const std::array<T*, 1>& grads) {
    const std::int64_t dim = in[0].shape()[1];
    std::int64_t j = 0;
    for (const std::int64_t i : r.indices.values()) {
      const T* __restrict gy = g + (j++) * dim;
      if (i == r.padding_idx) continue;
      T* __restrict gw = grads[0] + i * dim;
      for (std::int64_t t = 0; t < dim; ++t) gw[t] += gy[t];
    }
  }
};

using EmbeddingOps = std::tuple<Embedding>;

}  // namespace tapegrad::ops::tensor
