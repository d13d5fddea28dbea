// SPDX-License-Identifier: MIT
// tensor_ops.cpp: each front-end function is one call to detail::apply with its row of the table; the
// comparison masks and argmax, which are not differentiable, are plain loops that record nothing.
#include "autodiff/tensor_ops.hpp"

#include <cmath>
#include <string>
#include <string_view>
#include <utility>

#include "autodiff/detail/tensor_apply.hpp"

namespace tapegrad {
namespace {

namespace tops = ops::tensor;

template <class Op>
Tensor unary(const Tensor& x) {
  return detail::apply<Op>({}, {x});
}
template <class Op>
Tensor binary(const Tensor& a, const Tensor& b) {
  return detail::apply<Op>({}, {a, b});
}
/// A double operand as a 0-D constant of the tensor's dtype (a 64-byte buffer from the cache).
Tensor scalar_like(const Tensor& t, double value) {
  return full({}, value, t.dtype());
}

template <class Op>
Tensor reduce(const Tensor& x, bool all, std::int64_t axis, bool keepdim) {
  tops::ReduceAttrs attrs{.all = all, .axis = 0, .keepdim = keepdim};
  if (!all) attrs.axis = normalize_axis(axis, x.dim(), Op::name);
  return detail::apply<Op>(attrs, {x});
}

}  // namespace

Tensor operator+(const Tensor& a, const Tensor& b) {
  return binary<tops::Add>(a, b);
}
Tensor operator-(const Tensor& a, const Tensor& b) {
  return binary<tops::Sub>(a, b);
}
Tensor operator*(const Tensor& a, const Tensor& b) {
  return binary<tops::Mul>(a, b);
}
Tensor operator/(const Tensor& a, const Tensor& b) {
  return binary<tops::Div>(a, b);
}
Tensor operator+(const Tensor& a, double b) {
  return binary<tops::Add>(a, scalar_like(a, b));
}
Tensor operator-(const Tensor& a, double b) {
  return binary<tops::Sub>(a, scalar_like(a, b));
}
Tensor operator*(const Tensor& a, double b) {
  return binary<tops::Mul>(a, scalar_like(a, b));
}
Tensor operator/(const Tensor& a, double b) {
  return binary<tops::Div>(a, scalar_like(a, b));
}
Tensor operator+(double a, const Tensor& b) {
  return binary<tops::Add>(scalar_like(b, a), b);
}
Tensor operator-(double a, const Tensor& b) {
  return binary<tops::Sub>(scalar_like(b, a), b);
}
Tensor operator*(double a, const Tensor& b) {
  return binary<tops::Mul>(scalar_like(b, a), b);
}
Tensor operator/(double a, const Tensor& b) {
  return binary<tops::Div>(scalar_like(b, a), b);
}
Tensor operator-(const Tensor& x) {
  return unary<tops::Neg>(x);
}

Tensor exp(const Tensor& x) {
  return unary<tops::Exp>(x);
}
Tensor log(const Tensor& x) {
  return unary<tops::Log>(x);
}
Tensor sqrt(const Tensor& x) {
  return unary<tops::Sqrt>(x);
}
Tensor abs(const Tensor& x) {
  return unary<tops::Abs>(x);
}
Tensor tanh(const Tensor& x) {
  return unary<tops::Tanh>(x);
}
Tensor sigmoid(const Tensor& x) {
  return unary<tops::Sigmoid>(x);
}
Tensor relu(const Tensor& x) {
  return unary<tops::Relu>(x);
}

Tensor sum(const Tensor& x, bool keepdim) {
  return reduce<tops::Sum>(x, true, 0, keepdim);
}
Tensor mean(const Tensor& x, bool keepdim) {
  return reduce<tops::Mean>(x, true, 0, keepdim);
}
Tensor sum(const Tensor& x, std::int64_t axis, bool keepdim) {
  return reduce<tops::Sum>(x, false, axis, keepdim);
}
Tensor mean(const Tensor& x, std::int64_t axis, bool keepdim) {
  return reduce<tops::Mean>(x, false, axis, keepdim);
}

Tensor matmul(const Tensor& a, const Tensor& b) {
  return detail::apply<tops::MatMul>({}, {a, b});
}
Tensor linear(const Tensor& x, const Tensor& weight, const Tensor& bias) {
  return detail::apply<tops::Linear>({}, {x, weight, bias});
}
Tensor transpose(const Tensor& x) {
  TAPEGRAD_CHECK(x.dim() == 2, ShapeError, "transpose: expected a 2-D tensor, got shape ",
                 to_string(x.shape()), " (transpose(x, axis0, axis1) swaps two axes of any rank)");
  return detail::apply<tops::Transpose>({.axis0 = 0, .axis1 = 1}, {x});
}

Tensor reshape(const Tensor& x, const Shape& shape) {
  // Resolve one -1 from the element count; anything else that does not fit is Reshape's error.
  Shape resolved = shape;
  std::int64_t known = 1;
  std::size_t inferred = shape.size();
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (shape[i] == -1 && inferred == shape.size()) {
      inferred = i;
      continue;
    }
    TAPEGRAD_CHECK(shape[i] >= 0, ShapeError,
                   "reshape: dimensions must be non-negative (one may be -1), got ", to_string(shape),
                   " for a tensor of shape ", to_string(x.shape()));
    known *= shape[i];
  }
  if (inferred != shape.size()) {
    TAPEGRAD_CHECK(known != 0 && x.numel() % known == 0, ShapeError, "reshape: cannot view shape ",
                   to_string(x.shape()), " (", x.numel(), " elements) as ", to_string(shape));
    resolved[inferred] = x.numel() / known;
  }
  return detail::apply<tops::Reshape>({.shape = resolved}, {x});
}

