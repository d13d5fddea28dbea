// SPDX-License-Identifier: MIT
// tape.hpp: the Wengert list behind every Var.
//
// During the forward pass each assignment of an expression to a Var appends one *statement*: the
// linear indices of the Vars it read and the local partial derivative with respect to each of them
// (a "Jacobian tape"). Inputs are statements with no arguments. Indices are handed out in recording
// order and never reused until clear(), so a statement's index is its position on the tape, walking
// the tape backwards is already a topological order, and copying a Var only copies its index.
//
// Storage is a list of fixed-size blocks (two flat arrays each: argument counts, and (index, partial)
// pairs); a full block is never reallocated or copied, so a 10^8-op recording costs no quadratic
// copying, and clear() keeps the blocks for the next recording (steady-state training allocates
// nothing). Blocks come from a per-thread pool, so even a short-lived Tape per call allocates once.
#pragma once

#include <boost/container/small_vector.hpp>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <memory_resource>
#include <new>
#include <span>
#include <string_view>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

#include "tapegrad/autodiff/core/error.hpp"
#include "tapegrad/autodiff/tape/anomaly.hpp"
#include "tapegrad/autodiff/tape/leaves.hpp"

namespace tapegrad {

class Tape;
class ExternalRecord;

namespace detail {

/// The tape the next operation on this thread records on; null means "the thread's default tape".
/// constinit: no dynamic initialisation, so reading it is one thread-pointer-relative load.
inline constinit thread_local Tape* active_tape = nullptr;

/// Number of arguments of a statement; 0 for an input or an external record (Tape::externals_ tells
/// them apart). An enum rather than uint8_t: stores through a char type may alias anything, which
/// would make the compiler reload every cursor and operand after each one.
enum class ArgCount : std::uint8_t {};
inline constexpr std::uint32_t kMaxArguments = 255;

/// One chunk of a recording. Sized so that a chunk is a few MB: big enough that the sweep rarely
/// switches chunks, small enough that a short recording does not touch much memory.
struct Block {
  // Every statement takes at least one argument slot (a statement without arguments reserves one and
  // leaves it unwritten), so with as many statement slots as argument slots, checking the arguments
  // alone is enough.
  static constexpr std::size_t kArguments = std::size_t{1} << 18;
  static constexpr std::size_t kStatements = kArguments;
  std::unique_ptr<ArgCount[]> arg_count = std::make_unique_for_overwrite<ArgCount[]>(kStatements);
  std::unique_ptr<Arg[]> args = std::make_unique_for_overwrite<Arg[]>(kArguments);
  std::uint32_t first_index = 0;  // linear index of this block's statement 0
  std::uint32_t statements = 0;   // used entries (kept up to date when the block is left or swept)
  std::uint32_t arguments = 0;
};

/// The part of a Tape that the hot paths touch: where its next statement goes, and its adjoints for
/// grad(). Recording checks one condition, "room for the arguments and every leaf on this tape", and
/// calls nothing on that path: a call would make the compiler spill the expression's values around it.
/// Everything unusual (a full block, no tape yet, a constant or foreign Var, an anomaly guard) fails
/// that condition and goes to one out-of-line slow path.
struct TapeHead {
  Arg* arg = nullptr;  // the next statement's first argument slot
  // Room ends here: the end of the block, or `arg` itself while an AnomalyGuard is alive (no room,
  // so every statement takes the slow path, which checks it).
  Arg* arg_end = nullptr;
  ArgCount* count = nullptr;  // the next statement's argument count (not next to `arg`: GCC would
                              // then update both with one vector add, which costs more)
  // The index of the statement `count` points to is count's address plus this (one counter fewer to
  // load, increment and store per statement than a separate next index).
  std::uintptr_t index_bias = 1;  // index 0 means "constant"
  std::uint32_t generation = 0;
  std::uint32_t adjoint_count = 0;  // the tape's adjoints_, as of its last backward()
  const double* adjoints = nullptr;

