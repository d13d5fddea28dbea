// SPDX-License-Identifier: MIT
// tensor.hpp: Tensor, a dense row-major array of float32, float64 or int64 that records on the same tape as
// Var (int64 holds indices as data, core/dtype.hpp: no op computes or differentiates in it).
//
// A Tensor is a handle to a reference-counted TensorImpl {data Buffer, Shape, Dtype, requires_grad, grad,
// producing statement}. Copying a handle never copies data, and reshape() shares the buffer. A tensor op
// whose inputs need no gradient records nothing; otherwise it appends ONE ExternalRecord to the active tape
// (see tape.hpp), whose backward() adds into its inputs' grads when the reverse sweep reaches it, in the
// same reverse order as scalar statements. Semantics follow PyTorch: leaf grads accumulate until
// zero_grad(), intermediate grads are consumed by the sweep, NoGradGuard turns recording off.
// Mixing float32 and float64 in one op throws ShapeError: there is no implicit promotion.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <ostream>
#include <random>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

#include "tapegrad/autodiff/core/dtype.hpp"
#include "tapegrad/autodiff/core/error.hpp"
#include "tapegrad/autodiff/core/shape.hpp"
#include "tapegrad/autodiff/kernels/buffer.hpp"

namespace tapegrad {

class Var;
class Tensor;

namespace detail {

/// Depth of live NoGradGuards on this thread; recording is off while it is non-zero.
inline constinit thread_local int no_grad_depth = 0;

/// What a Tensor handle points to. Shared by every copy of the handle.
struct TensorImpl {
  std::atomic<std::int32_t> refs{1};
  Buffer data;
  Shape shape;
  std::int64_t numel = 0;
  Dtype dtype = Dtype::float32;
  bool requires_grad = false;
  bool is_leaf = true;
  std::uint32_t index = 0;       // statement of the op that produced it on its tape; 0 for leaves
  std::uint32_t generation = 0;  // generation of that tape's recording; 0 for leaves
  Buffer grad;                   // same dtype and numel as data; empty until a gradient arrives

  // A per-thread free list of impls: one is needed per op, and malloc per op is what we avoid.
  static void* operator new(std::size_t bytes);
  static void operator delete(void* p, std::size_t bytes) noexcept;
};

}  // namespace detail

/// Reproducible random numbers for randn/rand: the same seed gives the same values on every platform and
/// standard library (doubles are built from the raw 64-bit draws of std::mt19937_64, normals by Box-Muller,
/// never through the implementation-defined std:: distributions).
/// Example: `tapegrad::Generator gen(42); auto w = tapegrad::randn({3, 4}, gen);`
class Generator {
 public:
  explicit Generator(std::uint64_t seed = 0x7a9e9a7dULL) : engine_(seed) {}
  /// Uniform in [0, 1): the top 53 bits of one draw.
  double uniform() { return static_cast<double>(engine_() >> 11) * 0x1p-53; }
  /// Standard normal (mean 0, variance 1).
  double normal();
  std::mt19937_64& engine() noexcept { return engine_; }

 private:
  std::mt19937_64 engine_;
  double spare_ = 0.0;
  bool has_spare_ = false;
};

/// A dense, contiguous, row-major tensor handle. A default-constructed Tensor is undefined (defined() is
/// false; grad() returns one when no gradient exists); every accessor but defined() throws TapeError on it.
class Tensor {
 public:
  Tensor() noexcept = default;
  Tensor(const Tensor& other) noexcept : impl_(other.impl_) { retain(); }
  Tensor(Tensor&& other) noexcept : impl_(std::exchange(other.impl_, nullptr)) {}
  Tensor& operator=(Tensor other) noexcept {
    std::swap(impl_, other.impl_);
    return *this;
  }
  ~Tensor() { release(); }

  /// False for a default-constructed Tensor or a grad() that does not exist.
  bool defined() const noexcept { return impl_ != nullptr; }
  const Shape& shape() const { return impl().shape; }
  /// Number of dimensions (0 for a scalar tensor).
  std::size_t dim() const { return impl().shape.size(); }
  std::int64_t numel() const { return impl().numel; }
  Dtype dtype() const { return impl().dtype; }

  /// The elements, row-major. Throws ShapeError naming both dtypes unless T is this tensor's element type.
  template <class T>
  T* data() const {
    check_dtype(dtype_of<T>, "data");
    return static_cast<T*>(impl().data.data());
  }
  /// The elements converted to T (either dtype may be read as float or double).
  template <class T>
  std::vector<T> to_vector() const;
  /// The value of a one-element tensor, as double. Throws ShapeError naming the shape otherwise.
  double item() const;

