// SPDX-License-Identifier: MIT
// apply.hpp: runs one row of the tensor derivatives table and, when a gradient is needed, records it.
// apply<Op> checks the inputs (defined, one dtype, shapes via Op), computes the forward, runs the anomaly
// check, and records ONE OpRecord<Op> on the active tape only if recording is on and some input requires
// grad, so inference costs no tape. OpRecord::backward is called by the reverse sweep: it reads the output's
// gradient, lets the op add into its inputs' gradients, then releases the output's gradient (consumed).
// Fixed-arity rows keep their inputs in a std::array; variadic rows (arity kVariadic: concat, stack) in a
// small_vector, and see both inputs and gradient pointers as spans. The choice is made at compile time, so
// fixed-arity rows pay nothing for the variadic ones.
#pragma once

#include <array>
#include <boost/container/small_vector.hpp>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <sstream>
#include <string_view>
#include <type_traits>
#include <utility>

#include "tapegrad/autodiff/kernels/broadcast.hpp"
#include "tapegrad/autodiff/kernels/dtype_dispatch.hpp"
#include "tapegrad/autodiff/kernels/simd_clones.hpp"
#include "tapegrad/autodiff/kernels/strided.hpp"
#include "tapegrad/autodiff/tape/tape.hpp"
#include "tapegrad/autodiff/tensor/rows/registry.hpp"
#include "tapegrad/autodiff/tensor/tensor.hpp"

