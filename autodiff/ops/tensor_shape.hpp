// SPDX-License-Identifier: MIT
// tensor_shape.hpp: ops that only rearrange elements, forward and backward side by side.
// reshape is a view (the output shares the input's buffer; its gradient is the incoming one, re-read in
// the input's shape); transpose of a 2-D tensor copies, since every Tensor is contiguous.
#pragma once

#include <array>
#include <cstddef>
#include <string_view>
#include <tuple>

#include "autodiff/detail/tensor_kernels.hpp"
#include "autodiff/ops/tensor_op.hpp"
#include "autodiff/tensor.hpp"

namespace tapegrad::ops::tensor {

/// y = x seen in another shape with the same number of elements; dx += g element by element.
struct Reshape {
  static constexpr std::string_view name = "reshape";
  static constexpr Kind kind = Kind::general;
  static constexpr std::size_t arity = 1;
  static constexpr bool is_view = true;  // the output shares the input's data; forward copies nothing
  static constexpr Domain domain{-3.0, 3.0};
  struct Attrs {
    Shape shape;  // fully specified (the front end resolves -1)
  };
  static Shape output_shape(const Attrs& r, const std::array<Tensor, 1>& in) {
    TAPEGRAD_CHECK(numel(r.shape) == in[0].numel(), ShapeError, "reshape: cannot view shape ",
                   to_string(in[0].shape()), " (", in[0].numel(), " elements) as ", to_string(r.shape), " (",
                   numel(r.shape), " elements)");
    return r.shape;
  }
  template <class T>
  static void forward(const Attrs& /*r*/, const std::array<Tensor, 1>& /*in*/, const Tensor& /*out*/) {}
  template <class T>
  static void backward(const Attrs& /*r*/, const std::array<Tensor, 1>& in, const Tensor& /*out*/, const T* g,
                       const std::array<T*, 1>& grads) {
    for (std::int64_t i = 0; i < in[0].numel(); ++i) grads[0][i] += g[i];
  }
};

/// y[j, i] = x[i, j] for a 2-D x; dx[i, j] += g[j, i].
struct Transpose {
  static constexpr std::string_view name = "transpose";
  static constexpr Kind kind = Kind::general;
  static constexpr std::size_t arity = 1;
  static constexpr Domain domain{-3.0, 3.0};
  using Attrs = NoAttrs;
  static Shape output_shape(const Attrs& /*unused*/, const std::array<Tensor, 1>& in) {
    const Shape& s = in[0].shape();
    TAPEGRAD_CHECK(s.size() == 2, ShapeError, "transpose: expected a 2-D tensor, got shape ", to_string(s));
    return {s[1], s[0]};
  }
  template <class T>
  static void forward(const Attrs& /*unused*/, const std::array<Tensor, 1>& in, const Tensor& out) {
    const Shape& s = in[0].shape();
    tapegrad::detail::transpose_2d<T>(s[0], s[1], in[0].data<T>(), out.data<T>());
  }
  template <class T>
  static void backward(const Attrs& /*unused*/, const std::array<Tensor, 1>& in, const Tensor& /*out*/,
                       const T* g, const std::array<T*, 1>& grads) {
    const std::int64_t rows = in[0].shape()[0], cols = in[0].shape()[1];
    for (std::int64_t i = 0; i < rows; ++i)
      for (std::int64_t j = 0; j < cols; ++j) grads[0][i * cols + j] += g[j * rows + i];
  }
};

using ShapeOps = std::tuple<Reshape, Transpose>;

}  // namespace tapegrad::ops::tensor
