// SPDX-License-Identifier: MIT
// custom.hpp: a scalar function whose derivative the caller supplies, recorded as ONE tape statement.
//
// For code tapegrad cannot see through: a call into a library that returns its own derivative (a
// special function, a solver's sensitivity, a table lookup with a known slope). The caller computes
// y = f(x_1..x_n) and dy/dx_i with plain doubles; custom_function records exactly what an expression
// would have recorded, one statement with the arguments (x_i, dy/dx_i), so the reverse sweep, clear(),
// the anomaly guard and every driver treat it as any other statement. This is the one way a
// user-supplied scalar derivative enters the tape (docs/architecture.md, "User-supplied derivatives").
#pragma once

#include <initializer_list>
#include <span>
#include <string_view>

#include "tapegrad/autodiff/scalar/var.hpp"

namespace tapegrad {

/// y = value, with dy/d inputs[i] = partials[i]: one statement on the active tape (a chain of
/// statements for more than 255 recorded inputs, since one statement reads at most 255 Vars).
/// Constant inputs are allowed (their partial is ignored); a Var passed twice gets the sum of its
/// partials. If no input is recorded, the result is a constant Var. `name` names the function in
/// error messages and in the anomaly guard's reports.
/// Throws ShapeError unless inputs and partials have the same length, TapeError if an input belongs to
/// another or a cleared recording, and, while an AnomalyGuard is alive, DomainError for a non-finite
/// value or partial.
/// Example: `Var y = custom_function(std::cyl_bessel_j(0.0, x.value()), {x},
///                                  {-std::cyl_bessel_j(1.0, x.value())}, "bessel_j0");`
Var custom_function(double value, std::span<const Var> inputs, std::span<const double> partials,
                    std::string_view name = "custom_function");
inline Var custom_function(double value, std::initializer_list<Var> inputs,
                           std::initializer_list<double> partials,
                           std::string_view name = "custom_function") {
  return custom_function(value, std::span<const Var>(inputs.begin(), inputs.size()),
                         std::span<const double>(partials.begin(), partials.size()), name);
}

}  // namespace tapegrad
