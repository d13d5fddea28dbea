// SPDX-License-Identifier: MIT
// idx.hpp: the IDX format of MNIST (and Fashion-MNIST, EMNIST, KMNIST).
// An IDX file is: two zero bytes, a type byte (0x08 unsigned byte, 0x09 signed byte, 0x0B int16, 0x0C int32,
// 0x0D float32, 0x0E float64), a rank byte, then one big-endian uint32 per dimension, then the elements,
// big-endian, row-major. The readers check the magic, the type and that the file holds exactly the elements
// its header promises, so a truncated download is an error rather than a dataset of zeros.
#pragma once

#include <cstdint>
#include <filesystem>
#include <vector>

#include "tapegrad/autodiff/tensor/tensor.hpp"
#include "tapegrad/nn/data/dataset.hpp"

namespace tapegrad::nn {

/// Any IDX file as a tensor with the file's dimensions, values converted to `dtype` unscaled.
/// Throws FileError naming the file if it cannot be read, its magic is not 00 00 <type> <rank>, its type
/// byte is unknown, its rank is 0, or its size is not exactly header + elements (truncated, or trailing
/// bytes), with the byte counts in the message; or if it is not a regular file, its shape holds more
/// elements than a tensor may (numel's rule, empty shapes included), or (float32) a float64 value is beyond
/// float32's range. The header is checked against the file's size before the elements are read. A zero
/// dimension with no data gives an empty tensor of that shape.
/// Example: `auto images = nn::read_idx("train-images-idx3-ubyte");  // [60000, 28, 28]`
Tensor read_idx(const std::filesystem::path& path, Dtype dtype = Dtype::float32);

/// A 1-D IDX file of integer type (labels) as int64 values.
/// Throws what read_idx throws, and FileError if the file is not 1-D or holds floating-point values.
/// Example: `auto labels = nn::read_idx_labels("train-labels-idx1-ubyte");`
std::vector<std::int64_t> read_idx_labels(const std::filesystem::path& path);

/// MNIST-style classification data: an unsigned-byte image file [n, rows, cols] (or [n, d]) and a label
/// file [n] make a Dataset with features [n, rows * cols] scaled to [0, 1] (pixel / 255).
/// Throws what the readers throw, FileError if the images are not unsigned bytes of rank 2 or 3 or the two
/// files disagree on n, and FileError (naming the position) for a label outside [0, num_classes).
/// Example: `auto train = nn::load_mnist(dir / "train-images-idx3-ubyte", dir / "train-labels-idx1-ubyte");`
Dataset load_mnist(const std::filesystem::path& images, const std::filesystem::path& labels,
                   std::int64_t num_classes = 10, Dtype dtype = Dtype::float32);

}  // namespace tapegrad::nn
