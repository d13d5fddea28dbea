// SPDX-License-Identifier: MIT
// tape.hpp: the Wengert list behind every Var.
//
// During the forward pass each assignment of an expression to a Var appends one *statement*: the
// linear indices of the Vars it read and the local partial derivative with respect to each of them
// (a "Jacobian tape"). Inputs are statements with no arguments. Indices are handed out in recording
// order and never reused until clear(), so a statement's index is its position on the tape, walking
// the tape backwards is already a topological order, and copying a Var only copies its index.
//
// Storage is a list of fixed-size blocks (three flat arrays each: argument counts, argument indices,
// partials); a full block is never reallocated or copied, so a 10^8-op recording costs no quadratic
// copying, and clear() keeps the blocks for the next recording (steady-state training allocates
// nothing). Blocks come from a per-thread pool, so even a short-lived Tape per call allocates once.
#pragma once

#include <boost/container/small_vector.hpp>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <memory_resource>
#include <new>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "autodiff/error.hpp"

#define TAPEGRAD_INLINE [[gnu::always_inline]] inline

namespace tapegrad {

class Tape;

namespace detail {

/// The tape the next operation on this thread records on; null means "the thread's default tape".
/// constinit: no dynamic initialisation, so reading it is one thread-pointer-relative load.
inline constinit thread_local Tape* active_tape = nullptr;

/// Depth of live AnomalyGuards on this thread (see anomaly.hpp).
inline constinit thread_local int anomaly_depth = 0;

/// Number of arguments of a statement. An enum rather than uint8_t: stores through a char type may
/// alias anything, which would make the compiler reload every cursor and operand after each one.
enum class ArgCount : std::uint8_t {};

/// One chunk of a recording. Sized so that a chunk is a few MB: big enough that the sweep rarely
/// switches chunks, small enough that a short recording does not touch much memory.
/// One argument of a statement, index and partial side by side (12 bytes, packed): one stream to
/// write while recording and one to read while sweeping (measured: recording 5-18% faster than two
/// separate arrays).
struct [[gnu::packed]] Arg {
  std::uint32_t index;
  double partial;
};

struct Block {
  // Every statement takes at least one argument slot (an input reserves one it does not write), so
  // with as many statement slots as argument slots, checking the arguments alone is enough.
  static constexpr std::size_t kArguments = std::size_t{1} << 18;
  static constexpr std::size_t kStatements = kArguments;
  std::unique_ptr<ArgCount[]> arg_count = std::make_unique_for_overwrite<ArgCount[]>(kStatements);
  std::unique_ptr<Arg[]> args = std::make_unique_for_overwrite<Arg[]>(kArguments);
  std::uint32_t first_index = 0;  // linear index of this block's statement 0
  std::uint32_t statements = 0;   // used entries (kept up to date when the block is left or swept)
  std::uint32_t arguments = 0;
};

/// Reports a Var of another recording met while recording `op`; out of line and cold so that the
/// hot path never takes the address of the expression being recorded.
[[noreturn, gnu::cold, gnu::noinline]] void throw_foreign(std::string_view op, std::uint32_t generation,
                                                          double value, std::uint32_t active_generation);

/// Receives the (index, partial) pairs of one statement while an expression is pushed onto the tape.
/// Constants (index 0) are skipped.
struct StatementSink {
  Arg* const begin;  // first argument slot of this statement
  Arg* next;
  std::uint32_t generation;
  std::string_view op;

  TAPEGRAD_INLINE void add(std::uint32_t var_index, std::uint32_t var_generation, double var_value,
                           double local_partial) {
    // One comparison per argument: a constant (index 0, generation 0) also takes the unlikely path.
    if (var_generation == generation) [[likely]] {
      // A Var read twice in one expression (x * x) gets one argument with the partials summed:
      // a smaller tape and a shorter sweep for a compare per earlier argument.
      for (Arg* earlier = begin; earlier != next; ++earlier) {
        if (earlier->index == var_index) {
          earlier->partial += local_partial;
          return;
        }
      }
      next->index = var_index;
      next->partial = local_partial;
      ++next;
    } else if (var_index != 0) {
      throw_foreign(op, var_generation, var_value, generation);
    }
  }
};

}  // namespace detail

/// A recorded operation that is not a scalar statement, such as a tensor op. It occupies one
/// statement (an index with no arguments), and the reverse sweep calls its backward() when it gets
/// there, so scalar statements and external records are replayed in one reverse order.
class ExternalRecord {
 public:
  virtual ~ExternalRecord() = default;
  /// Propagates this operation's gradients. Called once per sweep that passes it; must not record.
  virtual void backward(Tape& tape) = 0;
};

/// Sizes of a recording, for tests, benchmarks and memory planning.
struct TapeStats {
  std::size_t statements = 0;  // recorded statements, inputs included
  std::size_t arguments = 0;  // (index, partial) slots: one per distinct Var a statement reads, one per input
  std::size_t blocks = 0;     // chunks in use
  /// Bytes of recording actually used: 1 per statement + 12 per argument slot.
  std::size_t bytes() const { return statements + arguments * (sizeof(std::uint32_t) + sizeof(double)); }
};

/// A recording of scalar operations. Constructing a Tape makes it the thread's active tape until it
/// is destroyed (nested tapes restore the previous one); without one, each thread has a default tape.
/// A Tape belongs to the thread that created it and must be destroyed there.
/// Example: `tapegrad::Tape tape; Var x = 2.0; Var y = x * x; y.backward(); x.grad();  // 4`
class Tape {
 public:
  Tape();
  ~Tape();
  Tape(const Tape&) = delete;
  Tape& operator=(const Tape&) = delete;

  /// The tape that operations on this thread record on now.
  static Tape& active() {
    Tape* tape = detail::active_tape;
    return tape != nullptr ? *tape : thread_default();
  }

