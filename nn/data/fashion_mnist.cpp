// SPDX-License-Identifier: MIT
// fashion_mnist.cpp: finding and loading the four Fashion-MNIST files.
#include "tapegrad/nn/data/fashion_mnist.hpp"

#include <system_error>

#include "tapegrad/autodiff/core/error.hpp"
#include "tapegrad/nn/data/idx.hpp"
#include "tapegrad/nn/io/file_error.hpp"
#include "tapegrad/nn/io/gzip.hpp"

namespace tapegrad::nn {

namespace {
constexpr std::array<const char*, 4> kFiles = {"train-images-idx3-ubyte", "train-labels-idx1-ubyte",
                                               "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"};
}  // namespace

bool has_fashion_mnist(const std::filesystem::path& dir) {
  std::error_code ec;
  for (const char* f : kFiles)
    if (!std::filesystem::exists(detail::existing_or_gz(dir / f), ec)) return false;
  return true;
}

FashionMnist load_fashion_mnist(const std::filesystem::path& dir, Dtype dtype) {
  TAPEGRAD_CHECK(has_fashion_mnist(dir), nn::FileError, "load_fashion_mnist: ", dir.string(),
                 " does not hold Fashion-MNIST (", kFiles[0],
                 "[.gz] and the three others). On Debian 12: "
                 "sudo apt-get install dataset-fashion-mnist (installs ",
                 kFashionMnistDebianDir.string(), "), or pass the directory of the files");
  return {load_mnist(dir / kFiles[0], dir / kFiles[1], 10, dtype),
          load_mnist(dir / kFiles[2], dir / kFiles[3], 10, dtype)};
}

}  // namespace tapegrad::nn
