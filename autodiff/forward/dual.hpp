// SPDX-License-Identifier: MIT
// dual.hpp: forward mode. Dual<T, L> carries a value and L tangents (directional derivatives).
//
// Every function of a Dual is one row of the scalar derivatives table (ops/unary.hpp, ops/binary.hpp),
// applied by one generic routine (apply below): the value is the row's forward, each tangent is the sum of
// the row's partials times the arguments' tangents. No derivative is written here.
//
// T = double: plain forward mode (jvp, forward_jacobian); L > 1 lanes push L directions in one pass.
// T = Var: forward-over-reverse, eagerly. The value and every tangent are Vars recorded on the active
//   tape, so a reverse sweep from a tangent differentiates the directional derivative: with tangent v at
//   the inputs, the input values' adjoints are H v and the input tangents' adjoints are the gradient. hvp()
//   and hessian() use the faster second-order tape instead (second_order_var.hpp: one statement per
//   right-hand side); Dual<Var> is for code that wants Vars out, e.g. to go on differentiating them.
//   Each op records one statement for its value (partials from the row's first-derivative column) and one
//   per tangent, whose partials are the row's first derivatives (with respect to the argument tangents)
//   and its second-derivative column times the tangents (with respect to the argument values). A row
//   marked second_is_zero records no value arguments in its tangent statements.
// Kinks, ties and NaN follow the table exactly, as for Var: a Dual computes what double computes.
#pragma once

#include <array>
#include <cmath>
#include <cstddef>
#include <ostream>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>

#include "tapegrad/autodiff/ops/registry.hpp"
#include "tapegrad/autodiff/scalar/expression.hpp"
#include "tapegrad/autodiff/scalar/var.hpp"
#include "tapegrad/autodiff/tape/anomaly.hpp"

namespace tapegrad {

/// A value and L tangents. T is double (forward mode) or Var (forward-over-reverse, for Hessians).
/// Example: `Dual<double> x(2.0, 1.0); auto y = x * sin(x);  // y.tangent() = sin 2 + 2 cos 2`
template <class T, std::size_t L = 1>
class Dual {
  static_assert(std::is_same_v<T, double> || std::is_same_v<T, Var>, "Dual<T>: T is double or tapegrad::Var");
  static_assert(L >= 1, "Dual<T, L>: at least one tangent");

 public:
  using value_type = T;
  static constexpr std::size_t lanes = L;

  /// 0 with zero tangents.
  Dual() = default;
  /// A constant: the value `value`, zero tangents (for T = Var, nothing is recorded).
  Dual(double value)  // NOLINT(google-explicit-constructor): `Dual<double> s = 0.0` must work
      : value_(make_constant(value)) {}
  /// A value with the given tangents.
  Dual(const T& value, const std::array<T, L>& tangents) : value_(value), tangents_(tangents) {}
  /// A value with one tangent (L = 1).
  Dual(const T& value, const T& tangent) requires(L == 1 && std::is_same_v<T, Var>)
      : value_(value), tangents_{tangent} {}
  Dual(double value, double tangent) requires(L == 1 && std::is_same_v<T, double>)
      : value_(value), tangents_{tangent} {}

  const T& value() const noexcept { return value_; }
  const T& tangent(std::size_t lane = 0) const noexcept { return tangents_[lane]; }
  const std::array<T, L>& tangents() const noexcept { return tangents_; }
  T& value() noexcept { return value_; }
  T& tangent(std::size_t lane = 0) noexcept { return tangents_[lane]; }

  template <class B>
  Dual& operator+=(const B& b) {
    return *this = *this + b;
  }
  template <class B>
  Dual& operator-=(const B& b) {
    return *this = *this - b;
  }
  template <class B>
  Dual& operator*=(const B& b) {
    return *this = *this * b;
  }
  template <class B>
  Dual& operator/=(const B& b) {
    return *this = *this / b;
  }

 private:
  static T make_constant(double v) noexcept {
    if constexpr (std::is_same_v<T, Var>)
      return Var::constant(v);
    else
      return v;
  }

