// SPDX-License-Identifier: MIT
// index.hpp: ops that pick elements by integer position, forward and backward side by side.
// slice takes a range (with a step) of any axis (a batch, a window), index_select whole slices along an axis
// (batch sampling, embeddings), gather elements picked by an index tensor (torch.gather; the target class of
// each row). Each backward scatters the incoming gradient back to the positions read, with +=, so an index
// read twice receives both contributions. Indices are checked when the op is recorded (IndexError naming the
// op, the index and the size), so the backward never sees a bad one.
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

/// x seen as [outer, n, inner] around `axis`: y[o, j, :] = x[o, start + j step, :] for j < count (a copy;
/// the rest of the shape is kept: Python's x[..., start:stop:step, ...]); dx[o, start + j step, :] +=
/// g[o, j, :], and the other elements get nothing. slice(x, start, end) is axis 0 with step 1.
struct Slice : OneInputRow {
  static constexpr std::string_view name = "slice";
  struct Attrs {
    std::size_t axis = 0;  // resolved and range-checked by the front end: start + (count - 1) step < n
    std::int64_t start = 0, count = 0, step = 1;
  };
  static Shape output_shape(const Attrs& r, const std::array<Tensor, 1>& in) {
    Shape s = in[0].shape();
    s[r.axis] = r.count;
    return s;
  }
  template <class T>
  static void forward(const Attrs& r, const std::array<Tensor, 1>& in, const Tensor& out) {
    const auto [outer, n, inner] = tapegrad::detail::split_at(in[0].shape(), r.axis);
    const T* x = in[0].data<T>() + r.start * inner;
    T* y = out.data<T>();
    if (r.step == 1) {  // one contiguous run per outer index (one copy in all for the leading axis)
      const std::int64_t run = r.count * inner;
      for (std::int64_t o = 0; o < outer; ++o) std::copy_n(x + o * n * inner, run, y + o * run);
      return;
    }
    for (std::int64_t o = 0; o < outer; ++o)
      for (std::int64_t j = 0; j < r.count; ++j)
        std::copy_n(x + (o * n + j * r.step) * inner, inner, y + (o * r.count + j) * inner);
  }
  /// With fresh[0] (dx holds no values yet) dx is zeroed, except for a leading-axis slice of step 1: its
  /// rows are stored and only the other rows zeroed.
  template <class T>
  static void backward(const Attrs& r, const std::array<Tensor, 1>& in, const Tensor& out, const T* g,
                       const std::array<T*, 1>& grads, const std::array<bool, 1>& fresh) {
    const auto [outer, n, inner] = tapegrad::detail::split_at(in[0].shape(), r.axis);
    T* const dx = grads[0];
    if (outer == 1 && r.step == 1) {
      const std::int64_t count = out.numel();
      T* __restrict gx = dx + r.start * inner;
      const T* __restrict gy = g;
      if (fresh[0]) {
        std::fill(dx, gx, T{0});
        std::fill(gx + count, dx + in[0].numel(), T{0});
        for (std::int64_t i = 0; i < count; ++i) gx[i] = T{0} + gy[i];
      } else {
        for (std::int64_t i = 0; i < count; ++i) gx[i] += gy[i];
      }
      return;
    }
    if (fresh[0]) std::fill_n(dx, in[0].numel(), T{0});
    for (std::int64_t o = 0; o < outer; ++o)
      for (std::int64_t j = 0; j < r.count; ++j) {
        T* __restrict gx = dx + (o * n + r.start + j * r.step) * inner;
        const T* __restrict gy = g + (o * r.count + j) * inner;
        for (std::int64_t t = 0; t < inner; ++t) gx[t] += gy[t];
      }
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

/// torch.gather: index (int64, any shape I of x's rank, I[d] <= x's size for every d but `axis`) picks
/// y[p] = x[p with its `axis` coordinate replaced by index[p]], so y has shape I; dx[that element] +=
/// g[p] (a scatter-add: an element picked twice receives both). When I equals x's shape but along the
/// axis (the common case: one element per lane, a cross-entropy's target class) x and y are walked as
/// [outer, n, inner] and [outer, m, inner]; otherwise an odometer over I finds x's offsets.
struct Gather : OneInputRow {
  static constexpr std::string_view name = "gather";
  struct Attrs {
    std::size_t axis = 0;  // normalised by the front end
    IndexList index;       // row-major over index_shape
    Shape index_shape;
  };
  static Shape output_shape(const Attrs& r, const std::array<Tensor, 1>& in) {
    const Shape& s = in[0].shape();
    const Shape& is = r.index_shape;
    bool fits = is.size() == s.size();
    for (std::size_t d = 0; fits && d < s.size(); ++d) fits = d == r.axis || is[d] <= s[d];
    TAPEGRAD_CHECK(fits, ShapeError, "gather: expected an index with the rank of x and no larger along ",
                   "any axis but ", r.axis, ", got index ", to_string(is), " for x ", to_string(s));
    const std::span<const std::int64_t> idx = r.index.values();
    for (std::size_t i = 0; i < idx.size(); ++i)
      TAPEGRAD_CHECK(idx[i] >= 0 && idx[i] < s[r.axis], IndexError, "gather: index ", idx[i], " (position ",
                     i, ") is out of range for axis ", r.axis, " of size ", s[r.axis], " of x ", to_string(s),
                     " (index shape ", to_string(is), ")");
    return is;
  }
  template <class T>
  static void forward(const Attrs& r, const std::array<Tensor, 1>& in, const Tensor& out) {
    const T* x = in[0].data<T>();
    T* y = out.data<T>();
    walk(r, in[0].shape(), [&](std::int64_t p, std::int64_t from) { y[p] = x[from]; });
  }
  template <class T>
  static void backward(const Attrs& r, const std::array<Tensor, 1>& in, const Tensor& /*out*/, const T* g,
                       const std::array<T*, 1>& grads) {
    T* gx = grads[0];
    walk(r, in[0].shape(), [&](std::int64_t p, std::int64_t from) { gx[from] += g[p]; });
  }

 private:
  /// Calls f(p, offset in x) for every position p of the index, in row-major order.
  template <class F>
  static void walk(const Attrs& r, const Shape& xs, F&& f) {
    const Shape& is = r.index_shape;
    const std::int64_t* idx = r.index.values().data();
    const std::int64_t count = static_cast<std::int64_t>(r.index.size());
    if (count == 0) return;
    bool same = true;
    for (std::size_t d = 0; same && d < xs.size(); ++d) same = d == r.axis || is[d] == xs[d];
    if (same) {
      const auto [outer, n, inner] = tapegrad::detail::split_at(xs, r.axis);
      const std::int64_t m = is[r.axis];
      if (inner == 1) {  // the last axis (a class per row): two loops, not three
        for (std::int64_t o = 0; o < outer; ++o)
          for (std::int64_t j = 0; j < m; ++j) f(o * m + j, o * n + idx[o * m + j]);
        return;
      }
      for (std::int64_t o = 0; o < outer; ++o)
        for (std::int64_t j = 0; j < m; ++j) {
          const std::int64_t p0 = (o * m + j) * inner;
          for (std::int64_t t = 0; t < inner; ++t) f(p0 + t, (o * n + idx[p0 + t]) * inner + t);
        }
      return;
    }
    // Odometer over the index's coordinates; base is x's offset of them with the axis coordinate at 0.
    const std::size_t rank = xs.size();
    Shape stride(rank, 1), coord(rank, 0);
    for (std::size_t d = rank - 1; d > 0; --d) stride[d - 1] = stride[d] * xs[d];
    std::int64_t base = 0;
    for (std::int64_t p = 0; p < count; ++p) {
      f(p, base + idx[p] * stride[r.axis]);
      for (std::size_t d = rank; d-- > 0;) {
        if (++coord[d] < is[d]) {
          if (d != r.axis) base += stride[d];
          break;
        }
        if (d != r.axis) base -= (coord[d] - 1) * stride[d];
        coord[d] = 0;
      }
    }
  }
};

using IndexOps = std::tuple<Slice, Narrow, IndexSelect, Gather>;

}  // namespace tapegrad::ops::tensor
