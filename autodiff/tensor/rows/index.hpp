// SPDX-License-Identifier: MIT
// index.hpp: ops that pick elements by integer position, forward and backward side by side.
// slice takes a range of the leading axis (a batch), index_select whole slices along an axis (batch
// sampling, embeddings), gather one element per lane (the target class of each row). Each backward
// scatters the incoming gradient back to the positions read, with +=, so an index read twice receives
// both contributions. Indices are checked when the op is recorded (IndexError naming the op, the index
// and the size), so the backward never sees a bad one.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <tuple>

#include "tapegrad/autodiff/kernels/buffer.hpp"
#include "tapegrad/autodiff/kernels/strided.hpp"
#include "tapegrad/autodiff/tensor/rows/row.hpp"
#include "tapegrad/autodiff/tensor/tensor.hpp"

namespace tapegrad::ops::tensor {

/// A copy of an op's integer indices, kept for its backward. The storage comes from the tensor buffer
/// cache, so a training loop that samples a batch every step makes no heap allocation for it; copies of
/// an IndexList share that storage.
class IndexList {
 public:
  IndexList() = default;
  explicit IndexList(std::span<const std::int64_t> values)
      : data_(values.size() * sizeof(std::int64_t)), size_(values.size()) {
    std::copy(values.begin(), values.end(), static_cast<std::int64_t*>(data_.data()));
  }
  std::span<const std::int64_t> values() const noexcept {
    return {static_cast<const std::int64_t*>(data_.data()), size_};
  }
  std::size_t size() const noexcept { return size_; }

 private:
  tapegrad::detail::Buffer data_;
  std::size_t size_ = 0;
};

namespace detail_index {
/// Throws IndexError unless every index is in [0, size).
inline void check_indices(std::string_view op, std::span<const std::int64_t> indices, std::size_t axis,
                          std::int64_t size, const Shape& shape) {
  for (std::size_t i = 0; i < indices.size(); ++i)
    TAPEGRAD_CHECK(indices[i] >= 0 && indices[i] < size, IndexError, op, ": index ", indices[i],
                   " (position ", i, ") is out of range for axis ", axis, " of size ", size, " of x ",
                   to_string(shape));
}
}  // namespace detail_index

/// y = rows [start, end) of the leading axis of x (a copy; the rest of the shape is kept);
/// dx[start + i] += g[i], and the other rows get nothing.
struct Slice : OneInputRow {
  static constexpr std::string_view name = "slice";
  struct Attrs {
    std::int64_t start = 0, end = 0;  // 0 <= start <= end <= rows: the front end resolves negative bounds
  };
  static Shape output_shape(const Attrs& r, const std::array<Tensor, 1>& in) {
    Shape s = in[0].shape();
    s[0] = r.end - r.start;
    return s;
  }
  template <class T>
  static void forward(const Attrs& r, const std::array<Tensor, 1>& in, const Tensor& out) {
    const std::int64_t row = row_size(in[0]);
    std::copy_n(in[0].data<T>() + r.start * row, out.numel(), out.data<T>());
  }
  /// With fresh[0] (dx holds no values yet) the slice's rows are stored and only the other rows zeroed.
  template <class T>
  static void backward(const Attrs& r, const std::array<Tensor, 1>& in, const Tensor& out, const T* g,
                       const std::array<T*, 1>& grads, const std::array<bool, 1>& fresh) {
    const std::int64_t row = row_size(in[0]), n = out.numel();
    T* __restrict gx = grads[0] + r.start * row;
    const T* __restrict gy = g;
    if (fresh[0]) {
      std::fill(grads[0], gx, T{0});
      std::fill(gx + n, grads[0] + in[0].numel(), T{0});
      for (std::int64_t i = 0; i < n; ++i) gx[i] = T{0} + gy[i];
    } else {
      for (std::int64_t i = 0; i < n; ++i) gx[i] += gy[i];
    }
  }