  /// Points `count` at `counts`, the first count of a block whose first statement is `first_index`.
  void start(ArgCount* counts, std::uint32_t first_index) noexcept {
    count = counts;
    index_bias =
        first_index - reinterpret_cast<std::uintptr_t>(counts);  // modulo 2^64: next_index() undoes it
  }
  /// The index the next statement gets.
  std::uint32_t next_index() const noexcept {
    return static_cast<std::uint32_t>(reinterpret_cast<std::uintptr_t>(count) + index_bias);
  }
  /// Appends a count, returns the index of its statement.
  TAPEGRAD_INLINE std::uint32_t append(ArgCount c) noexcept {
    const std::uint32_t index = next_index();
    *count++ = c;
    return index;
  }
};

/// The head of a thread that has no tape yet: no room, so the first statement takes the slow path,
/// which creates the thread's default tape. Never written (shared by all threads).
inline constinit TapeHead no_tape{};

/// The head of the active tape (or no_tape): never null, so the record path needs no check.
inline constinit thread_local TapeHead* active_head = &no_tape;

/// Where the slow path receives a statement's arguments, unmerged.
inline constinit thread_local Arg gathered[kMaxArguments] = {};

/// An external record and its statement's index.
struct External {
  ExternalRecord* record;
  std::uint32_t index;
};

/// What recording an expression or an input yields: the Var's index and generation (0, 0: constant).
struct Recorded {
  std::uint32_t index;
  std::uint32_t generation;
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
/// A Tape belongs to the thread that created it and must be destroyed there: backward(), grad() and clear()
/// called from another thread (through a Var, a Tensor or the Tape itself) throw TapeError. Recording is not
/// checked (it only ever writes the calling thread's active tape).
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

  /// Reverse sweep from several seeds at once: adds each seed to its Var's adjoint, then propagates
  /// from the newest of them down to the first statement, once (backward_from per seed would sweep the
  /// tape once each). Throws TapeError naming the index if one is not a statement of this recording.
  void backward_from(std::span<const std::uint32_t> indices, std::span<const double> seeds);

  /// The adjoint accumulated for the Var at `index` (0 before any backward()).
  double adjoint(std::uint32_t index) const noexcept {
    return index < adjoints_.size() ? adjoints_[index] : 0.0;
  }

  /// The gradient of the Var (index, generation): 0 for a constant, its tape's adjoint otherwise.
  /// Throws TapeError if its recording was cleared or its tape destroyed. Var::grad()'s slow path.
  [[gnu::cold, gnu::noinline]] static double adjoint_of(std::uint32_t index, std::uint32_t generation);

  /// Anomaly guard only: remembers which op produced statement `index`, so the guarded reverse
  /// sweep can name it.
  [[gnu::cold]] void name_statement(std::uint32_t index, std::string_view op);

  /// Current generation: changes at every clear(), so Vars of an earlier recording are recognised.
  std::uint32_t generation() const noexcept { return head_.generation; }
  TapeStats stats() const;

  /// Finds the live tape whose current generation is `generation` (the active tape first, then any
  /// other live tape). Throws TapeError naming `op` if that recording was cleared or destroyed.
  static Tape& owner_of(std::uint32_t generation, std::string_view op) {
    Tape& tape = active();
    return tape.head_.generation == generation ? tape : find_owner(generation, op);
  }

  /// Appends an input (a statement without arguments) to the active tape.
  /// Throws DomainError for a non-finite value while an AnomalyGuard is alive.
  TAPEGRAD_INLINE static detail::Recorded record_input(double value) {
    detail::TapeHead& head = *detail::active_head;
    if (head.arg < head.arg_end) [[likely]] {
      ++head.arg;  // the reserved slot (see Block)
      return {head.append(detail::ArgCount{0}), head.generation};
    }
    return record_input_slow(value);
  }

  /// Appends values.size() inputs to the active tape at once, as as many record_input() calls in order
  /// would: their indices are consecutive, so the first one and the generation say where they all are.
  /// For models and problems with many unknowns (make_inputs in scalar/var.hpp): one pass of stores per
  /// block instead of a test and a possible call per input. The anomaly guard's check of each value applies.
  static detail::Recorded record_inputs(std::span<const double> values);

  /// Constructs an external record in the tape's arena (recycled by clear(), so a steady-state loop
  /// does not allocate) and appends its statement. Returns the record and its index.
  template <class Record, class... Args>
  std::pair<Record*, std::uint32_t> emplace_external(Args&&... args) {
    static_assert(std::is_base_of_v<ExternalRecord, Record>);
    void* memory = arena_.allocate(sizeof(Record), alignof(Record));
    Record* record = new (memory) Record(std::forward<Args>(args)...);
    externals_.push_back({record, head_.next_index()});
    make_room(1);
    ++head_.arg;  // the reserved slot (see Block)
    const std::uint32_t index = head_.append(detail::ArgCount{0});
    refresh_limit();
    return {record, index};
  }

  /// The adjoint slot of `index`, for external records that bridge to scalar Vars. Valid only
  /// during a sweep (the adjoint vector is sized when backward_from starts).
  double& adjoint_slot(std::uint32_t index) noexcept { return adjoints_[index]; }

