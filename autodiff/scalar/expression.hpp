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

#include <algorithm>
#include <array>
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

namespace detail {
/// How many tangent lanes an expression carries: 0 for Var, constants and every node above them (first
/// order); L for SecondOrderVar<L> and every node above one (forward/second_order_var.hpp). The same node
/// templates serve both: at L = 0 their second-order part is empty and never computed.
template <class E>
constexpr std::size_t count_lanes() noexcept {
  if constexpr (requires { E::lanes; })
    return std::size_t{E::lanes};
  else
    return std::size_t{0};
}
template <class E>
inline constexpr std::size_t lanes_of = count_lanes<std::remove_cvref_t<E>>();

/// The lanes of a node over operands Cs, and whether its operands that read Vars agree on them (an
/// expression mixes neither Var with SecondOrderVar nor two lane counts).
template <class... Cs>
inline constexpr std::size_t node_lanes = std::max({lanes_of<Cs>...});
template <class... Cs>
inline constexpr bool lanes_agree = ((Cs::max_leaves == 0 || lanes_of<Cs> == node_lanes<Cs...>)&&...);

/// True for a row whose second derivatives are all zero (ops/: `second_is_zero = true`).
template <class Op>
concept second_is_zero = requires {
  requires Op::second_is_zero;
};

/// d2 Op / da2 (resp. d2 Op / db2) is zero everywhere: the row says so, or all its second derivatives are.
template <class Op>
concept zero_aa = second_is_zero<Op> || requires {
  requires Op::d_aa_is_zero;
};
template <class Op>
concept zero_bb = second_is_zero<Op> || requires {
  requires Op::d_bb_is_zero;
};

/// Whether an expression is affine in its leaves (piecewise): every partial of the root with respect to a
/// leaf is then constant, so its partial tangents are zero and the second-order tape records the
/// statement as (index, partial) pairs only. Leaves and constants are affine.
template <class E>
constexpr bool is_affine() noexcept {
  if constexpr (requires { E::affine; })
    return E::affine;
  else
    return true;
}

/// What a node of a second-order expression keeps besides its value: the partials with respect to its K
/// operands (computed once, for its tangent, and used again when the statement is recorded) and its L
/// tangents. Empty at L = 0, so a first-order expression holds and computes nothing more than before.
template <std::size_t K, std::size_t L>
struct SecondOrderPart {
  double partial[K];
  std::array<double, L> tangent;
};
template <std::size_t K>
struct SecondOrderPart<K, 0> {};
}  // namespace detail

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
  TAPEGRAD_INLINE static constexpr double tangent(std::size_t) noexcept { return 0.0; }

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
  static constexpr std::size_t lanes = detail::lanes_of<A>;
  static constexpr bool affine = detail::second_is_zero<Op> && detail::is_affine<A>();

  TAPEGRAD_INLINE explicit UnaryExpr(const A& a) noexcept : a_(a), value_(Op::forward(a.value())) {
    if constexpr (lanes > 0) {
      const double d = Op::derivative(a_.value(), value_);
      second_.partial[0] = d;
      for (std::size_t l = 0; l < lanes; ++l) second_.tangent[l] = d * a_.tangent(l);
    }
  }
  TAPEGRAD_INLINE double value() const noexcept { return value_; }
  /// Second order only: the directional derivative of the value along tangent lane `lane`.
  TAPEGRAD_INLINE double tangent(std::size_t lane) const noexcept requires(lanes > 0) {
    return second_.tangent[lane];
  }

  /// Second order: the leaves below receive the partial multiplier * dOp/da and its tangent, by the
  /// product rule (multiplier tangent * dOp/da + multiplier * d2Op/da2 * a's tangent).
  template <std::size_t I, class Leaves>
  TAPEGRAD_INLINE void push_second(Leaves& leaves, double multiplier,
                                   const std::array<double, lanes>& multiplier_tangent) const
      requires(lanes > 0) {
    const double d = second_.partial[0];
    std::array<double, lanes> t;
    if constexpr (detail::second_is_zero<Op>) {
      for (std::size_t l = 0; l < lanes; ++l) t[l] = multiplier_tangent[l] * d;
    } else {
      const double h = multiplier * Op::second(a_.value(), value_);
      for (std::size_t l = 0; l < lanes; ++l) t[l] = multiplier_tangent[l] * d + h * a_.tangent(l);
    }
    a_.template push_second<I>(leaves, multiplier * d, t);
  }

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
  [[no_unique_address]] detail::SecondOrderPart<1, lanes> second_;
};