 private:
  static std::int64_t row_size(const Tensor& x) {
    std::int64_t n = 1;
    for (std::size_t d = 1; d < x.dim(); ++d) n *= x.shape()[d];
    return n;
  }
};

/// x seen as [outer, n, inner] around `axis`: y[o, j, :] = x[o, start + j, :] for j < length (a copy of a
/// contiguous range of that axis: the gates of a recurrent cell, a time step of a batch-first sequence);
/// dx[o, start + j, :] += g[o, j, :], and the rest of dx gets nothing.
struct Narrow : OneInputRow {
  static constexpr std::string_view name = "narrow";
  struct Attrs {
    std::size_t axis = 0;  // normalised and range-checked by the front end
    std::int64_t start = 0, length = 0;
  };
  static Shape output_shape(const Attrs& r, const std::array<Tensor, 1>& in) {
    Shape s = in[0].shape();
    s[r.axis] = r.length;
    return s;
  }
  template <class T>
  static void forward(const Attrs& r, const std::array<Tensor, 1>& in, const Tensor& out) {
    const auto [outer, n, inner] = tapegrad::detail::split_at(in[0].shape(), r.axis);
    const std::int64_t run = r.length * inner;
    const T* x = in[0].data<T>() + r.start * inner;
    T* y = out.data<T>();
    for (std::int64_t o = 0; o < outer; ++o) std::copy_n(x + o * n * inner, run, y + o * run);
  }
  template <class T>
  static void backward(const Attrs& r, const std::array<Tensor, 1>& in, const Tensor& /*out*/, const T* g,
                       const std::array<T*, 1>& grads) {
    const auto [outer, n, inner] = tapegrad::detail::split_at(in[0].shape(), r.axis);
    const std::int64_t run = r.length * inner;
    for (std::int64_t o = 0; o < outer; ++o) {
      T* __restrict gx = grads[0] + o * n * inner + r.start * inner;
      const T* __restrict gy = g + o * run;
      for (std::int64_t i = 0; i < run; ++i) gx[i] += gy[i];
    }
  }
};

/// x seen as [outer, n, inner] around `axis`: y[o, j, :] = x[o, indices[j], :], so y has x's shape with
/// that axis of size indices.size(); dx[o, indices[j], :] += g[o, j, :] (a repeated index accumulates).
struct IndexSelect : OneInputRow {
  static constexpr std::string_view name = "index_select";
  struct Attrs {
    std::size_t axis = 0;  // normalised by the front end
    IndexList indices;
  };
  static Shape output_shape(const Attrs& r, const std::array<Tensor, 1>& in) {
    const Shape& s = in[0].shape();
    detail_index::check_indices(name, r.indices.values(), r.axis, s[r.axis], s);
    Shape out = s;
    out[r.axis] = static_cast<std::int64_t>(r.indices.size());
    return out;
  }
  template <class T>
  static void forward(const Attrs& r, const std::array<Tensor, 1>& in, const Tensor& out) {
    const auto [outer, n, inner] = tapegrad::detail::split_at(in[0].shape(), r.axis);
    const std::span<const std::int64_t> idx = r.indices.values();
    const auto m = static_cast<std::int64_t>(idx.size());
    const T* x = in[0].data<T>();
    T* y = out.data<T>();
    for (std::int64_t o = 0; o < outer; ++o)
      for (std::int64_t j = 0; j < m; ++j)
        std::copy_n(x + (o * n + idx[static_cast<std::size_t>(j)]) * inner, inner, y + (o * m + j) * inner);
  }
  template <class T>
  static void backward(const Attrs& r, const std::array<Tensor, 1>& in, const Tensor& /*out*/, const T* g,
                       const std::array<T*, 1>& grads) {
    const auto [outer, n, inner] = tapegrad::detail::split_at(in[0].shape(), r.axis);
    const std::span<const std::int64_t> idx = r.indices.values();
    const auto m = static_cast<std::int64_t>(idx.size());
    for (std::int64_t o = 0; o < outer; ++o)
      for (std::int64_t j = 0; j < m; ++j) {
        T* gx = grads[0] + (o * n + idx[static_cast<std::size_t>(j)]) * inner;
        const T* gy = g + (o * m + j) * inner;
        for (std::int64_t t = 0; t < inner; ++t) gx[t] += gy[t];
      }
  }
};

/// x seen as [outer, n, inner] around `axis`; a lane is one (o, t) pair, and index holds one entry per lane
/// in row-major order (outer * inner entries). y[o, 0, t] = x[o, index[o * inner + t], t], so y has x's
/// shape with that axis of size 1 (torch.gather with an index of size 1 on the axis);
/// dx[o, index[o * inner + t], t] += g[o, 0, t].
struct Gather : OneInputRow {
  static constexpr std::string_view name = "gather";
  struct Attrs {
    std::size_t axis = 0;  // normalised by the front end
    IndexList index;
  };
  static Shape output_shape(const Attrs& r, const std::array<Tensor, 1>& in) {
    const Shape& s = in[0].shape();
    Shape out = s;
    out[r.axis] = 1;
    TAPEGRAD_CHECK(static_cast<std::int64_t>(r.index.size()) == numel(out), ShapeError,
                   "gather: expected one index per lane, ", numel(out), " for x ", to_string(s),
                   " along axis ", r.axis, ", got ", r.index.size());
    detail_index::check_indices(name, r.index.values(), r.axis, s[r.axis], s);
    return out;
  }
  template <class T>
  static void forward(const Attrs& r, const std::array<Tensor, 1>& in, const Tensor& out) {
    const auto [outer, n, inner] = tapegrad::detail::split_at(in[0].shape(), r.axis);
    const std::int64_t* idx = r.index.values().data();
    const T* x = in[0].data<T>();
    T* y = out.data<T>();
    for (std::int64_t o = 0; o < outer; ++o)
      for (std::int64_t t = 0; t < inner; ++t) y[o * inner + t] = x[(o * n + idx[o * inner + t]) * inner + t];
  }
  template <class T>
  static void backward(const Attrs& r, const std::array<Tensor, 1>& in, const Tensor& /*out*/, const T* g,
                       const std::array<T*, 1>& grads) {
    const auto [outer, n, inner] = tapegrad::detail::split_at(in[0].shape(), r.axis);
    const std::int64_t* idx = r.index.values().data();
    for (std::int64_t o = 0; o < outer; ++o)
      for (std::int64_t t = 0; t < inner; ++t)
        grads[0][(o * n + idx[o * inner + t]) * inner + t] += g[o * inner + t];
  }
};

using IndexOps = std::tuple<Slice, Narrow, IndexSelect, Gather>;

}  // namespace tapegrad::ops::tensor
