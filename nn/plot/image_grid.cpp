// SPDX-License-Identifier: MIT
#include "tapegrad/nn/plot/image_grid.hpp"

#include <algorithm>
#include <cmath>

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
  TAPEGRAD_CHECK(options.columns >= 1 && options.pixel_size > 0.0, DomainError,
                 "image_grid: expected columns >= 1 and pixel_size > 0, got ", options.columns, " and ",
                 options.pixel_size);

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
    for (std::int64_t r = 0; r < h; ++r) {
      std::int64_t c = 0;
      while (c < w) {
        const std::string color = ink_color((image[r * w + c] - white) / span);
        std::int64_t end = c + 1;
        while (end < w && ink_color((image[r * w + end] - white) / span) == color) ++end;
        if (color != "#ffffff")
          svg.rect(x0 + static_cast<double>(c) * options.pixel_size,
                   y0 + static_cast<double>(r) * options.pixel_size,
                   static_cast<double>(end - c) * options.pixel_size + 0.3, options.pixel_size + 0.3, color);
        c = end;
      }
    }
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
