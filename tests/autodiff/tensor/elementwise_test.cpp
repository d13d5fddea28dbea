// SPDX-License-Identifier: MIT
// tensor_elementwise_test.cpp: pow, sin, cos, softplus, leaky_relu, clamp, maximum, minimum, where and the
// comparison masks: values against <cmath> formulas written out here, the choices at kinks and ties (which
// central differences cannot see), agreement with Var, errors (message text) and the anomaly guard.
#include <doctest/doctest.h>

#include <cmath>
#include <cstddef>
#include <functional>
#include <limits>
#include <vector>

#include "tapegrad/autodiff/autodiff.hpp"
#include "test_support.hpp"

using tapegrad::Dtype;
using tapegrad::Shape;
using tapegrad::Tape;
using tapegrad::Tensor;
using tapegrad::Var;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

Tensor leaf(const std::vector<double>& values, const Shape& shape) {
  Tensor t = tapegrad::from(values, shape);
  t.requires_grad_();
  return t;
}

/// The gradient of sum(f(x)) at each of `values`, one backward per call.
std::vector<double> grad_of(const std::function<Tensor(const Tensor&)>& f,
                            const std::vector<double>& values) {
  Tape tape;
  const Tensor x = leaf(values, {static_cast<std::int64_t>(values.size())});
  tapegrad::sum(f(x)).backward();
  return x.grad().to_vector<double>();
}

/// Elementwise check of `got` against `expected`, NaN matching NaN.
void check_values(const std::vector<double>& got, const std::vector<double>& expected, double rel = 1e-15) {
  REQUIRE(got.size() == expected.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    CAPTURE(i);
    CAPTURE(got[i]);
    CAPTURE(expected[i]);
    if (std::isnan(expected[i]) || std::isinf(expected[i]))
      CHECK(tapegrad::test::same_value(got[i], expected[i]));
    else
      CHECK(tapegrad::test::close(got[i], expected[i], rel));
  }
}

const std::vector<double> kPoints = {-2.5, -1.0, -0.3, 0.0, 0.7, 1.0, 2.25, 3.5};

}  // namespace

TEST_CASE("Tensor elementwise: sin, cos, softplus, leaky_relu and clamp compute the <cmath> formulas") {
  const Tensor x = tapegrad::from(kPoints, {2, 4});
  std::vector<double> sin, cos, softplus, leaky, clamped;
  for (const double v : kPoints) {
    sin.push_back(std::sin(v));
    cos.push_back(std::cos(v));
    softplus.push_back(std::log(1.0 + std::exp(v)));
    leaky.push_back(v > 0.0 ? v : 0.1 * v);
    clamped.push_back(std::fmin(std::fmax(v, -1.0), 2.0));
  }
  check_values(tapegrad::sin(x).to_vector<double>(), sin);
  check_values(tapegrad::cos(x).to_vector<double>(), cos);
  check_values(tapegrad::softplus(x).to_vector<double>(), softplus, 1e-14);
  check_values(tapegrad::leaky_relu(x, 0.1).to_vector<double>(), leaky);
  check_values(tapegrad::clamp(x, -1.0, 2.0).to_vector<double>(), clamped);
  CHECK(tapegrad::leaky_relu(tapegrad::full({}, -2.0, Dtype::float64)).item() == -0.02);  // default slope
  CHECK(tapegrad::sin(x).shape() == Shape{2, 4});

  // softplus is stable at both ends: no overflow for large x, no lost digits for very negative x.
  const Tensor far = tapegrad::from<double>({1000.0, -40.0, -700.0}, {3});
  const std::vector<double> sp = tapegrad::softplus(far).to_vector<double>();
  CHECK(sp[0] == 1000.0);
  CHECK(tapegrad::test::close(sp[1], std::exp(-40.0),
                              1e-14));  // log(1 + e^x) ~ e^x, which log(1 + ...) rounds away
  CHECK(tapegrad::test::close(sp[2], std::exp(-700.0), 1e-14));
  CHECK(tapegrad::softplus(tapegrad::from<float>({100.0f}, {1})).item() ==
        100.0);  // exp(100) overflows float

  // float32 computes the same functions.
  const Tensor xf = tapegrad::from(x.to_vector<float>(), x.shape());
  const std::vector<float> sinf = tapegrad::sin(xf).to_vector<float>();
  for (std::size_t i = 0; i < sin.size(); ++i) CHECK(static_cast<double>(sinf[i]) == doctest::Approx(sin[i]));
}