namespace tapegrad::detail {

namespace tops = ::tapegrad::ops::tensor;

template <class Op>
constexpr std::size_t arity_of() {
  if constexpr (Op::kind == tops::Kind::unary)
    return 1;
  else if constexpr (Op::kind == tops::Kind::binary)
    return 2;
  else
    return Op::arity;
}

template <class Op>
struct AttrsOf {
  using type = tops::NoAttrs;
};
template <class Op>
requires requires {
  typename Op::Attrs;
}
struct AttrsOf<Op> {
  using type = typename Op::Attrs;
};

template <class Op>
constexpr bool is_variadic() {
  if constexpr (Op::kind == tops::Kind::general)
    return Op::arity == tops::kVariadic;
  else
    return false;
}

/// The inputs of a variadic row: up to 4 inline, as most concats join a few tensors.
using TensorList = boost::container::small_vector<Tensor, 4>;

template <class Op, bool = is_variadic<Op>()>
struct InputsOf {
  using type = std::array<Tensor, arity_of<Op>()>;
  template <class T>
  using grads = std::array<T*, arity_of<Op>()>;
};
template <class Op>
struct InputsOf<Op, true> {
  using type = TensorList;
  template <class T>
  using grads = boost::container::small_vector<T*, 4>;
};

template <class Op>
using Inputs = typename InputsOf<Op>::type;
/// Per input: whether its gradient buffer was just allocated and holds no values yet.
template <class Op>
using FreshFlags = std::conditional_t<is_variadic<Op>(), boost::container::small_vector<bool, 4>,
                                      std::array<bool, arity_of<Op>()>>;
/// Where the backward adds each input's gradient (null for inputs that need none).
template <class Op, class T>
using Grads = typename InputsOf<Op>::template grads<T>;
template <class Op>
using Attrs = typename AttrsOf<Op>::type;

/// A unary row's forward and backward, with its Attrs first if it has any (leaky_relu, clamp, x^p).
template <class Op, class T>
[[gnu::always_inline]] inline T unary_forward([[maybe_unused]] const Attrs<Op>& a, T x) {
  if constexpr (requires { typename Op::Attrs; })
    return Op::forward(a, x);
  else
    return Op::forward(x);
}
template <class Op, class T>
[[gnu::always_inline]] inline T unary_backward([[maybe_unused]] const Attrs<Op>& a, T x, T y, T g) {
  if constexpr (requires { typename Op::Attrs; })
    return Op::backward(a, x, y, g);
  else
    return Op::backward(x, y, g);
}

/// A unary row's loops: y = f(x), and gx = 0 + term (fresh) or gx += term. The gradient buffer is never one
/// of x, y or g (each tensor has its own), hence __restrict.
template <class Op, class T>
[[gnu::always_inline]] inline void unary_forward_loop(const Attrs<Op>& attrs, std::int64_t n,
                                                      const T* __restrict x, T* __restrict y) {
  const Attrs<Op> a = attrs;  // a local copy: stores into y cannot alias it, so it is not reloaded
  for (std::int64_t i = 0; i < n; ++i) y[i] = unary_forward<Op>(a, x[i]);
}
template <class Op, class T>
[[gnu::always_inline]] inline void unary_backward_loop(const Attrs<Op>& attrs, std::int64_t n,
                                                       const T* __restrict x, const T* __restrict y,
                                                       const T* __restrict gy, T* __restrict gx, bool fresh) {
  const Attrs<Op> a = attrs;
  if (fresh)  // 0 + term: what adding to a zero-filled buffer gives (-0 becomes +0, as a Var's adjoint)
    for (std::int64_t i = 0; i < n; ++i) gx[i] = T{0} + unary_backward<Op>(a, x[i], y[i], gy[i]);
  else
    for (std::int64_t i = 0; i < n; ++i) gx[i] += unary_backward<Op>(a, x[i], y[i], gy[i]);
}
/// The same loops as the loops of run_widest, for long tensors (simd_clones.hpp).
template <class Op, class T>
struct UnaryForward {
  TAPEGRAD_INLINE static void run(const Attrs<Op>& attrs, std::int64_t n, const T* x, T* y) {
    unary_forward_loop<Op, T>(attrs, n, x, y);
  }
};
template <class Op, class T>
struct UnaryBackward {
  TAPEGRAD_INLINE static void run(const Attrs<Op>& attrs, std::int64_t n, const T* x, const T* y, const T* gy,
                                  T* gx, bool fresh) {
    unary_backward_loop<Op, T>(attrs, n, x, y, gy, gx, fresh);
  }
};

/// What a row's functions receive: the std::array itself, or a span over a variadic row's list.
template <class Op, class List>
decltype(auto) as_seen_by_op(const List& list) {
  if constexpr (is_variadic<Op>())
    return std::span<const typename List::value_type>(list.data(), list.size());
  else
    return (list);
}

template <class Op>
constexpr bool is_view() {
  if constexpr (requires { Op::is_view; })
    return Op::is_view;
  else
    return false;
}

// ---- the three kinds of row, as kernels ------------------------------------------------------------------

template <class Op>
Shape output_shape(const Attrs<Op>& attrs, const Inputs<Op>& in) {
  if constexpr (Op::kind == tops::Kind::unary)
    return in[0].shape();
  else if constexpr (Op::kind == tops::Kind::binary)
    return broadcast_shapes(in[0].shape(), in[1].shape(), Op::name);
  else
    return Op::output_shape(attrs, as_seen_by_op<Op>(in));
}

template <class Op, class T>
void run_forward(const Attrs<Op>& attrs, const Inputs<Op>& in, const Tensor& out) {
  if constexpr (Op::kind == tops::Kind::unary) {
    const std::int64_t n = out.numel();
    if (TAPEGRAD_HAS_SIMD_CLONES && n >= kSimdCloneMinLength)
      run_widest<UnaryForward<Op, T>>(attrs, n, in[0].template data<T>(), out.template data<T>());
    else
      unary_forward_loop<Op, T>(attrs, n, in[0].template data<T>(), out.template data<T>());
  } else if constexpr (Op::kind == tops::Kind::binary) {
    broadcast_forward<Op, T>(out.shape(), in[0].shape(), in[1].shape(), in[0].template data<T>(),
                             in[1].template data<T>(), out.template data<T>());
  } else {
    Op::template forward<T>(attrs, as_seen_by_op<Op>(in), out);
  }
}

/// Whether a general row's backward takes the fresh flags (a trailing `const std::array<bool, arity>&`) and
/// writes every element of a fresh gradient itself.
template <class Op, class T>
constexpr bool takes_fresh_flags() {
  return requires(const Attrs<Op>& attrs, const Inputs<Op>& in, const Tensor& out, const T* g,
                  const Grads<Op, T>& grads, const FreshFlags<Op>& fresh) {
    Op::template backward<T>(attrs, as_seen_by_op<Op>(in), out, g, as_seen_by_op<Op>(grads), fresh);
  };
}

/// Adds this op's contribution into grads[i] (null for inputs that need no gradient). A gradient marked
/// fresh holds no values yet: the elementwise kinds store into it, and general rows either do the same
/// (takes_fresh_flags) or get it zero-filled first.
template <class Op, class T>
void run_backward(const Attrs<Op>& attrs, const Inputs<Op>& in, const Tensor& out, const T* g,
                  const Grads<Op, T>& grads, const FreshFlags<Op>& fresh) {
  if constexpr (Op::kind == tops::Kind::general && !takes_fresh_flags<Op, T>()) {
    for (std::size_t i = 0; i < in.size(); ++i)
      if (fresh[i]) std::memset(grads[i], 0, static_cast<std::size_t>(in[i].numel()) * sizeof(T));
  }
  if constexpr (Op::kind == tops::Kind::unary) {
    const std::int64_t n = out.numel();
    const T* x = in[0].template data<T>();
    const T* y = out.template data<T>();
    if (TAPEGRAD_HAS_SIMD_CLONES && n >= kSimdCloneMinLength)
      run_widest<UnaryBackward<Op, T>>(attrs, n, x, y, g, grads[0], fresh[0]);
    else
      unary_backward_loop<Op, T>(attrs, n, x, y, g, grads[0], fresh[0]);
  } else if constexpr (Op::kind == tops::Kind::binary) {
    // Each gradient is summed back over the dimensions along which its input was broadcast. Only an input
    // of the output's shape gets one term per element, so only its fresh gradient can be stored into.
    std::array<bool, 2> assign = fresh;
    for (std::size_t i = 0; i < 2; ++i)
      if (assign[i] && in[i].shape() != out.shape()) {
        std::memset(grads[i], 0, static_cast<std::size_t>(in[i].numel()) * sizeof(T));
        assign[i] = false;
      }
    broadcast_backward<Op, T>(out.shape(), in[0].shape(), in[1].shape(), in[0].template data<T>(),
                              in[1].template data<T>(), out.template data<T>(), g, grads[0], grads[1],
                              assign[0], assign[1]);
  } else if constexpr (takes_fresh_flags<Op, T>()) {
    Op::template backward<T>(attrs, as_seen_by_op<Op>(in), out, g, as_seen_by_op<Op>(grads), fresh);
  } else {
    Op::template backward<T>(attrs, as_seen_by_op<Op>(in), out, g, as_seen_by_op<Op>(grads));
  }
}

// ---- anomaly guard ---------------------------------------------------------------------------------------

/// Index of the first non-finite element, or -1.
template <class T>
std::int64_t first_non_finite(const T* p, std::int64_t n) {
  for (std::int64_t i = 0; i < n; ++i)
    if (!std::isfinite(p[i])) return i;
  return -1;
}

template <class Op>
void check_forward(const Inputs<Op>& in, const Tensor& out) {
  dispatch(out.dtype(), [&]<class T>() {
    const std::int64_t bad = first_non_finite(out.template data<T>(), out.numel());
    if (bad < 0) return;
    std::ostringstream shapes;
    for (std::size_t i = 0; i < in.size(); ++i) shapes << (i ? ", " : "") << in[i].shape();
    raise_tensor_forward_anomaly(Op::name, static_cast<double>(out.template data<T>()[bad]), bad, out.shape(),
                                 shapes.str());
  });
}

// ---- the record --------------------------------------------------------------------------------------

/// One recorded tensor op: its inputs, output and attributes, kept alive until the tape is cleared.
template <class Op>
class OpRecord final : public ExternalRecord {
 public:
  OpRecord(Attrs<Op>&& attrs, Inputs<Op>&& in, const Tensor& out)
      : attrs_(std::move(attrs)), in_(std::move(in)), out_(out) {}

