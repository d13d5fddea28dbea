// SPDX-License-Identifier: MIT
// shape.hpp: Shape, and NumPy's broadcasting rule.
// A Shape is a small_vector with four dimensions inline: every shape of a small network (batch,
// features, and at most two more) lives inside the Tensor, without a heap allocation per op, and a
// fifth dimension still works (it just moves to the heap).
#pragma once

#include <algorithm>
#include <boost/container/small_vector.hpp>
#include <cstdint>
#include <ostream>
#include <sstream>
#include <string>
#include <string_view>

#include "tapegrad/autodiff/core/error.hpp"

namespace tapegrad {

using Shape = boost::container::small_vector<std::int64_t, 4>;

/// The most elements a tensor may hold: 2^42 (32 TiB of float64). Every element count and byte size below
/// it fits in int64 with room to spare, and so do the strides kernels compute from a shape.
inline constexpr std::int64_t max_numel = std::int64_t{1} << 42;

/// Number of elements: the product of the dimensions (1 for a scalar, shape []). This is the one place where
/// a shape's size is checked: throws ShapeError naming `op` and the shape if a dimension is negative or the
/// product of the non-zero dimensions exceeds max_numel (so [0, 2^40, 2^40] is refused too: its strides
/// would overflow). Example: numel([2, 3]) = 6; numel([1 << 62, 4], "zeros") throws.
inline std::int64_t numel(const Shape& shape, std::string_view op = "numel");

/// "[2, 3]", as error messages print shapes.
inline std::ostream& operator<<(std::ostream& os, const Shape& shape) {
  os << '[';
  for (std::size_t i = 0; i < shape.size(); ++i) os << (i ? ", " : "") << shape[i];
  return os << ']';
}
inline std::string to_string(const Shape& shape) {
  std::ostringstream os;
  os << shape;
  return os.str();
}

inline std::int64_t numel(const Shape& shape, std::string_view op) {
  std::int64_t nonzero = 1;  // product of the non-zero dimensions, kept <= max_numel
  bool empty = false;
  for (std::int64_t d : shape) {
    TAPEGRAD_CHECK(d >= 0, ShapeError, op, ": dimensions must be non-negative, got shape ", to_string(shape));
    if (d == 0) {
      empty = true;
      continue;
    }
    // Division, not multiplication: the product itself could overflow (signed overflow is UB).
    TAPEGRAD_CHECK(d <= max_numel / nonzero, ShapeError, op, ": shape ", to_string(shape),
                   " has more elements than a tensor may hold (2^42)");
    nonzero *= d;
  }
  return empty ? 0 : nonzero;
}

/// NumPy broadcasting: align the shapes at their last dimension; each pair of dimensions must be equal
/// or one of them 1. Throws ShapeError naming `op` and both shapes otherwise.
/// Example: broadcast_shapes([3, 4], [4]) = [3, 4]; ([3, 1], [1, 4]) = [3, 4].
inline Shape broadcast_shapes(const Shape& a, const Shape& b, std::string_view op) {
  const std::size_t rank = std::max(a.size(), b.size());
  Shape out(rank, 1);
  for (std::size_t i = 0; i < rank; ++i) {
    const std::int64_t da = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
    const std::int64_t db = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
    TAPEGRAD_CHECK(da == db || da == 1 || db == 1, ShapeError, op, ": shapes ", to_string(a), " and ",
                   to_string(b), " cannot be broadcast (dimension ", i, ": ", da, " vs ", db, ")");
    out[i] = da == 1 ? db : da;
  }
  return out;
}

/// Whether NumPy broadcasting accepts a and b (broadcast_shapes without the throw).
inline bool can_broadcast(const Shape& a, const Shape& b) noexcept {
  for (std::size_t k = 0; k < a.size() && k < b.size(); ++k) {
    const std::int64_t da = a[a.size() - 1 - k], db = b[b.size() - 1 - k];
    if (da != db && da != 1 && db != 1) return false;
  }
  return true;
}

/// The product of the dimensions [begin, end) of s (1 for an empty range).
inline std::int64_t dims_product(const Shape& s, std::size_t begin, std::size_t end) noexcept {
  std::int64_t p = 1;
  for (std::size_t d = begin; d < end; ++d) p *= s[d];
  return p;
}

/// Normalises a possibly negative axis (-1 = last) for a tensor of `rank` dimensions; throws
/// ShapeError naming `op` when it is out of range.
inline std::size_t normalize_axis(std::int64_t axis, std::size_t rank, std::string_view op) {
  const auto r = static_cast<std::int64_t>(rank);
  TAPEGRAD_CHECK(axis >= -r && axis < r, ShapeError, op, ": axis ", axis, " is out of range for a tensor of ",
                 rank, " dimension(s)");
  return static_cast<std::size_t>(axis < 0 ? axis + r : axis);
}

}  // namespace tapegrad
