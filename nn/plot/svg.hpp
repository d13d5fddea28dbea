// SPDX-License-Identifier: MIT
// svg.hpp: SvgWriter, the few SVG elements our plots need, written as text with escaped strings.
// SVG needs no library: a plot is rectangles, circles, paths and text, and every browser shows the file.
// Coordinates are in pixels with the origin at the top left, as in SVG; the charts map data onto them.
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>

namespace tapegrad::nn::plot {

/// A point in pixel coordinates.
struct Point {
  double x = 0.0;
  double y = 0.0;
};

/// How a text element is placed and drawn.
struct TextStyle {
  double size = 12.0;
  /// "start", "middle" or "end": which part of the text sits at x.
  std::string_view anchor = "start";
  std::string_view color = "#222222";
  bool bold = false;
  /// Rotation in degrees about (x, y); -90 writes upwards (a y-axis label).
  double rotate = 0.0;
};

/// &, <, >, " and ' as XML entities, so any label is safe inside an element or an attribute.
/// Example: `plot::escape_xml("a < b & c")` is "a &lt; b &amp; c".
std::string escape_xml(std::string_view text);

/// A number as SVG wants it: at most 2 decimals, no trailing zeros, never "-0" or exponent notation.
/// Example: `plot::svg_number(12.5)` is "12.5", `svg_number(1.0 / 3)` is "0.33".
std::string svg_number(double value);

/// Builds one SVG document. Colours are any SVG colour ("#1f77b4", "white", "none").
/// Example: `plot::SvgWriter svg(100, 50); svg.circle(10, 10, 3, "red"); plot::save_svg("a.svg",
/// svg.finish());`
class SvgWriter {
 public:
  /// Starts the document: the root element, a white background and the default font.
  SvgWriter(double width, double height);

  void rect(double x, double y, double width, double height, std::string_view fill, double opacity = 1.0,
            std::string_view stroke = "none");
  void circle(double cx, double cy, double r, std::string_view fill, std::string_view stroke = "none",
              double opacity = 1.0);
  void line(double x1, double y1, double x2, double y2, std::string_view stroke, double stroke_width = 1.0,
            std::string_view dash = "");
  /// One <path> through the points (M, then L to each); a run of NaN coordinates breaks it into pieces,
  /// and nothing is written when no two consecutive points are finite.
  void polyline(std::span<const Point> points, std::string_view stroke, double stroke_width = 1.5,
                std::string_view dash = "");
  void text(double x, double y, std::string_view content, const TextStyle& style = {});
  /// A clip rectangle, and groups clipped by it: what lies outside the plot area is not drawn.
  void clip_rect(std::string_view id, double x, double y, double width, double height);
  void begin_group(std::string_view clip_id = "");
  /// A group drawn at (x, y) and scaled by `scale`: what is inside uses its own units (an image's pixels).
  void begin_group_at(double x, double y, double scale);
  /// A filled <path> of outline data `d` (SVG path syntax), edges crisp (for pixels that must not blur).
  void filled_path(std::string_view d, std::string_view fill);
  void end_group();
  /// Closes the document and returns it; the writer is finished afterwards.
  std::string finish();

 private:
  // Appends the pieces (string-like). Building the text by appending, never with "literal" + std::string,
  // also keeps GCC 12's false -Wrestrict warning on that operator away.
  template <class... Parts>
  void put(const Parts&... parts) {
    (out_.append(std::string_view(parts)), ...);
  }

  std::string out_;
  int open_groups_ = 0;
};

/// Writes an SVG document to `path` atomically (temporary file, rename). Throws nn::FileError naming the
/// path and the reason if it cannot be written. Example: `plot::save_svg("loss.svg", chart.svg());`
void save_svg(const std::filesystem::path& path, std::string_view svg);

}  // namespace tapegrad::nn::plot