  /// Whether ops on this tensor are recorded so that backward() reaches it.
  bool requires_grad() const { return impl().requires_grad; }
  /// True for tensors made by factories, detach() or under NoGradGuard; false for recorded op results.
  bool is_leaf() const { return impl().is_leaf; }
  /// Turns gradient tracking on or off for a leaf and returns *this. Throws TapeError on a non-leaf.
  /// Example: `auto w = tapegrad::randn({4, 3}, gen).requires_grad_();`
  Tensor& requires_grad_(bool on = true);

  /// The accumulated gradient (same shape and dtype), sharing its memory; undefined when none exists.
  /// Only leaves keep gradients: an intermediate's gradient is consumed by the sweep that passes it.
  Tensor grad() const;
  /// Forgets the gradient (grad() becomes undefined, its memory returns to the cache), as PyTorch's
  /// zero_grad(set_to_none=True) does.
  void zero_grad();

  /// Reverse sweep from this one-element tensor, seeded with 1. Throws ShapeError naming the shape if it
  /// has more than one element, TapeError if it does not require grad or its recording is gone.
  void backward() const;
  /// Reverse sweep seeded with grad_output (same shape and dtype, else ShapeError).
  /// Example: `y.backward(tapegrad::ones(y.shape(), y.dtype()));`
  void backward(const Tensor& grad_output) const;

  /// A leaf sharing this tensor's data, with requires_grad false: gradients stop here.
  Tensor detach() const;
  /// A leaf with a copy of the data (requires_grad false).
  Tensor clone() const;

  /// True when both handles share one data buffer (copies, detach(), reshape()).
  bool shares_data(const Tensor& other) const { return impl().data.shares(other.impl().data); }

  // ---- PyTorch spellings: thin forwards to the free functions of the tensor front end, with the same
  // shapes, errors and gradients (defined in methods.cpp). Example: `auto loss = (x.matmul(w) -
  // y).pow(2).mean();`

  /// sum(*this) and mean(*this): every element, shape [].
  Tensor sum() const;
  Tensor mean() const;
  /// sum(*this, axis, keepdim) and mean(*this, axis, keepdim). Example: `x.sum(1)` of [2, 3] is [2].
  Tensor sum(std::int64_t axis, bool keepdim = false) const;
  Tensor mean(std::int64_t axis, bool keepdim = false) const;
  /// sum and mean over several axes: sum(*this, axes, keepdim). Example: `x.mean({2, 3})` of [n, c, h, w].
  Tensor sum(std::initializer_list<std::int64_t> axes, bool keepdim = false) const;
  Tensor mean(std::initializer_list<std::int64_t> axes, bool keepdim = false) const;
  /// max(*this) and min(*this): every element, shape []; along an axis, max(*this, axis, keepdim) (values
  /// only; max_with_indices gives the indices too).
  Tensor max() const;
  Tensor min() const;
  Tensor max(std::int64_t axis, bool keepdim = false) const;
  Tensor min(std::int64_t axis, bool keepdim = false) const;
  /// clamp(*this, lo, hi).
  Tensor clamp(double lo, double hi) const;
  /// reshape(*this, shape); view() is the same (a reshape always shares the data).
  Tensor reshape(const Shape& shape) const;
  Tensor view(const Shape& shape) const;
  /// transpose(*this, axis0, axis1).
  Tensor transpose(std::int64_t axis0, std::int64_t axis1) const;
  /// The transpose of a matrix; as in PyTorch, a 0-D or 1-D tensor is returned as it is. Throws ShapeError
  /// for more than 2 dimensions.
  Tensor t() const;
  /// permute(*this, axes).
  Tensor permute(std::span<const std::int64_t> axes) const;
  Tensor permute(std::initializer_list<std::int64_t> axes) const;
  /// squeeze(*this), squeeze(*this, axis), unsqueeze(*this, axis), flatten(*this, start_dim, end_dim)
  /// (views) and expand(*this, shape) (a copy).
  Tensor squeeze() const;
  Tensor squeeze(std::int64_t axis) const;
  Tensor unsqueeze(std::int64_t axis) const;
  Tensor flatten(std::int64_t start_dim = 0, std::int64_t end_dim = -1) const;
  Tensor expand(const Shape& shape) const;
  /// matmul(*this, other).
  Tensor matmul(const Tensor& other) const;
  /// pow(*this, p), elementwise.
  Tensor pow(double p) const;
  /// The elementwise functions of the same name.
  Tensor exp() const;
  Tensor log() const;
  Tensor sqrt() const;
  Tensor abs() const;
  Tensor relu() const;
  Tensor tanh() const;
  Tensor sigmoid() const;
  /// softmax(*this, axis) and log_softmax(*this, axis).
  Tensor softmax(std::int64_t axis = -1) const;
  Tensor log_softmax(std::int64_t axis = -1) const;

