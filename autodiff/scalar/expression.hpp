// SPDX-License-Identifier: MIT
// expression.hpp: expression templates that fold a whole right-hand side into one tape statement.
//
// `Var y = x[i + 1] - x[i] * x[i];` builds BinaryExpr<Sub, Var, BinaryExpr<Mul, Var, Var>> on the stack,
// computing values bottom-up as the nodes are built. Assigning it to a Var walks the tree once and
// appends one statement with three (index, partial) pairs, instead of two statements and an extra
// index. That is why tapegrad needs fewer bytes and less time per operation than a tape that records
// every operator on its own.
//
// The `auto` pitfall: `auto e = sin(x) * y;` is an expression, not a Var. Expression-template
// libraries usually store references to their operands, so such an `e` dangles once the temporaries
// die. Ours store every operand *by value* (a Var is 16 bytes: value, index, generation), so an
// `auto` expression is always safe to keep and use; it is recorded each time it is assigned to a Var
// (once per use), and it offers value(), backward() and conversion to Var, so `auto y = x * x;
// y.backward();` works. grad() exists only on Var.
#pragma once

#include <cmath>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <type_traits>

#include "tapegrad/autodiff/core/error.hpp"
#include "tapegrad/autodiff/ops/registry.hpp"
#include "tapegrad/autodiff/tape/anomaly.hpp"
#include "tapegrad/autodiff/tape/tape.hpp"

namespace tapegrad {

/// Tag base of Var and of every expression node; the operators below accept only these and numbers.
struct ExpressionBase {};

template <class T>
concept Expression = std::is_base_of_v<ExpressionBase, std::remove_cvref_t<T>>;

class Var;

/// What every expression node offers besides its value: backward() records it into a Var first.
/// Defined in var.hpp, once Var is complete.
template <class Derived>
struct ExpressionOps : ExpressionBase {
  /// Records the expression as a Var on the active tape and runs backward() from it.
  void backward() const;
};

template <class T>
concept Arithmetic = std::is_arithmetic_v<std::remove_cvref_t<T>>;

/// At least one operand is an expression and every other one is a plain number.
template <class... Ts>
concept MixedOperands = (Expression<Ts> || ...) && ((Expression<Ts> || Arithmetic<Ts>)&&...);

/// A plain number inside an expression: no tape index, no partial recorded.
class ConstExpr : public ExpressionBase {
 public:
  static constexpr std::size_t max_leaves = 0;
  static constexpr std::string_view op_name = "constant";
  explicit ConstExpr(double v) noexcept : value_(v) {}
  TAPEGRAD_INLINE double value() const noexcept { return value_; }
  template <std::size_t I, std::size_t N>
  TAPEGRAD_INLINE void push(detail::Leaves<N>&, double) const noexcept {}
  TAPEGRAD_INLINE void check_anomaly() const {}

 private:
  double value_;
};

template <class T>
using node_t = std::conditional_t<Expression<T>, std::remove_cvref_t<T>, ConstExpr>;

template <class T>
TAPEGRAD_INLINE node_t<T> as_node(const T& operand) noexcept {
  if constexpr (Expression<T>)
    return operand;
  else
    return ConstExpr(static_cast<double>(operand));
}

/// Op(a) for an op of the unary derivatives table.
template <class Op, class A>
class UnaryExpr : public ExpressionOps<UnaryExpr<Op, A>> {
  static_assert(ops::is_registered<Op>, "tapegrad: add this op to the derivatives table (ops/registry.hpp)");

 public:
  static constexpr std::size_t max_leaves = A::max_leaves;
  static constexpr std::string_view op_name = Op::name;

  TAPEGRAD_INLINE explicit UnaryExpr(const A& a) noexcept : a_(a), value_(Op::forward(a.value())) {}
  TAPEGRAD_INLINE double value() const noexcept { return value_; }

  /// Chain rule: the leaves below (from slot I on) receive multiplier * dOp/da.
  template <std::size_t I, std::size_t N>
  TAPEGRAD_INLINE void push(detail::Leaves<N>& leaves, double multiplier) const {
    a_.template push<I>(leaves, multiplier * Op::derivative(a_.value(), value_));
  }
  /// Anomaly guard: the innermost op that produces a non-finite value or partial throws first.
  TAPEGRAD_INLINE void check_anomaly() const {
    a_.check_anomaly();
    detail::check_result(Op::name, value_, {a_.value()});
    detail::check_partial(Op::name, Op::derivative(a_.value(), value_), {a_.value()});
  }

 private:
  A a_;
  double value_;
};

/// Op(a, b) for an op of the binary derivatives table; either side may be a ConstExpr.
template <class Op, class A, class B>
class BinaryExpr : public ExpressionOps<BinaryExpr<Op, A, B>> {
  static_assert(ops::is_registered<Op>, "tapegrad: add this op to the derivatives table (ops/registry.hpp)");

