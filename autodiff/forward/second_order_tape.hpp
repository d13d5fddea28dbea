// SPDX-License-Identifier: MIT
// second_order_tape.hpp: the tape of forward-over-reverse, one statement per right-hand side.
//
// A statement of the first-order tape (tape/tape.hpp) holds, per argument, its index and the partial
// d(lhs)/d(argument). Here each argument also holds the partial's tangents: its directional derivatives
// along the L tangent lanes the inputs carry. They come from the same expression tree as the partial,
// by the product rule over the rows' first and second derivatives (scalar/expression.hpp, push_second),
// so `y = x[i + 1] - x[i] * x[i]` is still one statement of two arguments, not one statement per
// operation and lane (the eager Dual<Var> of forward/dual.hpp records 2 per operation).
//
// The reverse sweep carries, per statement, the adjoint and its L tangents:
//   adjoint(arg)           += adjoint(lhs) * partial
//   adjoint_tangent(arg)_l += adjoint_tangent(lhs)_l * partial + adjoint(lhs) * partial_tangent_l
// Seeded with (1, 0) at the output, an input's adjoint is the gradient and its adjoint tangent in lane l
// is (H v_l): the Hessian times the direction that lane l of the inputs' tangents holds.
//
// A statement that is affine in its leaves (its partials are constants: `z + w * 0.5`, `q[i] - f[i]`; known
// at compile time, expression.hpp's `affine`) has zero partial tangents, and is recorded with (index,
// partial) pairs only, 12 bytes per argument instead of 12 + 8 L; its count's high bit says so.
//
// Storage: one flat array of argument counts and one byte stream of arguments, grown by doubling and kept
// by clear(), so a steady-state loop allocates nothing; adjoints are (1 + L) doubles per statement.
// A sweep consumes (zeroes) the adjoints it passes, so clear() zeroes only those of inputs.
#pragma once

#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "tapegrad/autodiff/core/error.hpp"
#include "tapegrad/autodiff/core/inline.hpp"
#include "tapegrad/autodiff/tape/anomaly.hpp"
#include "tapegrad/autodiff/tape/tape.hpp"

namespace tapegrad {

template <std::size_t L>
class SecondOrderTape;

namespace detail {

/// One argument of a second-order statement: index, partial and the partial's L tangents (packed, one
/// stream to write and to read back, as the first-order Arg).
template <std::size_t L>
struct [[gnu::packed]] SecondOrderArg {
  std::uint32_t index;
  double partial;
  double partial_tangent[L];
};

/// Merges arguments [begin, begin + n) in place: drops constants (index 0), folds a repeated index into
/// its first occurrence (partials and partial tangents add). Returns how many remain.
template <std::size_t L>
std::size_t merge_second_order(SecondOrderArg<L>* begin, std::size_t n) noexcept {
  std::size_t kept = 0;
  for (std::size_t j = 0; j < n; ++j) {
    if (begin[j].index == 0) continue;
    std::size_t i = 0;
    while (i < kept && begin[i].index != begin[j].index) ++i;
    if (i < kept) {
      begin[i].partial += begin[j].partial;
      for (std::size_t l = 0; l < L; ++l) begin[i].partial_tangent[l] += begin[j].partial_tangent[l];
    } else {
      begin[kept++] = begin[j];
    }
  }
  return kept;
}

/// The N leaves of one second-order expression, by compile-time slot (as Leaves in tape/leaves.hpp).
template <std::size_t N, std::size_t L>
struct SecondOrderLeaves {
  static constexpr std::size_t kMergeOnRegisters = 8;

  std::uint32_t index[N];
  std::uint32_t generation[N];
  double partial[N];
  std::array<double, L> partial_tangent[N];

  template <std::size_t I>
  TAPEGRAD_INLINE void set(std::uint32_t var_index, std::uint32_t var_generation, double var_partial,
                           const std::array<double, L>& var_partial_tangent) noexcept {
    static_assert(I < N);
    index[I] = var_index;
    generation[I] = var_generation;
    partial[I] = var_partial;
    partial_tangent[I] = var_partial_tangent;
  }

