// SPDX-License-Identifier: MIT
// tape.cpp: block management, the registry of live tapes, and the reverse sweep.
#include "tapegrad/autodiff/tape/tape.hpp"

#include <algorithm>
#include <atomic>
#include <boost/container/flat_map.hpp>
#include <cmath>
#include <cstring>
#include <limits>
#include <mutex>

#include "tapegrad/autodiff/tape/sweep_observer.hpp"

namespace tapegrad {
namespace {

// ---- generations and the registry of live tapes -------------------------------------------------
// Only the slow paths touch the registry: clear(), construction, destruction, and reading a Var
// whose tape is not the active one. A flat_map keeps the few live entries in one cache-friendly array.
std::atomic<std::uint32_t> next_generation{1};  // 0 is reserved for constants
std::mutex registry_mutex;
boost::container::flat_map<std::uint32_t, Tape*>& registry() {
  static auto* map = new boost::container::flat_map<std::uint32_t, Tape*>();  // never destroyed: tapes
  return *map;                                                                // may outlive statics
}

std::uint32_t new_generation() {
  std::uint32_t g = next_generation.fetch_add(1, std::memory_order_relaxed);
  if (g == 0) g = next_generation.fetch_add(1, std::memory_order_relaxed);  // wrapped: skip 0
  return g;
}

// ---- per-thread pool of blocks ---------------------------------------------------------------------
// A Tape created per call (the gradient() driver does so) takes its blocks from here and gives them
// back, so only the first call on a thread allocates. Bounded so an exceptional recording does not
// pin its memory forever.
constexpr std::size_t kPoolLimit = 16;  // blocks, about 3 MiB each
constinit thread_local bool pool_alive = false;

struct BlockPool {
  std::vector<std::unique_ptr<detail::Block>> blocks;
  BlockPool() { pool_alive = true; }
  ~BlockPool() { pool_alive = false; }
};
BlockPool& block_pool() {
  static thread_local BlockPool pool;
  return pool;
}

std::unique_ptr<detail::Block> take_block() {
  if (pool_alive) {
    auto& free = block_pool().blocks;
    if (!free.empty()) {
      auto block = std::move(free.back());
      free.pop_back();
      return block;
    }
  }
  return std::make_unique<detail::Block>();
}

}  // namespace

namespace {
// This thread's default tape once it exists (Tape::thread_default), so that a dying nested tape can
// hand the record path back to it.
constinit thread_local Tape* default_tape = nullptr;
}  // namespace

void Tape::activate() noexcept {
  refresh_limit();  // an AnomalyGuard may have been created while another tape was active
  detail::active_head = &head_;
}

Tape::Tape() {
  head_.generation = new_generation();
  block_pool();  // constructed before any tape of this thread, so destroyed after them
  {
    std::lock_guard lock(registry_mutex);
    registry().emplace(head_.generation, this);
  }
  previous_ = detail::active_tape;
  detail::active_tape = this;
  activate();
}

Tape::Tape(DefaultTag) : is_default_(true) {
  head_.generation = new_generation();
  std::lock_guard lock(registry_mutex);
  registry().emplace(head_.generation, this);
}

Tape::~Tape() {
  {
    std::lock_guard lock(registry_mutex);
    registry().erase(head_.generation);
  }
  if (is_default_) {
    default_tape = nullptr;
    if (detail::active_head == &head_) detail::active_head = &detail::no_tape;
  } else if (detail::active_tape == this) {
    // Unlink from this thread's stack of active tapes, even if tapes die out of order.
    detail::active_tape = previous_;
    if (previous_ != nullptr)
      previous_->activate();
    else if (default_tape != nullptr)
      default_tape->activate();
    else
      detail::active_head = &detail::no_tape;
  } else {
    for (Tape* t = detail::active_tape; t != nullptr; t = t->previous_) {
      if (t->previous_ == this) {
        t->previous_ = previous_;
        break;
      }
    }
  }
  destroy_externals();
  release_blocks();
}

void Tape::destroy_externals() noexcept {
  // Newest first, as a reverse sweep would meet them: a record may hold handles to older ones' data.
  for (auto it = externals_.rbegin(); it != externals_.rend(); ++it) it->record->~ExternalRecord();
  externals_.clear();
  arena_.release();  // chunks go back to arena_pool_, which keeps them for the next recording
}

Tape& Tape::thread_default() {
  block_pool();  // see Tape::Tape()
  static thread_local Tape tape{DefaultTag{}};
  if (default_tape == nullptr) {  // first use on this thread
    default_tape = &tape;
    if (detail::active_tape == nullptr) tape.activate();
  }
  return tape;
}

void Tape::release_blocks() noexcept {
  if (!pool_alive) return;  // thread is exiting: the blocks are simply freed
  auto& free = block_pool().blocks;
  for (auto& block : blocks_) {
    if (free.size() >= kPoolLimit) break;
    block->statements = block->arguments = 0;
    free.push_back(std::move(block));
  }
  blocks_.clear();
}

void Tape::sync_block() noexcept {
  if (blocks_.empty()) return;
  detail::Block& b = *blocks_[current_];
  b.statements = static_cast<std::uint32_t>(head_.count - b.arg_count.get());
  b.arguments = static_cast<std::uint32_t>(head_.arg - b.args.get());
}

void Tape::refresh_limit() noexcept {
  head_.arg_end = detail::anomaly_depth != 0 ? head_.arg : block_end_;
}

void Tape::make_room(std::size_t args) {
  if (block_end_ - head_.arg < static_cast<std::ptrdiff_t>(args)) next_block();
}

void Tape::next_block() {
  const std::uint32_t next_index = head_.next_index();
  TAPEGRAD_CHECK(next_index <= std::numeric_limits<std::uint32_t>::max() - detail::Block::kStatements,
                 TapeError, "record: the tape holds ", next_index,
                 " Vars, the most one recording can index (2^32); clear() it or split the computation");
  if (!blocks_.empty()) {
    sync_block();
    ++current_;
  }
  if (current_ == blocks_.size()) blocks_.push_back(take_block());
  detail::Block& b = *blocks_[current_];
  b.first_index = next_index;
  b.statements = b.arguments = 0;
  head_.start(b.arg_count.get(), next_index);
  head_.arg = b.args.get();
  block_end_ = head_.arg + detail::Block::kArguments;
  refresh_limit();
}

detail::Recorded Tape::record_input_slow(double value) {
  if (detail::anomaly_depth != 0) detail::check_result("input", value, {value});
  Tape& tape = active();
  tape.make_room(1);
  ++tape.head_.arg;  // the reserved slot (see Block)
  const std::uint32_t index = tape.head_.append(detail::ArgCount{0});
  tape.refresh_limit();
  return {index, tape.head_.generation};
}

detail::Recorded Tape::record_inputs(std::span<const double> values) {
  if (detail::anomaly_depth != 0)
    for (const double value : values) detail::check_result("input", value, {value});
  Tape& tape = active();
  if (values.empty()) return {tape.head_.next_index(), tape.head_.generation};
  detail::TapeHead& head = tape.head_;
  tape.make_room(1);
  const std::uint32_t first = head.next_index();
  // Block by block: each input takes one count and its reserved argument slot (see Block), left unwritten.
  for (std::size_t left = values.size(); left != 0;) {
    tape.make_room(1);
    const std::size_t n = std::min(left, static_cast<std::size_t>(tape.block_end_ - head.arg));
    std::memset(static_cast<void*>(head.count), 0, n);
    head.count += n;
    head.arg += n;
    left -= n;
  }
  tape.refresh_limit();
  return {first, head.generation};
}

detail::Recorded Tape::record_gathered(const detail::Arg* args, std::size_t count, std::string_view op) {
  Tape& tape = active();
  tape.make_room(count);
  detail::Arg* const out = tape.head_.arg;
  std::copy_n(args, count, out);
  const std::size_t kept = detail::merge_arguments(out, count);
  if (kept == 0) return {0, 0};  // only constants: nothing to record
  tape.head_.arg += kept;
  const std::uint32_t index = tape.head_.append(detail::ArgCount{static_cast<std::uint8_t>(kept)});
  if (detail::anomaly_depth != 0) tape.name_statement(index, op);
  tape.refresh_limit();
  return {index, tape.head_.generation};
}

void Tape::clear() {
  check_thread("clear");
  {
    std::lock_guard lock(registry_mutex);
    registry().erase(head_.generation);
    head_.generation = new_generation();
    registry().emplace(head_.generation, this);
  }
  zero_leaf_adjoints();
  destroy_externals();
  statement_names_.clear();
  if (!blocks_.empty()) {
    current_ = 0;
    detail::Block& b = *blocks_[0];
    b.first_index = 1;
    head_.start(b.arg_count.get(), 1);
    head_.arg = b.args.get();
    block_end_ = head_.arg + detail::Block::kArguments;
    refresh_limit();
  }
}

void Tape::zero_grad() {
  const std::size_t used = std::min<std::size_t>(adjoints_.size(), head_.next_index());
  std::fill_n(adjoints_.begin(), used, 0.0);
  adjoints_dirty_ = false;
}

void Tape::zero_leaf_adjoints() {
  // A sweep consumes every intermediate it passes and never writes above its seed, so once sweeps
  // have run to the end, only statements without arguments (inputs, external records) can hold a
  // nonzero adjoint. Zeroing just those touches far less memory than zeroing every adjoint.
  if (adjoints_dirty_ || blocks_.empty()) return zero_grad();
  sync_block();
  const std::size_t size = adjoints_.size();
  for (std::size_t bi = 0; bi <= current_; ++bi) {
    const detail::Block& b = *blocks_[bi];
    const std::size_t n =
        std::min<std::size_t>(b.statements, size > b.first_index ? size - b.first_index : 0);
    const detail::ArgCount* const counts = b.arg_count.get();
    double* const adjoints = adjoints_.data() + b.first_index;
    std::size_t s = 0;
    for (; s + 8 <= n; s += 8) {  // eight counts at a time: most words hold no zero byte
      std::uint64_t word;
      std::memcpy(&word, counts + s, 8);
      constexpr std::uint64_t ones = 0x0101010101010101, highs = 0x8080808080808080;
      if (((word - ones) & ~word & highs) == 0) continue;  // the classic "has a zero byte" test
      for (std::size_t j = s; j < s + 8; ++j)
        if (counts[j] == detail::ArgCount{0}) adjoints[j] = 0.0;
    }
    for (; s < n; ++s)
      if (counts[s] == detail::ArgCount{0}) adjoints[s] = 0.0;
  }
}

TapeStats Tape::stats() const {
  TapeStats s;
  if (blocks_.empty()) return s;
  for (std::size_t i = 0; i < current_; ++i) {
    s.statements += blocks_[i]->statements;
    s.arguments += blocks_[i]->arguments;
  }
  const detail::Block& b = *blocks_[current_];
  s.statements += static_cast<std::size_t>(head_.count - b.arg_count.get());
  s.arguments += static_cast<std::size_t>(head_.arg - b.args.get());
  s.blocks = current_ + 1;
  return s;
}

void Tape::check_thread(std::string_view op) const {
  // One comparison of thread ids, on the slow paths only (backward, clear, a Var of a tape that is not
  // the active one): recording never gets here.
  TAPEGRAD_CHECK(owner_ == std::this_thread::get_id(), TapeError, op,
                 ": this tape belongs to another thread; Vars, Tensors and Tapes must stay on the thread "
                 "that recorded them (record on a Tape of this thread instead)");
}

Tape& Tape::find_owner(std::uint32_t generation, std::string_view op) {
  {
    std::lock_guard lock(registry_mutex);
    auto it = registry().find(generation);
    if (it != registry().end()) {
      it->second->check_thread(op);
      return *it->second;
    }
  }
  if (generation == 0) detail::raise<TapeError>(op, ": this Var is a constant and is recorded on no tape");
  detail::raise<TapeError>(op,
                           ": this Var belongs to a recording that was cleared or whose tape was destroyed "
                           "(tape generation ",
                           generation, "); record the computation again on a live tape");
}

namespace detail {
std::size_t merge_arguments(Arg* begin, std::size_t n) noexcept {
  std::size_t kept = 0;
  for (std::size_t j = 0; j < n; ++j) {
    if (begin[j].index == 0) continue;  // a constant: no adjoint to receive
    std::size_t i = 0;
    while (i < kept && begin[i].index != begin[j].index) ++i;
    if (i < kept)
      begin[i].partial += begin[j].partial;
    else
      begin[kept++] = begin[j];
  }
  return kept;
}

void throw_foreign(std::string_view op, std::uint32_t generation, double value,
                   std::uint32_t active_generation) {
  bool live = false;
  {
    std::lock_guard lock(registry_mutex);
    live = registry().contains(generation);
  }
  if (live)
    raise<TapeError>(op, ": mixes Vars of two live tapes: an argument with value ", value,
                     " belongs to tape generation ", generation, ", but the active tape is generation ",
                     active_generation, "; record one computation on one tape");
  raise<TapeError>(op, ": an argument with value ", value,
                   " belongs to a recording that was cleared or whose tape was destroyed (tape generation ",
                   generation, "); record it again on the active tape");
}
}  // namespace detail

double Tape::adjoint_of(std::uint32_t index, std::uint32_t generation) {
  if (index == 0) return 0.0;
  return owner_of(generation, "grad").adjoint(index);
}

void Tape::name_statement(std::uint32_t index, std::string_view op) {
  if (index != 0) statement_names_.emplace_back(index, op);
}

// ---- reverse sweep -----------------------------------------------------------------------------------

namespace {

/// Where the statement `index` ends inside block b: how many statements and arguments precede it,
/// itself included. Only the block that holds the seed needs this; earlier blocks are swept whole.
std::pair<std::uint32_t, std::uint32_t> prefix_end(const detail::Block& b, std::uint32_t index) {
  const std::uint32_t statements = index - b.first_index + 1;
  std::uint32_t arguments = b.arguments;
  for (std::uint32_t s = statements; s < b.statements; ++s)
    arguments -= std::max(1u, static_cast<std::uint32_t>(b.arg_count[s]));
  return {statements, arguments};
}

/// The loop that is the reverse mode: for each statement, newest first, take its adjoint and
/// distribute it to its arguments times the recorded partials (adj[arg] += adj[lhs] * dlhs/darg).
/// `external` points past the newest external record not yet swept, `externals` at the first.
/// The anomaly guard's copy (kChecked) tests every sum it makes and calls on_bad for a non-finite one.
template <bool kChecked, class OnBad>
void sweep_block(const detail::Block& b, std::uint32_t statements, std::uint32_t arguments, double* adjoints,
                 const detail::External* externals, const detail::External*& external, Tape& tape,
                 OnBad&& on_bad) {
  const detail::ArgCount* const counts = b.arg_count.get();
  const detail::Arg* arg = b.args.get() + arguments;
  double* const block_adjoints = adjoints + b.first_index;  // statement s's adjoint is block_adjoints[s]
  // Position in this block of the next external record to meet (or "none" if it is in an earlier one).
  auto next_external = [&] {
    return external != externals && external[-1].index >= b.first_index ? external[-1].index - b.first_index
                                                                        : ~std::uint32_t{0};
  };
  std::uint32_t external_at = next_external();
  // What the statement just below the current one is owed, kept in a register. In chains such as
  // `sum += f(x[i])` or `x = g(x)` a statement's first argument is the statement recorded just before
  // it; sending that contribution through memory would put a store and a reload on the critical path
  // of every statement (measured: the sweep of c 16% and of e 25% faster).
  double carry = 0.0;
  std::uint32_t s = statements;
  while (s != 0) {
    --s;
    double& lhs = block_adjoints[s];
    const auto k = static_cast<std::uint32_t>(counts[s]);
    if (k == 0) [[unlikely]] {  // an input (its adjoint is its gradient: keep it) or an external record
      lhs += carry;
      carry = 0.0;
      --arg;
      if (s == external_at) {
        (--external)->record->backward(tape);
        if (detail::sweep_observer != nullptr) [[unlikely]]
          detail::sweep_observer->record_swept();
        external_at = next_external();
        continue;
      }
      // Inputs come in runs (a model's parameters, a problem's unknowns): skip eight at a time.
      std::uint64_t next8;
      while (s >= 8 && (external_at == ~std::uint32_t{0} || external_at < s - 8) &&
             (std::memcpy(&next8, counts + s - 8, 8), next8 == 0)) {
        s -= 8;
        arg -= 8;
      }
      continue;
    }
    arg -= k;
    const double a = lhs + carry;
    lhs = 0.0;  // consumed: a later backward() must not propagate it again
    if constexpr (kChecked) {
      carry = 0.0;
      for (std::uint32_t j = 0; j < k; ++j) {
        adjoints[arg[j].index] += a * arg[j].partial;
        // Checks the sum, not just the product: two finite contributions can overflow together.
        if (!std::isfinite(adjoints[arg[j].index]))
          on_bad(b.first_index + s, arg[j].index, a, arg[j].partial);
      }
    } else {
      double* const first = adjoints + arg[0].index;
      if (first == &lhs - 1) {
        carry = a * arg[0].partial;
      } else {
        *first += a * arg[0].partial;
        carry = 0.0;
      }
      // Straight-line code for the usual small statements; the loop for the rest.
      if (k >= 2) {
        adjoints[arg[1].index] += a * arg[1].partial;
        if (k >= 3) {
          adjoints[arg[2].index] += a * arg[2].partial;
          for (std::uint32_t j = 3; j < k; ++j) adjoints[arg[j].index] += a * arg[j].partial;
        }
      }
    }
  }
  block_adjoints[-1] += carry;  // owed to the last statement of the previous block
}

}  // namespace

void Tape::backward_from(std::uint32_t index, double seed) {
  check_thread("backward");
  const std::uint32_t next_index = head_.next_index();
  TAPEGRAD_CHECK(index != 0 && index < next_index, TapeError, "backward: index ", index,
                 " is not a statement of this recording (it holds ", next_index - 1, ")");
  sync_block();
  if (adjoints_.size() < next_index) {
    adjoints_.resize(next_index, 0.0);
    head_.adjoints = adjoints_.data();
    head_.adjoint_count = static_cast<std::uint32_t>(adjoints_.size());
  }
  adjoints_[index] += seed;
  // Until the sweep returns, the adjoints may hold unconsumed values (see zero_leaf_adjoints).
  const bool was_dirty = adjoints_dirty_;
  adjoints_dirty_ = true;
  if (detail::anomaly_depth != 0) [[unlikely]]
    sweep_checked(index);
  else
    sweep(index);
  adjoints_dirty_ = was_dirty;
}

void Tape::backward_from(std::span<const std::uint32_t> indices, std::span<const double> seeds) {
  TAPEGRAD_CHECK(indices.size() == seeds.size(), TapeError, "backward: got ", indices.size(), " indices and ",
                 seeds.size(), " seeds");
  if (indices.empty()) return;
  const std::uint32_t next_index = head_.next_index();
  std::uint32_t newest = 0;
  for (const std::uint32_t index : indices) {
    TAPEGRAD_CHECK(index != 0 && index < next_index, TapeError, "backward: index ", index,
                   " is not a statement of this recording (it holds ", next_index - 1, ")");
    newest = std::max(newest, index);
  }
  // The newest seed goes through backward_from, which sizes the adjoints and sweeps; the others are
  // added first, below it, so that the one sweep carries them all.
  if (adjoints_.size() < next_index) {
    adjoints_.resize(next_index, 0.0);
    head_.adjoints = adjoints_.data();
    head_.adjoint_count = static_cast<std::uint32_t>(adjoints_.size());
  }
  double newest_seed = 0.0;
  for (std::size_t i = 0; i < indices.size(); ++i) {
    if (indices[i] == newest)
      newest_seed += seeds[i];
    else
      adjoints_[indices[i]] += seeds[i];
  }
  backward_from(newest, newest_seed);
}

template <bool kChecked, class OnBad>
void Tape::sweep(std::uint32_t index, OnBad&& on_bad) {
  std::size_t bi = current_;
  while (blocks_[bi]->first_index > index) --bi;
  auto [statements, arguments] = prefix_end(*blocks_[bi], index);
  const detail::External* const externals = externals_.data();
  const detail::External* external = externals + externals_.size();
  while (external != externals && external[-1].index > index) --external;  // above the seed: not swept
  for (;;) {
    sweep_block<kChecked>(*blocks_[bi], statements, arguments, adjoints_.data(), externals, external, *this,
                          on_bad);
    if (bi == 0) break;
    --bi;
    statements = blocks_[bi]->statements;
    arguments = blocks_[bi]->arguments;
  }
}

void Tape::sweep(std::uint32_t index) {
  sweep<false>(index, [](std::uint32_t, std::uint32_t, double, double) {});
}

void Tape::sweep_checked(std::uint32_t index) {
  sweep<true>(index, [this](std::uint32_t statement, std::uint32_t argument, double adjoint, double partial) {
    auto it = std::lower_bound(statement_names_.begin(), statement_names_.end(),
                               std::pair<std::uint32_t, std::string_view>{statement, {}},
                               [](const auto& x, const auto& y) { return x.first < y.first; });
    const std::string_view op =
        (it != statement_names_.end() && it->first == statement) ? it->second : std::string_view("statement");
    detail::raise_sweep_anomaly(op, statement, argument, adjoint, partial);
  });
}

}  // namespace tapegrad