 public:
  static constexpr std::size_t max_leaves = A::max_leaves + B::max_leaves;
  static constexpr std::string_view op_name = Op::name;

  TAPEGRAD_INLINE BinaryExpr(const A& a, const B& b) noexcept
      : a_(a), b_(b), value_(Op::forward(a.value(), b.value())) {}
  TAPEGRAD_INLINE double value() const noexcept { return value_; }

  /// a's leaves fill slots I.., b's follow them.
  template <std::size_t I, std::size_t N>
  TAPEGRAD_INLINE void push(detail::Leaves<N>& leaves, double multiplier) const {
    // A constant side contributes nothing, so its partial is not even computed.
    if constexpr (A::max_leaves > 0)
      a_.template push<I>(leaves, multiplier * Op::d_a(a_.value(), b_.value(), value_));
    if constexpr (B::max_leaves > 0)
      b_.template push<I + A::max_leaves>(leaves, multiplier * Op::d_b(a_.value(), b_.value(), value_));
  }
  TAPEGRAD_INLINE void check_anomaly() const {
    a_.check_anomaly();
    b_.check_anomaly();
    const double a = a_.value(), b = b_.value();
    detail::check_result(Op::name, value_, {a, b});
    if constexpr (A::max_leaves > 0) detail::check_partial(Op::name, Op::d_a(a, b, value_), {a, b});
    if constexpr (B::max_leaves > 0) detail::check_partial(Op::name, Op::d_b(a, b, value_), {a, b});
  }

 private:
  A a_;
  B b_;
  double value_;
};

/// Op(a, b, c) for an op of the ternary table (fma).
template <class Op, class A, class B, class C>
class TernaryExpr : public ExpressionOps<TernaryExpr<Op, A, B, C>> {
  static_assert(ops::is_registered<Op>, "tapegrad: add this op to the derivatives table (ops/registry.hpp)");

 public:
  static constexpr std::size_t max_leaves = A::max_leaves + B::max_leaves + C::max_leaves;
  static constexpr std::string_view op_name = Op::name;

  TAPEGRAD_INLINE TernaryExpr(const A& a, const B& b, const C& c) noexcept
      : a_(a), b_(b), c_(c), value_(Op::forward(a.value(), b.value(), c.value())) {}
  TAPEGRAD_INLINE double value() const noexcept { return value_; }

  template <std::size_t I, std::size_t N>
  TAPEGRAD_INLINE void push(detail::Leaves<N>& leaves, double multiplier) const {
    const double a = a_.value(), b = b_.value(), c = c_.value();
    if constexpr (A::max_leaves > 0) a_.template push<I>(leaves, multiplier * Op::d_a(a, b, c, value_));
    if constexpr (B::max_leaves > 0)
      b_.template push<I + A::max_leaves>(leaves, multiplier * Op::d_b(a, b, c, value_));
    if constexpr (C::max_leaves > 0)
      c_.template push<I + A::max_leaves + B::max_leaves>(leaves, multiplier * Op::d_c(a, b, c, value_));
  }
  TAPEGRAD_INLINE void check_anomaly() const {
    a_.check_anomaly();
    b_.check_anomaly();
    c_.check_anomaly();
    const double a = a_.value(), b = b_.value(), c = c_.value();
    detail::check_result(Op::name, value_, {a, b, c});
    if constexpr (A::max_leaves > 0) detail::check_partial(Op::name, Op::d_a(a, b, c, value_), {a, b, c});
    if constexpr (B::max_leaves > 0) detail::check_partial(Op::name, Op::d_b(a, b, c, value_), {a, b, c});
    if constexpr (C::max_leaves > 0) detail::check_partial(Op::name, Op::d_c(a, b, c, value_), {a, b, c});
  }

 private:
  A a_;
  B b_;
  C c_;
  double value_;
};

template <class Op, class A>
TAPEGRAD_INLINE auto make_unary(const A& a) noexcept {
  return UnaryExpr<Op, node_t<A>>(as_node(a));
}
template <class Op, class A, class B>
TAPEGRAD_INLINE auto make_binary(const A& a, const B& b) noexcept {
  return BinaryExpr<Op, node_t<A>, node_t<B>>(as_node(a), as_node(b));
}
template <class Op, class A, class B, class C>
TAPEGRAD_INLINE auto make_ternary(const A& a, const B& b, const C& c) noexcept {
  return TernaryExpr<Op, node_t<A>, node_t<B>, node_t<C>>(as_node(a), as_node(b), as_node(c));
}

}  // namespace tapegrad
