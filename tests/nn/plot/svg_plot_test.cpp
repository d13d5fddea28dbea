// SPDX-License-Identifier: MIT
// svg_plot_test.cpp: the SVG plots are well formed (balanced tags, quoted attributes, escaped text) and hold
// the elements asked for (counted), not pixel output.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "tapegrad/nn/nn.hpp"
#include "tapegrad/nn/plot/plot.hpp"
#include "temp_dir.hpp"

namespace plot = tapegrad::nn::plot;

namespace {

std::size_t count(std::string_view text, std::string_view needle) {
  std::size_t n = 0;
  for (std::size_t at = text.find(needle); at != std::string_view::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

// Well-formed enough: one root <svg>, every element closed in order, attributes quoted, no raw '<' or '&'
// in text, and '&' only in the five XML entities.
std::string xml_problem(std::string_view s) {
  if (s.substr(0, 5) != "<?xml") return "no XML declaration";
  std::vector<std::string> open;
  std::size_t roots = 0;
  std::size_t i = s.find("?>") + 2;
  while (i < s.size()) {
    if (s[i] == '&') {
      bool entity = false;
      for (std::string_view e : {"&amp;", "&lt;", "&gt;", "&quot;", "&apos;"})
        entity |= s.substr(i, e.size()) == e;
      if (!entity) return "bare & at " + std::to_string(i);
      ++i;
      continue;
    }
    if (s[i] != '<') {
      if (s[i] == '>') return "bare > at " + std::to_string(i);
      ++i;
      continue;
    }
    const std::size_t end = s.find('>', i);
    if (end == std::string_view::npos) return "unclosed tag at " + std::to_string(i);
    std::string_view tag = s.substr(i + 1, end - i - 1);
    if (count(tag, "\"") % 2 != 0) return "odd quotes in <" + std::string(tag) + ">";
    if (tag.find('<') != std::string_view::npos) return "'<' inside a tag";
    if (tag.front() == '/') {
      const std::string name(tag.substr(1));
      if (open.empty() || open.back() != name) return "</" + name + "> closes nothing open";
      open.pop_back();
    } else {
      const std::string name(tag.substr(0, tag.find_first_of(" /")));
      if (open.empty()) ++roots;
      if (tag.back() != '/') open.push_back(name);
    }
    i = end + 1;
  }
  if (!open.empty()) return "<" + open.back() + "> never closed";
  if (roots != 1) return std::to_string(roots) + " root elements";
  return "";
}

}  // namespace

TEST_CASE("svg: escape_xml and svg_number") {
  CHECK(plot::escape_xml("a < b & \"c\" > 'd'") == "a &lt; b &amp; &quot;c&quot; &gt; &apos;d&apos;");
  CHECK(plot::svg_number(12.5) == "12.5");
  CHECK(plot::svg_number(1.0 / 3.0) == "0.33");
  CHECK(plot::svg_number(-0.001) == "0");
  CHECK(plot::svg_number(200.0) == "200");
  CHECK(plot::svg_number(std::nan("")) == "0");
}

TEST_CASE("svg: the writer balances groups and breaks paths at NaN") {
  plot::SvgWriter svg(100, 50);
  svg.begin_group();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const std::vector<plot::Point> points{{0, 0}, {1, 1}, {nan, 2}, {3, 3}, {4, 4}};
  svg.polyline(points, "red");
  const std::vector<plot::Point> lonely{{0, 0}, {nan, 1}, {2, 2}};
  svg.polyline(lonely, "blue");  // no two consecutive finite points: nothing drawn
  svg.text(5, 5, "x<y & z");
  const std::string out = svg.finish();  // closes the open group
  CHECK(xml_problem(out) == "");
  CHECK(count(out, "<path") == 1);
  CHECK(count(out, " M") == 1);  // the second piece of the red path
  CHECK(out.find("x&lt;y &amp; z") != std::string::npos);
}

TEST_CASE("Chart: a loss plot with two series, a legend, ticks and escaped labels") {
  plot::Chart chart({.title = "Loss <train & val>", .x_label = "epoch", .y_label = "loss"});
  const std::vector<double> train{1.0, 0.6, 0.4, 0.3, 0.25};
  const std::vector<double> val{1.1, 0.7, std::nan(""), 0.45, 0.4};
  chart.line(train, "train").line(val, "validation \"val\"");
  const std::string s = chart.svg();
  CAPTURE(s);
  CHECK(xml_problem(s) == "");
  CHECK(count(s, "<path") == 2);
  CHECK(count(s, "<path d=\"M") == 2);
  CHECK(s.find("Loss &lt;train &amp; val&gt;") != std::string::npos);
  CHECK(s.find("validation &quot;val&quot;") != std::string::npos);
  CHECK(s.find(">epoch</text>") != std::string::npos);
  CHECK(s.find("rotate(-90") != std::string::npos);  // the y label
  // Ticks: x from 1 to 5 (labels 1 .. 5 or with steps of 0.5), y around 0.2 .. 1.1.
  CHECK(s.find(">1</text>") != std::string::npos);
  CHECK(s.find(">5</text>") != std::string::npos);
  CHECK(s.find(">0.4</text>") != std::string::npos);
  // The legend: a swatch line in each series colour.
  CHECK(s.find("stroke=\"" + plot::category_color(0) + "\" stroke-width=\"2.5\"") != std::string::npos);
  CHECK(s.find("stroke=\"" + plot::category_color(1) + "\" stroke-width=\"2.5\"") != std::string::npos);
}

TEST_CASE("Chart: a log y axis puts ticks at powers of ten and drops non-positive values") {
  plot::Chart chart({.log_y = true});
  const std::vector<double> loss{10.0, 1.0, 0.1, 0.01, 0.0};
  const std::string s = chart.line(loss).svg();
  CHECK(xml_problem(s) == "");
  for (const char* label : {">10</text>", ">1</text>", ">0.1</text>", ">0.01</text>"}) {
    CAPTURE(label);
    CHECK(s.find(label) != std::string::npos);
  }
  CHECK(count(s, "<path") == 1);
}

TEST_CASE("Chart: a scatter plot draws one circle per point in its class colour") {
  const std::vector<double> x{0, 1, 2, 3, 4, 5};
  const std::vector<double> y{0, 1, 0, 1, 0, 1};
  const std::vector<std::int64_t> classes{0, 1, 2, 0, 1, 2};
  const std::string s = plot::Chart().scatter(x, y, classes, {"setosa", "versicolor", "virginica"}).svg();
  CHECK(xml_problem(s) == "");
  CHECK(count(s, "<circle") == 6 + 3);  // the points, and one legend marker per class
  CHECK(count(s, "fill=\"" + plot::category_color(2) + "\"") == 3);
  CHECK(s.find(">versicolor</text>") != std::string::npos);
}

TEST_CASE("Chart: a class heatmap merges equal cells into one rectangle per run") {
  // 4 x 3 grid: each row is class 0 on the left half and class 1 on the right.
  plot::Grid grid = plot::Grid::over(-1, 1, -1, 1, 4, 3);
  for (std::int64_t r = 0; r < 3; ++r)
    for (std::int64_t c = 0; c < 4; ++c) grid.at(r, c) = grid.x_center(c) < 0 ? 0 : 1;
  const std::string s = plot::Chart().heatmap(grid, {.style = plot::HeatmapStyle::classes}).svg();
  CHECK(xml_problem(s) == "");
  const std::string light0 = plot::lighten(plot::category_color(0), 0.35);
  const std::string light1 = plot::lighten(plot::category_color(1), 0.35);
  CHECK(count(s, "fill=\"" + light0 + "\"") == 3);
  CHECK(count(s, "fill=\"" + light1 + "\"") == 3);
  CHECK(s.find("clip-path=\"url(#plot-area)\"") != std::string::npos);
}

TEST_CASE("Chart: a continuous heatmap with levels, a colour bar and a descent path on top") {
  plot::Grid bowl = plot::Grid::over(-2, 2, -2, 2, 20, 20);
  for (std::int64_t r = 0; r < bowl.rows; ++r)
    for (std::int64_t c = 0; c < bowl.columns; ++c)
      bowl.at(r, c) = bowl.x_center(c) * bowl.x_center(c) + bowl.y_center(r) * bowl.y_center(r);
  const std::vector<double> wx{1.5, 0.9, 0.5, 0.2, 0.05};
  const std::vector<double> wy{-1.8, -1.0, -0.5, -0.2, -0.05};
  const std::string s = plot::Chart({.title = "E(w1, w2)"})
                            .heatmap(bowl, {.levels = 8, .label = "error E"})
                            .path(wx, wy, "gradient descent")
                            .svg();
  CHECK(xml_problem(s) == "");
  CHECK(count(s, "<circle") == 5);  // one dot per step
  CHECK(count(s, "<path") == 2);    // the descent path and its halo (the legend swatch is a <line>)
  CHECK(s.find(">error E</text>") != std::string::npos);
  CHECK(s.find(">gradient descent</text>") != std::string::npos);
  // 8 bands: exactly 8 distinct colours are used by the cells and the colour bar.
  for (int band = 0; band < 8; ++band) {
    CAPTURE(band);
    CHECK(s.find("fill=\"" + plot::sequential_color(band / 7.0) + "\"") != std::string::npos);
  }
  CHECK(s.find("fill=\"" + plot::sequential_color(0.5) + "\"") == std::string::npos);
}

TEST_CASE("Chart: mismatched lengths and bad grids are errors") {
  const std::vector<double> three{1, 2, 3}, two{1, 2};
  plot::Chart chart;
  CHECK_THROWS_WITH_AS(chart.line(three, two), doctest::Contains("Chart::line: 3 x values but 2 y values"),
                       tapegrad::ShapeError);
  CHECK_THROWS_WITH_AS(chart.path(two, three), doctest::Contains("Chart::path"), tapegrad::ShapeError);
  const std::vector<std::int64_t> one_class{0};
  CHECK_THROWS_WITH_AS(chart.scatter(two, two, one_class), doctest::Contains("2 points but 1 classes"),
                       tapegrad::ShapeError);
  plot::Grid grid = plot::Grid::over(0, 1, 0, 1, 2, 2);
  grid.values.pop_back();
  CHECK_THROWS_WITH_AS(chart.heatmap(grid), doctest::Contains("a 2 x 2 grid needs 4 values, got 3"),
                       tapegrad::ShapeError);
  CHECK_THROWS_WITH_AS(chart.heatmap(plot::Grid::over(1, 1, 0, 1, 2, 2)),
                       doctest::Contains("empty grid range"), tapegrad::DomainError);
}

TEST_CASE("image_grid: one framed image per input with its caption, blank pixels not drawn") {
  // Two 2 x 3 images: the first has one black pixel, the second a black row.
  const tapegrad::Tensor images = tapegrad::from<float>({0, 0, 0, 0, 1, 0, 1, 1, 1, 0, 0, 0}, {2, 2, 3});
  const std::string s = plot::image_grid(images, {.columns = 8,
                                                  .title = "digits & labels",
                                                  .captions = {"7", "<1>"},
                                                  .caption_colors = {"#000000", "#d0393b"}});
  CHECK(xml_problem(s) == "");
  CHECK(count(s, "fill=\"#000000\"") == 2 + 1);  // the single pixel, the merged row, and one caption
  CHECK(count(s, "stroke=\"#999999\"") == 2);    // the frames
  CHECK(s.find("&lt;1&gt;</text>") != std::string::npos);
  CHECK(s.find("digits &amp; labels") != std::string::npos);
  CHECK(s.find("fill=\"#d0393b\"") != std::string::npos);
  CHECK_THROWS_WITH_AS(plot::image_grid(images, {.captions = {"one"}}),
                       doctest::Contains("2 images but 1 captions"), tapegrad::ShapeError);
  CHECK_THROWS_WITH_AS(plot::image_grid(tapegrad::zeros({4, 4})), doctest::Contains("got [4, 4]"),
                       tapegrad::ShapeError);
}

TEST_CASE("save_svg: writes the file, and names the path when it cannot") {
  tapegrad::test::TempDir dir;
  const std::string s = plot::Chart().line(std::vector<double>{1, 2}).svg();
  plot::save_svg(dir / "a.svg", s);
  CHECK(tapegrad::test::read_file(dir / "a.svg") == s);
  CHECK_THROWS_WITH_AS(plot::save_svg(dir / "no" / "a.svg", s), doctest::Contains("save_svg: cannot write"),
                       tapegrad::nn::FileError);
}
