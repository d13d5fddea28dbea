// SPDX-License-Identifier: MIT
#include "tapegrad/nn/plot/chart.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <utility>

#include "tapegrad/autodiff/core/error.hpp"
#include "tapegrad/nn/plot/colors.hpp"
#include "tapegrad/nn/plot/svg.hpp"

namespace tapegrad::nn::plot {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// A closed interval that grows to include values; empty until the first finite one.
struct Range {
  double lo = std::numeric_limits<double>::infinity();
  double hi = -std::numeric_limits<double>::infinity();
  void add(double v) {
    if (!std::isfinite(v)) return;
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  bool empty() const { return lo > hi; }
};

// About `target` round-numbered ticks (steps of 1, 2 or 5 times a power of ten) inside [lo, hi].
std::vector<double> nice_ticks(double lo, double hi, int target, double& step) {
  const double raw = (hi - lo) / target;
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  const double normalized = raw / magnitude;
  step = (normalized < 1.5 ? 1.0 : normalized < 3.0 ? 2.0 : normalized < 7.0 ? 5.0 : 10.0) * magnitude;
  std::vector<double> ticks;
  for (double t = std::ceil(lo / step - 1e-9) * step; t <= hi + step * 1e-9; t += step)
    ticks.push_back(std::fabs(t) < step * 1e-9 ? 0.0 : t);
  return ticks;
}

// A tick label with as many decimals as the step needs.
std::string tick_label(double value, double step) {
  char buffer[64];
  const double magnitude = std::max(std::fabs(value), step);
  std::to_chars_result result{};
  if (magnitude >= 1e6 || magnitude < 1e-4) {
    result = std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::general, 3);
  } else {
    const int decimals = std::clamp(static_cast<int>(-std::floor(std::log10(step) + 1e-9)), 0, 10);
    result = std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::fixed, decimals);
  }
  return std::string(buffer, result.ptr);
}

// A label for a log axis, mantissa times a power of ten: 0.001, 0.2, 1, 50, 1000, 1e+06.
std::string decade_label(int exponent, double mantissa = 1.0) {
  char buffer[64];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, mantissa * std::pow(10.0, exponent),
                                    std::chars_format::general, 6);
  return std::string(buffer, result.ptr);
}

// Where the plot area is, and how data maps onto it.
struct Frame {
  double left, top, right, bottom;  // pixels
  double x_lo, x_hi, y_lo, y_hi;    // data (y in log10 units on a log axis)
  bool log_y;
  double px(double x) const { return left + (x - x_lo) / (x_hi - x_lo) * (right - left); }
  double py(double y) const {
    const double v = log_y ? (y > 0.0 ? std::log10(y) : kNaN) : y;
    return bottom - (v - y_lo) / (y_hi - y_lo) * (bottom - top);
  }
};

void check_lengths(std::size_t x, std::size_t y, const char* op) {
  TAPEGRAD_CHECK(x == y, ShapeError, op, ": ", x, " x values but ", y, " y values");
}

// The colour of one heatmap cell.
std::string cell_color(double v, const HeatmapOptions& o, double v_lo, double v_hi, double opacity) {
  if (!std::isfinite(v)) return "#ffffff";
  if (o.style == HeatmapStyle::classes)
    return lighten(category_color(static_cast<std::size_t>(std::llround(std::max(v, 0.0)))), opacity);
  double t = v_hi > v_lo ? (v - v_lo) / (v_hi - v_lo) : 0.5;
  if (o.levels > 0) {
    const double band = std::min(std::floor(t * o.levels), static_cast<double>(o.levels - 1));
    t = o.levels == 1 ? 0.5 : band / (o.levels - 1);
  }
  return lighten(sequential_color(t), opacity);
}

}  // namespace

Grid Grid::over(double x_min, double x_max, double y_min, double y_max, std::int64_t columns,
                std::int64_t rows) {
  TAPEGRAD_CHECK(columns > 0 && rows > 0, ShapeError,
                 "Grid::over: expected at least one column and row, got ", columns, " x ", rows);
  Grid g{x_min, x_max, y_min, y_max, columns, rows, {}};
  g.values.assign(static_cast<std::size_t>(columns * rows), 0.0);
  return g;
}

double Grid::x_center(std::int64_t c) const {
  return x_min + (static_cast<double>(c) + 0.5) * (x_max - x_min) / static_cast<double>(columns);
}

double Grid::y_center(std::int64_t r) const {
  return y_min + (static_cast<double>(r) + 0.5) * (y_max - y_min) / static_cast<double>(rows);
}

Chart::Chart(ChartOptions options) : options_(std::move(options)) {}

std::string Chart::next_color() {
  return category_color(colors_used_++);
}