  /// Appends a statement whose `count` arguments (index, partial) the caller computed, to the active
  /// tape: constants (index 0) are dropped and repeated indices merged. Yields index 0 if none is left.
  /// For user-supplied derivatives (scalar/custom.hpp), which check their arguments first: every index
  /// must be a statement of the active recording, and count at most detail::kMaxArguments.
  static detail::Recorded record_statement(const detail::Arg* args, std::size_t count, std::string_view op) {
    return record_gathered(args, count, op);
  }

  /// Appends the statement of expression `e` to the active tape. Yields index 0 (a constant) if no
  /// argument of `e` is recorded on any tape. Throws TapeError if `e` reads a Var from another
  /// recording, DomainError for a non-finite value or partial while an AnomalyGuard is alive.
  template <class Expr>
  TAPEGRAD_INLINE static detail::Recorded record(const Expr& e) {
    constexpr std::size_t max_args = Expr::max_leaves;
    static_assert(max_args <= detail::kMaxArguments,
                  "tapegrad: one expression may read at most 255 Vars; split it");
    if constexpr (max_args == 0) {
      return {0, 0};
    } else {
      detail::TapeHead& head = *detail::active_head;
      detail::Leaves<max_args> leaves;
      e.template push<0>(leaves, 1.0);
      // The one condition of the fast path (see TapeHead); `&`: both tests are cheap, so skipping one
      // would save nothing.
      if ((head.arg_end - head.arg >= std::ptrdiff_t{max_args}) & leaves.all_of(head.generation)) [[likely]] {
        const std::size_t count = leaves.write_merged(head.arg);
        head.arg += count;
        return {head.append(detail::ArgCount{static_cast<std::uint8_t>(count)}), head.generation};
      }
      leaves.check_foreign(head.generation, Expr::op_name);
      if (detail::anomaly_depth != 0) e.check_anomaly();
      return record_gathered(leaves.write_all(detail::gathered), max_args, Expr::op_name);
    }
  }

 private:
  struct DefaultTag {};
  explicit Tape(DefaultTag);
  [[gnu::cold]] static Tape& thread_default();
  static Tape& find_owner(std::uint32_t generation, std::string_view op);
  void check_thread(std::string_view op) const;  // TapeError unless called on owner_'s thread

  // The slow paths of record_input() and record(); record_gathered takes the statement's `count`
  // arguments from detail::gathered, unmerged and possibly with constants.
  [[gnu::cold, gnu::noinline]] static detail::Recorded record_input_slow(double value);
  [[gnu::cold, gnu::noinline]] static detail::Recorded record_gathered(const detail::Arg* args,
                                                                       std::size_t count,
                                                                       std::string_view op);
  void make_room(std::size_t args);  // moves to the next block unless `args` slots fit in this one
  void refresh_limit() noexcept;     // sets head_.arg_end (see TapeHead)
  void activate() noexcept;          // makes this tape's head the one the record path uses
  [[gnu::cold]] void next_block();
  void sync_block() noexcept;  // writes the cursors' counts into the current block
  void release_blocks() noexcept;
  void zero_leaf_adjoints();  // clear()'s cheaper zero_grad()
  void destroy_externals() noexcept;
  template <bool kChecked, class OnBad>
  void sweep(std::uint32_t index, OnBad&& on_bad);  // the loop over blocks, for both of these:
  void sweep(std::uint32_t index);
  void sweep_checked(std::uint32_t index);  // the anomaly guard's: tests every gradient it makes

  detail::TapeHead head_;  // the hot state: record() touches only this (see TapeHead)
  detail::Arg* block_end_ = nullptr;

  // Most recordings fit in a few blocks: small_vector keeps their list inline (no heap node).
  boost::container::small_vector<std::unique_ptr<detail::Block>, 4> blocks_;
  std::size_t current_ = 0;       // block the cursors point into
  std::vector<double> adjoints_;  // indexed by linear index; entries past head_.next_index() stay 0
  bool adjoints_dirty_ = false;   // a sweep was interrupted (by an exception) since the last zero_grad()
  Tape* previous_ = nullptr;      // the tape that was active before this one
  std::vector<std::pair<std::uint32_t, std::string_view>> statement_names_;  // anomaly guard only
  // External records live in a monotonic arena whose chunks a pool keeps between recordings.
  std::pmr::unsynchronized_pool_resource arena_pool_;
  std::pmr::monotonic_buffer_resource arena_{&arena_pool_};
  std::vector<detail::External> externals_;  // in recording order
  bool is_default_ = false;
  std::thread::id owner_ = std::this_thread::get_id();  // the thread that created the tape
};

}  // namespace tapegrad
