// SPDX-License-Identifier: MIT
// tensor_linear_test.cpp: linear(x, w, b), the fused affine row, against the two-op spelling it replaces,
// and its shape errors. Its gradients against central differences are in tensor_gradcheck_test.cpp.
#include <doctest/doctest.h>

#include <vector>

#include "tapegrad/autodiff/autodiff.hpp"

using tapegrad::Dtype;
using tapegrad::ShapeError;
using tapegrad::Tape;
using tapegrad::Tensor;

namespace {

struct Forward {
  std::vector<double> y, gx, gw, gb;
};

/// y = f(x, w, b) and the gradients of sum(y * weight), with a non-uniform weight.
template <class F>
Forward run(F&& f, const Tensor& x0, const Tensor& w0, const Tensor& b0) {
  Tape tape;
  Tensor x = x0.clone().requires_grad_(), w = w0.clone().requires_grad_(), b = b0.clone().requires_grad_();
  const Tensor y = f(x, w, b);
  const Tensor weight = tapegrad::arange(1.0, 1.0 + static_cast<double>(y.numel()), 1.0, Dtype::float64);
  tapegrad::sum(y * tapegrad::reshape(weight, y.shape())).backward();
  return {y.to_vector<double>(), x.grad().to_vector<double>(), w.grad().to_vector<double>(),
          b.grad().to_vector<double>()};
}

void check_close(const std::vector<double>& a, const std::vector<double>& b) {
  REQUIRE(a.size() == b.size());
  for (std::size_t i = 0; i < a.size(); ++i) CHECK(a[i] == doctest::Approx(b[i]).epsilon(1e-12));
}

}  // namespace

TEST_CASE("Tensor linear: values and gradients equal matmul(x, w) + b") {
  tapegrad::Generator gen(11);
  const Tensor x = tapegrad::randn({5, 3}, gen, Dtype::float64);
  const Tensor w = tapegrad::randn({3, 4}, gen, Dtype::float64);
  const Tensor b = tapegrad::randn({4}, gen, Dtype::float64);
  const Forward fused =
      run([](const Tensor& xx, const Tensor& ww, const Tensor& bb) { return tapegrad::linear(xx, ww, bb); },
          x, w, b);
  const Forward two_ops =
      run([](const Tensor& xx, const Tensor& ww, const Tensor& bb) { return tapegrad::matmul(xx, ww) + bb; },
          x, w, b);
  check_close(fused.y, two_ops.y);
  check_close(fused.gx, two_ops.gx);
  check_close(fused.gw, two_ops.gw);
  check_close(fused.gb, two_ops.gb);
}

TEST_CASE("Tensor linear: a known small case") {
  Tape tape;
  // x = [[1, 2]], w = [[1, 0, 2], [0, 1, 3]], b = [10, 20, 30]: y = [[11, 22, 38]].
  Tensor x = tapegrad::from<double>({1, 2}, {1, 2}).requires_grad_();
  Tensor w = tapegrad::from<double>({1, 0, 2, 0, 1, 3}, {2, 3}).requires_grad_();
  Tensor b = tapegrad::from<double>({10, 20, 30}, {3}).requires_grad_();
  const Tensor y = tapegrad::linear(x, w, b);
  CHECK(y.to_vector<double>() == std::vector<double>{11, 22, 38});
  CHECK(tape.stats().statements == 1);  // one record, where matmul + add make two
  tapegrad::sum(y).backward();
  CHECK(x.grad().to_vector<double>() == std::vector<double>{3, 4});  // row sums of w
  CHECK(w.grad().to_vector<double>() == std::vector<double>{1, 1, 1, 2, 2, 2});
  CHECK(b.grad().to_vector<double>() == std::vector<double>{1, 1, 1});
}

TEST_CASE("Tensor linear: bad ranks and sizes name the op and the three shapes") {
  const Tensor x = tapegrad::zeros({2, 3});
  const Tensor w = tapegrad::zeros({3, 4});
  const Tensor b = tapegrad::zeros({4});
  CHECK_THROWS_WITH_AS(
      tapegrad::linear(x, tapegrad::zeros({5, 4}), b),
      doctest::Contains("linear: sizes must match (x [m, k], weight [k, n], bias [n]), got x [2, "
                        "3], weight [5, 4] and bias [4]"),
      ShapeError);
  CHECK_THROWS_WITH_AS(tapegrad::linear(x, w, tapegrad::zeros({3})), doctest::Contains("bias [3]"),
                       ShapeError);
  CHECK_THROWS_WITH_AS(
      tapegrad::linear(x, w, tapegrad::zeros({1, 4})),
      doctest::Contains("linear: expected x [m, k], weight [k, n] and bias [n], got x [2, 3], "
                        "weight [3, 4] and bias [1, 4]"),
      ShapeError);
  CHECK_THROWS_WITH_AS(tapegrad::linear(tapegrad::zeros({3}), w, b), doctest::Contains("got x [3]"),
                       ShapeError);
  CHECK_THROWS_WITH_AS(tapegrad::linear(x, w, tapegrad::zeros({4}, Dtype::float64)),
                       doctest::Contains("float64"), ShapeError);
}
