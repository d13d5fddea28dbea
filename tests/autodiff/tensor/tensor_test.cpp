// SPDX-License-Identifier: MIT
// tensor_test.cpp: Tensor handles, factories, accessors, printing and forward values (no gradients).
#include <doctest/doctest.h>

#include <cmath>
#include <sstream>
#include <vector>

#include "tapegrad/autodiff/autodiff.hpp"
#include "test_support.hpp"

using tapegrad::Dtype;
using tapegrad::Shape;
using tapegrad::Tensor;

TEST_CASE("Tensor: factories give the requested shape, dtype and values") {
  const Tensor z = tapegrad::zeros({2, 3});
  CHECK(z.shape() == Shape{2, 3});
  CHECK(z.dim() == 2);
  CHECK(z.numel() == 6);
  CHECK(z.dtype() == Dtype::float32);  // PyTorch's default
  CHECK(z.to_vector<double>() == std::vector<double>(6, 0.0));
  CHECK(tapegrad::ones({4}, Dtype::float64).to_vector<double>() == std::vector<double>(4, 1.0));
  CHECK(tapegrad::full({}, 2.5, Dtype::float64).item() == 2.5);
  CHECK(tapegrad::arange(4).to_vector<float>() == std::vector<float>{0, 1, 2, 3});
  CHECK(tapegrad::arange(1, 2, 0.25, Dtype::float64).to_vector<double>() ==
        std::vector<double>{1, 1.25, 1.5, 1.75});
  CHECK(tapegrad::arange(3, 0, -1).numel() == 3);
  CHECK_THROWS_AS(tapegrad::arange(0, 1, 0), tapegrad::DomainError);
  const Tensor f = tapegrad::from<double>({1, 2, 3, 4, 5, 6}, {2, 3});
  CHECK(f.dtype() == Dtype::float64);
  CHECK(f.data<double>()[4] == 5.0);
  CHECK(tapegrad::from(std::vector<float>{1.f, 2.f}, {2}).dtype() == Dtype::float32);
  CHECK_FALSE(f.requires_grad());
  CHECK(f.is_leaf());
}

TEST_CASE("Tensor: randn and rand are reproducible per seed") {
  tapegrad::Generator g1(42), g2(42), g3(43);
  const Tensor a = tapegrad::randn({100}, g1, Dtype::float64);
  const Tensor b = tapegrad::randn({100}, g2, Dtype::float64);
  const Tensor c = tapegrad::randn({100}, g3, Dtype::float64);
  CHECK(a.to_vector<double>() == b.to_vector<double>());
  CHECK(a.to_vector<double>() != c.to_vector<double>());
  const double m = tapegrad::mean(a).item();
  CHECK(std::fabs(m) < 0.3);
  const std::vector<double> u = tapegrad::rand({1000}, g1, Dtype::float64).to_vector<double>();
  for (double x : u) CHECK((x >= 0.0 && x < 1.0));
}

TEST_CASE("Tensor: copying a handle shares data, clone copies, reshape is a view") {
  const Tensor a = tapegrad::from<double>({1, 2, 3, 4}, {2, 2});
  const Tensor b = a;  // NOLINT(performance-unnecessary-copy-initialization): the copy is the point
  CHECK(b.shares_data(a));
  b.data<double>()[0] = 10.0;
  CHECK(a.data<double>()[0] == 10.0);
  const Tensor r = tapegrad::reshape(a, {4});
  CHECK(r.shares_data(a));
  CHECK(r.shape() == Shape{4});
  CHECK(tapegrad::reshape(a, {-1, 1}).shape() == Shape{4, 1});
  const Tensor c = a.clone();
  CHECK_FALSE(c.shares_data(a));
  CHECK(c.to_vector<double>() == a.to_vector<double>());
  CHECK(a.detach().shares_data(a));
}

TEST_CASE("Tensor: data<T>, item and undefined tensors report misuse") {
  const Tensor a = tapegrad::zeros({2, 3}, Dtype::float32);
  CHECK_THROWS_WITH_AS(a.data<double>(), doctest::Contains("float32"), tapegrad::ShapeError);
  CHECK_THROWS_WITH_AS(a.item(), doctest::Contains("[2, 3]"), tapegrad::ShapeError);
  const Tensor u;
  CHECK_FALSE(u.defined());
  CHECK_THROWS_WITH_AS(u.shape(), doctest::Contains("undefined"), tapegrad::TapeError);
  CHECK_THROWS_AS(tapegrad::exp(u), tapegrad::TapeError);
  CHECK_THROWS_WITH_AS(tapegrad::from<double>({1, 2, 3}, {2, 2}), doctest::Contains("[2, 2]"),
                       tapegrad::ShapeError);
}

TEST_CASE("Tensor: operator<< prints shape, dtype and nested values") {
  std::ostringstream os;
  os << tapegrad::from<double>({1, 2, 3, 4}, {2, 2});
  CHECK(os.str() == "tensor([2, 2], float64, [[1, 2], [3, 4]])");
  std::ostringstream longer;
  longer << tapegrad::arange(10);
  CHECK(longer.str() == "tensor([10], float32, [0, 1, 2, ..., 7, 8, 9])");
  std::ostringstream scalar;
  scalar << tapegrad::full({}, 1.5, Dtype::float64) << ' ' << Tensor();
  CHECK(scalar.str() == "tensor([], float64, 1.5) tensor(undefined)");
}

