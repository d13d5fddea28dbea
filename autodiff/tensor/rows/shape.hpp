// SPDX-License-Identifier: MIT
// shape.hpp: ops that only rearrange elements, forward and backward side by side.
// reshape is a view (the output shares the input's buffer; its gradient is the incoming one, re-read in
// the input's shape). transpose, permute, concat, stack and expand copy, since every Tensor is contiguous;
// each backward is the adjoint of its forward's data movement: the inverse permutation, or the split of the
// gradient back into the joined pieces.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <tuple>

#include "tapegrad/autodiff/kernels/permute.hpp"
#include "tapegrad/autodiff/kernels/strided.hpp"
#include "tapegrad/autodiff/tensor/rows/row.hpp"
#include "tapegrad/autodiff/tensor/tensor.hpp"

namespace tapegrad::ops::tensor {

/// y = x seen in another shape with the same number of elements; dx += g element by element.
struct Reshape {
  static constexpr std::string_view name = "reshape";
  static constexpr Kind kind = Kind::general;
  static constexpr std::size_t arity = 1;
  static constexpr bool is_view = true;  // the output shares the input's data; forward copies nothing
  static constexpr Domain domain{-3.0, 3.0};
  struct Attrs {
    Shape shape;  // fully specified (resolve() infers a -1)
  };
  /// The requested shape with its one -1 (if any) inferred from the element count of `in`. Throws
  /// ShapeError for a negative dimension other than one -1, or a count that does not divide; anything else
  /// that does not fit is output_shape's error.
  static Shape resolve(const Shape& requested, const Shape& in) {
    Shape resolved = requested;
    std::size_t inferred = requested.size();
    for (std::size_t i = 0; i < requested.size(); ++i) {
      if (requested[i] == -1 && inferred == requested.size()) {
        inferred = i;
        continue;
      }
      TAPEGRAD_CHECK(requested[i] >= 0, ShapeError,
                     "reshape: dimensions must be non-negative (one may be -1), got ", to_string(requested),
                     " for a tensor of shape ", to_string(in));
    }
    // numel of the shape with the -1 taken as 1: the size is checked where every shape is (no overflow).
    if (inferred != requested.size()) resolved[inferred] = 1;
    const std::int64_t known = numel(resolved, "reshape");
    if (inferred != requested.size()) {
      const std::int64_t count = numel(in);
      TAPEGRAD_CHECK(known != 0 && count % known == 0, ShapeError, "reshape: cannot view shape ",
                     to_string(in), " (", count, " elements) as ", to_string(requested));
      resolved[inferred] = count / known;
    }
    return resolved;
  }
  static Shape output_shape(const Attrs& r, const std::array<Tensor, 1>& in) {
    const std::int64_t n = numel(r.shape, name);
    TAPEGRAD_CHECK(n == in[0].numel(), ShapeError, "reshape: cannot view shape ", to_string(in[0].shape()),
                   " (", in[0].numel(), " elements) as ", to_string(r.shape), " (", n, " elements)");
    return r.shape;
  }
  template <class T>
  static void forward(const Attrs& /*r*/, const std::array<Tensor, 1>& /*in*/, const Tensor& /*out*/) {}
  /// A fresh dx is stored into (0 + g: what adding to zeros gives), so it is never zero-filled first.
  template <class T>
  static void backward(const Attrs& /*r*/, const std::array<Tensor, 1>& in, const Tensor& /*out*/, const T* g,
                       const std::array<T*, 1>& grads, const std::array<bool, 1>& fresh) {
    T* __restrict gx = grads[0];
    const T* __restrict gy = g;
    if (fresh[0])
      for (std::int64_t i = 0; i < in[0].numel(); ++i) gx[i] = T{0} + gy[i];
    else
      for (std::int64_t i = 0; i < in[0].numel(); ++i) gx[i] += gy[i];
  }
};

/// y = x with two axes swapped (for a 2-D x: y[j, i] = x[i, j]); dx += g with the same two axes swapped
/// back (a swap is its own inverse). The front end normalises the axes; transpose(x) of a matrix is axes
/// 0, 1.
struct Transpose : OneInputRow {
  static constexpr std::string_view name = "transpose";
  struct Attrs {
    std::size_t axis0 = 0, axis1 = 1;  // both < rank
  };
  static Shape output_shape(const Attrs& r, const std::array<Tensor, 1>& in) {
    Shape s = in[0].shape();
    std::swap(s[r.axis0], s[r.axis1]);
    return s;
  }
  template <class T>
  static void forward(const Attrs& r, const std::array<Tensor, 1>& in, const Tensor& out) {
    tapegrad::detail::permute<false>(in[0].shape(), axes(r, in[0].dim()), in[0].data<T>(), out.data<T>());
  }
  template <class T>
  static void backward(const Attrs& r, const std::array<Tensor, 1>& in, const Tensor& out, const T* g,
                       const std::array<T*, 1>& grads) {
    tapegrad::detail::permute<true>(out.shape(), axes(r, in[0].dim()), g, grads[0]);
  }