Tensor softmax(const Tensor& x, std::int64_t axis) {
  return detail::apply<tops::Softmax>({.axis = normalize_axis(axis, x.dim(), "softmax")}, {x});
}
Tensor log_softmax(const Tensor& x, std::int64_t axis) {
  return detail::apply<tops::LogSoftmax>({.axis = normalize_axis(axis, x.dim(), "log_softmax")}, {x});
}

// ---- more elementwise functions ------------------------------------------------------------------------

Tensor pow(const Tensor& x, double p) {
  return detail::apply<tops::PowScalar>({.exponent = p}, {x});
}
Tensor pow(const Tensor& a, const Tensor& b) {
  return binary<tops::Pow>(a, b);
}
Tensor pow(double a, const Tensor& b) {
  return binary<tops::Pow>(scalar_like(b, a), b);
}
Tensor sin(const Tensor& x) {
  return unary<tops::Sin>(x);
}
Tensor cos(const Tensor& x) {
  return unary<tops::Cos>(x);
}
Tensor softplus(const Tensor& x) {
  return unary<tops::Softplus>(x);
}
Tensor leaky_relu(const Tensor& x, double negative_slope) {
  TAPEGRAD_CHECK(std::isfinite(negative_slope), DomainError,
                 "leaky_relu: expected a finite negative_slope, got ", negative_slope);
  return detail::apply<tops::LeakyRelu>({.negative_slope = negative_slope}, {x});
}
Tensor clamp(const Tensor& x, double lo, double hi) {
  TAPEGRAD_CHECK(lo <= hi, DomainError, "clamp: expected lo <= hi, got lo ", lo, " and hi ", hi);
  return detail::apply<tops::Clamp>({.lo = lo, .hi = hi}, {x});
}
Tensor maximum(const Tensor& a, const Tensor& b) {
  return binary<tops::Maximum>(a, b);
}
Tensor minimum(const Tensor& a, const Tensor& b) {
  return binary<tops::Minimum>(a, b);
}
Tensor where(const Tensor& mask, const Tensor& a, const Tensor& b) {
  return detail::apply<tops::Where>({}, {mask, a, b});
}

namespace {
/// A comparison mask: not a row of the table, since nothing about it is differentiable; it checks its
/// inputs as detail::apply does and records nothing.
template <class Compare>
Tensor compare(std::string_view op, const Tensor& a, const Tensor& b, Compare holds) {
  TAPEGRAD_CHECK(a.defined() && b.defined(), TapeError, op,
                 ": an input tensor is undefined (default-constructed, or a grad() that does not exist)");
  TAPEGRAD_CHECK(a.dtype() == b.dtype(), ShapeError, op,
                 ": inputs must have one dtype (no implicit promotion), got ", to_string(a.shape()), " ",
                 a.dtype(), " and ", to_string(b.shape()), " ", b.dtype());
  Tensor out = detail::empty_tensor(broadcast_shapes(a.shape(), b.shape(), op), a.dtype());
  detail::dispatch(a.dtype(), [&]<class T>() {
    const T* pa = a.data<T>();
    const T* pb = b.data<T>();
    T* y = out.data<T>();
    detail::for_each_broadcast(out.shape(), a.shape(), b.shape(),
                               [&](std::int64_t o, std::int64_t ia, std::int64_t ib) {
                                 y[o] = holds(pa[ia], pb[ib]) ? T{1} : T{0};
                               });
  });
  return out;
}
}  // namespace