Chart& Chart::line(std::span<const double> x, std::span<const double> y, std::string label) {
  check_lengths(x.size(), y.size(), "Chart::line");
  series_.push_back(
      {Kind::line, {x.begin(), x.end()}, {y.begin(), y.end()}, {}, {}, std::move(label), next_color()});
  return *this;
}

Chart& Chart::line(std::span<const double> y, std::string label) {
  std::vector<double> x(y.size());
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = static_cast<double>(i + 1);
  return line(x, y, std::move(label));
}

Chart& Chart::scatter(std::span<const double> x, std::span<const double> y,
                      std::span<const std::int64_t> classes, std::vector<std::string> class_names) {
  check_lengths(x.size(), y.size(), "Chart::scatter");
  TAPEGRAD_CHECK(classes.empty() || classes.size() == x.size(), ShapeError, "Chart::scatter: ", x.size(),
                 " points but ", classes.size(), " classes");
  for (std::size_t i = 0; i < classes.size(); ++i)
    TAPEGRAD_CHECK(classes[i] >= 0, DomainError, "Chart::scatter: class ", classes[i], " of point ", i,
                   " is negative");
  series_.push_back({Kind::points,
                     {x.begin(), x.end()},
                     {y.begin(), y.end()},
                     {classes.begin(), classes.end()},
                     std::move(class_names),
                     {},
                     classes.empty() ? next_color() : std::string()});
  return *this;
}

Chart& Chart::heatmap(Grid grid, HeatmapOptions options) {
  TAPEGRAD_CHECK(grid.columns > 0 && grid.rows > 0 &&
                     static_cast<std::int64_t>(grid.values.size()) == grid.columns * grid.rows,
                 ShapeError, "Chart::heatmap: a ", grid.columns, " x ", grid.rows, " grid needs ",
                 grid.columns * grid.rows, " values, got ", grid.values.size());
  TAPEGRAD_CHECK(grid.x_max > grid.x_min && grid.y_max > grid.y_min, DomainError,
                 "Chart::heatmap: empty grid range x [", grid.x_min, ", ", grid.x_max, "], y [", grid.y_min,
                 ", ", grid.y_max, "]");
  if (options.style == HeatmapStyle::classes)
    for (double v : grid.values)
      TAPEGRAD_CHECK(!(v < 0.0), DomainError, "Chart::heatmap: class ", v, " is negative");
  heatmaps_.push_back({std::move(grid), std::move(options)});
  return *this;
}

Chart& Chart::path(std::span<const double> x, std::span<const double> y, std::string label) {
  check_lengths(x.size(), y.size(), "Chart::path");
  series_.push_back(
      {Kind::path, {x.begin(), x.end()}, {y.begin(), y.end()}, {}, {}, std::move(label), next_color()});
  return *this;
}

