// SPDX-License-Identifier: MIT
// example_support.hpp: the few steps the small training examples (xor, encoder_838, sin_regression,
// two_moons, delta_rule, linear_neuron) all take the same way: print the model, one gradient step on a
// reused Tape, an epoch of such steps over a DataLoader, which epochs to report, the cell centres of a
// plot grid as one input batch, and writing a chart into the output directory.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "tapegrad/nn/nn.hpp"
#include "tapegrad/nn/plot/plot.hpp"

namespace tapegrad::examples {

/// Prints `model` as operator<< shows it (layers, shapes, parameter count) and a blank line.
/// Example: `print_model(net);`
inline void print_model(const nn::Module& model) {
  std::ostringstream s;
  s << model << "\n";
  std::fputs(s.str().c_str(), stdout);
}

/// Whether an example prints epoch `epoch` of `epochs`: the first one and every fifth of the run.
/// Example: `if (is_report_epoch(epoch, epochs)) std::printf(...);`
inline bool is_report_epoch(int epoch, int epochs) {
  return epoch == 1 || epoch % std::max(epochs / 5, 1) == 0;
}

/// One gradient step: clears `tape` (keeping its memory), zeroes the gradients, records `loss_of()` (a
/// scalar Tensor), runs backward and `optimizer.step()`. Returns the loss before the step. Throws what
/// the loss and the optimizer throw.
/// Example: `double e = train_step(tape, opt, [&] { return nn::mse_loss(net(x), t); });`
template <class LossOf>
double train_step(Tape& tape, nn::Optimizer& optimizer, LossOf&& loss_of) {
  tape.clear();
  optimizer.zero_grad();
  const Tensor loss = loss_of();
  loss.backward();
  optimizer.step();
  return loss.item();
}

/// One pass over `loader`, a train_step per batch with `loss_of(batch)`. Returns the mean loss per
/// example (each batch's mean loss weighted by its size).
/// Example: `double mse = train_epoch(tape, opt, loader, [&](const nn::Batch& b) { return ...; });`
template <class LossOf>
double train_epoch(Tape& tape, nn::Optimizer& optimizer, nn::DataLoader& loader, LossOf&& loss_of) {
  double total = 0.0;
  std::int64_t examples = 0;
  for (const nn::Batch& batch : loader) {
    total += train_step(tape, optimizer, [&] { return loss_of(batch); }) * static_cast<double>(batch.size());
    examples += batch.size();
  }
  return total / static_cast<double>(examples);
}

/// The centres of `grid`'s cells as one float32 batch [rows * columns, 2] of (x, y), row by row (the
/// order of Grid::values), for evaluating a network over a picture's area.
/// Example: `auto o = net(grid_points(regions)).to_vector<double>();`
inline Tensor grid_points(const nn::plot::Grid& grid) {
  std::vector<float> xy;
  xy.reserve(static_cast<std::size_t>(2 * grid.rows * grid.columns));
  for (std::int64_t r = 0; r < grid.rows; ++r)
    for (std::int64_t c = 0; c < grid.columns; ++c) {
      xy.push_back(static_cast<float>(grid.x_center(c)));
      xy.push_back(static_cast<float>(grid.y_center(r)));
    }
  return from<float>(xy, {grid.rows * grid.columns, 2});
}

/// Creates `dir` if needed, saves `chart` there as `file` and prints "wrote <path>". Throws what
/// std::filesystem and Chart::save throw. Example: `write_chart(chart, out, "xor_loss.svg");`
inline void write_chart(const nn::plot::Chart& chart, const std::filesystem::path& dir,
                        const std::string& file) {
  std::filesystem::create_directories(dir);
  const std::filesystem::path path = dir / file;
  chart.save(path);
  std::printf("wrote %s\n", path.string().c_str());
}

}  // namespace tapegrad::examples