TEST_CASE("Tensor elementwise: pow computes std::pow, with broadcasting and a constant on either side") {
  const Tensor x = tapegrad::from(kPoints, {8});
  for (const double p : {2.0, 3.0, 0.5, -1.0, 0.0}) {
    CAPTURE(p);
    std::vector<double> expected;
    for (const double v : kPoints) expected.push_back(std::pow(v, p));  // NaN for v < 0, p = 0.5
    check_values(tapegrad::pow(x, p).to_vector<double>(), expected);
  }
  const Tensor a = tapegrad::from<double>({0.5, 1.5, 2.0, 3.0, 0.25, 4.0}, {2, 3});
  const Tensor b = tapegrad::from<double>({2.0, -1.0, 0.5}, {3});
  std::vector<double> ab, two_to_b;
  for (std::size_t i = 0; i < 6; ++i) ab.push_back(std::pow(a.data<double>()[i], b.data<double>()[i % 3]));
  for (std::size_t j = 0; j < 3; ++j) two_to_b.push_back(std::pow(2.0, b.data<double>()[j]));
  check_values(tapegrad::pow(a, b).to_vector<double>(), ab);
  check_values(tapegrad::pow(2.0, b).to_vector<double>(), two_to_b);
  CHECK(tapegrad::pow(a, tapegrad::from<double>({1.0, 2.0}, {2, 1})).shape() == Shape{2, 3});
}

TEST_CASE("Tensor elementwise: maximum, minimum and where broadcast as NumPy does") {
  const Tensor a = tapegrad::from<double>({1, 5, -2, 7, 0, 3}, {2, 3});
  const Tensor row = tapegrad::from<double>({2, 2, 2}, {3});
  const Tensor col = tapegrad::from<double>({4, -1}, {2, 1});
  CHECK(tapegrad::maximum(a, row).to_vector<double>() == std::vector<double>{2, 5, 2, 7, 2, 3});
  CHECK(tapegrad::minimum(a, col).to_vector<double>() == std::vector<double>{1, 4, -2, -1, -1, -1});
  CHECK(tapegrad::maximum(row, col).shape() == Shape{2, 3});
  CHECK(tapegrad::maximum(row, col).to_vector<double>() == std::vector<double>{4, 4, 4, 2, 2, 2});

  const Tensor mask = tapegrad::from<double>({1, 0, -3}, {3});  // any non-zero picks a
  CHECK(tapegrad::where(mask, a, col).to_vector<double>() == std::vector<double>{1, 4, -2, 7, -1, 3});
  const Tensor scalar_mask = tapegrad::zeros({}, Dtype::float64);
  CHECK(tapegrad::where(scalar_mask, a, row).to_vector<double>() == std::vector<double>(6, 2.0));
  CHECK(tapegrad::where(tapegrad::from<double>({1, 0}, {2, 1, 1}), row, col).shape() == Shape{2, 2, 3});
  const Tensor nan_mask = tapegrad::from<double>({kNaN}, {1});  // NaN != 0, so it picks a
  CHECK(tapegrad::where(nan_mask, row, col).to_vector<double>() == std::vector<double>{2, 2, 2, 2, 2, 2});
}

TEST_CASE("Tensor elementwise: comparison masks are 0/1 in the input's dtype and record nothing") {
  Tape tape;
  const Tensor a = leaf({1, 2, 3, kNaN}, {4});
  const Tensor b = tapegrad::from<double>({2, 2, 2, 2}, {4});
  const auto before = tape.stats();
  const Tensor g = tapegrad::gt(a, b);
  CHECK(g.to_vector<double>() == std::vector<double>{0, 0, 1, 0});  // NaN compares false
  CHECK(tapegrad::lt(a, b).to_vector<double>() == std::vector<double>{1, 0, 0, 0});
  CHECK(tapegrad::ge(a, b).to_vector<double>() == std::vector<double>{0, 1, 1, 0});
  CHECK(tapegrad::le(a, b).to_vector<double>() == std::vector<double>{1, 1, 0, 0});
  CHECK(tapegrad::eq(a, b).to_vector<double>() == std::vector<double>{0, 1, 0, 0});
  CHECK(tapegrad::eq(a, a).to_vector<double>() == std::vector<double>{1, 1, 1, 0});
  CHECK(tapegrad::gt(a, 1.5).to_vector<double>() == std::vector<double>{0, 1, 1, 0});
  CHECK(tapegrad::le(a, 2.0).to_vector<double>() == std::vector<double>{1, 1, 0, 0});
  CHECK_FALSE(g.requires_grad());
  CHECK(g.is_leaf());
  CHECK(g.dtype() == Dtype::float64);
  CHECK(tape.stats().statements == before.statements);

  const Tensor f = tapegrad::from<float>({-1, 0, 1}, {3, 1});
  const Tensor m = tapegrad::ge(f, tapegrad::from<float>({0, 1}, {2}));  // [3, 1] with [2] -> [3, 2]
  CHECK(m.dtype() == Dtype::float32);
  CHECK(m.shape() == Shape{3, 2});
  CHECK(m.to_vector<float>() == std::vector<float>{0, 0, 1, 0, 1, 1});
}