 private:
  static Shape axes(const Attrs& r, std::size_t rank) {
    Shape a(rank);
    for (std::size_t d = 0; d < rank; ++d) a[d] = static_cast<std::int64_t>(d);
    std::swap(a[r.axis0], a[r.axis1]);
    return a;
  }
};

/// y = x with its axes reordered: dimension d of y is dimension axes[d] of x; dx += g permuted by the
/// inverse (dimension axes[d] of dx is dimension d of g).
struct Permute : OneInputRow {
  static constexpr std::string_view name = "permute";
  struct Attrs {
    Shape axes;  // a permutation of 0..rank-1 (normalize() makes one)
  };
  /// `axes` (negative ones count from the end) as a permutation of 0..rank-1 of `in`. Throws ShapeError
  /// naming the axes and the shape unless they are one.
  static Shape normalize(std::span<const std::int64_t> axes, const Shape& in) {
    const auto text = [&] {
      std::string s = "(";
      for (std::size_t i = 0; i < axes.size(); ++i) (s += (i > 0 ? ", " : "")) += std::to_string(axes[i]);
      return s + ")";
    };
    const std::size_t rank = in.size();
    TAPEGRAD_CHECK(axes.size() == rank, ShapeError, "permute: expected ", rank, " axes for x of shape ",
                   to_string(in), ", got ", text());
    Shape normalised(rank);
    Shape seen(rank, 0);
    for (std::size_t d = 0; d < rank; ++d) {
      const std::size_t a = normalize_axis(axes[d], rank, "permute");
      TAPEGRAD_CHECK(seen[a] == 0, ShapeError, "permute: axes ", text(),
                     " are not a permutation of the dimensions of x of shape ", to_string(in), " (axis ", a,
                     " repeats)");
      seen[a] = 1;
      normalised[d] = static_cast<std::int64_t>(a);
    }
    return normalised;
  }
  static Shape output_shape(const Attrs& r, const std::array<Tensor, 1>& in) {
    Shape s;
    for (std::int64_t a : r.axes) s.push_back(in[0].shape()[static_cast<std::size_t>(a)]);
    return s;
  }
  template <class T>
  static void forward(const Attrs& r, const std::array<Tensor, 1>& in, const Tensor& out) {
    tapegrad::detail::permute<false>(in[0].shape(), r.axes, in[0].data<T>(), out.data<T>());
  }
  template <class T>
  static void backward(const Attrs& r, const std::array<Tensor, 1>& /*in*/, const Tensor& out, const T* g,
                       const std::array<T*, 1>& grads) {
    Shape inverse(r.axes.size());
    for (std::size_t d = 0; d < r.axes.size(); ++d)
      inverse[static_cast<std::size_t>(r.axes[d])] = static_cast<std::int64_t>(d);
    tapegrad::detail::permute<true>(out.shape(), inverse, g, grads[0]);
  }
};

/// What concat and stack share: both are any number of inputs joined along an axis, forward and backward.
struct JoinRow {
  static constexpr Kind kind = Kind::general;
  static constexpr std::size_t arity = kVariadic;
  static constexpr Domain domain{-3.0, 3.0};

