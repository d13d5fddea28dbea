// SPDX-License-Identifier: MIT
// image_grid.hpp: small greyscale images side by side with captions, as SVG (the digits the flagship
// example classified, each with its predicted label). Pixels are rectangles, ink dark on white; blank pixels
// are not written at all and runs of equal pixels in a row become one rectangle, which keeps an 8 x 8 digit
// at a few dozen elements.
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
};

/// The images [n, height, width] (either dtype) as an SVG grid.
/// Throws ShapeError unless images is 3-D with n > 0, and unless captions and caption_colors are empty or
/// have n entries; DomainError if columns < 1 or pixel_size <= 0.
/// Example:
/// `plot::save_svg("digits.svg", plot::image_grid(reshape(x, {-1, 8, 8}), {.captions = predicted}));`
std::string image_grid(const Tensor& images, const ImageGridOptions& options = {});

}  // namespace tapegrad::nn::plot