Tensor gt(const Tensor& a, const Tensor& b) {
  return compare("gt", a, b, [](auto x, auto y) { return x > y; });
}
Tensor lt(const Tensor& a, const Tensor& b) {
  return compare("lt", a, b, [](auto x, auto y) { return x < y; });
}
Tensor ge(const Tensor& a, const Tensor& b) {
  return compare("ge", a, b, [](auto x, auto y) { return x >= y; });
}
Tensor le(const Tensor& a, const Tensor& b) {
  return compare("le", a, b, [](auto x, auto y) { return x <= y; });
}
Tensor eq(const Tensor& a, const Tensor& b) {
  return compare("eq", a, b, [](auto x, auto y) { return x == y; });
}
Tensor gt(const Tensor& a, double b) {
  return gt(a, scalar_like(a, b));
}
Tensor lt(const Tensor& a, double b) {
  return lt(a, scalar_like(a, b));
}
Tensor ge(const Tensor& a, double b) {
  return ge(a, scalar_like(a, b));
}
Tensor le(const Tensor& a, double b) {
  return le(a, scalar_like(a, b));
}
Tensor eq(const Tensor& a, double b) {
  return eq(a, scalar_like(a, b));
}

// ---- more reductions
// ---------------------------------------------------------------------------------------

Tensor max(const Tensor& x, bool keepdim) {
  return reduce<tops::Max>(x, true, 0, keepdim);
}
Tensor max(const Tensor& x, std::int64_t axis, bool keepdim) {
  return reduce<tops::Max>(x, false, axis, keepdim);
}
Tensor min(const Tensor& x, bool keepdim) {
  return reduce<tops::Min>(x, true, 0, keepdim);
}
Tensor min(const Tensor& x, std::int64_t axis, bool keepdim) {
  return reduce<tops::Min>(x, false, axis, keepdim);
}
Tensor logsumexp(const Tensor& x, bool keepdim) {
  return reduce<tops::LogSumExp>(x, true, 0, keepdim);
}
Tensor logsumexp(const Tensor& x, std::int64_t axis, bool keepdim) {
  return reduce<tops::LogSumExp>(x, false, axis, keepdim);
}

std::vector<std::int64_t> argmax(const Tensor& x, std::int64_t axis) {
  const tops::ReduceAttrs r{.all = false, .axis = normalize_axis(axis, x.dim(), "argmax"), .keepdim = false};
  tops::detail_reduce::check_nonempty("argmax", r, x.shape());
  const auto [outer, n, inner] = detail::split_at(x.shape(), r.axis);
  std::vector<std::int64_t> indices(static_cast<std::size_t>(outer * inner));
  detail::dispatch(x.dtype(), [&]<class T>() {
    const T* px = x.data<T>();
    tops::detail_reduce::for_each_lane(
        r, x.shape(), [&](std::int64_t first, std::int64_t stride, std::int64_t count, std::int64_t o) {
          std::int64_t best = 0;
          for (std::int64_t k = 1; k < count; ++k)
            if (tops::detail_reduce::beats<true>(px[first + k * stride], px[first + best * stride])) best = k;
          indices[static_cast<std::size_t>(o)] = best;
        });
  });
  return indices;
}

// ---- axes, joining, slicing and indexing ------------------------------------------------------------------
namespace {
std::string axes_text(std::span<const std::int64_t> axes) {
  std::string s = "(";
  for (std::size_t i = 0; i < axes.size(); ++i) (s += (i > 0 ? ", " : "")) += std::to_string(axes[i]);
  return s + ")";
}

detail::TensorList as_list(std::span<const Tensor> xs) {
  return detail::TensorList(xs.begin(), xs.end());
}
}  // namespace

Tensor transpose(const Tensor& x, std::int64_t axis0, std::int64_t axis1) {
  return detail::apply<tops::Transpose>({.axis0 = normalize_axis(axis0, x.dim(), "transpose"),
                                         .axis1 = normalize_axis(axis1, x.dim(), "transpose")},
                                        {x});
}

Tensor permute(const Tensor& x, std::span<const std::int64_t> axes) {
  const std::size_t rank = x.dim();
  TAPEGRAD_CHECK(axes.size() == rank, ShapeError, "permute: expected ", rank, " axes for x of shape ",
                 to_string(x.shape()), ", got ", axes_text(axes));
  Shape normalised(rank);
  Shape seen(rank, 0);
  for (std::size_t d = 0; d < rank; ++d) {
    const std::size_t a = normalize_axis(axes[d], rank, "permute");
    TAPEGRAD_CHECK(seen[a] == 0, ShapeError, "permute: axes ", axes_text(axes),
                   " are not a permutation of the dimensions of x of shape ", to_string(x.shape()), " (axis ",
                   a, " repeats)");
    seen[a] = 1;
    normalised[d] = static_cast<std::int64_t>(a);
  }
  // Copied, not moved: moving this small_vector made GCC 12 -O3 warn (a false -Wstringop-overread).
  return detail::apply<tops::Permute>({.axes = normalised}, {x});
}
Tensor permute(const Tensor& x, std::initializer_list<std::int64_t> axes) {
  return permute(x, std::span<const std::int64_t>(axes.begin(), axes.size()));
}