 protected:
  /// Each x_i seen as [outer, chunk_i]: row o of y is row o of x_0, then row o of x_1, ... (concat along an
  /// axis with outer = the product of the dimensions before it; stack is the same with every chunk equal).
  template <class T>
  static void join(std::span<const Tensor> in, std::int64_t outer, const Tensor& out) {
    if (outer == 0) return;
    T* y = out.data<T>();
    const std::int64_t row = out.numel() / outer;
    std::int64_t offset = 0;
    for (const Tensor& x : in) {
      const std::int64_t chunk = x.numel() / outer;
      const T* px = x.data<T>();
      for (std::int64_t o = 0; o < outer; ++o) std::copy_n(px + o * chunk, chunk, y + o * row + offset);
      offset += chunk;
    }
  }

  /// The adjoint of join: dx_i[o, :] += g[o, the columns x_i filled], for the inputs that need a gradient.
  template <class T>
  static void split_add(std::span<const Tensor> in, std::int64_t outer, const Tensor& out, const T* g,
                        std::span<T* const> grads) {
    if (outer == 0) return;
    const std::int64_t row = out.numel() / outer;
    std::int64_t offset = 0;
    for (std::size_t i = 0; i < in.size(); ++i) {
      const std::int64_t chunk = in[i].numel() / outer;
      if (T* gx = grads[i]; gx != nullptr)
        for (std::int64_t o = 0; o < outer; ++o)
          for (std::int64_t j = 0; j < chunk; ++j) gx[o * chunk + j] += g[o * row + offset + j];
      offset += chunk;
    }
  }
};

/// y = the inputs joined along an existing axis (every other dimension equal); dx_i += the slice of g
/// that x_i filled. Takes any number of inputs (at least one).
struct Concat : JoinRow {
  static constexpr std::string_view name = "concat";
  struct Attrs {
    std::size_t axis = 0;  // normalised by the front end against the first input's rank
  };
  static Shape output_shape(const Attrs& r, std::span<const Tensor> in) {
    Shape s = in[0].shape();
    for (std::size_t i = 1; i < in.size(); ++i) {
      const Shape& t = in[i].shape();
      bool fits = t.size() == s.size();
      for (std::size_t d = 0; fits && d < s.size(); ++d) fits = d == r.axis || t[d] == s[d];
      TAPEGRAD_CHECK(fits, ShapeError,
                     "concat: every input must have the shape of input 0 except along axis ", r.axis,
                     ", got input 0 ", to_string(in[0].shape()), " and input ", i, " ", to_string(t));
      s[r.axis] += t[r.axis];
    }
    return s;
  }
  template <class T>
  static void forward(const Attrs& r, std::span<const Tensor> in, const Tensor& out) {
    join<T>(in, dims_product(out.shape(), 0, r.axis), out);
  }
  template <class T>
  static void backward(const Attrs& r, std::span<const Tensor> in, const Tensor& out, const T* g,
                       std::span<T* const> grads) {
    split_add<T>(in, dims_product(out.shape(), 0, r.axis), out, g, grads);
  }
};

/// y = the inputs (all of one shape) joined along a new axis of size n placed at `axis`, so y[..., i, ...]
/// is x_i; dx_i += g[..., i, ...].
struct Stack : JoinRow {
  static constexpr std::string_view name = "stack";
  struct Attrs {
    std::size_t axis = 0;  // in 0..rank (rank of one input), normalised by the front end
  };
  static Shape output_shape(const Attrs& r, std::span<const Tensor> in) {
    for (std::size_t i = 1; i < in.size(); ++i)
      TAPEGRAD_CHECK(in[i].shape() == in[0].shape(), ShapeError,
                     "stack: every input must have the shape of input 0, got input 0 ",
                     to_string(in[0].shape()), " and input ", i, " ", to_string(in[i].shape()));
    Shape s = in[0].shape();
    s.insert(s.begin() + static_cast<std::ptrdiff_t>(r.axis), static_cast<std::int64_t>(in.size()));
    return s;
  }
  template <class T>
  static void forward(const Attrs& r, std::span<const Tensor> in, const Tensor& out) {
    join<T>(in, dims_product(in[0].shape(), 0, r.axis), out);
  }
  template <class T>
  static void backward(const Attrs& r, std::span<const Tensor> in, const Tensor& out, const T* g,
                       std::span<T* const> grads) {
    split_add<T>(in, dims_product(in[0].shape(), 0, r.axis), out, g, grads);
  }
};

/// y = x broadcast to a larger shape (NumPy rules: x's dimensions align at the end, each equal or 1), a
/// copy; dx += g summed over the broadcast dimensions (the adjoint of a broadcast is a sum).
struct Expand : OneInputRow {
  static constexpr std::string_view name = "expand";
  struct Attrs {
    Shape shape;  // fully specified (resolve() replaces -1) and checked to broadcast from x
  };
  /// The requested shape with each -1 replaced by x's size of that dimension (aligned at the end). Throws
  /// ShapeError naming both shapes for fewer dimensions than x or a negative size left over.
  static Shape resolve(const Shape& requested, const Shape& x) {
    TAPEGRAD_CHECK(requested.size() >= x.size(), ShapeError, "expand: the target ", to_string(requested),
                   " has fewer dimensions than x of shape ", to_string(x));
    Shape resolved = requested;
    const std::size_t lead = requested.size() - x.size();
    for (std::size_t d = 0; d < requested.size(); ++d) {
      if (requested[d] == -1 && d >= lead) resolved[d] = x[d - lead];  // -1 keeps x's size, as PyTorch
      TAPEGRAD_CHECK(resolved[d] >= 0, ShapeError, "expand: the target ", to_string(requested),
                     " for x of shape ", to_string(x), " has a negative size at dimension ", d,
                     " (-1 keeps x's size, and only where x has that dimension)");
    }
    return resolved;
  }
  static Shape output_shape(const Attrs& r, const std::array<Tensor, 1>& in) {
    const Shape& x = in[0].shape();
    bool fits = r.shape.size() >= x.size();
    for (std::size_t k = 0; fits && k < x.size(); ++k) {
      const std::int64_t dx = x[x.size() - 1 - k], dy = r.shape[r.shape.size() - 1 - k];
      fits = dx == dy || dx == 1;
    }
    TAPEGRAD_CHECK(fits, ShapeError, "expand: cannot broadcast x of shape ", to_string(x), " to ",
                   to_string(r.shape),
                   " (each dimension of x, aligned at the end, must equal the target's or be 1)");
    (void)numel(r.shape, name);
    return r.shape;
  }
  template <class T>
  static void forward(const Attrs& /*r*/, const std::array<Tensor, 1>& in, const Tensor& out) {
    const T* x = in[0].data<T>();
    T* y = out.data<T>();
    tapegrad::detail::for_each_broadcast(out.shape(), in[0].shape(), in[0].shape(),
                                         [&](std::int64_t o, std::int64_t i, std::int64_t) { y[o] = x[i]; });
  }
  template <class T>
  static void backward(const Attrs& /*r*/, const std::array<Tensor, 1>& in, const Tensor& out, const T* g,
                       const std::array<T*, 1>& grads) {
    T* gx = grads[0];
    tapegrad::detail::for_each_broadcast(
        out.shape(), in[0].shape(), in[0].shape(),
        [&](std::int64_t o, std::int64_t i, std::int64_t) { gx[i] += g[o]; });
  }
};

using ShapeOps = std::tuple<Reshape, Transpose, Permute, Concat, Stack, Expand>;

}  // namespace tapegrad::ops::tensor
