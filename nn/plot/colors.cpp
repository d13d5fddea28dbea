// SPDX-License-Identifier: MIT
#include "tapegrad/nn/plot/colors.hpp"

#include <algorithm>
#include <array>
#include <cmath>

namespace tapegrad::nn::plot {

namespace {

struct Rgb {
  double r, g, b;
};

std::string hex(Rgb c) {
  const char* digits = "0123456789abcdef";
  std::string s = "#";
  for (double v : {c.r, c.g, c.b}) {
    const auto byte = static_cast<int>(std::lround(std::clamp(v, 0.0, 255.0)));
    s += digits[byte >> 4];
    s += digits[byte & 15];
  }
  return s;
}

}  // namespace

std::string category_color(std::size_t i) {
  static constexpr std::array<const char*, 10> palette = {"#2f6db5", "#e8772e", "#3a9a48", "#d0393b",
                                                          "#8a63b8", "#8c5a4a", "#d873b8", "#7b7b7b",
                                                          "#b5b335", "#2fb2c4"};
  return palette[i % palette.size()];
}

std::string sequential_color(double t) {
  if (std::isnan(t)) return "#dddddd";
  // Anchors of increasing lightness; linear interpolation between neighbours.
  static constexpr std::array<Rgb, 5> anchors = {Rgb{43, 26, 90}, Rgb{47, 93, 158}, Rgb{42, 157, 143},
                                                 Rgb{140, 198, 62}, Rgb{247, 226, 37}};
  const double x = std::clamp(t, 0.0, 1.0) * static_cast<double>(anchors.size() - 1);
  const auto i = std::min(static_cast<std::size_t>(x), anchors.size() - 2);
  const double f = x - static_cast<double>(i);
  const Rgb& a = anchors[i];
  const Rgb& b = anchors[i + 1];
  return hex({a.r + (b.r - a.r) * f, a.g + (b.g - a.g) * f, a.b + (b.b - a.b) * f});
}

std::string lighten(const std::string& color, double opacity) {
  if (color.size() != 7 || color[0] != '#') return color;
  const auto channel = [&](std::size_t at) {
    return static_cast<double>(std::stoi(color.substr(at, 2), nullptr, 16));
  };
  const double a = std::clamp(opacity, 0.0, 1.0);
  const auto mix = [&](double v) { return v * a + 255.0 * (1.0 - a); };
  return hex({mix(channel(1)), mix(channel(3)), mix(channel(5))});
}

std::string ink_color(double t) {
  const double level = 255.0 * (1.0 - std::clamp(std::isnan(t) ? 0.0 : t, 0.0, 1.0));
  return hex({level, level, level});
}

}  // namespace tapegrad::nn::plot