  /// True if every leaf belongs to the recording `active`: no constant, no stale or foreign Var.
  TAPEGRAD_INLINE bool all_of(std::uint32_t active) const noexcept {
    return [&]<std::size_t... I>(std::index_sequence<I...>) {
      return ((generation[I] ^ active) | ...) == 0;
    }
    (std::make_index_sequence<N>{});
  }

  /// Throws TapeError naming `op` for a leaf of another recording; constants (index 0) pass.
  void check_foreign(std::uint32_t active, std::string_view op) const {
    for (std::size_t i = 0; i < N; ++i)
      TAPEGRAD_CHECK(generation[i] == active || index[i] == 0, TapeError, op,
                     ": reads a SecondOrderVar of a recording that was cleared, of a destroyed tape or of "
                     "another SecondOrderTape (generation ",
                     generation[i], ", active ", active, "); record one computation on one tape");
  }

  /// Anomaly guard: throws DomainError for a non-finite partial tangent.
  void check_tangents(std::string_view op) const {
    for (std::size_t i = 0; i < N; ++i)
      for (const double t : partial_tangent[i])
        if (!std::isfinite(t)) raise_backward_anomaly(op, t, partial + i, 1);
  }

  /// Writes the leaves as arguments at `out` (room for N), a leaf read twice as one argument; returns
  /// the count. For leaves that all_of() accepted.
  TAPEGRAD_INLINE std::size_t write_merged(SecondOrderArg<L>* out) noexcept {
    if constexpr (N > kMergeOnRegisters) {
      return merge_second_order(write_all(out), N);
    } else {
      return [&]<std::size_t... J>(std::index_sequence<J...>) {
        const bool folded[] = {fold_into_earlier<J>()...};
        std::size_t n = 0;
        ((folded[J] ? void() : void(write_one<J>(out[n++]))), ...);
        return n;
      }
      (std::make_index_sequence<N>{});
    }
  }

  /// As write_merged, without the partial tangents (for an affine expression, where they are all zero).
  TAPEGRAD_INLINE std::size_t write_merged_affine(Arg* out) noexcept {
    if constexpr (N > kMergeOnRegisters) {
      for (std::size_t j = 0; j < N; ++j) out[j] = Arg{index[j], partial[j]};
      return merge_arguments(out, N);
    } else {
      return [&]<std::size_t... J>(std::index_sequence<J...>) {
        const bool folded[] = {fold_partial_into_earlier<J>()...};
        std::size_t n = 0;
        ((folded[J] ? void() : void(out[n++] = Arg{index[J], partial[J]})), ...);
        return n;
      }
      (std::make_index_sequence<N>{});
    }
  }

  /// Writes every leaf as an argument, unmerged; returns `out`.
  TAPEGRAD_INLINE SecondOrderArg<L>* write_all(SecondOrderArg<L>* out) const noexcept {
    [&]<std::size_t... J>(std::index_sequence<J...>) {
      (write_one<J>(out[J]), ...);
    }
    (std::make_index_sequence<N>{});
    return out;
  }

 private:
  template <std::size_t J>
  TAPEGRAD_INLINE void write_one(SecondOrderArg<L>& out) const noexcept {
    out.index = index[J];
    out.partial = partial[J];
    for (std::size_t l = 0; l < L; ++l) out.partial_tangent[l] = partial_tangent[J][l];
  }

  template <std::size_t J, std::size_t I = 0>
  TAPEGRAD_INLINE bool fold_partial_into_earlier() noexcept {
    if constexpr (I == J) {
      return false;
    } else {
      if (index[I] == index[J]) {
        partial[I] += partial[J];
        return true;
      }
      return fold_partial_into_earlier<J, I + 1>();
    }
  }

