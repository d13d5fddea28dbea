// SPDX-License-Identifier: MIT
// masked_cross_entropy_test.cpp: cross_entropy with ignore_index and class weights, against the formula
// with plain doubles: ignored rows cost nothing and count nothing (their logits get a zero gradient),
// mean divides by the weight of the rows counted, and the whole is gradchecked in float64.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "tapegrad/nn/nn.hpp"

using tapegrad::Dtype;
using tapegrad::Tensor;
namespace nn = tapegrad::nn;

namespace {

const std::vector<double> kLogits{0.5,  -1.0, 2.0, 1.5,  0.25, -0.5,
                                  -2.0, 0.0,  1.0, 0.75, 0.75, -0.25};  // [4, 3]
const std::vector<std::int64_t> kLabels{2, -100, 0, 1};

/// −log softmax(row)[label] with plain doubles.
double nll(std::size_t row, std::int64_t label) {
  double z = 0.0;
  for (std::size_t j = 0; j < 3; ++j) z += std::exp(kLogits[row * 3 + j]);
  return std::log(z) - kLogits[row * 3 + static_cast<std::size_t>(label)];
}

}  // namespace

TEST_CASE("masked cross_entropy: ignored rows cost nothing and count nothing") {
  const double expected_sum = nll(0, 2) + nll(2, 0) + nll(3, 1);
  Tensor x = tapegrad::from(kLogits, {4, 3}).requires_grad_();
  const Tensor mean = nn::cross_entropy(x, kLabels, nn::CrossEntropyOptions{});
  CHECK(mean.item() == doctest::Approx(expected_sum / 3.0).epsilon(1e-12));
  CHECK(nn::cross_entropy(x, kLabels, {.reduction = nn::Reduction::sum}).item() ==
        doctest::Approx(expected_sum).epsilon(1e-12));
  const auto none = nn::cross_entropy(x, kLabels, {.reduction = nn::Reduction::none}).to_vector<double>();
  REQUIRE(none.size() == 4);
  CHECK(none[1] == 0.0);
  CHECK(none[3] == doctest::Approx(nll(3, 1)).epsilon(1e-12));
  mean.backward();
  const auto g = x.grad().to_vector<double>();
  for (std::size_t j = 3; j < 6; ++j) CHECK(g[j] == 0.0);  // the ignored row
  CHECK(g[0] != 0.0);
  // The same labels as an int64 tensor, and a custom ignore_index.
  CHECK(
      nn::cross_entropy(x, tapegrad::from<std::int64_t>({2, 7, 0, 1}, {2, 2}), {.ignore_index = 7}).item() ==
      doctest::Approx(expected_sum / 3.0).epsilon(1e-12));
}

TEST_CASE("masked cross_entropy: class weights, mean over the weights of the rows counted (PyTorch)") {
  const Tensor w = tapegrad::from<double>({0.5, 2.0, 1.0}, {3});
  const Tensor x = tapegrad::from(kLogits, {4, 3});
  const double num = 1.0 * nll(0, 2) + 0.5 * nll(2, 0) + 2.0 * nll(3, 1);
  CHECK(nn::cross_entropy(x, kLabels, {.weight = w}).item() == doctest::Approx(num / 3.5).epsilon(1e-12));
  CHECK(nn::cross_entropy(x, kLabels, {.reduction = nn::Reduction::sum, .weight = w}).item() ==
        doctest::Approx(num).epsilon(1e-12));
}

TEST_CASE("masked cross_entropy: gradcheck in float64, with ignored rows and weights") {
  const Tensor w = tapegrad::from<double>({0.5, 2.0, 1.0}, {3});
  for (const nn::Reduction r : {nn::Reduction::mean, nn::Reduction::sum, nn::Reduction::none}) {
    const auto result = tapegrad::tensor_gradcheck(
        [&](const auto& in) { return nn::cross_entropy(in[0], kLabels, {.reduction = r, .weight = w}); },
        {tapegrad::from(kLogits, {4, 3})});
    CHECK_MESSAGE(result.passed, result.report());
  }
}

TEST_CASE("masked cross_entropy: all rows ignored is NaN (0/0, as PyTorch), and bad input is named") {
  const Tensor x = tapegrad::from(kLogits, {4, 3});
  CHECK(
      std::isnan(nn::cross_entropy(x, std::vector<std::int64_t>(4, -100), nn::CrossEntropyOptions{}).item()));
  CHECK_THROWS_WITH_AS(nn::cross_entropy(x, std::vector<std::int64_t>{0, 3, 0, 0}, nn::CrossEntropyOptions{}),
                       doctest::Contains("cross_entropy: label 3 at position 1"), tapegrad::DomainError);
  CHECK_THROWS_WITH_AS(nn::cross_entropy(x, std::vector<std::int64_t>{0, 0}, nn::CrossEntropyOptions{}),
                       doctest::Contains("expected 4 labels"), tapegrad::ShapeError);
  CHECK_THROWS_WITH_AS(nn::cross_entropy(x, tapegrad::from<double>({0, 0, 0, 0}, {4})),
                       doctest::Contains("expected int64 labels, got float64"), tapegrad::ShapeError);
  CHECK_THROWS_WITH_AS(nn::cross_entropy(x, kLabels, {.weight = tapegrad::ones({3}, Dtype::float32)}),
                       doctest::Contains("expected a weight [3] float64"), tapegrad::ShapeError);
}