TEST_CASE("Tensor elementwise: leaky_relu passes the slope at the kink, clamp passes 1 at its bounds") {
  CHECK(grad_of([](const Tensor& x) { return tapegrad::leaky_relu(x, 0.2); }, {-1.0, 0.0, -0.0, 2.0}) ==
        std::vector<double>{0.2, 0.2, 0.2, 1.0});
  CHECK(grad_of([](const Tensor& x) { return tapegrad::leaky_relu(x, 0.0); }, {0.0, 1.0}) ==
        std::vector<double>{0.0, 1.0});  // slope 0 is relu, and relu'(0) = 0
  CHECK(grad_of([](const Tensor& x) { return tapegrad::clamp(x, -1.0, 2.0); }, {-1.5, -1.0, 0.5, 2.0, 2.5}) ==
        std::vector<double>{0, 1, 1, 1, 0});
  CHECK(grad_of([](const Tensor& x) { return tapegrad::clamp(x, 1.0, 1.0); }, {0.0, 1.0, 3.0}) ==
        std::vector<double>{0, 1, 0});
  // NaN: the value stays NaN, the gradient is 0 (NaN is not inside [lo, hi]).
  CHECK(std::isnan(tapegrad::clamp(tapegrad::from<double>({kNaN}, {1}), 0.0, 1.0).item()));
  CHECK(grad_of([](const Tensor& x) { return tapegrad::clamp(x, 0.0, 1.0); }, {kNaN}) ==
        std::vector<double>{0});
}

TEST_CASE("Tensor elementwise: maximum and minimum split the gradient 0.5/0.5 at a tie, as the scalar max") {
  Tape tape;
  Tensor a = leaf({1, 3, 2}, {3});
  Tensor b = leaf({2, 3, 1}, {3});
  tapegrad::sum(tapegrad::maximum(a, b)).backward();
  CHECK(a.grad().to_vector<double>() == std::vector<double>{0, 0.5, 1});
  CHECK(b.grad().to_vector<double>() == std::vector<double>{1, 0.5, 0});
  a.zero_grad();
  b.zero_grad();
  tapegrad::sum(tapegrad::minimum(a, b)).backward();
  CHECK(a.grad().to_vector<double>() == std::vector<double>{1, 0.5, 0});
  CHECK(b.grad().to_vector<double>() == std::vector<double>{0, 0.5, 1});

  // maximum(x, x) has derivative 1, as x does; a broadcast scalar collects its halves.
  const Tensor x = leaf({4, 4, 5}, {3});
  const Tensor s = leaf({4}, {});
  tapegrad::sum(tapegrad::maximum(x, x) + tapegrad::maximum(x, s)).backward();
  CHECK(x.grad().to_vector<double>() == std::vector<double>{1.5, 1.5, 2});
  CHECK(s.grad().item() == 1.0);

  // NaN follows the scalar max: (a < b) ? b : a returns a NaN in a and ignores one in b.
  const Tensor n = tapegrad::from<double>({kNaN, 1}, {2});
  const Tensor one = tapegrad::from<double>({1, kNaN}, {2});
  const std::vector<double> m = tapegrad::maximum(n, one).to_vector<double>();
  CHECK(std::isnan(m[0]));
  CHECK(m[1] == 1.0);
}

