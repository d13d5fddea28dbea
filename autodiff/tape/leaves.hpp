// SPDX-License-Identifier: MIT
// leaves.hpp: the Vars one expression reads, gathered in compile-time slots before its statement is written.
//
// Recording `Var y = x * x + z;` needs, for each Var the expression reads (a *leaf*), its index and the
// partial d(y)/d(leaf). Each node of the expression knows at compile time which slots its leaves fill
// (a right operand's first slot follows its left operand's last), so every leaf lands in a fixed slot
// of a small array. With every subscript a constant the compiler keeps the array in registers: checking
// the leaves' generations is one compare each, and finding a Var read twice (x * x) is a compare of two
// registers, where a loop over the statement's arguments on the tape would reload them from memory.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <type_traits>
#include <utility>

#include "tapegrad/autodiff/core/inline.hpp"

namespace tapegrad::detail {

/// One argument of a statement, index and partial side by side (12 bytes, packed): one stream to
/// write while recording and one to read while sweeping (measured: recording 5-18% faster than two
/// separate arrays).
struct [[gnu::packed]] Arg {
  std::uint32_t index;
  double partial;
};

/// Reports a Var of another recording met while recording `op`; out of line and cold, with scalar
/// arguments only, so that the hot path never takes the address of anything.
[[noreturn, gnu::cold, gnu::noinline]] void throw_foreign(std::string_view op, std::uint32_t generation,
                                                          double value, std::uint32_t active_generation);

/// Merges the arguments [begin, begin + n) in place: drops constants (index 0) and folds each repeated
/// index into its first occurrence. Returns how many remain. The general path (big expressions, and
/// expressions that read constant Vars); small ones merge on registers (Leaves::write_merged).
std::size_t merge_arguments(Arg* begin, std::size_t n) noexcept;

/// The N leaves of one expression, by slot.
template <std::size_t N>
struct Leaves {
  // Up to this many leaves are merged by comparing every pair of slots (N(N-1)/2 compares, all on
  // registers); bigger expressions are rare and use merge_arguments on the tape.
  static constexpr std::size_t kMergeOnRegisters = 8;

  std::uint32_t index[N];
  std::uint32_t generation[N];
  double value[N];  // only for the error message of a foreign Var; unused otherwise, so never computed
  double partial[N];

  template <std::size_t I>
  TAPEGRAD_INLINE void set(std::uint32_t var_index, std::uint32_t var_generation, double var_value,
                           double var_partial) noexcept {
    static_assert(I < N);
    index[I] = var_index;
    generation[I] = var_generation;
    value[I] = var_value;
    partial[I] = var_partial;
  }

  /// True if every leaf belongs to the recording `active` (the common case): no constant, no stale or
  /// foreign Var. One OR of XORs, so the common case costs one branch per statement.
  TAPEGRAD_INLINE bool all_of(std::uint32_t active) const noexcept {
    return all_of(active, std::make_index_sequence<N>{});
  }

  /// Throws TapeError naming `op` for the first leaf that is a Var of another recording; constants
  /// (index 0) pass.
  TAPEGRAD_INLINE void check_foreign(std::uint32_t active, std::string_view op) const {
    each([&](auto i) {
      if (generation[i] != active && index[i] != 0) throw_foreign(op, generation[i], value[i], active);
    });
  }

  /// Writes the leaves as arguments at `out` (room for N is reserved), a Var read more than once as one
  /// argument whose partial is the sum, and returns the number of arguments. For leaves that all_of()
  /// accepted: no constant among them.
  TAPEGRAD_INLINE std::size_t write_merged(Arg* out) noexcept {
    if constexpr (N > kMergeOnRegisters) {
      return merge_arguments(write_all(out), N);
    } else {
      return write_merged(out, std::make_index_sequence<N>{});
    }
  }

  /// Writes every leaf as an argument, unmerged; returns `out`.
  TAPEGRAD_INLINE Arg* write_all(Arg* out) const noexcept {
    each([&](auto i) { out[i] = Arg{index[i], partial[i]}; });
    return out;
  }

 private:
  // The loops over slots are pack expansions in always-inlined member templates rather than lambdas over an
  // index_sequence: Clang does not inline such a lambda into an always-inlined caller by itself, and then the
  // leaves leave the registers (measured: write_merged as a call was 50 instructions per statement on e).
  template <std::size_t... I>
  TAPEGRAD_INLINE bool all_of(std::uint32_t active, std::index_sequence<I...>) const noexcept {
    return ((generation[I] ^ active) | ...) == 0;
  }

  template <std::size_t... J>
  TAPEGRAD_INLINE std::size_t write_merged(Arg* out, std::index_sequence<J...>) noexcept {
    // Left to right (a braced list is evaluated in order): each leaf folds into the first earlier slot
    // with its index, which is always a kept one (a dropped slot matched an earlier one first).
    const bool folded[] = {fold_into_earlier<J>()...};
    // Whether a leaf folds is usually known at compile time (x * x copies one Var twice), and then this
    // test costs nothing; otherwise it is a well-predicted branch.
    std::size_t n = 0;
    ((folded[J] ? void() : void(out[n++] = Arg{index[J], partial[J]})), ...);
    return n;
  }

  /// Calls f(std::integral_constant<std::size_t, I>) for I = 0 .. N-1: a loop whose subscripts are
  /// constants, so that the arrays above are never forced into memory (a runtime subscript would).
  template <class F>
  TAPEGRAD_INLINE static void each(F&& f) {
    each(f, std::make_index_sequence<N>{});
  }
  template <class F, std::size_t... I>
  TAPEGRAD_INLINE static void each(F& f, std::index_sequence<I...>) {
    (f(std::integral_constant<std::size_t, I>{}), ...);
  }

  /// Adds leaf J's partial to the first earlier slot that reads the same Var; returns whether it did.
  template <std::size_t J, std::size_t I = 0>
  TAPEGRAD_INLINE bool fold_into_earlier() noexcept {
    if constexpr (I == J) {
      return false;
    } else {
      if (index[I] == index[J]) {
        partial[I] += partial[J];
        return true;
      }
      return fold_into_earlier<J, I + 1>();
    }
  }
};

}  // namespace tapegrad::detail
