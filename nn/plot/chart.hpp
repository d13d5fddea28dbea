// SPDX-License-Identifier: MIT
// chart.hpp: Chart, a 2-D plot with axes, ticks and a legend, drawn as SVG.
// Enough for what the examples show: loss curves (several series, optionally a log y axis), class-coloured
// scatter plots, heatmaps of a function on a grid (filled contours of an error surface, or a classifier's
// decision regions), and a path drawn over them (gradient descent on the error surface). Layers are drawn
// in the order heatmaps, lines, paths, points, so points stay visible on top of a decision map.
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

namespace tapegrad::nn::plot {

/// The frame of a chart.
struct ChartOptions {
  double width = 640.0;
  double height = 440.0;
  std::string title{};
  std::string x_label{};
  std::string y_label{};
  /// Logarithmic y axis (ticks at powers of ten); values <= 0 are then left out, as missing.
  bool log_y = false;
};

/// Values on a regular grid over [x_min, x_max] x [y_min, y_max]: values[r * columns + c] belongs to the
/// cell whose centre is (x_center(c), y_center(r)); row 0 is at y_min (the bottom of the chart).
struct Grid {
  double x_min = 0.0;
  double x_max = 1.0;
  double y_min = 0.0;
  double y_max = 1.0;
  std::int64_t columns = 0;
  std::int64_t rows = 0;
  std::vector<double> values{};

  /// A grid of columns x rows cells with every value 0, ready to be filled.
  /// Example: `auto g = plot::Grid::over(-2, 2, -2, 2, 60, 60); g.at(r, c) = f(g.x_center(c),
  /// g.y_center(r));`
  static Grid over(double x_min, double x_max, double y_min, double y_max, std::int64_t columns,
                   std::int64_t rows);
  double x_center(std::int64_t c) const;
  double y_center(std::int64_t r) const;
  double& at(std::int64_t r, std::int64_t c) { return values[static_cast<std::size_t>(r * columns + c)]; }
};

enum class HeatmapStyle : std::uint8_t {
  continuous,  ///< values through the sequential colour map, with a colour bar
  classes,     ///< values are class numbers, drawn in the categorical colours, lightened
};

struct HeatmapOptions {
  HeatmapStyle style = HeatmapStyle::continuous;
  /// continuous: quantise into this many colour bands, which draws a filled contour plot; 0 = smooth.
  int levels = 0;
  /// How strongly the colours show, as if drawn with this opacity on white; 0 = automatic (1 for
  /// continuous, 0.35 for classes, so points drawn over the regions stand out).
  double opacity = 0.0;
  /// continuous: the colour bar's label (e.g. "error E").
  std::string label{};
};

/// Example:
/// ```
/// plot::Chart chart({.title = "Loss", .x_label = "epoch", .y_label = "loss", .log_y = true});
/// chart.line(history.column("train_loss"), "train").line(history.column("val_loss"), "validation");
/// chart.save("loss.svg");
/// ```
class Chart {
 public:
  explicit Chart(ChartOptions options = {});

  /// A line through (x[i], y[i]) in the next series colour; NaN values break it. Throws ShapeError unless x
  /// and y have the same length.
  Chart& line(std::span<const double> x, std::span<const double> y, std::string label = {});
  /// A line through (1, y[0]), (2, y[1]), ...: a per-epoch curve.
  Chart& line(std::span<const double> y, std::string label = {});
  /// Points (x[i], y[i]), coloured by classes[i] (the categorical colours) or, when classes is empty, all in
  /// the next series colour. With class_names, the legend names each class. Throws ShapeError if the lengths
  /// differ and DomainError for a negative class.
  Chart& scatter(std::span<const double> x, std::span<const double> y,
                 std::span<const std::int64_t> classes = {}, std::vector<std::string> class_names = {});
  /// A filled heatmap of the grid (cells of equal colour in a row are merged into one rectangle).
  /// Throws ShapeError unless values has rows * columns entries (both > 0), DomainError for an empty range
  /// or a negative class (classes style).
  Chart& heatmap(Grid grid, HeatmapOptions options = {});
  /// A path overlay: a line with a white halo through the points, a dot at each (a larger one at the last),
  /// in the next series colour; for an optimiser's trajectory over a heatmap. Throws ShapeError unless x and
  /// y have one length.
  Chart& path(std::span<const double> x, std::span<const double> y, std::string label = {});

  /// The SVG document.
  std::string svg() const;
  /// Writes svg() to `path` atomically. Throws nn::FileError naming the path on failure.
  void save(const std::filesystem::path& path) const;

 private:
  enum class Kind : std::uint8_t { line, path, points };
  struct Series {
    Kind kind;
    std::vector<double> x, y;
    std::vector<std::int64_t> classes;
    std::vector<std::string> class_names;
    std::string label;
    std::string color;
  };
  struct Heatmap {
    Grid grid;
    HeatmapOptions options;
  };

  std::string next_color();

  ChartOptions options_;
  std::vector<Series> series_;
  std::vector<Heatmap> heatmaps_;
  std::size_t colors_used_ = 0;
};

}  // namespace tapegrad::nn::plot
