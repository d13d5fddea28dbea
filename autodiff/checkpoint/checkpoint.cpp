// SPDX-License-Identifier: MIT
// checkpoint.cpp: the non-template half of checkpoint() (see checkpoint.hpp).
#include "tapegrad/autodiff/checkpoint/checkpoint.hpp"

#include <algorithm>
#include <cassert>

namespace tapegrad::detail {

CheckpointInputs::CheckpointInputs(std::span<const Var> inputs) {
  const std::uint32_t generation = Tape::active().generation();
  slot.reserve(inputs.size());
  constant.reserve(inputs.size());
  for (const Var& x : inputs) {
    constant.push_back(x.value());
    if (!x.is_recorded()) {
      slot.push_back(-1);
      continue;
    }
    if (x.generation() != generation) throw_foreign("checkpoint", x.generation(), x.value(), generation);
    // Usually each input is a distinct Var; a short backwards search finds the repeats that are not
    // (a periodic ghost cell is the same Var as the cell it copies).
    const auto found = std::find(outer_index.rbegin(), outer_index.rend(), x.index());
    if (found != outer_index.rend()) {
      slot.push_back(static_cast<std::int32_t>(outer_index.rend() - found - 1));
    } else {
      slot.push_back(static_cast<std::int32_t>(outer_index.size()));
      outer_index.push_back(x.index());
      value.push_back(x.value());
    }
  }
}

std::vector<Var> CheckpointInputs::make_inner() const {
  std::vector<Var> distinct;
  distinct.reserve(value.size());
  for (const double v : value) distinct.emplace_back(v);
  std::vector<Var> x;
  x.reserve(slot.size());
  for (std::size_t p = 0; p < slot.size(); ++p)
    x.push_back(slot[p] < 0 ? Var::constant(constant[p]) : distinct[static_cast<std::size_t>(slot[p])]);
  return x;
}

std::vector<CheckpointOutput> classify_outputs(std::span<const Var> outputs,
                                               std::span<const Var> inner_inputs,
                                               std::vector<std::uint32_t>& statements) {
  statements.clear();
  // The inner inputs are the first statements of the inner tape, so an index up to the last of them
  // is an input; find its position by its index.
  std::uint32_t last_input = 0;
  for (const Var& x : inner_inputs) last_input = std::max(last_input, x.index());
  std::vector<CheckpointOutput> layout;
  layout.reserve(outputs.size());
  for (const Var& y : outputs) {
    if (!y.is_recorded()) {
      layout.push_back({OutputKind::constant, 0});
    } else if (y.index() <= last_input) {
      std::uint32_t p = 0;
      while (inner_inputs[p].index() != y.index()) ++p;
      layout.push_back({OutputKind::input, p});
    } else {
      const auto found = std::find(statements.rbegin(), statements.rend(), y.index());
      if (found != statements.rend()) {
        layout.push_back({OutputKind::statement, static_cast<std::uint32_t>(statements.rend() - found - 1)});
      } else {
        layout.push_back({OutputKind::statement, static_cast<std::uint32_t>(statements.size())});
        statements.push_back(y.index());
      }
    }
  }
  return layout;
}

std::vector<Var> outer_outputs(std::span<const CheckpointOutput> layout, std::span<const Var> values,
                               std::span<const Var> inputs, std::uint32_t first_output_index) {
  std::vector<Var> made;  // one input statement per distinct inner statement, in order
  std::vector<Var> out;
  out.reserve(layout.size());
  for (std::size_t j = 0; j < layout.size(); ++j) {
    const CheckpointOutput o = layout[j];
    if (o.kind == OutputKind::input) {
      out.push_back(inputs[o.which]);
    } else if (o.kind == OutputKind::constant || first_output_index == 0) {
      out.push_back(Var::constant(values[j].value()));
    } else {
      if (o.which == made.size()) {
        made.emplace_back(values[j].value());
        assert(made.back().index() == first_output_index + o.which && "outputs must follow the record");
      }
      out.push_back(made[o.which]);
    }
  }
  return out;
}

bool any_output_adjoint(const Tape& outer, std::uint32_t first_output_index, std::size_t statements) {
  for (std::size_t k = 0; k < statements; ++k)
    if (outer.adjoint(first_output_index + static_cast<std::uint32_t>(k)) != 0.0) return true;
  return false;
}

void checkpoint_reverse(Tape& outer, Tape& inner, const CheckpointInputs& in,
                        std::span<const CheckpointOutput> layout, std::uint32_t first_output_index,
                        std::span<const Var> inner_inputs, std::span<const Var> inner_outputs) {
  std::vector<std::uint32_t> statements;
  const std::vector<CheckpointOutput> again = classify_outputs(inner_outputs, inner_inputs, statements);
  const bool same = again.size() == layout.size() &&
                    std::equal(again.begin(), again.end(), layout.begin(), [](const auto& a, const auto& b) {
                      return a.kind == b.kind && a.which == b.which;
                    });
  TAPEGRAD_CHECK(same, TapeError, "checkpoint: the function returned ", again.size(), " outputs (",
                 statements.size(), " distinct recorded ones) when recorded again for backward, but ",
                 layout.size(),
                 " the first time, or in another arrangement; it must compute the same thing each call");
  std::vector<double> seeds(statements.size());
  for (std::size_t k = 0; k < statements.size(); ++k) {
    double& adjoint = outer.adjoint_slot(first_output_index + static_cast<std::uint32_t>(k));
    seeds[k] = adjoint;
    adjoint = 0.0;  // consumed, as a statement's adjoint is
  }
  inner.backward_from(statements, seeds);
  // Each distinct outer input has one inner input, at the first position whose slot names it.
  std::vector<bool> done(in.outer_index.size(), false);
  for (std::size_t p = 0; p < in.slot.size(); ++p) {
    const std::int32_t d = in.slot[p];
    if (d < 0 || done[static_cast<std::size_t>(d)]) continue;
    done[static_cast<std::size_t>(d)] = true;
    outer.adjoint_slot(in.outer_index[static_cast<std::size_t>(d)]) += inner.adjoint(inner_inputs[p].index());
  }
}

}  // namespace tapegrad::detail
