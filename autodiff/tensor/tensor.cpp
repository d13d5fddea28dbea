// SPDX-License-Identifier: MIT
// tensor.cpp: Tensor handles, factories, printing, seeding backward(), and the Var bridge.
#include "tapegrad/autodiff/tensor/tensor.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <new>
#include <numbers>

#include "tapegrad/autodiff/kernels/dtype_dispatch.hpp"
#include "tapegrad/autodiff/scalar/var.hpp"
#include "tapegrad/autodiff/tape/tape.hpp"
#include "tapegrad/autodiff/tensor/grad_sink.hpp"

namespace tapegrad {

// ---- impl free list ------------------------------------------------------------------------------------
namespace {
constexpr std::size_t kImplCacheLimit = 4096;
constinit thread_local bool impl_cache_destroyed = false;
struct ImplCache {
  std::vector<void*> free;
  ~ImplCache() {
    impl_cache_destroyed = true;
    for (void* p : free) ::operator delete(p);
  }
};
ImplCache& impl_cache() {
  static thread_local ImplCache cache;
  return cache;
}
}  // namespace

void* detail::TensorImpl::operator new(std::size_t bytes) {
  if (!impl_cache_destroyed) {
    auto& free = impl_cache().free;
    if (bytes == sizeof(TensorImpl) && !free.empty()) {
      void* p = free.back();
      free.pop_back();
      return p;
    }
  }
  return ::operator new(bytes);
}

void detail::TensorImpl::operator delete(void* p, std::size_t bytes) noexcept {
  if (!impl_cache_destroyed && bytes == sizeof(TensorImpl)) {
    auto& free = impl_cache().free;
    if (free.size() < kImplCacheLimit) {
      try {
        free.push_back(p);
        return;
      } catch (...) {  // no memory for the list: free the impl instead
      }
    }
  }
  ::operator delete(p);
}

// ---- Generator -----------------------------------------------------------------------------------------
double Generator::normal() {
  if (has_spare_) {
    has_spare_ = false;
    return spare_;
  }
  // Box-Muller: 1 - u is in (0, 1], so the log is finite.
  const double u1 = 1.0 - uniform();
  const double u2 = uniform();
  const double r = std::sqrt(-2.0 * std::log(u1));
  const double theta = 2.0 * std::numbers::pi * u2;
  spare_ = r * std::sin(theta);
  has_spare_ = true;
  return r * std::cos(theta);
}

// ---- Tensor --------------------------------------------------------------------------------------------
void Tensor::throw_undefined() {
  detail::raise<TapeError>(
      "tensor: this Tensor is undefined (default-constructed, or a grad() that does not exist)");
}

void Tensor::throw_dtype(Dtype wanted, std::string_view op) const {
  detail::raise<ShapeError>(op, ": the tensor holds ", dtype(), ", got a request for ", wanted);
}

template <class T>
std::vector<T> Tensor::to_vector() const {
  std::vector<T> out(static_cast<std::size_t>(numel()));
  detail::dispatch_any(dtype(), [&]<class U>() {
    const U* p = static_cast<const U*>(impl().data.data());
    for (std::size_t i = 0; i < out.size(); ++i) out[i] = static_cast<T>(p[i]);
  });
  return out;
}
template std::vector<float> Tensor::to_vector<float>() const;
template std::vector<double> Tensor::to_vector<double>() const;
template std::vector<std::int64_t> Tensor::to_vector<std::int64_t>() const;

double Tensor::item() const {
  TAPEGRAD_CHECK(numel() == 1, ShapeError, "item: expected a one-element tensor, got shape ",
                 to_string(shape()));
  return to_vector<double>()[0];
}

Tensor& Tensor::requires_grad_(bool on) {
  TAPEGRAD_CHECK(is_leaf(), TapeError,
                 "requires_grad_: only leaves can change requires_grad; this tensor of shape ",
                 to_string(shape()), " is the result of a recorded op (detach() it first)");
  TAPEGRAD_CHECK(!on || is_floating(dtype()), ShapeError, "requires_grad_: a ", dtype(), " tensor of shape ",
                 to_string(shape()), " holds indices and is never differentiable");
  impl().requires_grad = on;
  return *this;
}

Tensor Tensor::grad() const {
  const detail::TensorImpl& self = impl();
  if (!self.grad) return {};
  auto* g = new detail::TensorImpl;
  g->data = self.grad;
  g->shape = self.shape;
  g->numel = self.numel;
  g->dtype = self.dtype;
  return adopt(g);
}

void Tensor::zero_grad() {
  impl().grad = detail::Buffer();
}

void Tensor::backward() const {
  TAPEGRAD_CHECK(numel() == 1, ShapeError, "backward: expected a one-element tensor, got shape ",
                 to_string(shape()), "; pass grad_output for a tensor with more than one element");
  backward(ones(shape(), dtype()));
}

void Tensor::backward(const Tensor& grad_output) const {
  detail::TensorImpl& self = impl();
  TAPEGRAD_CHECK(self.requires_grad, TapeError, "backward: the tensor of shape ", to_string(self.shape),
                 " does not require grad (no input of it has requires_grad, or it was computed under "
                 "NoGradGuard)");
  TAPEGRAD_CHECK(grad_output.shape() == self.shape && grad_output.dtype() == self.dtype, ShapeError,
                 "backward: grad_output must match the tensor, expected ", to_string(self.shape), " ",
                 self.dtype, ", got ", to_string(grad_output.shape()), " ", grad_output.dtype());
  // Look the tape up before touching grads, so a stale recording fails without side effects.
  Tape* tape = self.is_leaf ? nullptr : &Tape::owner_of(self.generation, "backward");
  void* g = detail::ensure_grad(self);
  detail::dispatch(self.dtype, [&]<class T>() {
    T* dst = static_cast<T*>(g);
    const T* src = grad_output.data<T>();
    for (std::int64_t i = 0; i < self.numel; ++i) dst[i] += src[i];
  });
  if (tape != nullptr) tape->backward_from(self.index, 0.0);  // the seed is already in the grad
}

Tensor Tensor::detach() const {
  const detail::TensorImpl& self = impl();
  auto* d = new detail::TensorImpl;
  d->data = self.data;
  d->shape = self.shape;
  d->numel = self.numel;
  d->dtype = self.dtype;
  return adopt(d);
}

Tensor Tensor::clone() const {
  Tensor c = detail::empty_tensor(shape(), dtype());
  std::memcpy(c.impl().data.data(), impl().data.data(), static_cast<std::size_t>(numel()) * size_of(dtype()));
  return c;
}

// ---- factories -----------------------------------------------------------------------------------------
Tensor detail::empty_tensor(const Shape& shape, Dtype dtype, std::string_view op) {
  // numel checks the shape; size_of(dtype) <= 8, so the byte size below max_numel * 8 cannot overflow.
  const std::int64_t n = tapegrad::numel(shape, op);
  auto* impl = new TensorImpl;
  Tensor t = Tensor::adopt(impl);
  impl->shape = shape;
  impl->numel = n;
  impl->dtype = dtype;
  impl->data = Buffer(static_cast<std::size_t>(impl->numel) * size_of(dtype));
  return t;
}

void* detail::ensure_grad(TensorImpl& impl) {
  bool fresh = false;
  void* g = grad_for_write(impl, fresh);
  if (fresh) std::memset(g, 0, static_cast<std::size_t>(impl.numel) * size_of(impl.dtype));
  return g;
}

void* detail::grad_for_write(TensorImpl& impl, bool& fresh) {
  // A data-parallel worker's sweep keeps the gradients of the shared parameters in its own sink.
  if (active_grad_sink != nullptr && impl.is_leaf) [[unlikely]]
    if (void* slot = active_grad_sink->slot_for(impl, fresh)) return slot;
  fresh = !impl.grad;
  if (fresh) impl.grad = Buffer(static_cast<std::size_t>(impl.numel) * size_of(impl.dtype));
  return impl.grad.data();
}

namespace {
Tensor filled(const Shape& shape, double value, Dtype dtype, std::string_view op) {
  Tensor t = detail::empty_tensor(shape, dtype, op);
  detail::dispatch_any(dtype, [&]<class T>() { std::fill_n(t.data<T>(), t.numel(), static_cast<T>(value)); });
  return t;
}
}  // namespace

Tensor full(const Shape& shape, double value, Dtype dtype) {
  return filled(shape, value, dtype, "full");
}
Tensor zeros(const Shape& shape, Dtype dtype) {
  return filled(shape, 0.0, dtype, "zeros");
}
Tensor ones(const Shape& shape, Dtype dtype) {
  return filled(shape, 1.0, dtype, "ones");
}

Tensor arange(double end, Dtype dtype) {
  return arange(0.0, end, 1.0, dtype);
}

Tensor arange(double start, double end, double step, Dtype dtype) {
  TAPEGRAD_CHECK(step != 0.0 && std::isfinite(step) && std::isfinite(start) && std::isfinite(end),
                 DomainError, "arange: expected finite bounds and a non-zero step, got start ", start,
                 ", end ", end, ", step ", step);
  const double count = std::max(0.0, std::ceil((end - start) / step));
  TAPEGRAD_CHECK(count <= static_cast<double>(max_numel), ShapeError, "arange: [", start, ", ", end,
                 ") in steps of ", step, " has more elements than a tensor may hold (2^42)");
  Tensor t = detail::empty_tensor({static_cast<std::int64_t>(count)}, dtype, "arange");
  detail::dispatch_any(dtype, [&]<class T>() {
    T* p = t.data<T>();
    for (std::int64_t i = 0; i < t.numel(); ++i) p[i] = static_cast<T>(start + static_cast<double>(i) * step);
  });
  return t;
}

Tensor randn(const Shape& shape, Generator& gen, Dtype dtype) {
  TAPEGRAD_CHECK(is_floating(dtype), ShapeError, "randn: expected float32 or float64, got ", dtype);
  Tensor t = detail::empty_tensor(shape, dtype, "randn");
  detail::dispatch(dtype, [&]<class T>() {
    T* p = t.data<T>();
    for (std::int64_t i = 0; i < t.numel(); ++i) p[i] = static_cast<T>(gen.normal());
  });
  return t;
}

Tensor rand(const Shape& shape, Generator& gen, Dtype dtype) {
  TAPEGRAD_CHECK(is_floating(dtype), ShapeError, "rand: expected float32 or float64, got ", dtype);
  Tensor t = detail::empty_tensor(shape, dtype, "rand");
  detail::dispatch(dtype, [&]<class T>() {
    T* p = t.data<T>();
    for (std::int64_t i = 0; i < t.numel(); ++i) p[i] = static_cast<T>(gen.uniform());
  });
  return t;
}

template <class T>
Tensor from(std::span<const T> values, const Shape& shape) {
  const std::int64_t n = numel(shape, "from");
  TAPEGRAD_CHECK(static_cast<std::int64_t>(values.size()) == n, ShapeError, "from: shape ", to_string(shape),
                 " holds ", n, " elements, got ", values.size(), " values");
  Tensor t = detail::empty_tensor(shape, dtype_of<T>, "from");
  std::copy(values.begin(), values.end(), t.data<T>());
  return t;
}
template Tensor from<float>(std::span<const float>, const Shape&);
template Tensor from<double>(std::span<const double>, const Shape&);
template Tensor from<std::int64_t>(std::span<const std::int64_t>, const Shape&);

// ---- the Var bridge ------------------------------------------------------------------------------------
namespace {
/// d(var)/d(tensor) = 1: the Var's adjoint is added into the tensor's only grad element.
class ToVarRecord final : public ExternalRecord {
 public:
  ToVarRecord(Tensor t, std::uint32_t index) : tensor_(std::move(t)), index_(index) {}
  void backward(Tape& tape) override {
    double& adjoint = tape.adjoint_slot(index_);
    const double g = adjoint;
    adjoint = 0.0;  // consumed, as a scalar statement's adjoint is
    if (g == 0.0) return;
    detail::TensorImpl& impl = tensor_.impl();
    void* grad = detail::ensure_grad(impl);
    detail::dispatch(impl.dtype, [&]<class T>() { *static_cast<T*>(grad) += static_cast<T>(g); });
  }
  void set_index(std::uint32_t index) noexcept { index_ = index; }