TEST_CASE("Tensor elementwise: pow's derivatives at 0 and at negative bases are the scalar pow's") {
  CHECK(grad_of([](const Tensor& x) { return tapegrad::pow(x, 1.0); }, {0.0}) == std::vector<double>{1});
  CHECK(grad_of([](const Tensor& x) { return tapegrad::pow(x, 2.0); }, {0.0, -3.0}) ==
        std::vector<double>{0, -6});
  CHECK(grad_of([](const Tensor& x) { return tapegrad::pow(x, 0.0); }, {0.0, -2.0}) ==
        std::vector<double>{0, 0});  // x^0 is constant, even at 0 (0 * 0^-1 would be NaN)
  CHECK(grad_of([](const Tensor& x) { return tapegrad::pow(x, 0.5); }, {0.0}) == std::vector<double>{kInf});
  CHECK(tapegrad::pow(tapegrad::zeros({1}, Dtype::float64), 0.0).item() == 1.0);

  // d/db a^b = y log a, taken as 0 where a == 0 and b >= 0; NaN for a negative base.
  Tape tape;
  const Tensor a = leaf({0.0, 0.0, -2.0, 2.0}, {4});
  const Tensor b = leaf({2.0, 0.0, 2.0, 3.0}, {4});
  tapegrad::sum(tapegrad::pow(a, b)).backward();
  const std::vector<double> gb = b.grad().to_vector<double>();
  CHECK(gb[0] == 0.0);
  CHECK(gb[1] == 0.0);
  CHECK(std::isnan(gb[2]));
  CHECK(tapegrad::test::close(gb[3], 8.0 * std::log(2.0), 1e-15));
  CHECK(a.grad().to_vector<double>() == std::vector<double>{0, 0, -4, 12});
}

TEST_CASE("Tensor elementwise: where sends the gradient to the side it picked and none to the mask") {
  Tape tape;
  Tensor mask = tapegrad::from<double>({1, 0, 2}, {3});
  mask.requires_grad_();
  const Tensor a = leaf({1, 2, 3, 4, 5, 6}, {2, 3});
  const Tensor b = leaf({10}, {});
  tapegrad::sum(tapegrad::where(mask, a, b) * 2.0).backward();
  CHECK(a.grad().to_vector<double>() == std::vector<double>{2, 0, 2, 2, 0, 2});
  CHECK(b.grad().item() == 4.0);  // two zeros in the mask, broadcast over two rows
  const Tensor mg = mask.grad();
  CHECK((!mg.defined() || mg.to_vector<double>() == std::vector<double>{0, 0, 0}));
}

TEST_CASE("Tensor elementwise: the rows taken from the scalar table give what Var gives, kinks included") {
  using Pair = std::pair<std::function<Tensor(const Tensor&)>, std::function<Var(const Var&)>>;
  const std::vector<std::pair<const char*, Pair>> ops = {
      {"sin", {[](const Tensor& t) { return tapegrad::sin(t); }, [](const Var& v) { return Var(sin(v)); }}},
      {"cos", {[](const Tensor& t) { return tapegrad::cos(t); }, [](const Var& v) { return Var(cos(v)); }}},
      {"softplus",
       {[](const Tensor& t) { return tapegrad::softplus(t); },
        [](const Var& v) { return Var(softplus(v)); }}},
      {"abs", {[](const Tensor& t) { return tapegrad::abs(t); }, [](const Var& v) { return Var(abs(v)); }}},
      {"relu",
       {[](const Tensor& t) { return tapegrad::relu(t); }, [](const Var& v) { return Var(relu(v)); }}},
      {"sqrt",
       {[](const Tensor& t) { return tapegrad::sqrt(t); }, [](const Var& v) { return Var(sqrt(v)); }}},
      {"pow 2.5",
       {[](const Tensor& t) { return tapegrad::pow(t, 2.5); },
        [](const Var& v) { return Var(pow(v, 2.5)); }}},
  };
  const std::vector<double> points = {-1.5, -0.0, 0.0, 0.5, 2.0, kNaN};
  for (const auto& op : ops) {
    const char* const name = op.first;  // not a structured binding: clang 14 cannot capture those
    const Pair& fns = op.second;
    CAPTURE(name);
    const std::vector<double> tensor_grad = grad_of(fns.first, points);
    Tape tape;
    const std::vector<double> tensor_value = fns.first(tapegrad::from(points, {6})).to_vector<double>();
    for (std::size_t i = 0; i < points.size(); ++i) {
      CAPTURE(points[i]);
      Var x = points[i];
      const Var y = fns.second(x);
      y.backward();
      CHECK(tapegrad::test::same_value(tensor_value[i], y.value()));
      CHECK(tapegrad::test::same_value(tensor_grad[i], x.grad()));
    }
  }
}

