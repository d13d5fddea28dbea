// SPDX-License-Identifier: MIT
// tensor_gradcheck_test.cpp: every row of the tensor derivatives table, checked against central differences.
//
// TEST_CASE_TEMPLATE_APPLY iterates ops::TensorOps, and each row needs a Cases<Op> specialisation below (the
// primary template is only declared), so a row added to the registry without gradcheck cases does not
// compile. Each case runs the op through its public front end on seeded inputs from the op's Domain, in
// float64, via tensor_gradcheck (random upstream gradient, not all ones).
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "autodiff/autodiff.hpp"
#include "test_support.hpp"

namespace {

using tapegrad::Shape;
using tapegrad::Tensor;
namespace tops = tapegrad::ops::tensor;
namespace test = tapegrad::test;
using Inputs = std::vector<Tensor>;
using Fn = std::function<Tensor(const Inputs&)>;

struct Input {
  Shape shape;
  tapegrad::ops::Domain domain;
};
struct Case {
  std::string label;
  std::vector<Input> inputs;
  Fn fn;
};

/// A float64 tensor of `in.shape` with elements from in.domain, away from its kinks.
Tensor sample_tensor(const Input& in, std::uint64_t seed) {
  auto rng = test::make_rng(seed);
  std::vector<double> v;
  while (static_cast<std::int64_t>(v.size()) < tapegrad::numel(in.shape)) {
    const double x = test::uniform(rng, in.domain.lo, in.domain.hi);
    if (!test::near_kink(in.domain, x)) v.push_back(x);
  }
  return tapegrad::from(v, in.shape);
}

template <class Op>
std::vector<Case> unary_cases(Fn fn) {
  std::vector<Case> cases;
  for (const Shape& s : {Shape{3, 4}, Shape{5}, Shape{}, Shape{2, 3, 2}})
    cases.push_back({tapegrad::to_string(s), {{s, Op::domain}}, fn});
  return cases;
}

/// Broadcast pairs of the issue ([3,4] with [4], [3,1], [1,4] and scalars) in both orders, plus a double
/// operand on either side (the single tensor input then comes from that side's domain).
template <class Op>
std::vector<Case> binary_cases(Fn fn, std::function<Tensor(const Tensor&, double)> with_double_right,
                               std::function<Tensor(double, const Tensor&)> with_double_left) {
  std::vector<Case> cases;
  const std::vector<std::pair<Shape, Shape>> pairs = {{{3, 4}, {3, 4}}, {{3, 4}, {4}},      {{4}, {3, 4}},
                                                      {{3, 4}, {3, 1}}, {{3, 1}, {3, 4}},   {{3, 4}, {1, 4}},
                                                      {{1, 4}, {3, 4}}, {{3, 1}, {1, 4}},   {{3, 4}, {}},
                                                      {{}, {3, 4}},     {{2, 3, 4}, {3, 1}}};
  for (const auto& [a, b] : pairs)
    cases.push_back({tapegrad::to_string(a) + " with " + tapegrad::to_string(b),
                     {{a, Op::domain_a}, {b, Op::domain_b}},
                     fn});
  const double right = 0.5 * (Op::domain_b.lo + Op::domain_b.hi) + 0.25;
  const double left = 0.5 * (Op::domain_a.lo + Op::domain_a.hi) - 0.75;
  cases.push_back({"[3, 4] with a double", {{{3, 4}, Op::domain_a}}, [=](const Inputs& x) {
                     return with_double_right(x[0], right);
                   }});
  cases.push_back({"a double with [3, 4]", {{{3, 4}, Op::domain_b}}, [=](const Inputs& x) {
                     return with_double_left(left, x[0]);
                   }});
  return cases;
}

/// Reductions: all elements, and each axis of a [3, 4] and a [2, 3, 4], with and without keepdim.
template <class Op>
std::vector<Case> reduce_cases(std::function<Tensor(const Tensor&, bool)> all,
                               std::function<Tensor(const Tensor&, std::int64_t, bool)> along) {
  std::vector<Case> cases;
  for (const bool keepdim : {false, true}) {
    cases.push_back({"all, keepdim " + std::to_string(keepdim), {{{3, 4}, Op::domain}}, [=](const Inputs& x) {
                       return all(x[0], keepdim);
                     }});
    for (const Shape& s : {Shape{3, 4}, Shape{2, 3, 4}})
      for (std::int64_t axis = -1; axis < static_cast<std::int64_t>(s.size()); ++axis)
        cases.push_back(
            {tapegrad::to_string(s) + " axis " + std::to_string(axis) + " keepdim " + std::to_string(keepdim),
             {{s, Op::domain}},
             [=](const Inputs& x) { return along(x[0], axis, keepdim); }});
  }
  return cases;
}

template <class Op>
std::vector<Case> softmax_cases(std::function<Tensor(const Tensor&, std::int64_t)> fn) {
  std::vector<Case> cases;
  for (const Shape& s : {Shape{3, 4}, Shape{2, 3, 4}, Shape{5}})
    for (std::int64_t axis = -1; axis < static_cast<std::int64_t>(s.size()); ++axis)
      cases.push_back({tapegrad::to_string(s) + " axis " + std::to_string(axis),
                       {{s, Op::domain}},
                       [=](const Inputs& x) { return fn(x[0], axis); }});
  return cases;
}

template <class Op>
struct Cases;  // no definition: a registered op without gradcheck cases does not compile

#define TENSOR_UNARY_CASES(Op, f)                                            \
  template <>                                                                \
  struct Cases<tops::Op> {                                                   \
    static std::vector<Case> get() {                                         \
      return unary_cases<tops::Op>([](const Inputs& x) { return f(x[0]); }); \
    }                                                                        \
  }
TENSOR_UNARY_CASES(Neg, -);
TENSOR_UNARY_CASES(Exp, tapegrad::exp);
TENSOR_UNARY_CASES(Log, tapegrad::log);
TENSOR_UNARY_CASES(Sqrt, tapegrad::sqrt);
TENSOR_UNARY_CASES(Abs, tapegrad::abs);
TENSOR_UNARY_CASES(Tanh, tapegrad::tanh);
TENSOR_UNARY_CASES(Sigmoid, tapegrad::sigmoid);
TENSOR_UNARY_CASES(Relu, tapegrad::relu);

#define TENSOR_BINARY_CASES(Op, op)                                                    \
  template <>                                                                          \
  struct Cases<tops::Op> {                                                             \
    static std::vector<Case> get() {                                                   \
      return binary_cases<tops::Op>([](const Inputs& x) { return x[0] op x[1]; },      \
                                    [](const Tensor& a, double b) { return a op b; },  \
                                    [](double a, const Tensor& b) { return a op b; }); \
    }                                                                                  \
  }
TENSOR_BINARY_CASES(Add, +);
TENSOR_BINARY_CASES(Sub, -);
TENSOR_BINARY_CASES(Mul, *);
TENSOR_BINARY_CASES(Div, /);

template <>
struct Cases<tops::Sum> {
  static std::vector<Case> get() {
    return reduce_cases<tops::Sum>([](const Tensor& x, bool k) { return sum(x, k); },
                                   [](const Tensor& x, std::int64_t a, bool k) { return sum(x, a, k); });
  }
};
template <>
struct Cases<tops::Mean> {
  static std::vector<Case> get() {
    return reduce_cases<tops::Mean>([](const Tensor& x, bool k) { return mean(x, k); },
                                    [](const Tensor& x, std::int64_t a, bool k) { return mean(x, a, k); });
  }
};
template <>
struct Cases<tops::MatMul> {
  static std::vector<Case> get() {
    const auto d = tops::MatMul::domain;
    return {
        {"[3, 4] @ [4, 5]", {{{3, 4}, d}, {{4, 5}, d}}, [](const Inputs& x) { return matmul(x[0], x[1]); }},
        {"[3, 4] @ [5, 4].T",
         {{{3, 4}, d}, {{5, 4}, d}},
         [](const Inputs& x) { return matmul(x[0], transpose(x[1])); }},
        {"[4, 3].T @ [4, 5]",
         {{{4, 3}, d}, {{4, 5}, d}},
         [](const Inputs& x) { return matmul(transpose(x[0]), x[1]); }},
        {"[3, 4] @ [4]", {{{3, 4}, d}, {{4}, d}}, [](const Inputs& x) { return matmul(x[0], x[1]); }},
        {"[1, 1] @ [1, 1]", {{{1, 1}, d}, {{1, 1}, d}}, [](const Inputs& x) { return matmul(x[0], x[1]); }},
    };
  }
};
template <>
struct Cases<tops::Linear> {
  static std::vector<Case> get() {
    const auto d = tops::Linear::domain;
    const Fn linear = [](const Inputs& x) { return tapegrad::linear(x[0], x[1], x[2]); };
    return {
        {"[3, 4] @ [4, 5] + [5]", {{{3, 4}, d}, {{4, 5}, d}, {{5}, d}}, linear},
        {"[1, 3] @ [3, 1] + [1]", {{{1, 3}, d}, {{3, 1}, d}, {{1}, d}}, linear},
        {"[5, 2] @ [2, 3] + [3]", {{{5, 2}, d}, {{2, 3}, d}, {{3}, d}}, linear},
        // Only the weight and bias need a gradient: x is a constant, as a network's input batch is.
        {"constant [4, 3] @ [3, 2] + [2]",
         {{{3, 2}, d}, {{2}, d}},
         [](const Inputs& x) {
           const Tensor input = tapegrad::from<double>(
               {0.3, -1.2, 0.7, 1.5, -0.4, 0.9, -0.8, 0.1, 1.1, 0.6, -1.7, 0.2}, {4, 3});
           return tapegrad::linear(input, x[0], x[1]);
         }},
        // Only x needs a gradient.
        {"[2, 3] @ constant [3, 2] + constant [2]",
         {{{2, 3}, d}},
         [](const Inputs& x) {
           const Tensor w = tapegrad::from<double>({0.5, -0.3, 1.2, 0.8, -1.1, 0.4}, {3, 2});
           const Tensor b = tapegrad::from<double>({0.25, -0.75}, {2});
           return tapegrad::linear(x[0], w, b);
         }},
    };
  }
};
template <>
struct Cases<tops::Reshape> {
  static std::vector<Case> get() {
    const auto d = tops::Reshape::domain;
    return {
        {"[3, 4] as [2, 6]",
         {{{3, 4}, d}},
         [](const Inputs& x) {
           return reshape(x[0], {2, 6});
         }},
        {"[3, 4] as [-1]", {{{3, 4}, d}}, [](const Inputs& x) { return reshape(x[0], {-1}); }},
        // Used twice: the view and the input share data but not gradients.
        {"[2, 3] as [3, 2], times x",
         {{{2, 3}, d}},
         [](const Inputs& x) {
           return reshape(x[0], {3, 2}) * reshape(x[0] * x[0], {3, 2});
         }},
    };
  }
};
template <>
struct Cases<tops::Transpose> {
  static std::vector<Case> get() {
    const auto d = tops::Transpose::domain;
    return {{"[3, 4]", {{{3, 4}, d}}, [](const Inputs& x) { return transpose(x[0]); }},
            {"[1, 5]", {{{1, 5}, d}}, [](const Inputs& x) { return transpose(x[0]); }}};
  }
};
template <>
struct Cases<tops::Softmax> {
  static std::vector<Case> get() {
    return softmax_cases<tops::Softmax>([](const Tensor& x, std::int64_t a) { return softmax(x, a); });
  }
};
template <>
struct Cases<tops::LogSoftmax> {
  static std::vector<Case> get() {
    return softmax_cases<tops::LogSoftmax>([](const Tensor& x, std::int64_t a) { return log_softmax(x, a); });
  }
};

}  // namespace