  void backward(Tape& /*tape*/) override {
    TensorImpl& out = out_.impl();
    if (!out.grad) return;  // the output was not reached by this sweep
    dispatch(out.dtype, [&]<class T>() {
      Grads<Op, T> grads{};
      FreshFlags<Op> fresh{};
      if constexpr (is_variadic<Op>()) {
        grads.resize(in_.size(), nullptr);
        fresh.resize(in_.size(), false);
      }
      // An input passed twice (x * x) is fresh only at its first position: the second finds the buffer.
      for (std::size_t i = 0; i < in_.size(); ++i) {
        if (!in_[i].requires_grad()) continue;
        bool is_fresh = false;
        grads[i] = static_cast<T*>(grad_for_write(in_[i].impl(), is_fresh));
        fresh[i] = is_fresh;
      }
      run_backward<Op, T>(attrs_, in_, out_, static_cast<const T*>(out.grad.data()), grads, fresh);
      out.grad = Buffer();  // consumed: a second backward() must not propagate it again
      if (anomaly_depth != 0) [[unlikely]]
        for (std::size_t i = 0; i < in_.size(); ++i) {
          if (grads[i] == nullptr) continue;
          const std::int64_t bad = first_non_finite(grads[i], in_[i].numel());
          if (bad >= 0)
            raise_tensor_backward_anomaly(Op::name, i, in_[i].shape(), static_cast<double>(grads[i][bad]),
                                          bad);
        }
    });
  }