 private:
  Tensor tensor_;
  std::uint32_t index_;
};
}  // namespace

Var to_var(const Tensor& one_element) {
  TAPEGRAD_CHECK(one_element.numel() == 1, ShapeError, "to_var: expected a one-element tensor, got shape ",
                 to_string(one_element.shape()));
  const double value = one_element.item();
  if (!one_element.requires_grad() || !NoGradGuard::grad_enabled()) return Var::constant(value);
  Tape& tape = Tape::active();
  const detail::TensorImpl& impl = one_element.impl();
  TAPEGRAD_CHECK(impl.is_leaf || impl.generation == tape.generation(), TapeError,
                 "to_var: the tensor was recorded on another tape or on a recording that was cleared "
                 "(tape generation ",
                 impl.generation, ", active ", tape.generation(), ")");
  auto [record, index] = tape.emplace_external<ToVarRecord>(one_element, 0u);
  record->set_index(index);
  return Var::from_statement(value, index);
}

// ---- printing ------------------------------------------------------------------------------------------
namespace {
template <class T>
void print_dim(std::ostream& os, const T* p, const Shape& shape, std::size_t d, std::int64_t offset) {
  if (d == shape.size()) {
    os << static_cast<double>(p[offset]);
    return;
  }
  std::int64_t stride = 1;
  for (std::size_t k = d + 1; k < shape.size(); ++k) stride *= shape[k];
  const std::int64_t n = shape[d];
  os << '[';
  for (std::int64_t i = 0; i < n; ++i) {
    if (n > 8 && i == 3) {  // long dimension: first 3, ..., last 3
      os << ", ...";
      i = n - 3;
    }
    if (i > 0) os << ", ";
    print_dim(os, p, shape, d + 1, offset + i * stride);
  }
  os << ']';
}
}  // namespace

std::ostream& operator<<(std::ostream& os, const Tensor& t) {
  if (!t.defined()) return os << "tensor(undefined)";
  os << "tensor(" << t.shape() << ", " << t.dtype() << ", ";
  detail::dispatch_any(t.dtype(), [&]<class T>() { print_dim(os, t.data<T>(), t.shape(), 0, 0); });
  return os << ')';
}

}  // namespace tapegrad
