// SPDX-License-Identifier: MIT
// fashion_mnist.hpp: Zalando's Fashion-MNIST (60,000 training and 10,000 test 28 x 28 grey images of 10
// clothing classes, MIT licence), as Debian 12 ships it: `apt-get install dataset-fashion-mnist` puts the
// gzipped IDX files in /usr/share/datasets/fashion-mnist/. The IDX reader takes `name` or `name.gz`.
#pragma once

#include <array>
#include <filesystem>
#include <string_view>

#include "tapegrad/autodiff/core/dtype.hpp"
#include "tapegrad/nn/data/dataset.hpp"

namespace tapegrad::nn {

/// The class names, by label: what pictures and confusion matrices print.
inline constexpr std::array<std::string_view, 10> kFashionMnistClasses = {
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"};

/// Where Debian's dataset-fashion-mnist package installs the files.
inline const std::filesystem::path kFashionMnistDebianDir = "/usr/share/datasets/fashion-mnist";

/// The training and test sets, features [n, 784] in [0, 1] (pixel / 255), labels 0..9.
struct FashionMnist {
  Dataset train;
  Dataset test;
};

/// Whether `dir` holds the four files (each as `name` or `name.gz`).
bool has_fashion_mnist(const std::filesystem::path& dir = kFashionMnistDebianDir);

/// Loads both sets from `dir` (default: Debian's path). Throws FileError naming the directory and saying
/// how to get the data (`sudo apt-get install dataset-fashion-mnist`, or --data DIR) when a file is
/// missing, and what load_mnist throws for a bad file.
/// Example: `auto [train, test] = nn::load_fashion_mnist();`
FashionMnist load_fashion_mnist(const std::filesystem::path& dir = kFashionMnistDebianDir,
                                Dtype dtype = Dtype::float32);

}  // namespace tapegrad::nn