Tensor concat(std::span<const Tensor> xs, std::int64_t axis) {
  TAPEGRAD_CHECK(!xs.empty(), ShapeError, "concat: expected at least one tensor, got an empty list");
  return detail::apply<tops::Concat>({.axis = normalize_axis(axis, xs[0].dim(), "concat")}, as_list(xs));
}
Tensor concat(std::initializer_list<Tensor> xs, std::int64_t axis) {
  return concat(std::span<const Tensor>(xs.begin(), xs.size()), axis);
}
Tensor concat(const std::vector<Tensor>& xs, std::int64_t axis) {
  return concat(std::span<const Tensor>(xs), axis);
}

Tensor stack(std::span<const Tensor> xs, std::int64_t axis) {
  TAPEGRAD_CHECK(!xs.empty(), ShapeError, "stack: expected at least one tensor, got an empty list");
  return detail::apply<tops::Stack>({.axis = normalize_axis(axis, xs[0].dim() + 1, "stack")}, as_list(xs));
}
Tensor stack(std::initializer_list<Tensor> xs, std::int64_t axis) {
  return stack(std::span<const Tensor>(xs.begin(), xs.size()), axis);
}
Tensor stack(const std::vector<Tensor>& xs, std::int64_t axis) {
  return stack(std::span<const Tensor>(xs), axis);
}

Tensor slice(const Tensor& x, std::int64_t start, std::int64_t end) {
  TAPEGRAD_CHECK(x.dim() >= 1, ShapeError, "slice: expected a tensor with at least one dimension, got shape ",
                 to_string(x.shape()));
  const std::int64_t rows = x.shape()[0];
  const std::int64_t first = start < 0 ? start + rows : start;
  const std::int64_t last = end < 0 ? end + rows : end;
  TAPEGRAD_CHECK(0 <= first && first <= last && last <= rows, IndexError, "slice: rows [", start, ", ", end,
                 ") are out of range for the leading axis of size ", rows, " of x ", to_string(x.shape()),
                 " (after counting negative bounds from the end, 0 <= start <= end <= ", rows, " must hold)");
  return detail::apply<tops::Slice>({.start = first, .end = last}, {x});
}

Tensor index_select(const Tensor& x, std::int64_t axis, std::span<const std::int64_t> indices) {
  return detail::apply<tops::IndexSelect>(
      {.axis = normalize_axis(axis, x.dim(), "index_select"), .indices = tops::IndexList(indices)}, {x});
}
Tensor index_select(const Tensor& x, std::int64_t axis, std::initializer_list<std::int64_t> indices) {
  return index_select(x, axis, std::span<const std::int64_t>(indices.begin(), indices.size()));
}

Tensor gather(const Tensor& x, std::int64_t axis, std::span<const std::int64_t> index) {
  return detail::apply<tops::Gather>(
      {.axis = normalize_axis(axis, x.dim(), "gather"), .index = tops::IndexList(index)}, {x});
}
Tensor gather(const Tensor& x, std::int64_t axis, std::initializer_list<std::int64_t> index) {
  return gather(x, axis, std::span<const std::int64_t>(index.begin(), index.size()));
}

Tensor one_hot(std::span<const std::int64_t> labels, std::int64_t num_classes, Dtype dtype) {
  TAPEGRAD_CHECK(num_classes >= 0, ShapeError, "one_hot: num_classes must be non-negative, got ",
                 num_classes);
  for (std::size_t i = 0; i < labels.size(); ++i)
    TAPEGRAD_CHECK(labels[i] >= 0 && labels[i] < num_classes, IndexError, "one_hot: label ", labels[i],
                   " (position ", i, ") is out of range for ", num_classes, " classes");
  Tensor t = zeros({static_cast<std::int64_t>(labels.size()), num_classes}, dtype);
  detail::dispatch(dtype, [&]<class T>() {
    T* p = t.data<T>();
    for (std::size_t i = 0; i < labels.size(); ++i)
      p[static_cast<std::int64_t>(i) * num_classes + labels[i]] = T{1};
  });
  return t;
}
Tensor one_hot(std::initializer_list<std::int64_t> labels, std::int64_t num_classes, Dtype dtype) {
  return one_hot(std::span<const std::int64_t>(labels.begin(), labels.size()), num_classes, dtype);
}

}  // namespace tapegrad
