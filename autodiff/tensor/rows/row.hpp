// SPDX-License-Identifier: MIT
// row.hpp: the shape every row of the tensor derivatives table has.
// An elementwise row gives its scalar formula and derivative (the table's kernels map them over the
// elements and broadcast); a general row gives its tensor-level forward and backward. Every row has a
// `name` (error messages, test names) and a Domain (where gradcheck samples its inputs).
#pragma once

#include <cstddef>

#include "tapegrad/autodiff/ops/domain.hpp"

namespace tapegrad::ops::tensor {

/// How the op machinery (tensor/apply.hpp) runs a row.
/// A unary or general row may declare `struct Attrs` (a per-op constant such as leaky_relu's slope): a unary
/// row's forward and backward then take `const Attrs&` first.
enum class Kind {
  unary,    // static T forward(T x); static T backward(T x, T y, T g)
  binary,   // static T forward(T a, T b); grad_a / grad_b(T a, T b, T y, T g); NumPy broadcasting
  general,  // output_shape(attrs, in); forward<T>(attrs, in, out); backward<T>(attrs, in, out, g, grads)
            // (grads zero-filled when new), or backward<T>(attrs, in, out, g, grads, fresh): fresh[i] says
            // grads[i] was just allocated and holds no values, and the row writes every element of it
};

/// The `arity` of a general row that takes any number (at least one) of inputs, such as concat. Its
/// functions receive `std::span<const Tensor> in` and `std::span<T* const> grads` where fixed-arity rows
/// receive std::arrays; the inputs are kept in a small_vector (inline up to 4) instead of a std::array.
inline constexpr std::size_t kVariadic = static_cast<std::size_t>(-1);

/// Attrs of an op that has none.
struct NoAttrs {};

/// What most general rows with one input share (reductions, shape and index ops): a row derives from it and
/// adds its name, Attrs, output_shape, forward and backward.
struct OneInputRow {
  static constexpr Kind kind = Kind::general;
  static constexpr std::size_t arity = 1;
  static constexpr Domain domain{-3.0, 3.0};
};

}  // namespace tapegrad::ops::tensor
