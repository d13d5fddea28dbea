// SPDX-License-Identifier: MIT
// image_grid.hpp: small greyscale images side by side with captions, as SVG (the digits the flagship
// example classified, each with its predicted label). Ink is dark on white, in `grey_levels` shades; each
// image is one group in its own pixel units holding one <path> per shade, whose pieces are the runs of
// pixels of that shade in a row (blank pixels are not written). A 28 x 28 image takes about 1 KB.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "tapegrad/autodiff/tensor/tensor.hpp"

namespace tapegrad::nn::plot {

struct ImageGridOptions {
  /// Images per row.
  std::int64_t columns = 8;
  /// Side of one image pixel, in SVG pixels.
  double pixel_size = 5.0;
  std::string title{};
  /// One caption per image, shown under it (or none).
  std::vector<std::string> captions{};
  /// One caption colour per image (e.g. red for a wrong prediction), or none for all dark grey.
  std::vector<std::string> caption_colors{};
  /// The values drawn as white and as black; NaN takes the smallest and largest value of all the images.
  double white = std::numeric_limits<double>::quiet_NaN();
  double black = std::numeric_limits<double>::quiet_NaN();
  /// Shades of grey from white to black, both included (at least 2): fewer shades, smaller files.
  int grey_levels = 16;
};

/// The images [n, height, width] (either dtype) as an SVG grid.
/// Throws ShapeError unless images is 3-D with n > 0, and unless captions and caption_colors are empty or
/// have n entries; DomainError if columns < 1, pixel_size <= 0 or grey_levels < 2.
/// Example:
/// `plot::save_svg("digits.svg", plot::image_grid(reshape(x, {-1, 8, 8}), {.captions = predicted}));`
std::string image_grid(const Tensor& images, const ImageGridOptions& options = {});

}  // namespace tapegrad::nn::plot