/// Op(a, b) for an op of the binary derivatives table; either side may be a ConstExpr.
template <class Op, class A, class B>
class BinaryExpr : public ExpressionOps<BinaryExpr<Op, A, B>> {
  static_assert(ops::is_registered<Op>, "tapegrad: add this op to the derivatives table (ops/registry.hpp)");

 public:
  static constexpr std::size_t max_leaves = A::max_leaves + B::max_leaves;
  static constexpr std::string_view op_name = Op::name;
  static constexpr std::size_t lanes = detail::node_lanes<A, B>;
  static_assert(detail::lanes_agree<A, B>,
                "tapegrad: an expression mixes Var with SecondOrderVar, or two lane counts");
  static constexpr bool affine = [] {
    constexpr bool on_a = A::max_leaves > 0, on_b = B::max_leaves > 0;
    if constexpr (!detail::is_affine<A>() || !detail::is_affine<B>())
      return false;
    else if constexpr (detail::second_is_zero<Op>)
      return true;
    else if constexpr (on_a && on_b)
      return false;
    else if constexpr (on_a)
      return detail::zero_aa<Op>;
    else
      return detail::zero_bb<Op>;
  }();

  TAPEGRAD_INLINE BinaryExpr(const A& a, const B& b) noexcept
      : a_(a), b_(b), value_(Op::forward(a.value(), b.value())) {
    if constexpr (lanes > 0) {
      constexpr bool on_a = A::max_leaves > 0, on_b = B::max_leaves > 0;
      const double x = a_.value(), y = b_.value();
      if constexpr (on_a) {
        const double d = Op::d_a(x, y, value_);
        second_.partial[0] = d;
        for (std::size_t l = 0; l < lanes; ++l) second_.tangent[l] = d * a_.tangent(l);
      }
      if constexpr (on_b) {
        const double d = Op::d_b(x, y, value_);
        second_.partial[1] = d;
        for (std::size_t l = 0; l < lanes; ++l)
          second_.tangent[l] = on_a ? second_.tangent[l] + d * b_.tangent(l) : d * b_.tangent(l);
      }
    }
  }
  TAPEGRAD_INLINE double value() const noexcept { return value_; }
  TAPEGRAD_INLINE double tangent(std::size_t lane) const noexcept requires(lanes > 0) {
    return second_.tangent[lane];
  }

  /// Second order: each side receives multiplier * its partial and the tangent of that (the row's
  /// second-derivative column times the operands' tangents); a constant side receives nothing.
  template <std::size_t I, class Leaves>
  TAPEGRAD_INLINE void push_second(Leaves& leaves, double multiplier,
                                   const std::array<double, lanes>& multiplier_tangent) const
      requires(lanes > 0) {
    constexpr bool on_a = A::max_leaves > 0, on_b = B::max_leaves > 0;
    const double x = a_.value(), y = b_.value();
    if constexpr (on_a) {
      const double d = second_.partial[0];
      std::array<double, lanes> t;
      for (std::size_t l = 0; l < lanes; ++l) t[l] = multiplier_tangent[l] * d;
      if constexpr (!detail::second_is_zero<Op>) {
        if constexpr (!detail::zero_aa<Op>) {
          const double haa = multiplier * Op::d_aa(x, y, value_);
          for (std::size_t l = 0; l < lanes; ++l) t[l] += haa * a_.tangent(l);
        }
        if constexpr (on_b) {
          const double hab = multiplier * Op::d_ab(x, y, value_);
          for (std::size_t l = 0; l < lanes; ++l) t[l] += hab * b_.tangent(l);
        }
      }
      a_.template push_second<I>(leaves, multiplier * d, t);
    }
    if constexpr (on_b) {
      const double d = second_.partial[1];
      std::array<double, lanes> t;
      for (std::size_t l = 0; l < lanes; ++l) t[l] = multiplier_tangent[l] * d;
      if constexpr (!detail::second_is_zero<Op>) {
        if constexpr (!detail::zero_bb<Op>) {
          const double hbb = multiplier * Op::d_bb(x, y, value_);
          for (std::size_t l = 0; l < lanes; ++l) t[l] += hbb * b_.tangent(l);
        }
        if constexpr (on_a) {
          const double hab = multiplier * Op::d_ab(x, y, value_);
          for (std::size_t l = 0; l < lanes; ++l) t[l] += hab * a_.tangent(l);
        }
      }
      b_.template push_second<I + A::max_leaves>(leaves, multiplier * d, t);
    }
  }

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
  [[no_unique_address]] detail::SecondOrderPart<2, lanes> second_;
};

/// Op(a, b, c) for an op of the ternary table (fma).
template <class Op, class A, class B, class C>
class TernaryExpr : public ExpressionOps<TernaryExpr<Op, A, B, C>> {
  static_assert(ops::is_registered<Op>, "tapegrad: add this op to the derivatives table (ops/registry.hpp)");

