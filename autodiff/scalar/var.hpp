// SPDX-License-Identifier: MIT
// var.hpp: Var, the scalar that records what is computed with it.
//
// A Var is a handle of 16 bytes: its value, its linear index on the tape (0 for a constant) and the
// generation of the recording it belongs to (so a Var kept past Tape::clear() is caught, not
// silently misread). Constructing a Var from a double records an input; assigning an expression
// records one statement (see expression.hpp); copying a Var records nothing.
#pragma once

#include <cmath>
#include <cstdint>
#include <ostream>
#include <span>

#include "tapegrad/autodiff/core/error.hpp"
#include "tapegrad/autodiff/scalar/expression.hpp"
#include "tapegrad/autodiff/tape/tape.hpp"

namespace tapegrad {

class Var : public ExpressionBase {
 public:
  static constexpr std::size_t max_leaves = 1;
  static constexpr std::string_view op_name = "var";

  /// A constant 0: nothing is recorded, and it never receives a gradient.
  constexpr Var() noexcept = default;

  /// An input (independent variable) on the active tape: its gradient is read with grad().
  /// Example: `Var x = 2.0; Var y = x * x; y.backward(); x.grad();  // 4`
  Var(double value) : value_(value) {  // NOLINT(google-explicit-constructor): Var x = 2.0 must work
    const detail::Recorded recorded = Tape::record_input(value);
    index_ = recorded.index;
    generation_ = recorded.generation;
  }

  /// Records expression `e` as one statement on the active tape.
  /// Throws TapeError if `e` reads a Var of a cleared, destroyed or other live tape.
  template <Expression E>
  requires(!std::is_same_v<std::remove_cvref_t<E>, Var> && detail::lanes_of<E> == 0) TAPEGRAD_INLINE
      Var(const E& e)
      : value_(e.value()) {  // NOLINT(google-explicit-constructor): Var y = x * x must work
    const detail::Recorded recorded = Tape::record(e);
    index_ = recorded.index;
    generation_ = recorded.generation;
  }

  /// A Var that holds `value` but is never recorded (a constant), for templated code that needs a T.
  static Var constant(double value) noexcept {
    Var v;
    v.value_ = value;
    return v;
  }

  /// A Var for a statement already on the active tape, such as the result of an external record
  /// (see Tape::emplace_external): its adjoint is what that record's backward() reads.
  static Var from_statement(double value, std::uint32_t index) {
    Var v;
    v.value_ = value;
    v.index_ = index;
    v.generation_ = Tape::active().generation();
    return v;
  }

  Var& operator=(double value) { return *this = Var(value); }
  template <Expression E>
  requires(!std::is_same_v<std::remove_cvref_t<E>, Var> && detail::lanes_of<E> == 0) TAPEGRAD_INLINE Var&
  operator=(const E& e) {
    return *this = Var(e);
  }

  template <class T>
  TAPEGRAD_INLINE Var& operator+=(const T& rhs) {
    return *this = *this + rhs;
  }
  template <class T>
  TAPEGRAD_INLINE Var& operator-=(const T& rhs) {
    return *this = *this - rhs;
  }
  template <class T>
  TAPEGRAD_INLINE Var& operator*=(const T& rhs) {
    return *this = *this * rhs;
  }
  template <class T>
  TAPEGRAD_INLINE Var& operator/=(const T& rhs) {
    return *this = *this / rhs;
  }

  TAPEGRAD_INLINE double value() const noexcept { return value_; }
  explicit operator double() const noexcept { return value_; }

  /// dOutput/dThis accumulated by backward() calls since the last zero_grad(); 0 for constants.
  /// Meaningful for inputs: an intermediate's adjoint is consumed by the sweep that passes it.
  /// Throws TapeError if this Var's recording was cleared or its tape destroyed.
  double grad() const {
    // The usual case, a Var of the active tape read after backward(), costs one test; the rest
    // (constants, other tapes, stale Vars, no backward() yet) is out of line.
    const detail::TapeHead& head = *detail::active_head;
    if (generation_ == head.generation && index_ < head.adjoint_count) [[likely]]
      return head.adjoints[index_];
    return Tape::adjoint_of(index_, generation_);
  }