std::string Chart::svg() const {
  const ChartOptions& o = options_;
  const Heatmap* colorbar = nullptr;
  for (const Heatmap& h : heatmaps_)
    if (h.options.style == HeatmapStyle::continuous && colorbar == nullptr) colorbar = &h;

  // ---- data ranges ----
  Range xr, yr;
  const auto y_value = [&](double y) { return o.log_y ? (y > 0.0 ? std::log10(y) : kNaN) : y; };
  for (const Heatmap& h : heatmaps_) {
    xr.add(h.grid.x_min);
    xr.add(h.grid.x_max);
    yr.add(y_value(h.grid.y_min));
    yr.add(y_value(h.grid.y_max));
  }
  for (const Series& s : series_)
    for (std::size_t i = 0; i < s.x.size(); ++i)
      if (std::isfinite(s.x[i]) && std::isfinite(y_value(s.y[i]))) {
        xr.add(s.x[i]);
        yr.add(y_value(s.y[i]));
      }
  if (xr.empty()) xr = {0.0, 1.0};
  if (yr.empty()) yr = {0.0, 1.0};
  for (Range* r : {&xr, &yr})
    if (r->hi - r->lo < 1e-12 * std::max(1.0, std::fabs(r->lo))) {
      const double pad = std::max(1.0, std::fabs(r->lo) * 0.1);
      r->lo -= pad;
      r->hi += pad;
    }
  if (heatmaps_.empty()) {  // a little air around points and lines; a heatmap fills the frame exactly
    const double px = 0.04 * (xr.hi - xr.lo), py = 0.05 * (yr.hi - yr.lo);
    xr = {xr.lo - px, xr.hi + px};
    yr = {yr.lo - py, yr.hi + py};
  }

  // ---- layout ----
  const double top = o.title.empty() ? 16.0 : 38.0;
  const double left = o.y_label.empty() ? 52.0 : 70.0;
  const double bottom = o.height - (o.x_label.empty() ? 30.0 : 48.0);
  const double right = o.width - (colorbar != nullptr ? 86.0 : 20.0);
  const Frame f{left, top, right, bottom, xr.lo, xr.hi, yr.lo, yr.hi, o.log_y};

  SvgWriter svg(o.width, o.height);
  if (!o.title.empty()) svg.text(o.width / 2, 24, o.title, {.size = 15, .anchor = "middle", .bold = true});

  // ---- ticks and grid lines ----
  double x_step = 1.0;
  const std::vector<double> x_ticks = nice_ticks(xr.lo, xr.hi, 6, x_step);
  std::vector<std::pair<double, std::string>> y_ticks;  // position in axis units, label
  if (o.log_y) {
    const int first = static_cast<int>(std::ceil(yr.lo - 1e-9));
    const int last = static_cast<int>(std::floor(yr.hi + 1e-9));
    if (last - first >= 3) {
      const int every = std::max(1, (last - first + 1 + 7) / 8);  // at most about 8 labels
      for (int e = first; e <= last; e += every) y_ticks.emplace_back(e, decade_label(e));
    } else {  // few decades: 1, 2 and 5 times each power of ten
      for (int e = first - 1; e <= last; ++e)
        for (double m : {1.0, 2.0, 5.0}) {
          const double at = e + std::log10(m);
          if (at >= yr.lo - 1e-9 && at <= yr.hi + 1e-9) y_ticks.emplace_back(at, decade_label(e, m));
        }
    }
  }
  if (y_ticks.size() < 2) {  // linear axis, or a log axis spanning less than a decade
    y_ticks.clear();
    double y_step = 1.0;
    for (double t : nice_ticks(yr.lo, yr.hi, 6, y_step))
      y_ticks.emplace_back(
          t, o.log_y ? tick_label(std::pow(10.0, t), std::pow(10.0, t) / 10) : tick_label(t, y_step));
  }
  const auto axis_py = [&](double axis_units) {
    return bottom - (axis_units - yr.lo) / (yr.hi - yr.lo) * (bottom - top);
  };
  if (heatmaps_.empty()) {
    for (double t : x_ticks) svg.line(f.px(t), top, f.px(t), bottom, "#e6e6e6", 1.0);
    for (const auto& [t, label] : y_ticks) svg.line(left, axis_py(t), right, axis_py(t), "#e6e6e6", 1.0);
  }

  // ---- layers, clipped to the plot area ----
  svg.clip_rect("plot-area", left, top, right - left, bottom - top);
  svg.begin_group("plot-area");
  for (const Heatmap& h : heatmaps_) {
    const Grid& g = h.grid;
    Range vr;
    for (double v : g.values) vr.add(v);
    const bool classes = h.options.style == HeatmapStyle::classes;
    const double opacity = h.options.opacity > 0.0 ? h.options.opacity : (classes ? 0.35 : 1.0);
    const double dx = (g.x_max - g.x_min) / static_cast<double>(g.columns);
    const double dy = (g.y_max - g.y_min) / static_cast<double>(g.rows);
    for (std::int64_t r = 0; r < g.rows; ++r) {
      const double y0 = f.py(g.y_min + static_cast<double>(r + 1) * dy);  // top edge in pixels
      const double y1 = f.py(g.y_min + static_cast<double>(r) * dy);
      if (!std::isfinite(y0) || !std::isfinite(y1)) continue;
      std::int64_t c = 0;
      while (c < g.columns) {
        const std::string color = cell_color(g.values[static_cast<std::size_t>(r * g.columns + c)], h.options,
                                             vr.lo, vr.hi, opacity);
        std::int64_t end = c + 1;
        while (end < g.columns && cell_color(g.values[static_cast<std::size_t>(r * g.columns + end)],
                                             h.options, vr.lo, vr.hi, opacity) == color)
          ++end;
        const double x0 = f.px(g.x_min + static_cast<double>(c) * dx);
        const double x1 = f.px(g.x_min + static_cast<double>(end) * dx);
        // Half a pixel of overlap hides the hairline seams anti-aliasing leaves between abutting cells.
        svg.rect(x0, y0, x1 - x0 + 0.5, y1 - y0 + 0.5, color);
        c = end;
      }
    }
  }
  const auto points_of = [&](const Series& s) {
    std::vector<Point> p(s.x.size());
    for (std::size_t i = 0; i < p.size(); ++i) p[i] = {f.px(s.x[i]), f.py(s.y[i])};
    return p;
  };
  for (Kind kind : {Kind::line, Kind::path, Kind::points})
    for (const Series& s : series_) {
      if (s.kind != kind) continue;
      const std::vector<Point> p = points_of(s);
      if (kind == Kind::line) svg.polyline(p, s.color, 2.0);
      if (kind == Kind::path) {
        svg.polyline(p, "white", 4.5);  // a halo: the path stays visible on any heatmap colour
        svg.polyline(p, s.color, 1.8);
        std::size_t last = p.size();
        for (std::size_t i = 0; i < p.size(); ++i)
          if (std::isfinite(p[i].x) && std::isfinite(p[i].y)) last = i;
        for (std::size_t i = 0; i < p.size(); ++i)
          if (std::isfinite(p[i].x) && std::isfinite(p[i].y))
            svg.circle(p[i].x, p[i].y, i == last ? 4.5 : 2.2, s.color, i == last ? "white" : "none");
      }
      if (kind == Kind::points)
        for (std::size_t i = 0; i < p.size(); ++i)
          if (std::isfinite(p[i].x) && std::isfinite(p[i].y))
            svg.circle(p[i].x, p[i].y, 3.5,
                       s.classes.empty() ? s.color : category_color(static_cast<std::size_t>(s.classes[i])),
                       "white");
    }
  svg.end_group();

  // ---- axes ----
  svg.rect(left, top, right - left, bottom - top, "none", 1.0, "#444444");
  for (double t : x_ticks) {
    svg.line(f.px(t), bottom, f.px(t), bottom + 5, "#444444");
    svg.text(f.px(t), bottom + 18, tick_label(t, x_step), {.size = 11, .anchor = "middle"});
  }
  for (const auto& [t, label] : y_ticks) {
    svg.line(left - 5, axis_py(t), left, axis_py(t), "#444444");
    svg.text(left - 8, axis_py(t) + 4, label, {.size = 11, .anchor = "end"});
  }
  if (!o.x_label.empty())
    svg.text((left + right) / 2, o.height - 12, o.x_label, {.size = 13, .anchor = "middle"});
  if (!o.y_label.empty())
    svg.text(18, (top + bottom) / 2, o.y_label, {.size = 13, .anchor = "middle", .rotate = -90});

  // ---- legend: labelled lines and paths, and named classes ----
  struct Entry {
    std::string label, color;
    bool marker;
  };
  std::vector<Entry> entries;
  for (const Series& s : series_) {
    if (s.kind != Kind::points && !s.label.empty()) entries.push_back({s.label, s.color, false});
    if (s.kind == Kind::points)
      for (std::size_t c = 0; c < s.class_names.size(); ++c)
        entries.push_back({s.class_names[c], category_color(c), true});
  }
  if (!entries.empty()) {
    std::size_t longest = 0;
    for (const Entry& e : entries) longest = std::max(longest, e.label.size());
    const double box_w = 34.0 + 6.5 * static_cast<double>(longest),
                 box_h = 8.0 + 18.0 * static_cast<double>(entries.size());
    const double bx = right - box_w - 8, by = top + 8;
    svg.rect(bx, by, box_w, box_h, "white", 0.85, "#bbbbbb");
    for (std::size_t i = 0; i < entries.size(); ++i) {
      const double cy = by + 13 + 18.0 * static_cast<double>(i);
      if (entries[i].marker)
        svg.circle(bx + 15, cy, 4, entries[i].color, "white");
      else
        svg.line(bx + 6, cy, bx + 24, cy, entries[i].color, 2.5);
      svg.text(bx + 30, cy + 4, entries[i].label, {.size = 11});
    }
  }

  // ---- colour bar of the first continuous heatmap ----
  if (colorbar != nullptr) {
    Range vr;
    for (double v : colorbar->grid.values) vr.add(v);
    if (vr.empty()) vr = {0.0, 1.0};
    const HeatmapOptions& ho = colorbar->options;
    const double opacity = ho.opacity > 0.0 ? ho.opacity : 1.0;
    const int steps = ho.levels > 0 ? ho.levels : 32;
    const double bx = right + 14, bw = 14, step_h = (bottom - top) / steps;
    for (int i = 0; i < steps; ++i) {
      const double v = vr.lo + (vr.hi - vr.lo) * (i + 0.5) / steps;
      svg.rect(bx, bottom - step_h * (i + 1), bw, step_h + 0.5, cell_color(v, ho, vr.lo, vr.hi, opacity));
    }
    svg.rect(bx, top, bw, bottom - top, "none", 1.0, "#444444");
    const double span = vr.hi - vr.lo > 0 ? vr.hi - vr.lo : 1.0;
    svg.text(bx + bw + 4, top + 8, tick_label(vr.hi, span / 10), {.size = 10});
    svg.text(bx + bw + 4, bottom, tick_label(vr.lo, span / 10), {.size = 10});
    if (!ho.label.empty())
      svg.text(bx + bw + 26, (top + bottom) / 2, ho.label, {.size = 11, .anchor = "middle", .rotate = -90});
  }
  return svg.finish();
}

void Chart::save(const std::filesystem::path& path) const {
  save_svg(path, svg());
}

}  // namespace tapegrad::nn::plot
