// SPDX-License-Identifier: MIT
#include "tapegrad/nn/plot/svg.hpp"

#include <charconv>
#include <cmath>
#include <utility>

#include "tapegrad/nn/io/atomic_file.hpp"

namespace tapegrad::nn::plot {

std::string escape_xml(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string svg_number(double value) {
  if (!std::isfinite(value)) return "0";
  const double rounded = std::round(value * 100.0) / 100.0;
  char buffer[64];
  const auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, rounded == 0.0 ? 0.0 : rounded,
                                          std::chars_format::fixed, 2);
  if (error != std::errc()) return "0";
  std::string s(buffer, end);
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s;
}

SvgWriter::SvgWriter(double width, double height) {
  const std::string w = svg_number(width);
  const std::string h = svg_number(height);
  put("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
  put("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"", w, "\" height=\"", h, "\" viewBox=\"0 0 ", w, " ",
      h, "\" font-family=\"Helvetica, Arial, sans-serif\">\n");
  put("<rect x=\"0\" y=\"0\" width=\"", w, "\" height=\"", h, "\" fill=\"white\"/>\n");
}

void SvgWriter::rect(double x, double y, double width, double height, std::string_view fill, double opacity,
                     std::string_view stroke) {
  put("<rect x=\"", svg_number(x), "\" y=\"", svg_number(y), "\" width=\"", svg_number(width), "\" height=\"",
      svg_number(height), "\" fill=\"", escape_xml(fill), "\"");
  if (opacity < 1.0) put(" fill-opacity=\"", svg_number(opacity), "\"");
  if (stroke != "none") put(" stroke=\"", escape_xml(stroke), "\"");
  put("/>\n");
}

void SvgWriter::circle(double cx, double cy, double r, std::string_view fill, std::string_view stroke,
                       double opacity) {
  put("<circle cx=\"", svg_number(cx), "\" cy=\"", svg_number(cy), "\" r=\"", svg_number(r), "\" fill=\"",
      escape_xml(fill), "\"");
  if (stroke != "none") put(" stroke=\"", escape_xml(stroke), "\" stroke-width=\"0.8\"");
  if (opacity < 1.0) put(" fill-opacity=\"", svg_number(opacity), "\"");
  put("/>\n");
}

void SvgWriter::line(double x1, double y1, double x2, double y2, std::string_view stroke, double stroke_width,
                     std::string_view dash) {
  put("<line x1=\"", svg_number(x1), "\" y1=\"", svg_number(y1), "\" x2=\"", svg_number(x2), "\" y2=\"",
      svg_number(y2), "\" stroke=\"", escape_xml(stroke), "\" stroke-width=\"", svg_number(stroke_width),
      "\"");
  if (!dash.empty()) put(" stroke-dasharray=\"", escape_xml(dash), "\"");
  put("/>\n");
}

void SvgWriter::polyline(std::span<const Point> points, std::string_view stroke, double stroke_width,
                         std::string_view dash) {
  std::string d;
  bool pen_down = false;
  bool any_segment = false;
  for (const Point& p : points) {
    if (!std::isfinite(p.x) || !std::isfinite(p.y)) {
      pen_down = false;
      continue;
    }
    if (pen_down) any_segment = true;
    d.append(pen_down ? "L" : (d.empty() ? "M" : " M"));
    d.append(svg_number(p.x));
    d.append(" ");
    d.append(svg_number(p.y));
    pen_down = true;
  }
  if (!any_segment) return;
  put("<path d=\"", d, "\" fill=\"none\" stroke=\"", escape_xml(stroke), "\" stroke-width=\"",
      svg_number(stroke_width), "\" stroke-linejoin=\"round\" stroke-linecap=\"round\"");
  if (!dash.empty()) put(" stroke-dasharray=\"", escape_xml(dash), "\"");
  put("/>\n");
}

void SvgWriter::text(double x, double y, std::string_view content, const TextStyle& style) {
  put("<text x=\"", svg_number(x), "\" y=\"", svg_number(y), "\" font-size=\"", svg_number(style.size),
      "\" fill=\"", escape_xml(style.color), "\"");
  if (style.anchor != "start") put(" text-anchor=\"", escape_xml(style.anchor), "\"");
  if (style.bold) put(" font-weight=\"bold\"");
  if (style.rotate != 0.0)
    put(" transform=\"rotate(", svg_number(style.rotate), " ", svg_number(x), " ", svg_number(y), ")\"");
  put(">", escape_xml(content), "</text>\n");
}

void SvgWriter::clip_rect(std::string_view id, double x, double y, double width, double height) {
  put("<defs><clipPath id=\"", escape_xml(id), "\"><rect x=\"", svg_number(x), "\" y=\"", svg_number(y),
      "\" width=\"", svg_number(width), "\" height=\"", svg_number(height), "\"/></clipPath></defs>\n");
}

void SvgWriter::begin_group(std::string_view clip_id) {
  if (clip_id.empty())
    put("<g>\n");
  else
    put("<g clip-path=\"url(#", escape_xml(clip_id), ")\">\n");
  ++open_groups_;
}

void SvgWriter::begin_group_at(double x, double y, double scale) {
  put("<g transform=\"translate(", svg_number(x), " ", svg_number(y), ") scale(", svg_number(scale),
      ")\">\n");
  ++open_groups_;
}

void SvgWriter::filled_path(std::string_view d, std::string_view fill) {
  put("<path d=\"", escape_xml(d), "\" fill=\"", escape_xml(fill), "\" shape-rendering=\"crispEdges\"/>\n");
}

void SvgWriter::end_group() {
  if (open_groups_ == 0) return;
  put("</g>\n");
  --open_groups_;
}

std::string SvgWriter::finish() {
  while (open_groups_ > 0) end_group();
  put("</svg>\n");
  return std::move(out_);
}

void save_svg(const std::filesystem::path& path, std::string_view svg) {
  detail::write_file_atomically(path, svg, "save_svg");
}

}  // namespace tapegrad::nn::plot
