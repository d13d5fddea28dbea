// SPDX-License-Identifier: MIT
// nn_test_support.hpp: gradcheck of a whole module with respect to its input and every parameter, and
// small helpers shared by the nn tests.
#pragma once

#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "tapegrad/nn/nn.hpp"

namespace tapegrad::nn::test {

inline constexpr std::uint64_t kSeed = 20240611;

/// n rows of d float64 features in 3 classes (row i has class i % 3, its first feature shifted by 2 * class):
/// separable enough for a small MLP's loss to fall within a few steps.
inline Dataset blobs(std::int64_t n, std::int64_t d, std::uint64_t seed) {
  Generator gen(seed);
  Tensor x = randn({n, d}, gen, Dtype::float64);
  std::vector<std::int64_t> labels(static_cast<std::size_t>(n));
  double* p = x.data<double>();
  for (std::int64_t i = 0; i < n; ++i) {
    labels[static_cast<std::size_t>(i)] = i % 3;
    p[i * d] += 2.0 * static_cast<double>(i % 3);
  }
  return Dataset(x, labels, 3);
}

/// tensor_gradcheck of x -> module(x) with respect to x and all the module's parameters (float64). The
/// gradcheck's own leaves are swapped into the module with set_parameter for each evaluation, and the
/// original parameters are put back afterwards.
inline GradcheckResult module_gradcheck(Module& module, const Tensor& x) {
  const NamedTensors originals = module.named_parameters();
  std::vector<Tensor> inputs{x};
  for (const auto& [name, tensor] : originals) inputs.push_back(tensor.detach().clone());
  struct Restore {
    Module& module;
    const NamedTensors& originals;
    ~Restore() {
      for (const auto& [name, tensor] : originals) module.set_parameter(name, tensor);
    }
  } restore{module, originals};
  return tensor_gradcheck(
      [&](const std::vector<Tensor>& xs) {
        for (std::size_t i = 0; i < originals.size(); ++i)
          module.set_parameter(originals[i].first, xs[i + 1]);
        return module(xs[0]);
      },
      inputs);
}

/// A float64 tensor of standard normal entries.
inline Tensor randn64(const Shape& shape, std::uint64_t seed = kSeed) {
  Generator gen(seed);
  return randn(shape, gen, Dtype::float64);
}

/// |a - b| <= tol elementwise over two equally long vectors (CHECKs each, so a failure shows the index).
inline void check_close(const std::vector<double>& a, const std::vector<double>& b, double tol = 1e-12) {
  REQUIRE(a.size() == b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    CAPTURE(i);
    CHECK(a[i] == doctest::Approx(b[i]).epsilon(tol).scale(1.0));
  }
}

}  // namespace tapegrad::nn::test