  T value_{};
  std::array<T, L> tangents_{};
};

template <class T>
inline constexpr bool is_dual_v = false;
template <class T, std::size_t L>
inline constexpr bool is_dual_v<Dual<T, L>> = true;

template <class T>
concept DualNumber = is_dual_v<std::remove_cvref_t<T>>;

/// At least one operand is a Dual, every Dual operand has the same type, the others are plain numbers.
template <class... Ts>
concept DualOperands = (DualNumber<Ts> || ...) && ((DualNumber<Ts> || Arithmetic<Ts>)&&...);

/// The value of a Dual as a double (for printing, branching, comparing).
template <class T, std::size_t L>
double value(const Dual<T, L>& x) noexcept {
  if constexpr (std::is_same_v<T, Var>)
    return x.value().value();
  else
    return x.value();
}

template <class T, std::size_t L>
std::ostream& operator<<(std::ostream& os, const Dual<T, L>& x) {
  return os << value(x);
}

namespace detail {

/// The Dual type among the operands of a DualOperands call.
template <class... Ts>
struct dual_of;
template <class T, class... Ts>
struct dual_of<T, Ts...> {
  using type = std::conditional_t<DualNumber<T>, std::remove_cvref_t<T>, typename dual_of<Ts...>::type>;
};
template <>
struct dual_of<> {
  using type = void;
};

template <class Arg>
double primal(const Arg& a) noexcept {
  if constexpr (DualNumber<Arg>)
    return tapegrad::value(a);
  else
    return static_cast<double>(a);
}

/// The row's forward, d y / d x_I and d2 y / d x_I d x_J at x (y the result), for rows of any arity.
template <class Op, std::size_t N>
double row_forward(const std::array<double, N>& x) noexcept {
  return [&]<std::size_t... I>(std::index_sequence<I...>) {
    return Op::forward(x[I]...);
  }
  (std::make_index_sequence<N>{});
}

template <class Op, std::size_t I, std::size_t N>
double row_first(const std::array<double, N>& x, double y) noexcept {
  if constexpr (N == 1) {
    return Op::derivative(x[0], y);
  } else if constexpr (N == 2) {
    if constexpr (I == 0)
      return Op::d_a(x[0], x[1], y);
    else
      return Op::d_b(x[0], x[1], y);
  } else {
    if constexpr (I == 0)
      return Op::d_a(x[0], x[1], x[2], y);
    else if constexpr (I == 1)
      return Op::d_b(x[0], x[1], x[2], y);
    else
      return Op::d_c(x[0], x[1], x[2], y);
  }
}

template <class Op, std::size_t I, std::size_t J, std::size_t N>
double row_second(const std::array<double, N>& x, double y) noexcept {
  static_assert(I <= J && J < N);
  if constexpr (N == 1) {
    return Op::second(x[0], y);
  } else if constexpr (N == 2) {
    if constexpr (I == 0 && J == 0)
      return Op::d_aa(x[0], x[1], y);
    else if constexpr (I == 0)
      return Op::d_ab(x[0], x[1], y);
    else
      return Op::d_bb(x[0], x[1], y);
  } else {
    if constexpr (I == 0 && J == 0)
      return Op::d_aa(x[0], x[1], x[2], y);
    else if constexpr (I == 0 && J == 1)
      return Op::d_ab(x[0], x[1], x[2], y);
    else if constexpr (I == 0)
      return Op::d_ac(x[0], x[1], x[2], y);
    else if constexpr (I == 1 && J == 1)
      return Op::d_bb(x[0], x[1], x[2], y);
    else if constexpr (I == 1)
      return Op::d_bc(x[0], x[1], x[2], y);
    else
      return Op::d_cc(x[0], x[1], x[2], y);
  }
}

/// d2 y / d x_I d x_J for any order of I and J (second derivatives are symmetric).
template <class Op, std::size_t I, std::size_t J, std::size_t N>
double row_hessian(const std::array<double, N>& x, double y) noexcept {
  if constexpr (I <= J)
    return row_second<Op, I, J>(x, y);
  else
    return row_second<Op, J, I>(x, y);
}

/// One statement whose partials are already computed: K Vars and d(statement)/d(each). Recorded by
/// assigning it to a Var, like any expression (merging a Var read twice, checked by the anomaly guard).
template <class Op, std::size_t K>
class DualStatement : public ExpressionBase {
 public:
  static constexpr std::size_t max_leaves = K;
  static constexpr std::string_view op_name = Op::name;

  DualStatement(const std::array<Var, K>& leaves, const std::array<double, K>& partials,
                double value) noexcept
      : leaves_(leaves), partials_(partials), value_(value) {}
  TAPEGRAD_INLINE double value() const noexcept { return value_; }