 public:
  static constexpr std::size_t max_leaves = A::max_leaves + B::max_leaves + C::max_leaves;
  static constexpr std::string_view op_name = Op::name;
  static constexpr std::size_t lanes = detail::node_lanes<A, B, C>;
  static_assert(detail::lanes_agree<A, B, C>,
                "tapegrad: an expression mixes Var with SecondOrderVar, or two lane counts");
  static constexpr bool affine = detail::second_is_zero<Op> && detail::is_affine<A>() &&
                                 detail::is_affine<B>() && detail::is_affine<C>();

  TAPEGRAD_INLINE TernaryExpr(const A& a, const B& b, const C& c) noexcept
      : a_(a), b_(b), c_(c), value_(Op::forward(a.value(), b.value(), c.value())) {
    if constexpr (lanes > 0) {
      const double x[3] = {a_.value(), b_.value(), c_.value()};
      second_.tangent = {};
      each_operand([&](auto i, const auto& operand) {
        constexpr std::size_t k = decltype(i)::value;
        const double d = first<k>(x);
        second_.partial[k] = d;
        for (std::size_t l = 0; l < lanes; ++l) second_.tangent[l] += d * operand.tangent(l);
      });
    }
  }
  TAPEGRAD_INLINE double value() const noexcept { return value_; }
  TAPEGRAD_INLINE double tangent(std::size_t lane) const noexcept requires(lanes > 0) {
    return second_.tangent[lane];
  }

  /// Second order, as BinaryExpr::push_second over three operands.
  template <std::size_t I, class Leaves>
  TAPEGRAD_INLINE void push_second(Leaves& leaves, double multiplier,
                                   const std::array<double, lanes>& multiplier_tangent) const
      requires(lanes > 0) {
    const double x[3] = {a_.value(), b_.value(), c_.value()};
    each_operand([&](auto i, const auto& operand) {
      constexpr std::size_t k = decltype(i)::value;
      const double d = second_.partial[k];
      std::array<double, lanes> t;
      for (std::size_t l = 0; l < lanes; ++l) t[l] = multiplier_tangent[l] * d;
      if constexpr (!detail::second_is_zero<Op>) {
        each_operand([&](auto j, const auto& other) {
          const double h = multiplier * hessian<k, decltype(j)::value>(x);
          for (std::size_t l = 0; l < lanes; ++l) t[l] += h * other.tangent(l);
        });
      }
      constexpr std::size_t slot = k == 0   ? I
                                   : k == 1 ? I + A::max_leaves
                                            : I + A::max_leaves + B::max_leaves;
      operand.template push_second<slot>(leaves, multiplier * d, t);
    });
  }

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
  /// f(integral_constant<k>, operand k) for each operand that reads Vars.
  template <class F>
  TAPEGRAD_INLINE void each_operand(F&& f) const {
    if constexpr (A::max_leaves > 0) f(std::integral_constant<std::size_t, 0>{}, a_);
    if constexpr (B::max_leaves > 0) f(std::integral_constant<std::size_t, 1>{}, b_);
    if constexpr (C::max_leaves > 0) f(std::integral_constant<std::size_t, 2>{}, c_);
  }
  template <std::size_t K>
  TAPEGRAD_INLINE double first(const double (&x)[3]) const noexcept {
    if constexpr (K == 0)
      return Op::d_a(x[0], x[1], x[2], value_);
    else if constexpr (K == 1)
      return Op::d_b(x[0], x[1], x[2], value_);
    else
      return Op::d_c(x[0], x[1], x[2], value_);
  }
  /// d2 Op / d x_K d x_J (symmetric).
  template <std::size_t K, std::size_t J>
  TAPEGRAD_INLINE double hessian(const double (&x)[3]) const noexcept {
    constexpr std::size_t lo = K < J ? K : J, hi = K < J ? J : K;
    if constexpr (lo == 0 && hi == 0)
      return Op::d_aa(x[0], x[1], x[2], value_);
    else if constexpr (lo == 0 && hi == 1)
      return Op::d_ab(x[0], x[1], x[2], value_);
    else if constexpr (lo == 0)
      return Op::d_ac(x[0], x[1], x[2], value_);
    else if constexpr (hi == 1)
      return Op::d_bb(x[0], x[1], x[2], value_);
    else if constexpr (lo == 1)
      return Op::d_bc(x[0], x[1], x[2], value_);
    else
      return Op::d_cc(x[0], x[1], x[2], value_);
  }

  A a_;
  B b_;
  C c_;
  double value_;
  [[no_unique_address]] detail::SecondOrderPart<3, lanes> second_;
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