  /// Seeds d(this)/d(this) = 1 and sweeps the tape backwards; see Tape::backward_from.
  /// Throws TapeError on a constant or on a Var whose recording is gone.
  void backward() const {
    TAPEGRAD_CHECK(index_ != 0, TapeError,
                   "backward: this Var is a constant (it depends on no recorded input), value ", value_);
    Tape::owner_of(generation_, "backward").backward_from(index_, 1.0);
  }

  /// True for a Var that is recorded on a tape (an input or a result of one); false for a constant.
  bool is_recorded() const noexcept { return index_ != 0; }
  std::uint32_t index() const noexcept { return index_; }
  std::uint32_t generation() const noexcept { return generation_; }

  friend void make_inputs(std::span<const double> values, std::span<Var> vars);
  friend void gradients(std::span<const Var> vars, std::span<double> out);

  /// A Var is one leaf: it fills slot I with its partial.
  template <std::size_t I, std::size_t N>
  TAPEGRAD_INLINE void push(detail::Leaves<N>& leaves, double multiplier) const {
    leaves.template set<I>(index_, generation_, value_, multiplier);
  }
  TAPEGRAD_INLINE void check_anomaly() const {}

 private:
  double value_ = 0.0;
  std::uint32_t index_ = 0;
  std::uint32_t generation_ = 0;
};

template <class Derived>
void ExpressionOps<Derived>::backward() const {
  Var(static_cast<const Derived&>(*this)).backward();
}

/// vars[i] = Var(values[i]) for every i, in order, recorded in one pass over the tape instead of one test
/// and a possible call per input: for a model's or a problem's many unknowns. Throws ShapeError unless the
/// two sizes agree, DomainError for a non-finite value while an AnomalyGuard is alive.
/// Example: `std::vector<Var> x(n); make_inputs(values, x);`
inline void make_inputs(std::span<const double> values, std::span<Var> vars) {
  TAPEGRAD_CHECK(values.size() == vars.size(), ShapeError, "make_inputs: ", values.size(), " values but ",
                 vars.size(), " Vars");
  const detail::Recorded first = Tape::record_inputs(values);
  for (std::size_t i = 0; i < vars.size(); ++i) {
    vars[i].value_ = values[i];
    vars[i].index_ = first.index + static_cast<std::uint32_t>(i);
    vars[i].generation_ = first.generation;
  }
}

/// out[i] = vars[i].grad() for every i: one test over all of them, then a copy, where a loop of grad()
/// tests each. Throws ShapeError unless the sizes agree, and as grad() does for a stale Var.
inline void gradients(std::span<const Var> vars, std::span<double> out) {
  TAPEGRAD_CHECK(vars.size() == out.size(), ShapeError, "gradients: ", vars.size(), " Vars but ", out.size(),
                 " outputs");
  const detail::TapeHead& head = *detail::active_head;
  bool all_swept = true;  // every Var of the active recording, with an adjoint from its last backward()
  for (const Var& v : vars) all_swept &= (v.generation_ == head.generation) & (v.index_ < head.adjoint_count);
  if (all_swept) {
    for (std::size_t i = 0; i < vars.size(); ++i) out[i] = head.adjoints[vars[i].index_];
  } else {
    for (std::size_t i = 0; i < vars.size(); ++i) out[i] = vars[i].grad();
  }
}

/// The value of a Var, an expression or a plain number: lets templated code print or branch on T.
inline double value(double x) noexcept {
  return x;
}
template <Expression E>
double value(const E& e) noexcept {
  return e.value();
}

inline std::ostream& operator<<(std::ostream& os, const Var& v) {
  return os << v.value();
}

}  // namespace tapegrad