  template <std::size_t J, std::size_t I = 0>
  TAPEGRAD_INLINE bool fold_into_earlier() noexcept {
    if constexpr (I == J) {
      return false;
    } else {
      if (index[I] == index[J]) {
        partial[I] += partial[J];
        for (std::size_t l = 0; l < L; ++l) partial_tangent[I][l] += partial_tangent[J][l];
        return true;
      }
      return fold_into_earlier<J, I + 1>();
    }
  }
};

/// The hot state of the active SecondOrderTape<L>: where the next statement goes. A thread without one
/// points at an empty head (no room), so its first statement takes the slow path, which creates the
/// thread's default tape.
/// A count's high bit: the statement's arguments are (index, partial) pairs (an affine expression).
inline constexpr std::uint32_t kAffineStatement = 0x80;
inline constexpr std::size_t kMaxSecondOrderArguments = 127;

template <std::size_t L>
struct SecondOrderHead {
  std::byte* arg = nullptr;        // where the next statement's arguments go
  std::byte* arg_end = nullptr;    // room ends here
  ArgCount* count = nullptr;       // the next statement's argument count
  ArgCount* count_base = nullptr;  // a statement's index is its count's distance from here
  std::uint32_t generation = 0;

  TAPEGRAD_INLINE std::uint32_t next_index() const noexcept {
    return static_cast<std::uint32_t>(count - count_base);
  }
};

template <std::size_t L>
inline constinit SecondOrderHead<L> no_second_order_tape{};
template <std::size_t L>
inline constinit thread_local SecondOrderHead<L>* active_second_order_head = &no_second_order_tape<L>;
template <std::size_t L>
inline constinit thread_local SecondOrderTape<L>* active_second_order_tape = nullptr;
/// Generations of second-order recordings (one counter for every L; 0 means "constant").
inline std::atomic<std::uint32_t> second_order_generations{0};
/// Where the slow path gathers a statement's arguments, unmerged.
template <std::size_t L>
inline constinit thread_local SecondOrderArg<L> second_order_gathered[kMaxArguments] = {};

}  // namespace detail

/// A recording for forward-over-reverse with L tangent lanes (see the top of this file). Constructing
/// one makes it the thread's active SecondOrderTape<L> until it is destroyed (nested tapes restore the
/// previous one); SecondOrderVar<L> records on it. A tape belongs to the thread that created it.
/// Usually managed by hvp() and hessian() (forward/drivers.hpp).
template <std::size_t L = 1>
class SecondOrderTape {
  static_assert(L >= 1 && L <= 64, "SecondOrderTape<L>: 1 to 64 tangent lanes");

 public:
  static constexpr std::size_t lanes = L;

  SecondOrderTape()
      : previous_tape_(detail::active_second_order_tape<L>),
        previous_head_(detail::active_second_order_head<L>) {
    head_.generation = new_generation();
    detail::active_second_order_tape<L> = this;
    detail::active_second_order_head<L> = &head_;
  }
  ~SecondOrderTape() {
    if (detail::active_second_order_tape<L> == this) {
      detail::active_second_order_tape<L> = previous_tape_;
      detail::active_second_order_head<L> = previous_head_;
    }
  }
  SecondOrderTape(const SecondOrderTape&) = delete;
  SecondOrderTape& operator=(const SecondOrderTape&) = delete;

  /// The tape SecondOrderVar<L> records on now (the thread's default one if none was constructed).
  static SecondOrderTape& active() {
    SecondOrderTape* tape = detail::active_second_order_tape<L>;
    return tape != nullptr ? *tape : thread_default();
  }

  /// Forgets the recording (every SecondOrderVar of it becomes stale) but keeps the memory.
  void clear() {
    zero_input_adjoints();
    head_.generation = new_generation();
    if (!counts_) return;
    head_.arg = args_.get();
    head_.count = head_.count_base + 1;  // index 0 means "constant"
  }

  std::uint32_t generation() const noexcept { return head_.generation; }

  /// Sizes of the recording: statements (inputs included) and argument slots.
  TapeStats stats() const noexcept {
    TapeStats s;
    if (!counts_) return s;
    s.statements = head_.next_index() - 1;
    for (std::size_t i = 1; i <= s.statements; ++i)
      s.arguments +=
          std::max<std::size_t>(1, static_cast<std::uint32_t>(counts_[i]) & ~detail::kAffineStatement);
    s.blocks = 1;
    return s;
  }
  /// Bytes of recording used: one count per statement and the argument stream.
  std::size_t bytes() const noexcept {
    return counts_ ? head_.next_index() - 1 + static_cast<std::size_t>(head_.arg - args_.get()) : 0;
  }

