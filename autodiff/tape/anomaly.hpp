// SPDX-License-Identifier: MIT
// anomaly.hpp: an opt-in guard that finds where a NaN or Inf is born, like PyTorch's anomaly mode; all of
// it is here and in anomaly.cpp. Without a guard, tapegrad computes what <cmath> computes (log(-1) is NaN)
// and says nothing. While a guard is alive on a thread, the first op whose value or local derivative is
// NaN/Inf throws DomainError naming the op and its inputs, and backward() checks every propagated gradient.
// Without a guard the checks cost nothing: a guard leaves the active tape no room, so every statement takes
// the record path's slow path, which checks (tape/tape.hpp, TapeHead); tensor ops test anomaly_depth.
#pragma once

#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <string_view>

#include "tapegrad/autodiff/core/shape.hpp"

namespace tapegrad {

namespace detail {

/// Depth of live AnomalyGuards on this thread. constinit: reading it is one thread-pointer-relative load.
inline constinit thread_local int anomaly_depth = 0;

// The messages (out of line: cold paths). `inputs` are the op's operands, `count` of them.
[[noreturn, gnu::cold]] void raise_forward_anomaly(std::string_view op, double result, const double* inputs,
                                                   int count);
[[noreturn, gnu::cold]] void raise_backward_anomaly(std::string_view op, double partial, const double* inputs,
                                                    int count);
/// The scalar sweep met a non-finite adjoint * partial at `statement` (recorded by `op`) for `argument`.
[[noreturn, gnu::cold]] void raise_sweep_anomaly(std::string_view op, std::uint32_t statement,
                                                 std::uint32_t argument, double adjoint, double partial);
/// A tensor op produced `value` at `element` of its output of shape `out`; `inputs` lists the input shapes.
[[noreturn, gnu::cold]] void raise_tensor_forward_anomaly(std::string_view op, double value,
                                                          std::int64_t element, const Shape& out,
                                                          std::string_view inputs);
/// A tensor op's backward made `value` at `element` of the gradient of its input `input` (of shape `shape`).
[[noreturn, gnu::cold]] void raise_tensor_backward_anomaly(std::string_view op, std::size_t input,
                                                           const Shape& shape, double value,
                                                           std::int64_t element);

inline void check_result(std::string_view op, double result, std::initializer_list<double> inputs) {
  if (!std::isfinite(result))
    raise_forward_anomaly(op, result, inputs.begin(), static_cast<int>(inputs.size()));
}
inline void check_partial(std::string_view op, double partial, std::initializer_list<double> inputs) {
  if (!std::isfinite(partial))
    raise_backward_anomaly(op, partial, inputs.begin(), static_cast<int>(inputs.size()));
}

}  // namespace detail

/// Example: `{ tapegrad::AnomalyGuard guard; Var y = log(x); }  // throws if x <= 0`
class AnomalyGuard {
 public:
  AnomalyGuard() noexcept;
  ~AnomalyGuard() { --detail::anomaly_depth; }
  AnomalyGuard(const AnomalyGuard&) = delete;
  AnomalyGuard& operator=(const AnomalyGuard&) = delete;

  /// True while at least one guard is alive on this thread.
  static bool enabled() noexcept { return detail::anomaly_depth != 0; }
};

}  // namespace tapegrad