  /// For the op machinery (tensor/apply.hpp, the rows and the kernels) only. Inline: kernels read shapes and
  /// sizes through it in their loops.
  detail::TensorImpl& impl() const {
    if (impl_ == nullptr) [[unlikely]]
      throw_undefined();
    return *impl_;
  }
  detail::TensorImpl* impl_ptr() const noexcept { return impl_; }
  /// Takes ownership of a freshly made impl (its refcount is already 1).
  static Tensor adopt(detail::TensorImpl* impl) noexcept {
    Tensor t;
    t.impl_ = impl;
    return t;
  }

 private:
  void retain() const noexcept {
    if (impl_) impl_->refs.fetch_add(1, std::memory_order_relaxed);
  }
  void release() noexcept {
    if (impl_ && impl_->refs.fetch_sub(1, std::memory_order_acq_rel) == 1) delete impl_;
  }
  void check_dtype(Dtype wanted, std::string_view op) const {
    if (dtype() != wanted) [[unlikely]]
      throw_dtype(wanted, op);
  }
  [[noreturn, gnu::cold, gnu::noinline]] static void throw_undefined();
  [[noreturn, gnu::cold, gnu::noinline]] void throw_dtype(Dtype wanted, std::string_view op) const;

  detail::TensorImpl* impl_ = nullptr;
};

/// RAII: nothing is recorded on this thread while a guard is alive (inference, optimizer updates).
/// Example: `{ tapegrad::NoGradGuard no_grad; auto y = matmul(x, w); }  // y.requires_grad() == false`
class NoGradGuard {
 public:
  NoGradGuard() noexcept { ++detail::no_grad_depth; }
  ~NoGradGuard() { --detail::no_grad_depth; }
  NoGradGuard(const NoGradGuard&) = delete;
  NoGradGuard& operator=(const NoGradGuard&) = delete;
  /// True when ops record (no guard alive on this thread).
  static bool grad_enabled() noexcept { return detail::no_grad_depth == 0; }
};

// ---- factories: leaves with requires_grad false; float32 by default, as nn trains in float32 ----------

/// A tensor of `shape` with every element 0 (zeros), 1 (ones) or `value` (full).
Tensor zeros(const Shape& shape, Dtype dtype = Dtype::float32);
Tensor ones(const Shape& shape, Dtype dtype = Dtype::float32);
Tensor full(const Shape& shape, double value, Dtype dtype = Dtype::float32);
/// [0, 1, ..., ceil(end) - 1] as a 1-D tensor. Example: `arange(4)` is [0, 1, 2, 3].
Tensor arange(double end, Dtype dtype = Dtype::float32);
/// start, start + step, ... while < end (> end for a negative step). Throws DomainError if step is 0.
Tensor arange(double start, double end, double step, Dtype dtype = Dtype::float32);
/// Standard normal (randn) or uniform [0, 1) (rand) elements drawn from `gen`: reproducible per seed.
Tensor randn(const Shape& shape, Generator& gen, Dtype dtype = Dtype::float32);
Tensor rand(const Shape& shape, Generator& gen, Dtype dtype = Dtype::float32);

/// A copy of `values` with the given shape and T's dtype. Throws ShapeError unless values.size() equals
/// the shape's element count. Example: `auto x = tapegrad::from<double>({1, 2, 3, 4, 5, 6}, {2, 3});`
template <class T>
Tensor from(std::span<const T> values, const Shape& shape);
template <class T>
Tensor from(std::initializer_list<T> values, const Shape& shape) {
  return from(std::span<const T>(values.begin(), values.size()), shape);
}
template <class T>
Tensor from(const std::vector<T>& values, const Shape& shape) {
  return from(std::span<const T>(values), shape);
}

/// Bridges a one-element tensor into a scalar Var on the active tape, so a loss can be finished in scalar
/// code: the Var's gradient flows back into the tensor through one external record. A tensor that does not
/// require grad gives a constant Var. Throws ShapeError naming the shape unless numel() == 1.
/// Example: `Var loss = to_var(sum(y * y)) * 0.5 + reg; loss.backward(); w.grad();`
Var to_var(const Tensor& one_element);

/// "tensor([2, 2], float64, [[1, 2], [3, 4]])"; long dimensions print their first and last 3 entries.
std::ostream& operator<<(std::ostream& os, const Tensor& t);

namespace detail {
/// A fresh leaf of `shape` and `dtype` with uninitialised data from the buffer cache. Throws ShapeError
/// naming `op` for a shape numel() refuses, AllocationError if the memory cannot be had.
Tensor empty_tensor(const Shape& shape, Dtype dtype, std::string_view op = "tensor");
/// The grad buffer of t, allocated and zero-filled on first use.
void* ensure_grad(TensorImpl& impl);
/// The grad buffer of t; on first use allocated but NOT zero-filled, and `fresh` is set, so that the caller
/// writes every element (an elementwise backward stores its first contribution instead of adding it to
/// zeros: one pass over the memory instead of two). `fresh` is false for an existing buffer.
void* grad_for_write(TensorImpl& impl, bool& fresh);
}  // namespace detail

}  // namespace tapegrad
