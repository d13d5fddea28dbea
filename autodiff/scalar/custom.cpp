// SPDX-License-Identifier: MIT
// custom.cpp: recording a user-supplied derivative (see custom.hpp).
#include "tapegrad/autodiff/scalar/custom.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <vector>

namespace tapegrad {

Var custom_function(double value, std::span<const Var> inputs, std::span<const double> partials,
                    std::string_view name) {
  TAPEGRAD_CHECK(inputs.size() == partials.size(), ShapeError, name, ": expected one partial per input, got ",
                 inputs.size(), " inputs and ", partials.size(), " partials");
  const std::uint32_t generation = Tape::active().generation();
  for (const Var& x : inputs)
    if (x.is_recorded() && x.generation() != generation)
      detail::throw_foreign(name, x.generation(), x.value(), generation);
  if (detail::anomaly_depth != 0) {
    if (!std::isfinite(value))
      detail::raise<DomainError>("anomaly: ", name, " produced ", value, " (a user-supplied function)");
    for (std::size_t i = 0; i < partials.size(); ++i)
      if (inputs[i].is_recorded() && !std::isfinite(partials[i]))
        detail::raise<DomainError>("anomaly: the partial of ", name, " with respect to its input ", i,
                                   " (value ", inputs[i].value(), ") is ", partials[i],
                                   ", so backward would propagate a non-finite gradient");
  }

  std::vector<detail::Arg> args;
  args.reserve(inputs.size());
  for (std::size_t i = 0; i < inputs.size(); ++i)
    if (inputs[i].is_recorded()) args.push_back({inputs[i].index(), partials[i]});
  if (args.empty()) return Var::constant(value);

  // More than 255 arguments: each statement of the chain takes up to 254 of them plus the one before,
  // with partial 1 (y_k = y_{k-1} + sum of its share), so the last one holds the whole derivative.
  // A Var passed twice may then be split across statements; the sweep adds its shares all the same.
  std::span<const detail::Arg> rest(args);
  detail::Recorded recorded{0, 0};
  std::vector<detail::Arg> chunk;
  while (!rest.empty()) {
    chunk.clear();
    if (recorded.index != 0) chunk.push_back({recorded.index, 1.0});
    const std::size_t take = std::min(rest.size(), detail::kMaxArguments - chunk.size());
    chunk.insert(chunk.end(), rest.begin(), rest.begin() + static_cast<std::ptrdiff_t>(take));
    rest = rest.subspan(take);
    recorded = Tape::record_statement(chunk.data(), chunk.size(), name);  // never empty: no constants
  }
  return Var::from_statement(value, recorded.index);
}

}  // namespace tapegrad
