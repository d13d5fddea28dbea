// SPDX-License-Identifier: MIT
#include "tapegrad/nn/plot/image_grid.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <string>
#include <vector>

#include "tapegrad/nn/plot/colors.hpp"
#include "tapegrad/nn/plot/svg.hpp"

namespace tapegrad::nn::plot {

std::string image_grid(const Tensor& images, const ImageGridOptions& options) {
  TAPEGRAD_CHECK(images.defined() && images.dim() == 3 && images.shape()[0] > 0, ShapeError,
                 "image_grid: expected images [n, height, width] with n > 0, got ",
                 images.defined() ? to_string(images.shape()) : std::string("an undefined tensor"));
  const std::int64_t n = images.shape()[0], h = images.shape()[1], w = images.shape()[2];
  const auto count = static_cast<std::size_t>(n);
  TAPEGRAD_CHECK(options.captions.empty() || options.captions.size() == count, ShapeError, "image_grid: ", n,
                 " images but ", options.captions.size(), " captions");
  TAPEGRAD_CHECK(options.caption_colors.empty() || options.caption_colors.size() == count, ShapeError,
                 "image_grid: ", n, " images but ", options.caption_colors.size(), " caption colours");
  TAPEGRAD_CHECK(options.columns >= 1 && options.pixel_size > 0.0 && options.grey_levels >= 2, DomainError,
                 "image_grid: expected columns >= 1, pixel_size > 0 and grey_levels >= 2, got ",
                 options.columns, ", ", options.pixel_size, " and ", options.grey_levels);

  const std::vector<double> pixels = images.to_vector<double>();
  double white = options.white, black = options.black;
  if (std::isnan(white)) white = *std::min_element(pixels.begin(), pixels.end());
  if (std::isnan(black)) black = *std::max_element(pixels.begin(), pixels.end());
  const double span = black != white ? black - white : 1.0;

  const double side_w = static_cast<double>(w) * options.pixel_size;
  const double side_h = static_cast<double>(h) * options.pixel_size;
  const double gap = 10.0;
  const double caption_h = options.captions.empty() ? 0.0 : 16.0;
  const double title_h = options.title.empty() ? 0.0 : 30.0;
  const std::int64_t columns = std::min(options.columns, n);
  const std::int64_t rows = (n + columns - 1) / columns;
  const double cell_w = side_w + gap, cell_h = side_h + caption_h + gap;

  SvgWriter svg(static_cast<double>(columns) * cell_w + gap,
                static_cast<double>(rows) * cell_h + gap + title_h);
  if (!options.title.empty())
    svg.text((static_cast<double>(columns) * cell_w + gap) / 2, 21, options.title,
             {.size = 15, .anchor = "middle", .bold = true});
  for (std::int64_t i = 0; i < n; ++i) {
    const double x0 = gap + static_cast<double>(i % columns) * cell_w;
    const double y0 = title_h + gap + static_cast<double>(i / columns) * cell_h;
    const double* image = pixels.data() + static_cast<std::size_t>(i * h * w);
    // The shade of each pixel (0: white, not drawn), then per shade the runs of it, row by row.
    const int top = options.grey_levels - 1;
    std::vector<int> shade(static_cast<std::size_t>(h * w));
    for (std::size_t p = 0; p < shade.size(); ++p) {
      const double t = std::clamp((image[p] - white) / span, 0.0, 1.0);
      shade[p] = std::isnan(t) ? 0 : static_cast<int>(std::lround(t * top));
    }
    // Each run is a relative move from the previous run's corner of the same shade (short numbers).
    std::vector<std::string> runs(static_cast<std::size_t>(top + 1));
    std::vector<std::array<std::int64_t, 2>> at(static_cast<std::size_t>(top + 1), {0, 0});
    for (std::int64_t r = 0; r < h; ++r)
      for (std::int64_t c = 0; c < w;) {
        const int level = shade[static_cast<std::size_t>(r * w + c)];
        std::int64_t end = c + 1;
        while (end < w && shade[static_cast<std::size_t>(r * w + end)] == level) ++end;
        if (level > 0) {
          const auto l = static_cast<std::size_t>(level);
          const std::string len = std::to_string(end - c);
          std::string& d = runs[l];
          d.append(d.empty() ? "M" : "m").append(std::to_string(c - at[l][0]));
          d.append(" ").append(std::to_string(r - at[l][1]));
          d.append("h").append(len).append("v1h-").append(len).append("z");
          at[l] = {c, r};
        }
        c = end;
      }
    svg.begin_group_at(x0, y0, options.pixel_size);
    for (int level = 1; level <= top; ++level)
      if (!runs[static_cast<std::size_t>(level)].empty())
        svg.filled_path(runs[static_cast<std::size_t>(level)], ink_color(static_cast<double>(level) / top));
    svg.end_group();
    svg.rect(x0, y0, side_w, side_h, "none", 1.0, "#999999");
    if (!options.captions.empty()) {
      const std::string color =
          options.caption_colors.empty() ? "#222222" : options.caption_colors[static_cast<std::size_t>(i)];
      svg.text(x0 + side_w / 2, y0 + side_h + 13, options.captions[static_cast<std::size_t>(i)],
               {.size = 11, .anchor = "middle", .color = color});
    }
  }
  return svg.finish();
}

}  // namespace tapegrad::nn::plot
