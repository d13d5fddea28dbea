// SPDX-License-Identifier: MIT
// colors.hpp: the colours of our plots, as "#rrggbb" strings.
// Ten categorical colours that stay distinct next to each other (series, classes), a sequential map from
// dark blue-violet to yellow whose lightness rises steadily (so it also reads in grey print), and grey.
#pragma once

#include <cstddef>
#include <string>

namespace tapegrad::nn::plot {

/// The i-th categorical colour; after ten the palette repeats. Example: `category_color(0)` is "#2f6db5".
std::string category_color(std::size_t i);

/// The sequential colour map at t in [0, 1] (clamped; NaN gives light grey "#dddddd").
/// Example: `sequential_color(0.0)` is the darkest colour, `sequential_color(1.0)` the lightest.
std::string sequential_color(double t);

/// `color` ("#rrggbb") as if drawn with the given opacity on white: opacity 1 keeps it, 0 gives white.
/// Example: `lighten("#000000", 0.5)` is "#808080".
std::string lighten(const std::string& color, double opacity);

/// Grey level t in [0, 1] (clamped): 0 white, 1 black, as ink on paper.
/// Example: `ink_color(1.0)` is "#000000".
std::string ink_color(double t);

}  // namespace tapegrad::nn::plot