  /// Forgets the recording and the adjoints but keeps the memory for the next recording.
  /// Every Var recorded so far becomes stale: using one afterwards throws TapeError.
  void clear();
  /// Same as clear() (the name CoDiPack and Adept users expect).
  void reset() { clear(); }
  /// Sets every adjoint to zero, so backward() can run again on the same recording.
  void zero_grad();

  /// Reverse sweep: adds `seed` to the adjoint of the Var at `index`, then propagates adjoints from
  /// that statement down to the first one. Adjoints of inputs (leaves) accumulate across calls until
  /// zero_grad(), as PyTorch's leaf .grad does; adjoints of intermediates are consumed (reset to 0)
  /// as the sweep passes them, so a second backward() never double-counts.
  void backward_from(std::uint32_t index, double seed = 1.0);

  /// The adjoint accumulated for the Var at `index` (0 before any backward()).
  double adjoint(std::uint32_t index) const noexcept {
    return index < adjoints_.size() ? adjoints_[index] : 0.0;
  }

  /// Anomaly guard only: remembers which op produced statement `index`, so the guarded reverse
  /// sweep can name it.
  void name_statement(std::uint32_t index, std::string_view op);

  /// Current generation: changes at every clear(), so Vars of an earlier recording are recognised.
  std::uint32_t generation() const noexcept { return generation_; }
  TapeStats stats() const;

  /// Finds the live tape whose current generation is `generation` (the active tape first, then any
  /// other live tape). Throws TapeError naming `op` if that recording was cleared or destroyed.
  static Tape& owner_of(std::uint32_t generation, std::string_view op) {
    Tape& tape = active();
    return tape.generation_ == generation ? tape : find_owner(generation, op);
  }

  /// Appends an input (a statement without arguments) and returns its index.
  std::uint32_t record_input() {
    if (arg_cursor_ == arg_end_) [[unlikely]]
      next_block(1);
    *arg_count_cursor_++ = detail::ArgCount{0};
    (arg_cursor_++)->index = 0;  // the reserved slot (see Block): 0 = an input, k = external record k - 1
    return next_index_++;
  }

  /// Constructs an external record in the tape's arena (recycled by clear(), so a steady-state loop
  /// does not allocate) and appends its statement. Returns the record and its index.
  template <class Record, class... Args>
  std::pair<Record*, std::uint32_t> emplace_external(Args&&... args) {
    static_assert(std::is_base_of_v<ExternalRecord, Record>);
    void* memory = arena_.allocate(sizeof(Record), alignof(Record));
    Record* record = new (memory) Record(std::forward<Args>(args)...);
    externals_.push_back(record);
    if (arg_cursor_ == arg_end_) [[unlikely]]
      next_block(1);
    *arg_count_cursor_++ = detail::ArgCount{0};
    (arg_cursor_++)->index = static_cast<std::uint32_t>(externals_.size());
    return {record, next_index_++};
  }

  /// The adjoint slot of `index`, for external records that bridge to scalar Vars. Valid only
  /// during a sweep (the adjoint vector is sized when backward_from starts).
  double& adjoint_slot(std::uint32_t index) noexcept { return adjoints_[index]; }

  /// Appends the statement of expression `e` and returns its index, or 0 (a constant) if no argument
  /// of `e` is recorded on any tape. Throws TapeError if `e` reads a Var from another recording.
  template <class Expr>
  std::uint32_t record(const Expr& e) {
    constexpr std::size_t max_args = Expr::max_leaves;
    static_assert(max_args <= 255, "tapegrad: one expression may read at most 255 Vars; split it");
    if (arg_end_ - arg_cursor_ < std::ptrdiff_t{max_args}) [[unlikely]]
      next_block(max_args);
    detail::StatementSink sink{arg_cursor_, arg_cursor_, generation_, Expr::op_name};
    e.push(sink, 1.0);
    const auto count = static_cast<std::uint8_t>(sink.next - arg_cursor_);
    if (count == 0) return 0;
    *arg_count_cursor_++ = detail::ArgCount{count};
    arg_cursor_ = sink.next;
    return next_index_++;
  }

 private:
  struct DefaultTag {};
  explicit Tape(DefaultTag);
  static Tape& thread_default();
  static Tape& find_owner(std::uint32_t generation, std::string_view op);

  void next_block(std::size_t max_args);
  void sync_block() noexcept;  // writes the cursors' counts into the current block
  void release_blocks() noexcept;
  void destroy_externals() noexcept;
  void sweep(std::uint32_t index);
  void sweep_checked(std::uint32_t index);

  // Hot state first: record() touches only these.
  detail::ArgCount* arg_count_cursor_ = nullptr;
  detail::Arg* arg_cursor_ = nullptr;
  detail::Arg* arg_end_ = nullptr;
  std::uint32_t next_index_ = 1;  // index 0 means "constant"
  std::uint32_t generation_ = 0;

  // Most recordings fit in a few blocks: small_vector keeps their list inline (no heap node).
  boost::container::small_vector<std::unique_ptr<detail::Block>, 4> blocks_;
  std::size_t current_ = 0;       // block the cursors point into
  std::vector<double> adjoints_;  // indexed by linear index; entries past next_index_ stay 0
  Tape* previous_ = nullptr;      // the tape that was active before this one
  std::vector<std::pair<std::uint32_t, std::string_view>> statement_names_;  // anomaly guard only
  // External records live in a monotonic arena whose chunks a pool keeps between recordings.
  std::pmr::unsynchronized_pool_resource arena_pool_;
  std::pmr::monotonic_buffer_resource arena_{&arena_pool_};
  std::vector<ExternalRecord*> externals_;
  bool is_default_ = false;
};

}  // namespace tapegrad
