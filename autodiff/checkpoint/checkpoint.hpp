// SPDX-License-Identifier: MIT
// checkpoint.hpp: record a stretch of a computation as its inputs and outputs only, and record it
// again during the reverse sweep (ADOL-C's and CoDiPack's checkpointing; PyTorch's
// torch.utils.checkpoint for Var code).
//
// A time loop of 10^5 steps records every step; with checkpoint(step_block, q) per block of steps, the
// tape holds per block only one external record (the block's input values) and one input statement per
// output. When the reverse sweep reaches the record, it runs the block again on a private Tape from the
// saved values, sweeps that tape seeded with the outputs' adjoints, and adds the inputs' gradients into
// the outer tape: peak memory is the outer tape plus one block's recording, for one more forward pass.
//
// The gradient is the plain recording's, bit for bit: the block is recorded with the same Vars read in
// the same order, a Var passed twice is one inner input (so its adjoint sums in the same order), and an
// output that is the same Var twice, or an input passed through, stays one Var outside. A Var block is
// re-recorded on its own tape; nested checkpoints work (each re-recording has its own).
#pragma once

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <span>
#include <type_traits>
#include <utility>
#include <vector>

#include "tapegrad/autodiff/scalar/var.hpp"
#include "tapegrad/autodiff/tape/tape.hpp"

namespace tapegrad {

namespace detail {

/// The input side of a checkpoint: the distinct recorded Vars among its inputs, and for each input
/// position which of them it is (or -1 for a constant).
struct CheckpointInputs {
  std::vector<std::uint32_t> outer_index;  // distinct recorded inputs, first occurrence order
  std::vector<double> value;               // their values
  std::vector<std::int32_t> slot;          // per input position: index into outer_index, or -1
  std::vector<double> constant;            // per input position: the value (used when slot is -1)
  /// Throws TapeError naming "checkpoint" for a Var of another or a cleared recording.
  explicit CheckpointInputs(std::span<const Var> inputs);
  /// Fresh inputs on the active tape, one per distinct recorded Var, in the positions' order.
  std::vector<Var> make_inner() const;
};

/// What f's outputs were in terms of the inner recording, so they can be found again.
enum class OutputKind : std::uint8_t { constant, input, statement };
struct CheckpointOutput {
  OutputKind kind;
  std::uint32_t which;  // input: the inner input's position; statement: the distinct statement's number
};

/// Classifies f's outputs on the inner tape (`first_statement`: index of the first statement after the
/// inner inputs): returns the layout and, for each distinct statement, its inner index.
std::vector<CheckpointOutput> classify_outputs(std::span<const Var> outputs,
                                               std::span<const Var> inner_inputs,
                                               std::vector<std::uint32_t>& statements);

/// Builds the outer outputs: constants stay constants, pass-through inputs are the caller's Vars, each
/// distinct statement becomes one input statement on the active tape (recorded after the record).
std::vector<Var> outer_outputs(std::span<const CheckpointOutput> layout, std::span<const Var> values,
                               std::span<const Var> inputs, std::uint32_t first_output_index);

/// The reverse step of a checkpoint, given f's outputs on the inner tape: seeds them with the outer
/// outputs' adjoints (consuming those), sweeps the inner tape, adds the inner inputs' gradients into the
/// outer adjoints. Throws TapeError if f's outputs do not have the layout they had when first recorded.
void checkpoint_reverse(Tape& outer, Tape& inner, const CheckpointInputs& in,
                        std::span<const CheckpointOutput> layout, std::uint32_t first_output_index,
                        std::span<const Var> inner_inputs, std::span<const Var> inner_outputs);

/// Whether some output adjoint is nonzero (otherwise the block need not be recorded again).
bool any_output_adjoint(const Tape& outer, std::uint32_t first_output_index, std::size_t statements);

template <class F>
std::vector<Var> call_block(F& f, const std::vector<Var>& x) {
  auto&& y = f(x);
  return std::vector<Var>(std::begin(y), std::end(y));
}

template <class F>
class CheckpointRecord final : public ExternalRecord {
 public:
  CheckpointRecord(F&& f, CheckpointInputs&& in, std::vector<CheckpointOutput>&& layout,
                   std::size_t statements)
      : f_(std::move(f)), in_(std::move(in)), layout_(std::move(layout)), statements_(statements) {}
  void set_first_output(std::uint32_t index) noexcept { first_output_ = index; }
  const std::vector<CheckpointOutput>& layout() const noexcept { return layout_; }

  void backward(Tape& outer) override {
    if (!any_output_adjoint(outer, first_output_, statements_)) return;  // not reached by this sweep
    Tape inner;  // active until the end of this scope; the outer tape records nothing meanwhile
    const std::vector<Var> x = in_.make_inner();
    const std::vector<Var> y = call_block(f_, x);
    checkpoint_reverse(outer, inner, in_, layout_, first_output_, x, y);
  }

 private:
  F f_;
  CheckpointInputs in_;
  std::vector<CheckpointOutput> layout_;
  std::size_t statements_;
  std::uint32_t first_output_ = 0;
};

}  // namespace detail

/// y = f(inputs), recorded as the inputs and outputs only: f runs once now on a private tape that is
/// thrown away, and again during the reverse sweep, when its recording is swept and thrown away too.
/// f takes `const std::vector<Var>&` (or a template parameter) and returns a range of Vars (a
/// std::vector<Var>); it must compute the same thing each time it is called (no state changed between
/// the calls, no Vars of other recordings captured) and must not use tensors. f is copied into the
/// tape's record and lives until the tape is cleared.
/// Throws TapeError for an input of another or a cleared recording, and during backward() if f
/// returns a different number or kind of outputs than the first time.
/// Example: `for (int b = 0; b < 500; ++b) q = checkpoint([](const auto& q) { return steps(q, 200); }, q);`
template <class F>
std::vector<Var> checkpoint(F f, std::span<const Var> inputs) {
  detail::CheckpointInputs in(inputs);
  std::vector<detail::CheckpointOutput> layout;
  std::vector<Var> values;  // the outputs' values, as Vars of the scratch tape
  std::vector<std::uint32_t> statements;
  {
    Tape scratch;
    const std::vector<Var> x = in.make_inner();
    std::vector<Var> y = detail::call_block(f, x);
    layout = detail::classify_outputs(y, x, statements);
    for (Var& v : y) v = Var::constant(v.value());  // values only: the scratch tape is about to go
    values = std::move(y);
  }
  const std::size_t distinct = statements.size();
  if (in.outer_index.empty() || distinct == 0)  // nothing to differentiate through f
    return detail::outer_outputs(layout, values, inputs, 0);
  Tape& tape = Tape::active();
  auto [record, index] = tape.emplace_external<detail::CheckpointRecord<F>>(std::move(f), std::move(in),
                                                                            std::move(layout), distinct);
  record->set_first_output(index + 1);
  return detail::outer_outputs(record->layout(), values, inputs, index + 1);
}
template <class F>
std::vector<Var> checkpoint(F f, const std::vector<Var>& inputs) {
  return checkpoint(std::move(f), std::span<const Var>(inputs));
}

}  // namespace tapegrad