  template <std::size_t I, std::size_t N>
  TAPEGRAD_INLINE void push(Leaves<N>& leaves, double multiplier) const {
    [&]<std::size_t... J>(std::index_sequence<J...>) {
      (leaves_[J].template push<I + J>(leaves, multiplier * partials_[J]), ...);
    }
    (std::make_index_sequence<K>{});
  }
  void check_anomaly() const {
    std::array<double, K> inputs{};
    for (std::size_t j = 0; j < K; ++j) inputs[j] = leaves_[j].value();
    if (!std::isfinite(value_)) raise_forward_anomaly(Op::name, value_, inputs.data(), static_cast<int>(K));
    for (const double p : partials_)
      if (!std::isfinite(p)) raise_backward_anomaly(Op::name, p, inputs.data(), static_cast<int>(K));
  }

 private:
  std::array<Var, K> leaves_;
  std::array<double, K> partials_;
  double value_;
};

/// Positions of the Dual operands among Args, and how many there are.
template <class... Args>
struct activity {
  static constexpr std::size_t arity = sizeof...(Args);
  static constexpr std::array<bool, arity> active{DualNumber<Args>...};
  static constexpr std::size_t count = (std::size_t{DualNumber<Args>} + ...);
  static constexpr std::array<std::size_t, count> positions = [] {
    std::array<std::size_t, count> p{};
    std::size_t k = 0;
    for (std::size_t i = 0; i < arity; ++i)
      if (active[i]) p[k++] = i;
    return p;
  }();
};

}  // namespace detail

/// Applies the table row Op to Duals and plain numbers (at least one Dual): value, tangents and, for
/// Dual<Var>, their statements on the active tape. The one routine behind every function below.
template <class Op, class... Args>
requires DualOperands<Args...>
auto apply(const Args&... args) {
  static_assert(ops::is_registered<Op>, "tapegrad: add this op to the derivatives table (ops/registry.hpp)");
  using D = typename detail::dual_of<Args...>::type;
  static_assert(((!DualNumber<Args> || std::is_same_v<std::remove_cvref_t<Args>, D>)&&...),
                "tapegrad: the Dual operands of one call must have the same type");
  using T = typename D::value_type;
  constexpr std::size_t L = D::lanes;
  using Act = detail::activity<Args...>;
  constexpr std::size_t K = Act::count;

  const auto operands = std::tie(args...);
  const std::array<double, Act::arity> x{detail::primal(args)...};
  const double y = detail::row_forward<Op>(x);
  // d y / d (each active operand), in the order of Act::positions.
  const std::array<double, K> first = [&]<std::size_t... J>(std::index_sequence<J...>) {
    return std::array<double, K>{detail::row_first<Op, Act::positions[J]>(x, y)...};
  }
  (std::make_index_sequence<K>{});
  // Tangent `lane` of active operand J, as a double.
  const auto tangent_value = [&]<std::size_t J>(std::integral_constant<std::size_t, J>, std::size_t lane) {
    const auto& t = std::get<Act::positions[J]>(operands).tangent(lane);
    if constexpr (std::is_same_v<T, Var>)
      return t.value();
    else
      return t;
  };

  D result;
  if constexpr (std::is_same_v<T, double>) {
    result.value() = y;
    for (std::size_t lane = 0; lane < L; ++lane)
      result.tangent(lane) = [&]<std::size_t... J>(std::index_sequence<J...>) {
        return ((first[J] * tangent_value(std::integral_constant<std::size_t, J>{}, lane)) + ...);
      }
    (std::make_index_sequence<K>{});
  } else {
    static_assert(ops::has_second_derivative<Op>,
                  "tapegrad: this row has no second derivatives (add `second`, `d_aa d_ab d_bb`, or "
                  "`second_is_zero = true` to it in ops/)");
    const std::array<Var, K> values = [&]<std::size_t... J>(std::index_sequence<J...>) {
      return std::array<Var, K>{std::get<Act::positions[J]>(operands).value()...};
    }
    (std::make_index_sequence<K>{});
    result.value() = Var(detail::DualStatement<Op, K>(values, first, y));
    for (std::size_t lane = 0; lane < L; ++lane) {
      const std::array<double, K> t = [&]<std::size_t... J>(std::index_sequence<J...>) {
        return std::array<double, K>{tangent_value(std::integral_constant<std::size_t, J>{}, lane)...};
      }
      (std::make_index_sequence<K>{});
      double tangent = 0.0;
      for (std::size_t j = 0; j < K; ++j) tangent += first[j] * t[j];
      const std::array<Var, K> tangents = [&]<std::size_t... J>(std::index_sequence<J...>) {
        return std::array<Var, K>{std::get<Act::positions[J]>(operands).tangent(lane)...};
      }
      (std::make_index_sequence<K>{});
      if constexpr (requires { requires Op::second_is_zero; }) {
        result.tangent(lane) = Var(detail::DualStatement<Op, K>(tangents, first, tangent));
      } else {
        // d tangent / d value_I = sum_J d2y / dx_I dx_J * t_J.
        const std::array<double, K> curvature = [&]<std::size_t... I>(std::index_sequence<I...>) {
          const auto row = [&]<std::size_t Ii>(std::integral_constant<std::size_t, Ii>) {
            return [&]<std::size_t... J>(std::index_sequence<J...>) {
              return ((detail::row_hessian<Op, Act::positions[Ii], Act::positions[J]>(x, y) * t[J]) + ...);
            }
            (std::make_index_sequence<K>{});
          };
          return std::array<double, K>{row(std::integral_constant<std::size_t, I>{})...};
        }
        (std::make_index_sequence<K>{});
        std::array<Var, 2 * K> leaves;
        std::array<double, 2 * K> partials{};
        for (std::size_t j = 0; j < K; ++j) {
          leaves[j] = values[j];
          partials[j] = curvature[j];
          leaves[K + j] = tangents[j];
          partials[K + j] = first[j];
        }
        result.tangent(lane) = Var(detail::DualStatement<Op, 2 * K>(leaves, partials, tangent));
      }
    }
  }
  return result;
}

// The front end: the same spellings as for Var (math.hpp), each naming its row. Found by
// argument-dependent lookup, so templated code that says `using std::sin; sin(x)` works for Duals.
// One line per function reads as the table it is.
// clang-format off
template <class A, class B> requires DualOperands<A, B>
auto operator+(const A& a, const B& b) { return apply<ops::Add>(a, b); }
template <class A, class B> requires DualOperands<A, B>
auto operator-(const A& a, const B& b) { return apply<ops::Sub>(a, b); }
template <class A, class B> requires DualOperands<A, B>
auto operator*(const A& a, const B& b) { return apply<ops::Mul>(a, b); }
template <class A, class B> requires DualOperands<A, B>
auto operator/(const A& a, const B& b) { return apply<ops::Div>(a, b); }
template <DualNumber A> auto operator-(const A& a) { return apply<ops::Neg>(a); }
template <DualNumber A> A operator+(const A& a) { return a; }

// Comparisons compare values and record nothing.
template <class A, class B> requires DualOperands<A, B>
bool operator==(const A& a, const B& b) { return detail::primal(a) == detail::primal(b); }
template <class A, class B> requires DualOperands<A, B>
bool operator!=(const A& a, const B& b) { return detail::primal(a) != detail::primal(b); }
template <class A, class B> requires DualOperands<A, B>
bool operator<(const A& a, const B& b) { return detail::primal(a) < detail::primal(b); }
template <class A, class B> requires DualOperands<A, B>
bool operator<=(const A& a, const B& b) { return detail::primal(a) <= detail::primal(b); }
template <class A, class B> requires DualOperands<A, B>
bool operator>(const A& a, const B& b) { return detail::primal(a) > detail::primal(b); }
template <class A, class B> requires DualOperands<A, B>
bool operator>=(const A& a, const B& b) { return detail::primal(a) >= detail::primal(b); }

template <DualNumber A> auto sin(const A& a) { return apply<ops::Sin>(a); }
template <DualNumber A> auto cos(const A& a) { return apply<ops::Cos>(a); }
template <DualNumber A> auto tan(const A& a) { return apply<ops::Tan>(a); }
template <DualNumber A> auto asin(const A& a) { return apply<ops::Asin>(a); }
template <DualNumber A> auto acos(const A& a) { return apply<ops::Acos>(a); }
template <DualNumber A> auto atan(const A& a) { return apply<ops::Atan>(a); }
template <DualNumber A> auto sinh(const A& a) { return apply<ops::Sinh>(a); }
template <DualNumber A> auto cosh(const A& a) { return apply<ops::Cosh>(a); }
template <DualNumber A> auto tanh(const A& a) { return apply<ops::Tanh>(a); }
template <DualNumber A> auto asinh(const A& a) { return apply<ops::Asinh>(a); }
template <DualNumber A> auto acosh(const A& a) { return apply<ops::Acosh>(a); }
template <DualNumber A> auto atanh(const A& a) { return apply<ops::Atanh>(a); }
template <DualNumber A> auto exp(const A& a) { return apply<ops::Exp>(a); }
template <DualNumber A> auto exp2(const A& a) { return apply<ops::Exp2>(a); }
template <DualNumber A> auto expm1(const A& a) { return apply<ops::Expm1>(a); }
template <DualNumber A> auto log(const A& a) { return apply<ops::Log>(a); }
template <DualNumber A> auto log2(const A& a) { return apply<ops::Log2>(a); }
template <DualNumber A> auto log10(const A& a) { return apply<ops::Log10>(a); }
template <DualNumber A> auto log1p(const A& a) { return apply<ops::Log1p>(a); }
template <DualNumber A> auto sqrt(const A& a) { return apply<ops::Sqrt>(a); }
template <DualNumber A> auto cbrt(const A& a) { return apply<ops::Cbrt>(a); }
template <DualNumber A> auto abs(const A& a) { return apply<ops::Abs>(a); }
template <DualNumber A> auto fabs(const A& a) { return apply<ops::Abs>(a); }
template <DualNumber A> auto erf(const A& a) { return apply<ops::Erf>(a); }
template <DualNumber A> auto erfc(const A& a) { return apply<ops::Erfc>(a); }
template <DualNumber A> auto tgamma(const A& a) { return apply<ops::Tgamma>(a); }
template <DualNumber A> auto lgamma(const A& a) { return apply<ops::Lgamma>(a); }
template <DualNumber A> auto floor(const A& a) { return apply<ops::Floor>(a); }
template <DualNumber A> auto ceil(const A& a) { return apply<ops::Ceil>(a); }
template <DualNumber A> auto round(const A& a) { return apply<ops::Round>(a); }
template <DualNumber A> auto trunc(const A& a) { return apply<ops::Trunc>(a); }
template <DualNumber A> auto sigmoid(const A& a) { return apply<ops::Sigmoid>(a); }
template <DualNumber A> auto softplus(const A& a) { return apply<ops::Softplus>(a); }
template <DualNumber A> auto relu(const A& a) { return apply<ops::Relu>(a); }

template <class A, class B> requires DualOperands<A, B>
auto pow(const A& a, const B& b) { return apply<ops::Pow>(a, b); }
template <class A, class B> requires DualOperands<A, B>
auto atan2(const A& a, const B& b) { return apply<ops::Atan2>(a, b); }
template <class A, class B> requires DualOperands<A, B>
auto hypot(const A& a, const B& b) { return apply<ops::Hypot>(a, b); }
template <class A, class B> requires DualOperands<A, B>
auto fmin(const A& a, const B& b) { return apply<ops::Fmin>(a, b); }
template <class A, class B> requires DualOperands<A, B>
auto fmax(const A& a, const B& b) { return apply<ops::Fmax>(a, b); }
template <class A, class B> requires DualOperands<A, B>
auto min(const A& a, const B& b) { return apply<ops::Min>(a, b); }
template <class A, class B> requires DualOperands<A, B>
auto max(const A& a, const B& b) { return apply<ops::Max>(a, b); }
// As for Var: as specialised as std::min<T>/std::max<T> and more constrained, so `using std::max;
// max(x, y)` picks these (with the table's tie rule).
template <DualNumber A> auto min(const A& a, const A& b) { return apply<ops::Min>(a, b); }
template <DualNumber A> auto max(const A& a, const A& b) { return apply<ops::Max>(a, b); }
template <class A, class B, class C> requires DualOperands<A, B, C>
auto fma(const A& a, const B& b, const C& c) { return apply<ops::Fma>(a, b, c); }

template <DualNumber A> bool isnan(const A& a) { return std::isnan(value(a)); }
template <DualNumber A> bool isinf(const A& a) { return std::isinf(value(a)); }
template <DualNumber A> bool isfinite(const A& a) { return std::isfinite(value(a)); }
template <DualNumber A> bool signbit(const A& a) { return std::signbit(value(a)); }
// clang-format on

}  // namespace tapegrad