 private:
  Attrs<Op> attrs_;
  Inputs<Op> in_;
  Tensor out_;
};

// ---- apply -------------------------------------------------------------------------------------------

/// Runs Op on `in` and records it when a gradient is needed. Throws ShapeError on undefined inputs, mixed
/// dtypes, an empty input list or shapes Op rejects; TapeError if an input was recorded on another or a
/// cleared recording. Attrs and inputs are taken by value and moved into the record.
template <class Op>
Tensor apply(Attrs<Op> attrs, Inputs<Op> in) {
  static_assert(tops::is_registered<Op>,
                "tapegrad: add this tensor op to TensorOps (tensor/rows/registry.hpp)");
  if constexpr (is_variadic<Op>())
    TAPEGRAD_CHECK(!in.empty(), ShapeError, Op::name,
                   ": expected at least one input tensor, got an empty list");
  for (const Tensor& t : in)
    TAPEGRAD_CHECK(t.defined(), TapeError, Op::name,
                   ": an input tensor is undefined (default-constructed, or a "
                   "grad() that does not exist)");
  const Dtype dtype = in[0].dtype();
  TAPEGRAD_CHECK(is_floating(dtype), ShapeError, Op::name, ": expected float32 or float64 inputs, got ",
                 to_string(in[0].shape()), " ", dtype,
                 " (int64 tensors hold indices and take no arithmetic)");
  for (const Tensor& t : in)
    TAPEGRAD_CHECK(t.dtype() == dtype, ShapeError, Op::name,
                   ": inputs must have one dtype (no implicit promotion), got ", to_string(in[0].shape()),
                   " ", dtype, " and ", to_string(t.shape()), " ", t.dtype());

  Tensor out;
  Shape shape = output_shape<Op>(attrs, in);
  if constexpr (is_view<Op>()) {
    auto* impl = new TensorImpl;
    out = Tensor::adopt(impl);
    impl->data = in[0].impl().data;
    impl->numel = numel(shape, Op::name);
    impl->shape = std::move(shape);
    impl->dtype = dtype;
  } else {
    out = empty_tensor(shape, dtype, Op::name);
  }
  dispatch(dtype, [&]<class T>() { run_forward<Op, T>(attrs, in, out); });
  if (anomaly_depth != 0) [[unlikely]]
    check_forward<Op>(in, out);

  if (no_grad_depth != 0) return out;
  bool needed = false;
  for (const Tensor& t : in) needed = needed || t.requires_grad();
  if (!needed) return out;

  Tape& tape = Tape::active();
  for (const Tensor& t : in) {
    const TensorImpl& impl = t.impl();
    TAPEGRAD_CHECK(impl.is_leaf || impl.generation == tape.generation(), TapeError, Op::name,
                   ": an input of shape ", to_string(impl.shape),
                   " was recorded on another tape or on a recording that was "
                   "cleared (tape generation ",
                   impl.generation, ", active ", tape.generation(),
                   "); record the computation again, or detach() the input");
  }
  auto [record, index] = tape.emplace_external<OpRecord<Op>>(std::move(attrs), std::move(in), out);
  (void)record;
  TensorImpl& o = out.impl();
  o.requires_grad = true;
  o.is_leaf = false;
  o.index = index;
  o.generation = tape.generation();
  return out;
}

}  // namespace tapegrad::detail