TEST_CASE_TEMPLATE_DEFINE("Tensor gradcheck: tape gradient matches central differences", Op,
                          tensor_gradcheck_ops) {
  std::uint64_t seed = test::kSeed;
  const std::vector<Case> cases = Cases<Op>::get();
  REQUIRE(!cases.empty());
  for (const Case& c : cases) {
    CAPTURE(Op::name);
    CAPTURE(c.label);
    Inputs inputs;
    for (const Input& in : c.inputs) inputs.push_back(sample_tensor(in, ++seed));
    TAPEGRAD_CHECK_GRADCHECK(tapegrad::tensor_gradcheck(c.fn, inputs, {}, seed));
  }
}
TEST_CASE_TEMPLATE_APPLY(tensor_gradcheck_ops, tapegrad::ops::TensorOps);

TEST_CASE("Tensor gradcheck: a composite (two-layer net with log_softmax loss) passes") {
  tapegrad::Generator gen(3);
  const Inputs inputs = {tapegrad::randn({5, 3}, gen, tapegrad::Dtype::float64),
                         tapegrad::randn({3, 4}, gen, tapegrad::Dtype::float64),
                         tapegrad::randn({4}, gen, tapegrad::Dtype::float64)};
  const auto net = [](const Inputs& x) {
    const Tensor h = tapegrad::tanh(matmul(x[0], x[1]) + x[2]);
    return mean(-log_softmax(h, 1) * (1.0 / 4.0));
  };
  TAPEGRAD_CHECK_GRADCHECK(tapegrad::tensor_gradcheck(net, inputs));
}

TEST_CASE("Tensor gradcheck: reports a wrong gradient") {
  // A function whose tape gradient is deliberately wrong: the detached factor is treated as a constant.
  const auto wrong = [](const Inputs& x) { return x[0] * x[0].detach(); };
  const auto r = tapegrad::tensor_gradcheck(wrong, {tapegrad::from<double>({1.0, 2.0, -0.5}, {3})});
  CHECK_FALSE(r.passed);
  CHECK(r.inputs == 3);
  CHECK(r.outputs == 1);
  CHECK_THROWS_AS(tapegrad::tensor_gradcheck(wrong, {}), tapegrad::ShapeError);
  CHECK_THROWS_WITH_AS(tapegrad::tensor_gradcheck(wrong, {tapegrad::zeros({2}, tapegrad::Dtype::float32)}),
                       doctest::Contains("float64"), tapegrad::ShapeError);
}