  /// The reverse sweep: adds `seed` to the adjoint of statement `index` and propagates adjoints and
  /// adjoint tangents down to the first statement. Inputs' adjoints accumulate across sweeps until
  /// clear(); intermediates' are consumed. Throws TapeError for an index that is not a statement.
  void backward_from(std::uint32_t index, double seed = 1.0) {
    const std::uint32_t next = head_.next_index();
    TAPEGRAD_CHECK(index != 0 && counts_ && index < next, TapeError, "backward: index ", index,
                   " is not a statement of this second-order recording (it holds ", counts_ ? next - 1 : 0,
                   ")");
    const std::size_t needed = std::size_t{next} * kStride;
    if (adjoints_.size() < needed) adjoints_.resize(needed, 0.0);
    adjoints_[index * kStride] += seed;
    sweep(index);
  }

  /// The adjoint of statement `index` (0 before any sweep) and its tangent in lane `lane`.
  double adjoint(std::uint32_t index) const noexcept {
    const std::size_t at = std::size_t{index} * kStride;
    return at < adjoints_.size() ? adjoints_[at] : 0.0;
  }
  double adjoint_tangent(std::uint32_t index, std::size_t lane) const noexcept {
    const std::size_t at = std::size_t{index} * kStride + 1 + lane;
    return at < adjoints_.size() ? adjoints_[at] : 0.0;
  }

  /// Appends an input (a statement without arguments) to the active tape.
  TAPEGRAD_INLINE static detail::Recorded record_input() {
    detail::SecondOrderHead<L>& head = *detail::active_second_order_head<L>;
    if (head.arg_end - head.arg >= std::ptrdiff_t{kSlot}) [[likely]] {
      head.arg += kSlot;  // every statement takes a slot, so counts never need their own room check
      const std::uint32_t index = head.next_index();
      *head.count++ = detail::ArgCount{0};
      return {index, head.generation};
    }
    return record_input_slow();
  }

  /// Appends the statement of second-order expression `e` (partials and partial tangents of its leaves)
  /// to the active tape; index 0 (a constant) if it reads no recorded SecondOrderVar. Throws TapeError
  /// for a SecondOrderVar of another recording, DomainError for a non-finite value, partial or partial
  /// tangent while an AnomalyGuard is alive.
  template <class Expr>
  TAPEGRAD_INLINE static detail::Recorded record(const Expr& e) {
    constexpr std::size_t n = Expr::max_leaves;
    static_assert(n <= detail::kMaxSecondOrderArguments,
                  "tapegrad: one SecondOrderVar expression may read at most 127 Vars; split it");
    constexpr std::size_t bytes =
        n * (Expr::affine ? sizeof(detail::Arg) : sizeof(detail::SecondOrderArg<L>));
    detail::SecondOrderHead<L>& head = *detail::active_second_order_head<L>;
    detail::SecondOrderLeaves<n, L> leaves;
    e.template push_second<0>(leaves, 1.0, std::array<double, L>{});
    if ((head.arg_end - head.arg >= std::ptrdiff_t{bytes}) & leaves.all_of(head.generation) &
        (detail::anomaly_depth == 0)) [[likely]] {
      std::uint32_t count;
      if constexpr (Expr::affine) {
        count =
            static_cast<std::uint32_t>(leaves.write_merged_affine(reinterpret_cast<detail::Arg*>(head.arg)));
        head.arg += count * sizeof(detail::Arg);
        count |= detail::kAffineStatement;
      } else {
        count = static_cast<std::uint32_t>(
            leaves.write_merged(reinterpret_cast<detail::SecondOrderArg<L>*>(head.arg)));
        head.arg += count * sizeof(detail::SecondOrderArg<L>);
      }
      const std::uint32_t index = head.next_index();
      *head.count++ = detail::ArgCount{static_cast<std::uint8_t>(count)};
      return {index, head.generation};
    }
    leaves.check_foreign(head.generation, Expr::op_name);
    if (detail::anomaly_depth != 0) {
      e.check_anomaly();
      leaves.check_tangents(Expr::op_name);
    }
    return record_gathered(leaves.write_all(detail::second_order_gathered<L>), n);
  }