TEST_CASE("Tensor: forward values of elementwise ops, broadcasting and reductions") {
  const Tensor a = tapegrad::from<double>({1, 2, 3, 4, 5, 6}, {2, 3});
  const Tensor row = tapegrad::from<double>({10, 20, 30}, {3});
  const Tensor col = tapegrad::from<double>({100, 200}, {2, 1});
  CHECK((a + row).to_vector<double>() == std::vector<double>{11, 22, 33, 14, 25, 36});
  CHECK((a + col).to_vector<double>() == std::vector<double>{101, 102, 103, 204, 205, 206});
  CHECK((row + col).shape() == Shape{2, 3});
  CHECK((2.0 - a).to_vector<double>() == std::vector<double>{1, 0, -1, -2, -3, -4});
  CHECK((a / 2.0).to_vector<double>()[1] == 1.0);
  CHECK((-a).to_vector<double>()[5] == -6.0);
  CHECK(tapegrad::sum(a).item() == 21.0);
  CHECK(tapegrad::sum(a, 0, false).to_vector<double>() == std::vector<double>{5, 7, 9});
  CHECK(tapegrad::sum(a, -1, true).shape() == Shape{2, 1});
  CHECK(tapegrad::mean(a, 1, false).to_vector<double>() == std::vector<double>{2, 5});
  CHECK(tapegrad::sum(a, true).shape() == Shape{1, 1});
  // An int second argument is an axis, never the all-elements overload's keepdim.
  CHECK(tapegrad::sum(a, 1).to_vector<double>() == std::vector<double>{6, 15});
  CHECK(tapegrad::mean(a, 0).shape() == Shape{3});
  CHECK(tapegrad::max(a, 1).to_vector<double>() == std::vector<double>{3, 6});
  CHECK(tapegrad::min(a, 0).to_vector<double>() == std::vector<double>{1, 2, 3});
  CHECK(tapegrad::logsumexp(a, -1).shape() == Shape{2});
  CHECK(tapegrad::transpose(a).to_vector<double>() == std::vector<double>{1, 4, 2, 5, 3, 6});
  CHECK(tapegrad::relu(a - 3.5).to_vector<double>() == std::vector<double>{0, 0, 0, 0.5, 1.5, 2.5});
}

TEST_CASE("Tensor: softmax is stable for large inputs and sums to one") {
  const Tensor x = tapegrad::from<double>({1000, 1001, 1002, -1000, 0, 1000}, {2, 3});
  const std::vector<double> s = tapegrad::softmax(x, 1).to_vector<double>();
  for (double v : s) CHECK(std::isfinite(v));
  CHECK(s[0] + s[1] + s[2] == doctest::Approx(1.0));
  CHECK(s[5] == doctest::Approx(1.0));
  const std::vector<double> l = tapegrad::log_softmax(x, 1).to_vector<double>();
  CHECK(l[2] == doctest::Approx(-std::log(1 + std::exp(-1.0) + std::exp(-2.0))));
  CHECK(std::isfinite(l[3]));
  const Tensor f = tapegrad::from<float>({80, 90, 100}, {3});  // exp(100) overflows float
  for (float v : tapegrad::softmax(f).to_vector<float>()) CHECK(std::isfinite(v));
  CHECK(tapegrad::softmax(tapegrad::zeros({3, 0}), 1).shape() == Shape{3, 0});  // empty slices
  CHECK(tapegrad::log_softmax(tapegrad::zeros({0, 2}), 0).numel() == 0);
}

TEST_CASE("Tensor: matmul matches a naive product across tile edges, in both dtypes") {
  tapegrad::Generator gen(7);
  const std::int64_t m = 67, k = 131, n = 530;  // not multiples of the kernel's tiles
  const Tensor a = tapegrad::randn({m, k}, gen, Dtype::float64);
  const Tensor b = tapegrad::randn({k, n}, gen, Dtype::float64);
  const Tensor v = tapegrad::randn({k}, gen, Dtype::float64);
  const std::vector<double> c = tapegrad::matmul(a, b).to_vector<double>();
  const std::vector<double> cv = tapegrad::matmul(a, v).to_vector<double>();
  const double* pa = a.data<double>();
  const double* pb = b.data<double>();
  const double* pv = v.data<double>();
  for (std::int64_t i = 0; i < m; i += 11) {
    for (std::int64_t j = 0; j < n; j += 37) {
      double s = 0.0;
      for (std::int64_t p = 0; p < k; ++p) s += pa[i * k + p] * pb[p * n + j];
      CHECK(c[static_cast<std::size_t>(i * n + j)] == doctest::Approx(s).epsilon(1e-12));
    }
    double s = 0.0;
    for (std::int64_t p = 0; p < k; ++p) s += pa[i * k + p] * pv[p];
    CHECK(cv[static_cast<std::size_t>(i)] == doctest::Approx(s).epsilon(1e-12));
  }
  const Tensor af = tapegrad::from(a.to_vector<float>(), a.shape());
  const Tensor bf = tapegrad::from(b.to_vector<float>(), b.shape());
  const std::vector<float> cf = tapegrad::matmul(af, bf).to_vector<float>();
  CHECK(static_cast<double>(cf[12345]) == doctest::Approx(c[12345]).epsilon(1e-4));
}
