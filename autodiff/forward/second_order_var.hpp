// SPDX-License-Identifier: MIT
// second_order_var.hpp: SecondOrderVar<L>, the scalar of forward-over-reverse on the second-order tape.
//
// A handle like Var (value, index, generation) that also carries L tangents: directional derivatives of
// its value along L directions set on the inputs. It is a leaf of the same expression templates as Var
// (scalar/expression.hpp, math.hpp: every function of the derivatives table, the same ADL spellings and
// kink conventions), whose nodes then also carry tangents; assigning an expression records ONE statement
// on the active SecondOrderTape<L>, each argument with its partial and the partial's tangents. After
// backward() from the output, an input's grad() is the gradient and grad_tangent(l) is (H v_l), v_l the
// inputs' tangents in lane l. hvp() and hessian() (drivers.hpp) run f on it.
// An expression mixing Var and SecondOrderVar does not compile.
#pragma once

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <ostream>
#include <string_view>
#include <type_traits>

#include "tapegrad/autodiff/core/error.hpp"
#include "tapegrad/autodiff/forward/second_order_tape.hpp"
#include "tapegrad/autodiff/scalar/expression.hpp"
#include "tapegrad/autodiff/tape/anomaly.hpp"

namespace tapegrad {

/// A scalar recorded for second derivatives, with L tangent lanes.
/// Example: `SecondOrderTape<> tape; SecondOrderVar<> x(2.0, 1.0); SecondOrderVar<> y = x * sin(x);
///   y.backward(); x.grad();  // f'(2)    x.grad_tangent();  // f''(2)`
template <std::size_t L = 1>
class SecondOrderVar : public ExpressionBase {
  static_assert(L >= 1, "SecondOrderVar<L>: at least one tangent lane");

 public:
  static constexpr std::size_t max_leaves = 1;
  static constexpr std::size_t lanes = L;
  static constexpr std::string_view op_name = "second-order var";

  /// A constant 0: nothing is recorded.
  SecondOrderVar() = default;
  /// A constant: zero tangents, nothing recorded (as Dual(double); `T s = 0.0` in templated code).
  SecondOrderVar(double value) noexcept  // NOLINT(google-explicit-constructor): `T s = 0.0` must work
      : value_(value) {}
  /// An input with the given tangents (one direction per lane), recorded on the active SecondOrderTape<L>.
  /// Throws DomainError for a non-finite value or tangent while an AnomalyGuard is alive.
  SecondOrderVar(double value, const std::array<double, L>& tangents) : value_(value), tangents_(tangents) {
    if (detail::anomaly_depth != 0) {
      detail::check_result("input", value, {value});
      for (const double t : tangents) detail::check_result("input tangent", t, {value});
    }
    const detail::Recorded r = SecondOrderTape<L>::record_input();
    index_ = r.index;
    generation_ = r.generation;
  }
  /// An input with one tangent (L = 1).
  SecondOrderVar(double value, double tangent) requires(L == 1)
      : SecondOrderVar(value, std::array<double, 1>{tangent}) {}

  /// Records expression `e` as one statement (see the top of this file).
  template <Expression E>
  requires(!std::is_same_v<std::remove_cvref_t<E>, SecondOrderVar> &&
           detail::lanes_of<E> == L) TAPEGRAD_INLINE
      SecondOrderVar(const E& e)  // NOLINT(google-explicit-constructor): T y = x * x
      : value_(e.value()) {
    for (std::size_t l = 0; l < L; ++l) tangents_[l] = e.tangent(l);
    const detail::Recorded r = SecondOrderTape<L>::record(e);
    index_ = r.index;
    generation_ = r.generation;
  }

  SecondOrderVar& operator=(double value) noexcept { return *this = SecondOrderVar(value); }
  template <Expression E>
  requires(!std::is_same_v<std::remove_cvref_t<E>, SecondOrderVar> &&
           detail::lanes_of<E> == L) TAPEGRAD_INLINE SecondOrderVar&
  operator=(const E& e) {
    return *this = SecondOrderVar(e);
  }
  template <class T>
  TAPEGRAD_INLINE SecondOrderVar& operator+=(const T& rhs) {
    return *this = *this + rhs;
  }
  template <class T>
  TAPEGRAD_INLINE SecondOrderVar& operator-=(const T& rhs) {
    return *this = *this - rhs;
  }
  template <class T>
  TAPEGRAD_INLINE SecondOrderVar& operator*=(const T& rhs) {
    return *this = *this * rhs;
  }
  template <class T>
  TAPEGRAD_INLINE SecondOrderVar& operator/=(const T& rhs) {
    return *this = *this / rhs;
  }

  TAPEGRAD_INLINE double value() const noexcept { return value_; }
  explicit operator double() const noexcept { return value_; }
  /// The directional derivative of the value along the inputs' tangents in lane `lane`.
  TAPEGRAD_INLINE double tangent(std::size_t lane = 0) const noexcept { return tangents_[lane]; }
  const std::array<double, L>& tangents() const noexcept { return tangents_; }

  /// After backward(): d output / d this (for an input: the gradient); 0 for a constant.
  /// Throws TapeError unless this Var's recording is the active tape's current one.
  double grad() const {
    if (index_ == 0) return 0.0;
    return owner("grad").adjoint(index_);
  }
  /// After backward(): the tangent of grad() in lane `lane`; for an input, (H v_lane) at this input.
  double grad_tangent(std::size_t lane = 0) const {
    if (index_ == 0) return 0.0;
    return owner("grad_tangent").adjoint_tangent(index_, lane);
  }
  /// Sweeps the tape back from this Var with adjoint (1, 0). Throws TapeError for a constant or a stale Var.
  void backward() const {
    TAPEGRAD_CHECK(index_ != 0, TapeError,
                   "backward: this SecondOrderVar is a constant (it depends on no recorded input), value ",
                   value_);
    owner("backward").backward_from(index_, 1.0);
  }

  bool is_recorded() const noexcept { return index_ != 0; }
  std::uint32_t index() const noexcept { return index_; }
  std::uint32_t generation() const noexcept { return generation_; }

  /// A leaf: fills slot I with the partial and its tangents.
  template <std::size_t I, class Leaves>
  TAPEGRAD_INLINE void push_second(Leaves& leaves, double multiplier,
                                   const std::array<double, L>& multiplier_tangent) const noexcept {
    leaves.template set<I>(index_, generation_, multiplier, multiplier_tangent);
  }
  TAPEGRAD_INLINE void check_anomaly() const {}

 private:
  SecondOrderTape<L>& owner(std::string_view op) const {
    SecondOrderTape<L>& tape = SecondOrderTape<L>::active();
    TAPEGRAD_CHECK(tape.generation() == generation_, TapeError, op,
                   ": this SecondOrderVar belongs to a recording that was cleared, to a destroyed tape or to "
                   "a SecondOrderTape that is not the active one (generation ",
                   generation_, ", active ", tape.generation(), ")");
    return tape;
  }

  double value_ = 0.0;
  std::array<double, L> tangents_{};
  std::uint32_t index_ = 0;
  std::uint32_t generation_ = 0;
};

template <std::size_t L>
std::ostream& operator<<(std::ostream& os, const SecondOrderVar<L>& x) {
  return os << x.value();
}

}  // namespace tapegrad