 private:
  static constexpr std::size_t kStride = 1 + L;               // adjoint and its L tangents
  static constexpr std::size_t kSlot = sizeof(detail::Arg);   // the fewest bytes a statement takes
  static constexpr std::size_t kFirstCapacity = kSlot << 12;  // bytes; a multiple of kSlot, as it grows

  using Full = detail::SecondOrderArg<L>;

  /// Bytes of the arguments of a statement whose count byte is c.
  static std::size_t statement_bytes(detail::ArgCount c) noexcept {
    const auto k = static_cast<std::uint32_t>(c);
    if (k == 0) return kSlot;
    if (k & detail::kAffineStatement) return (k & ~detail::kAffineStatement) * sizeof(detail::Arg);
    return k * sizeof(Full);
  }

  static std::uint32_t new_generation() noexcept {
    std::uint32_t g = ++detail::second_order_generations;
    if (g == 0) g = ++detail::second_order_generations;  // wrapped: 0 is the constants' generation
    return g;
  }

  [[gnu::cold, gnu::noinline]] static SecondOrderTape& thread_default() {
    static thread_local SecondOrderTape tape;
    return tape;
  }

  /// Makes room for `bytes` more bytes of arguments (and a statement), doubling the capacity.
  [[gnu::cold, gnu::noinline]] void grow(std::size_t bytes) {
    const std::size_t used = counts_ ? static_cast<std::size_t>(head_.arg - args_.get()) : 0;
    const std::size_t used_counts = counts_ ? head_.next_index() : 1;
    if (counts_ && capacity_ - used >= bytes) return;
    std::size_t capacity = std::max(kFirstCapacity, 2 * capacity_);
    while (capacity - used < bytes) capacity *= 2;
    TAPEGRAD_CHECK(capacity / kSlot < (std::size_t{1} << 32), TapeError,
                   "record: the second-order tape holds ", used_counts - 1,
                   " statements, the most one recording can index; split the computation");
    auto counts = std::make_unique_for_overwrite<detail::ArgCount[]>(capacity / kSlot + 1);
    auto stream = std::make_unique_for_overwrite<std::byte[]>(capacity);
    if (counts_) {
      std::memcpy(counts.get(), counts_.get(), used_counts);
      std::memcpy(stream.get(), args_.get(), used);
    }
    counts_ = std::move(counts);
    args_ = std::move(stream);
    capacity_ = capacity;
    head_.count_base = counts_.get();
    head_.count = counts_.get() + used_counts;
    head_.arg = args_.get() + used;
    head_.arg_end = args_.get() + capacity_;
  }

  [[gnu::cold, gnu::noinline]] static detail::Recorded record_input_slow() {
    SecondOrderTape& tape = active();
    tape.grow(kSlot);
    tape.head_.arg += kSlot;
    const std::uint32_t index = tape.head_.next_index();
    *tape.head_.count++ = detail::ArgCount{0};
    return {index, tape.head_.generation};
  }

  [[gnu::cold, gnu::noinline]] static detail::Recorded record_gathered(const detail::SecondOrderArg<L>* args,
                                                                       std::size_t count) {
    SecondOrderTape& tape = active();
    tape.grow(std::max<std::size_t>(count * sizeof(Full), kSlot));
    Full* const out = reinterpret_cast<Full*>(tape.head_.arg);
    std::memcpy(static_cast<void*>(out), args, count * sizeof(Full));
    const std::size_t kept = detail::merge_second_order(out, count);
    if (kept == 0) return {0, 0};  // only constants
    tape.head_.arg += kept * sizeof(Full);
    const std::uint32_t index = tape.head_.next_index();
    *tape.head_.count++ = detail::ArgCount{static_cast<std::uint8_t>(kept)};
    return {index, tape.head_.generation};
  }

