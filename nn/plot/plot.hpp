// SPDX-License-Identifier: MIT
// plot.hpp: umbrella header of tapegrad::plot (link tapegrad::plot): SVG documents, line charts of a
// training History, image grids and the colours they share. Kept out of nn/nn.hpp, so a program that
// trains without drawing compiles none of it.
#pragma once

#include "tapegrad/nn/plot/chart.hpp"
#include "tapegrad/nn/plot/colors.hpp"
#include "tapegrad/nn/plot/image_grid.hpp"
#include "tapegrad/nn/plot/svg.hpp"