TEST_CASE("Tensor errors: the new elementwise ops name the op and the shapes, dtypes or values") {
  using tapegrad::DomainError;
  using tapegrad::ShapeError;
  const Tensor a = tapegrad::zeros({2, 3}, Dtype::float64);
  const Tensor b = tapegrad::zeros({4}, Dtype::float64);
  CHECK_THROWS_WITH_AS(tapegrad::maximum(a, b),
                       doctest::Contains("maximum: shapes [2, 3] and [4] cannot be broadcast"), ShapeError);
  CHECK_THROWS_WITH_AS(tapegrad::minimum(b, a), doctest::Contains("minimum: shapes [4] and [2, 3]"),
                       ShapeError);
  CHECK_THROWS_WITH_AS(tapegrad::pow(a, b), doctest::Contains("pow: shapes [2, 3] and [4]"), ShapeError);
  CHECK_THROWS_WITH_AS(tapegrad::gt(a, b), doctest::Contains("gt: shapes [2, 3] and [4]"), ShapeError);
  CHECK_THROWS_WITH_AS(tapegrad::eq(b, a), doctest::Contains("eq: shapes [4] and [2, 3]"), ShapeError);
  CHECK_THROWS_WITH_AS(
      tapegrad::where(b, a, a),
      doctest::Contains("where: mask [4], a [2, 3] and b [2, 3] cannot be broadcast together"), ShapeError);
  CHECK_THROWS_WITH_AS(tapegrad::where(a, a, b), doctest::Contains("where: mask [2, 3], a [2, 3] and b [4]"),
                       ShapeError);

  const Tensor f = tapegrad::zeros({2, 3}, Dtype::float32);
  CHECK_THROWS_WITH_AS(tapegrad::pow(f, a), doctest::Contains("pow: inputs must have one dtype"), ShapeError);
  CHECK_THROWS_WITH_AS(tapegrad::maximum(a, f), doctest::Contains("[2, 3] float64 and [2, 3] float32"),
                       ShapeError);
  CHECK_THROWS_WITH_AS(tapegrad::where(f, a, a), doctest::Contains("where: inputs must have one dtype"),
                       ShapeError);
  CHECK_THROWS_WITH_AS(tapegrad::lt(f, a), doctest::Contains("lt: inputs must have one dtype"), ShapeError);
  CHECK_THROWS_AS(tapegrad::ge(Tensor(), a), tapegrad::TapeError);

  CHECK_THROWS_WITH_AS(tapegrad::clamp(a, 2.0, 1.0),
                       doctest::Contains("clamp: expected lo <= hi, got lo 2 and hi 1"), DomainError);
  CHECK_THROWS_WITH_AS(tapegrad::clamp(a, kNaN, 1.0), doctest::Contains("clamp"), DomainError);
  CHECK_THROWS_WITH_AS(tapegrad::leaky_relu(a, kInf),
                       doctest::Contains("leaky_relu: expected a finite negative_slope, got inf"),
                       DomainError);
}

TEST_CASE("Tensor elementwise: the anomaly guard names pow for a NaN value and for an infinite derivative") {
  Tape tape;
  const Tensor x = leaf({4, -1}, {2});
  CHECK_NOTHROW(tapegrad::pow(x, 0.5));  // without a guard, <cmath> semantics: NaN, silently
  tapegrad::AnomalyGuard guard;
  CHECK_THROWS_WITH_AS(tapegrad::pow(x, 0.5), doctest::Contains("anomaly: pow produced"),
                       tapegrad::DomainError);
  CHECK_THROWS_WITH_AS(tapegrad::pow(x, tapegrad::full({}, 0.5, Dtype::float64)),
                       doctest::Contains("anomaly: pow produced"), tapegrad::DomainError);
  const Tensor z = leaf({0, 4}, {2});
  const Tensor r = tapegrad::sum(tapegrad::pow(z, 0.5));  // finite value, infinite derivative at 0
  CHECK_THROWS_WITH_AS(r.backward(), doctest::Contains("backward of pow"), tapegrad::DomainError);
}