  void zero_input_adjoints() noexcept {
    if (!counts_) return;
    const std::size_t n = std::min<std::size_t>(head_.next_index(), adjoints_.size() / kStride);
    const detail::ArgCount* const counts = counts_.get();
    for (std::size_t s = 1; s < n; ++s)
      if (counts[s] == detail::ArgCount{0}) std::fill_n(adjoints_.data() + s * kStride, kStride, 0.0);
  }

  /// Statements `top` down to 1, newest first (see the top of this file). What the statement just below
  /// the current one is owed stays in registers (`carry`, as in the first-order sweep): in chains such as
  /// `z += w * x` a statement's first argument is the one recorded just before it.
  void sweep(std::uint32_t top) noexcept {
    const detail::ArgCount* const counts = counts_.get();
    const std::byte* arg = head_.arg;
    for (std::uint32_t s = head_.next_index() - 1; s > top; --s) arg -= statement_bytes(counts[s]);
    double* const adjoints = adjoints_.data();
    double carry = 0.0;
    std::array<double, L> carry_tangent{};
    // Sends (a, at) times argument g to its adjoints: through `carry` when g is the statement just below s.
    const auto send = [&](std::uint32_t s, std::uint32_t j, const auto& g, double a,
                          const std::array<double, L>& at) {
      constexpr bool full = std::is_same_v<std::remove_cvref_t<decltype(g)>, Full>;
      const double p = g.partial;
      if (j == 0 && g.index + 1 == s) {
        carry = a * p;
        for (std::size_t l = 0; l < L; ++l) {
          if constexpr (full)
            carry_tangent[l] = at[l] * p + a * g.partial_tangent[l];
          else
            carry_tangent[l] = at[l] * p;
        }
        return;
      }
      double* const x = adjoints + std::size_t{g.index} * kStride;
      x[0] += a * p;
      for (std::size_t l = 0; l < L; ++l) {
        if constexpr (full)
          x[1 + l] += at[l] * p + a * g.partial_tangent[l];
        else
          x[1 + l] += at[l] * p;
      }
      if (j == 0) {
        carry = 0.0;
        carry_tangent = {};
      }
    };
    for (std::uint32_t s = top; s != 0; --s) {
      double* const lhs = adjoints + std::size_t{s} * kStride;
      const auto c = static_cast<std::uint32_t>(counts[s]);
      if (c == 0) {  // an input: its adjoint is its gradient, keep it
        lhs[0] += carry;
        for (std::size_t l = 0; l < L; ++l) lhs[1 + l] += carry_tangent[l];
        carry = 0.0;
        carry_tangent = {};
        arg -= kSlot;
        continue;
      }
      const double a = lhs[0] + carry;
      std::array<double, L> at;
      for (std::size_t l = 0; l < L; ++l) at[l] = lhs[1 + l] + carry_tangent[l];
      std::fill_n(lhs, kStride, 0.0);  // consumed
      if (c & detail::kAffineStatement) {
        const std::uint32_t k = c & ~detail::kAffineStatement;
        arg -= k * sizeof(detail::Arg);
        const auto* const g = reinterpret_cast<const detail::Arg*>(arg);
        for (std::uint32_t j = 0; j < k; ++j) send(s, j, g[j], a, at);
      } else {
        arg -= c * sizeof(Full);
        const auto* const g = reinterpret_cast<const Full*>(arg);
        for (std::uint32_t j = 0; j < c; ++j) send(s, j, g[j], a, at);
      }
    }
  }

  detail::SecondOrderHead<L> head_;
  std::unique_ptr<detail::ArgCount[]> counts_;  // counts_[0] stands for index 0 (constants)
  std::unique_ptr<std::byte[]> args_;           // the argument stream
  std::size_t capacity_ = 0;                    // its bytes (statements: at most capacity_ / kSlot)
  std::vector<double> adjoints_;
  SecondOrderTape* previous_tape_;
  detail::SecondOrderHead<L>* previous_head_;
};

}  // namespace tapegrad
