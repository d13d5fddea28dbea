// SPDX-License-Identifier: MIT
// tensor_gradcheck_test.cpp: every row of the tensor derivatives table, checked against central differences.
//
// TEST_CASE_TEMPLATE_APPLY iterates ops::TensorOps, and each row needs a Cases<Op> specialisation below (the
// primary template is only declared), so a row added to the registry without gradcheck cases does not
// compile. Each case runs the op through its public front end on seeded inputs from the op's Domain, in
// float64, via tensor_gradcheck (random upstream gradient, not all ones).
#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "tapegrad/autodiff/autodiff.hpp"
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
  std::function<bool(const Inputs&)> accept = nullptr;  // if set, inputs are redrawn until it holds (ties)
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

/// " 2 0 1" for {2, 0, 1}: case labels list their axes or indices.
std::string list_text(const std::vector<std::int64_t>& values) {
  std::string text;
  for (std::int64_t v : values) (text += ' ') += std::to_string(v);  // not " " + ...: GCC 12 -Wrestrict
  return text;
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

using Axes = std::vector<std::int64_t>;
using OverAxes = std::function<Tensor(const Tensor&, const Axes&, bool)>;

/// Reductions: all elements, and each axis of a [3, 4] and a [2, 3, 4], with and without keepdim; with
/// `over`, several axes at once too (adjacent ones, which merge in place, and apart ones, which move).
template <class Op>
std::vector<Case> reduce_cases(std::function<Tensor(const Tensor&, bool)> all,
                               std::function<Tensor(const Tensor&, std::int64_t, bool)> along,
                               OverAxes over = nullptr) {
  std::vector<Case> cases;
  if (over)
    for (const bool keepdim : {false, true})
      for (const auto& shape_axes : std::vector<std::pair<Shape, Axes>>{{{2, 3, 4}, {0, 2}},
                                                                        {{2, 3, 4}, {1, 2}},
                                                                        {{2, 3, 4}, {-1, 0, 1}},
                                                                        {{2, 3, 4}, {1}},
                                                                        {{3, 2, 2, 3}, {3, 1}},
                                                                        {{3, 2, 2, 3}, {1, 2}}}) {
        const Shape& s = shape_axes.first;
        const Axes axes = shape_axes.second;  // a copy for the lambda (clang 14 cannot capture a binding)
        cases.push_back(
            {tapegrad::to_string(s) + " axes" + list_text(axes) + " keepdim " + std::to_string(keepdim),
             {{s, Op::domain}},
             [=](const Inputs& x) { return over(x[0], axes, keepdim); }});
      }
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
    return reduce_cases<tops::Sum>(
        [](const Tensor& x, bool k) { return sum(x, k); },
        [](const Tensor& x, std::int64_t a, bool k) { return sum(x, a, k); },
        [](const Tensor& x, const Axes& a, bool k) { return sum(x, std::span<const std::int64_t>(a), k); });
  }
};
template <>
struct Cases<tops::Mean> {
  static std::vector<Case> get() {
    return reduce_cases<tops::Mean>(
        [](const Tensor& x, bool k) { return mean(x, k); },
        [](const Tensor& x, std::int64_t a, bool k) { return mean(x, a, k); },
        [](const Tensor& x, const Axes& a, bool k) { return mean(x, std::span<const std::int64_t>(a), k); });
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
        {"[4] @ [4, 5]", {{{4}, d}, {{4, 5}, d}}, [](const Inputs& x) { return matmul(x[0], x[1]); }},
        {"[4] @ [4]", {{{4}, d}, {{4}, d}}, [](const Inputs& x) { return matmul(x[0], x[1]); }},
        {"[4] @ [5, 4].T",
         {{{4}, d}, {{5, 4}, d}},
         [](const Inputs& x) { return matmul(x[0], transpose(x[1])); }},
        {"[3, 3] @ itself", {{{3, 3}, d}}, [](const Inputs& x) { return matmul(x[0], x[0]); }},
        {"[2, 3, 4] @ [2, 4, 5]",
         {{{2, 3, 4}, d}, {{2, 4, 5}, d}},
         [](const Inputs& x) { return matmul(x[0], x[1]); }},
        {"[2, 4, 3].T @ [2, 4, 5]",
         {{{2, 4, 3}, d}, {{2, 4, 5}, d}},
         [](const Inputs& x) { return matmul(transpose(x[0], 1, 2), x[1]); }},
        {"[2, 3, 4] @ [2, 5, 4].T",
         {{{2, 3, 4}, d}, {{2, 5, 4}, d}},
         [](const Inputs& x) { return matmul(x[0], transpose(x[1], -1, -2)); }},
        {"[2, 3, 4] @ [4, 5], b shared",
         {{{2, 3, 4}, d}, {{4, 5}, d}},
         [](const Inputs& x) { return matmul(x[0], x[1]); }},
        {"[2, 3, 4] @ [5, 4].T, b shared",
         {{{2, 3, 4}, d}, {{5, 4}, d}},
         [](const Inputs& x) { return matmul(x[0], transpose(x[1])); }},
        {"[3, 4] @ [2, 4, 5], a shared",
         {{{3, 4}, d}, {{2, 4, 5}, d}},
         [](const Inputs& x) { return matmul(x[0], x[1]); }},
        {"[1, 3, 4] @ [2, 4, 5], batch 1 broadcast",
         {{{1, 3, 4}, d}, {{2, 4, 5}, d}},
         [](const Inputs& x) { return matmul(x[0], x[1]); }},
        {"[3, 3, 4] @ [1, 4, 2], batch 1 broadcast",
         {{{3, 3, 4}, d}, {{1, 4, 2}, d}},
         [](const Inputs& x) { return matmul(x[0], x[1]); }},
        {"[2, 3, 4] @ [4]", {{{2, 3, 4}, d}, {{4}, d}}, [](const Inputs& x) { return matmul(x[0], x[1]); }},
        {"[4] @ [2, 4, 5]", {{{4}, d}, {{2, 4, 5}, d}}, [](const Inputs& x) { return matmul(x[0], x[1]); }},
        {"[2, 3, 3] @ itself", {{{2, 3, 3}, d}}, [](const Inputs& x) { return matmul(x[0], x[0]); }},
        // More than three dimensions: batch dimensions broadcast as NumPy's do.
        {"[2, 2, 3, 4] @ [2, 2, 4, 3]",
         {{{2, 2, 3, 4}, d}, {{2, 2, 4, 3}, d}},
         [](const Inputs& x) { return matmul(x[0], x[1]); }},
        {"[2, 1, 3, 4] @ [3, 4, 2], both broadcast",
         {{{2, 1, 3, 4}, d}, {{3, 4, 2}, d}},
         [](const Inputs& x) { return matmul(x[0], x[1]); }},
        {"[1, 3, 2, 4] @ [2, 1, 4, 3], both broadcast",
         {{{1, 3, 2, 4}, d}, {{2, 1, 4, 3}, d}},
         [](const Inputs& x) { return matmul(x[0], x[1]); }},
        {"[2, 3, 2, 4] @ [4, 5], b shared",
         {{{2, 3, 2, 4}, d}, {{4, 5}, d}},
         [](const Inputs& x) { return matmul(x[0], x[1]); }},
        {"[3, 4] @ [2, 2, 4, 2], a shared",
         {{{3, 4}, d}, {{2, 2, 4, 2}, d}},
         [](const Inputs& x) { return matmul(x[0], x[1]); }},
        {"[2, 2, 3, 4] @ [4]",
         {{{2, 2, 3, 4}, d}, {{4}, d}},
         [](const Inputs& x) { return matmul(x[0], x[1]); }},
        {"[4] @ [2, 1, 4, 3]",
         {{{4}, d}, {{2, 1, 4, 3}, d}},
         [](const Inputs& x) { return matmul(x[0], x[1]); }},
        {"[2, 1, 1, 3, 4] @ [1, 2, 2, 4, 2], rank 5",
         {{{2, 1, 1, 3, 4}, d}, {{1, 2, 2, 4, 2}, d}},
         [](const Inputs& x) { return matmul(x[0], x[1]); }},
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
    std::vector<Case> cases = {
        {"[3, 4]", {{{3, 4}, d}}, [](const Inputs& x) { return transpose(x[0]); }},
        {"[1, 5]", {{{1, 5}, d}}, [](const Inputs& x) { return transpose(x[0]); }},
        {"[33, 34], across tiles", {{{33, 34}, d}}, [](const Inputs& x) { return transpose(x[0]); }},
        {"[3, 4] axes 1, 1", {{{3, 4}, d}}, [](const Inputs& x) { return transpose(x[0], 1, 1); }},
        {"[2, 3, 2, 2] axes 1, 3",
         {{{2, 3, 2, 2}, d}},
         [](const Inputs& x) { return transpose(x[0], 1, 3); }},
    };
    // Plain pairs, not structured bindings: clang 14 cannot capture a binding in a lambda.
    for (const auto& axes :
         std::vector<std::pair<std::int64_t, std::int64_t>>{{0, 1}, {0, 2}, {1, 2}, {-1, 0}})
      cases.push_back({std::string("[2, 3, 4] axes") + list_text({axes.first, axes.second}),
                       {{{2, 3, 4}, d}},
                       [=](const Inputs& x) { return transpose(x[0], axes.first, axes.second); }});
    return cases;
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

// ---- more elementwise functions, where, max, min, logsumexp ----------------------------------------------

/// Inputs for case c, redrawn (at most 100 times) until c.accept holds.
Inputs draw_inputs(const Case& c, std::uint64_t& seed) {
  for (int attempt = 0; attempt < 100; ++attempt) {
    Inputs inputs;
    for (const Input& in : c.inputs) inputs.push_back(sample_tensor(in, ++seed));
    if (!c.accept || c.accept(inputs)) return inputs;
  }
  FAIL("no sample point passed the case's accept() in 100 draws: " << c.label);
  return {};
}

/// No two elements of any input closer than the kink margin: a lane's max or min is then unique, with a
/// margin far wider than the difference step.
bool all_apart(const Inputs& x) {
  for (const Tensor& t : x) {
    std::vector<double> v = t.to_vector<double>();
    std::sort(v.begin(), v.end());
    for (std::size_t i = 1; i < v.size(); ++i)
      if (v[i] - v[i - 1] < test::kKinkMargin) return false;
  }
  return true;
}

TENSOR_UNARY_CASES(Sin, tapegrad::sin);
TENSOR_UNARY_CASES(Cos, tapegrad::cos);
TENSOR_UNARY_CASES(Softplus, tapegrad::softplus);

template <>
struct Cases<tops::Permute> {
  static std::vector<Case> get() {
    const auto d = tops::Permute::domain;
    std::vector<Case> cases;
    const auto add = [&](const Shape& s, std::vector<std::int64_t> axes) {
      cases.push_back({tapegrad::to_string(s) + " axes" + list_text(axes), {{s, d}}, [=](const Inputs& x) {
                         return permute(x[0], axes);
                       }});
    };
    std::vector<std::int64_t> axes = {0, 1, 2};
    do add({2, 3, 4}, axes);  // all six orders
    while (std::next_permutation(axes.begin(), axes.end()));
    add({3, 4}, {1, 0});
    add({3, 4}, {0, 1});
    add({2, 3, 4}, {-1, 0, -2});
    add({2, 3, 1, 2}, {3, 1, 0, 2});
    add({2, 1, 3, 2, 2}, {4, 2, 0, 3, 1});  // five dimensions: the Shape leaves its inline storage
    add({2, 33, 3}, {0, 2, 1});             // a batch of transposes across a tile edge
    return cases;
  }
};

template <>
struct Cases<tops::Concat> {
  static std::vector<Case> get() {
    const auto d = tops::Concat::domain;
    using tapegrad::concat;
    return {
        {"[2, 3] and [4, 3] axis 0",
         {{{2, 3}, d}, {{4, 3}, d}},
         [](const Inputs& x) { return concat(x, 0); }},
        {"[2, 3], [2, 1], [2, 2] axis 1",
         {{{2, 3}, d}, {{2, 1}, d}, {{2, 2}, d}},
         [](const Inputs& x) { return concat(x, 1); }},
        {"[2, 3], [2, 1] axis -1", {{{2, 3}, d}, {{2, 1}, d}}, [](const Inputs& x) { return concat(x, -1); }},
        {"[1, 3, 4], [2, 3, 4] axis 0",
         {{{1, 3, 4}, d}, {{2, 3, 4}, d}},
         [](const Inputs& x) { return concat(x, 0); }},
        {"[2, 1, 4], [2, 2, 4] axis 1",
         {{{2, 1, 4}, d}, {{2, 2, 4}, d}},
         [](const Inputs& x) { return concat(x, 1); }},
        {"[2, 3, 1], [2, 3, 3], [2, 3, 2] axis 2",
         {{{2, 3, 1}, d}, {{2, 3, 3}, d}, {{2, 3, 2}, d}},
         [](const Inputs& x) { return concat(x, 2); }},
        {"one input", {{{3, 4}, d}}, [](const Inputs& x) { return concat(x, 1); }},
        {"five inputs (beyond the inline four)",
         {{{1, 3}, d}, {{2, 3}, d}, {{1, 3}, d}, {{1, 3}, d}, {{3, 3}, d}},
         [](const Inputs& x) { return concat(x, 0); }},
        {"the same tensor twice",
         {{{2, 3}, d}},
         [](const Inputs& x) {
           return concat({x[0], x[0] * x[0]}, 1);
         }},
        {"with a constant and an empty piece",
         {{{2, 3}, d}},
         [](const Inputs& x) {
           return concat({tapegrad::ones({1, 3}, tapegrad::Dtype::float64), x[0],
                          tapegrad::zeros({0, 3}, tapegrad::Dtype::float64)},
                         0);
         }},
    };
  }
};

template <>
struct Cases<tops::Stack> {
  static std::vector<Case> get() {
    const auto d = tops::Stack::domain;
    using tapegrad::stack;
    std::vector<Case> cases;
    for (std::int64_t axis = -1; axis <= 2; ++axis)
      cases.push_back({std::string("three [3, 4] axis") + list_text({axis}),
                       {{{3, 4}, d}, {{3, 4}, d}, {{3, 4}, d}},
                       [=](const Inputs& x) { return stack(x, axis); }});
    cases.push_back({"one input", {{{3, 4}, d}}, [](const Inputs& x) { return stack(x, 0); }});
    cases.push_back({"three 0-D", {{{}, d}, {{}, d}, {{}, d}}, [](const Inputs& x) { return stack(x, 0); }});
    cases.push_back({"five [2] axis 1",
                     {{{2}, d}, {{2}, d}, {{2}, d}, {{2}, d}, {{2}, d}},
                     [](const Inputs& x) { return stack(x, 1); }});
    cases.push_back({"the same tensor twice and a constant", {{{2, 3}, d}}, [](const Inputs& x) {
                       return stack({x[0], tapegrad::ones({2, 3}, tapegrad::Dtype::float64), x[0]}, 1);
                     }});
    return cases;
  }
};

template <>
struct Cases<tops::Slice> {
  static std::vector<Case> get() {
    const auto d = tops::Slice::domain;
    using tapegrad::slice;
    return {
        {"[5, 3] rows 1 to 4", {{{5, 3}, d}}, [](const Inputs& x) { return slice(x[0], 1, 4); }},
        {"[5, 3] rows -3 to -1", {{{5, 3}, d}}, [](const Inputs& x) { return slice(x[0], -3, -1); }},
        {"[5, 3] all rows", {{{5, 3}, d}}, [](const Inputs& x) { return slice(x[0], 0, 5); }},
        {"[5, 3] no rows", {{{5, 3}, d}}, [](const Inputs& x) { return slice(x[0], 2, 2); }},
        {"[6] 2 to 5", {{{6}, d}}, [](const Inputs& x) { return slice(x[0], 2, 5); }},
        {"[4, 2, 3] rows 1 to 3", {{{4, 2, 3}, d}}, [](const Inputs& x) { return slice(x[0], 1, 3); }},
        // Two overlapping slices of one tensor: the shared rows receive both gradients.
        {"[5, 2] overlapping slices",
         {{{5, 2}, d}},
         [](const Inputs& x) { return slice(x[0], 0, 3) * slice(x[0], 2, 5); }},
        // Any axis, with a step.
        {"[3, 8] axis 1 0:8:2", {{{3, 8}, d}}, [](const Inputs& x) { return slice(x[0], 1, 0, 8, 2); }},
        {"[3, 8] axis -1 1:7:3", {{{3, 8}, d}}, [](const Inputs& x) { return slice(x[0], -1, 1, 7, 3); }},
        {"[3, 8] axis 1 2:-1", {{{3, 8}, d}}, [](const Inputs& x) { return slice(x[0], 1, 2, -1); }},
        {"[7, 2] axis 0 1:7:2", {{{7, 2}, d}}, [](const Inputs& x) { return slice(x[0], 0, 1, 7, 2); }},
        {"[6, 2] axis 0 -4:6", {{{6, 2}, d}}, [](const Inputs& x) { return slice(x[0], 0, -4, 6); }},
        {"[2, 5, 3] axis 1 1:5:2", {{{2, 5, 3}, d}}, [](const Inputs& x) { return slice(x[0], 1, 1, 5, 2); }},
        {"[2, 5, 3] axis 1 3:3", {{{2, 5, 3}, d}}, [](const Inputs& x) { return slice(x[0], 1, 3, 3); }},
        {"[2, 3, 6] even and odd columns",
         {{{2, 3, 6}, d}},
         [](const Inputs& x) { return slice(x[0], 2, 0, 6, 2) * slice(x[0], 2, 1, 6, 2); }},
    };
  }
};

template <>
struct Cases<tops::IndexSelect> {
  static std::vector<Case> get() {
    const auto d = tops::IndexSelect::domain;
    using tapegrad::index_select;
    using Idx = std::vector<std::int64_t>;
    std::vector<Case> cases;
    const auto add = [&](const Shape& s, std::int64_t axis, Idx idx) {
      cases.push_back({tapegrad::to_string(s) + " axis " + std::to_string(axis) + " indices" + list_text(idx),
                       {{s, d}},
                       [=](const Inputs& x) { return index_select(x[0], axis, idx); }});
    };
    add({4, 3}, 0, {2, 0, 2, 2});  // repeated indices: their gradients accumulate
    add({4, 3}, 1, {1, 1, 0});
    add({4, 3}, -1, {2});
    add({2, 3, 4}, 0, {1, 0, 1});
    add({2, 3, 4}, 1, {2, 2, 0});
    add({2, 3, 4}, 2, {3, 0, 3, 1, 3});
    add({5}, 0, {4, 4, 1});
    add({4, 3}, 0, {});
    return cases;
  }
};

template <>
struct Cases<tops::Gather> {
  static std::vector<Case> get() {
    const auto d = tops::Gather::domain;
    using tapegrad::gather;
    using Idx = std::vector<std::int64_t>;
    std::vector<Case> cases;
    const auto add = [&](const Shape& s, std::int64_t axis, Idx idx) {
      cases.push_back({tapegrad::to_string(s) + " axis " + std::to_string(axis) + " index" + list_text(idx),
                       {{s, d}},
                       [=](const Inputs& x) { return gather(x[0], axis, idx); }});
    };
    add({4, 5}, 1, {1, 1, 4, 0});  // repeated values across lanes
    add({4, 5}, -1, {3, 3, 3, 3});
    add({4, 5}, 0, {3, 0, 0, 2, 1});
    add({2, 3, 4}, 0, {1, 0, 1, 1, 0, 0, 1, 0, 1, 1, 1, 0});
    add({2, 3, 4}, 1, {2, 2, 0, 1, 0, 1, 2, 2});
    add({2, 3, 4}, 2, {3, 0, 3, 1, 2, 2});
    add({5}, 0, {3});
    // The cross-entropy of the contract, composed with log_softmax.
    cases.push_back({"cross-entropy", {{{4, 3}, d}}, [](const Inputs& x) {
                       return -tapegrad::mean(gather(tapegrad::log_softmax(x[0], 1), 1, {2, 0, 2, 1}));
                     }});
    // The same element gathered by two calls: both gradients reach it.
    cases.push_back({"[3, 2] gathered twice", {{{3, 2}, d}}, [](const Inputs& x) {
                       return gather(x[0], 1, {0, 1, 1}) * gather(x[0], 1, {0, 0, 1});
                     }});
    // torch.gather with an int64 index tensor of any shape: elements picked many times accumulate.
    const auto add_tensor = [&](const Shape& s, std::int64_t axis, Idx idx, const Shape& index_shape) {
      cases.push_back(
          {tapegrad::to_string(s) + " axis " + std::to_string(axis) + " index " +
               tapegrad::to_string(index_shape) + list_text(idx),
           {{s, d}},
           [=](const Inputs& x) { return gather(x[0], axis, tapegrad::from(idx, index_shape)); }});
    };
    add_tensor({3, 4}, 1, {0, 0, 3, 1, 2, 2, 3, 3, 0}, {3, 3});  // same shape but the axis
    add_tensor({3, 4}, 1, {1, 1, 1, 1, 1}, {1, 5});              // fewer rows, longer than the axis
    add_tensor({3, 4}, 0, {2, 0, 1, 2, 2, 2}, {2, 3});           // fewer columns
    add_tensor({3, 4}, -2, {0, 1, 2, 0, 1, 2, 0, 1}, {2, 4});
    add_tensor({2, 3, 4}, 2, {3, 0, 1, 1, 2, 0}, {1, 2, 3});  // smaller on both other axes
    add_tensor({2, 3, 4}, 1, {2, 2, 0, 1, 0, 0, 1, 2, 1, 0, 2, 2, 1, 1, 0, 0}, {2, 4, 2});
    add_tensor({2, 3, 4}, 0, {1, 0, 1, 0, 1, 1}, {2, 1, 3});
    add_tensor({5}, 0, {4, 0, 4, 4, 2, 1, 3}, {7});
    add_tensor({3, 4}, 1, {}, {3, 0});
    // max and min with their indices: the values are gathered, so the gradient goes to the chosen element.
    const auto add_extreme = [&](const std::string& label, const Shape& s,
                                 std::function<Tensor(const Tensor&)> f) {
      cases.push_back({label, {{s, d}}, [=](const Inputs& x) { return f(x[0]); }, all_apart});
    };
    add_extreme("max_with_indices [3, 4] axis 1", {3, 4},
                [](const Tensor& x) { return tapegrad::max_with_indices(x, 1).values; });
    add_extreme("max_with_indices [2, 3, 4] axis 0 keepdim", {2, 3, 4},
                [](const Tensor& x) { return tapegrad::max_with_indices(x, 0, true).values; });
    add_extreme("min_with_indices [2, 3, 4] axis -1", {2, 3, 4},
                [](const Tensor& x) { return tapegrad::min_with_indices(x, -1).values; });
    add_extreme("min_with_indices [5] axis 0", {5},
                [](const Tensor& x) { return tapegrad::min_with_indices(x, 0).values; });
    return cases;
  }
};

template <>
struct Cases<tops::LeakyRelu> {
  static std::vector<Case> get() {
    auto cases = unary_cases<tops::LeakyRelu>([](const Inputs& x) { return leaky_relu(x[0], 0.2); });
    const auto d = tops::LeakyRelu::domain;
    cases.push_back(
        {"[3, 4] default slope", {{{3, 4}, d}}, [](const Inputs& x) { return leaky_relu(x[0]); }});
    cases.push_back(
        {"[3, 4] slope -0.5", {{{3, 4}, d}}, [](const Inputs& x) { return leaky_relu(x[0], -0.5); }});
    return cases;
  }
};
template <>
struct Cases<tops::Clamp> {
  static std::vector<Case> get() {
    // The domain keeps samples away from integers, so from the bounds: both sides of each are sampled.
    auto cases = unary_cases<tops::Clamp>([](const Inputs& x) { return clamp(x[0], -1.0, 2.0); });
    const auto d = tops::Clamp::domain;
    cases.push_back(
        {"[3, 4] to [0, 0]", {{{3, 4}, d}}, [](const Inputs& x) { return clamp(x[0], 0.0, 0.0); }});
    cases.push_back({"[3, 4] to [-inf, 1]", {{{3, 4}, d}}, [](const Inputs& x) {
                       return clamp(x[0], -std::numeric_limits<double>::infinity(), 1.0);
                     }});
    return cases;
  }
};
template <>
struct Cases<tops::PowScalar> {
  static std::vector<Case> get() {
    std::vector<Case> cases;
    for (const double p : {2.0, 3.0, 0.5, -1.5, 1.0, 0.0})
      cases.push_back({"[3, 4] ^ " + std::to_string(p),
                       {{{3, 4}, tops::PowScalar::domain}},
                       [p](const Inputs& x) { return pow(x[0], p); }});
    // Integer exponents are smooth for negative bases too.
    for (const double p : {2.0, 3.0, -1.0})
      cases.push_back({"[2, 3] of either sign ^ " + std::to_string(p),
                       {{{2, 3}, {-3.0, 3.0, tapegrad::ops::kOnlyAtZero}}},
                       [p](const Inputs& x) { return pow(x[0], p); }});
    return cases;
  }
};
template <>
struct Cases<tops::Pow> {
  static std::vector<Case> get() {
    return binary_cases<tops::Pow>([](const Inputs& x) { return pow(x[0], x[1]); },
                                   [](const Tensor& a, double b) { return pow(a, b); },
                                   [](double a, const Tensor& b) { return pow(a, b); });
  }
};

/// maximum/minimum: the broadcast pairs of binary_cases, with no a == b tie within the kink margin (the
/// double operands are the ones binary_cases picks).
template <class Op>
std::vector<Case> extreme_pair_cases(Fn fn, std::function<Tensor(const Tensor&, const Tensor&)> f2) {
  const auto with_double_right = [f2](const Tensor& a, double b) {
    return f2(a, tapegrad::full({}, b, a.dtype()));
  };
  const auto with_double_left = [f2](double a, const Tensor& b) {
    return f2(tapegrad::full({}, a, b.dtype()), b);
  };
  std::vector<Case> cases = binary_cases<Op>(std::move(fn), with_double_right, with_double_left);
  const double right = 0.5 * (Op::domain_b.lo + Op::domain_b.hi) + 0.25;
  const double left = 0.5 * (Op::domain_a.lo + Op::domain_a.hi) - 0.75;
  for (Case& c : cases)
    c.accept = [right, left](const Inputs& x) {
      const auto gap = [](const Tensor& a, const Tensor& b) {
        return tapegrad::min(tapegrad::abs(a - b)).item();
      };
      if (x.size() == 2) return gap(x[0], x[1]) >= test::kKinkMargin;
      const Tensor r = tapegrad::full({}, right, x[0].dtype()), l = tapegrad::full({}, left, x[0].dtype());
      return gap(x[0], r) >= test::kKinkMargin && gap(x[0], l) >= test::kKinkMargin;
    };
  return cases;
}
template <>
struct Cases<tops::Maximum> {
  static std::vector<Case> get() {
    return extreme_pair_cases<tops::Maximum>([](const Inputs& x) { return maximum(x[0], x[1]); },
                                             [](const Tensor& a, const Tensor& b) { return maximum(a, b); });
  }
};
template <>
struct Cases<tops::Minimum> {
  static std::vector<Case> get() {
    return extreme_pair_cases<tops::Minimum>([](const Inputs& x) { return minimum(x[0], x[1]); },
                                             [](const Tensor& a, const Tensor& b) { return minimum(a, b); });
  }
};

/// A fixed mask of `shape` mixing zeros, ones and other non-zero values (which also pick a).
Tensor pattern_mask(const Shape& shape) {
  std::vector<double> v(static_cast<std::size_t>(tapegrad::numel(shape)));
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = (i % 3 == 0) ? 0.0 : (i % 3 == 1 ? 1.0 : -2.5);
  return tapegrad::from(v, shape);
}
template <>
struct Cases<tops::Where> {
  static std::vector<Case> get() {
    const auto d = tops::Where::domain;
    // (mask, a, b): equal shapes, the broadcast pairs, scalars, and a mask that widens the result.
    const std::vector<std::array<Shape, 3>> shapes = {
        {Shape{3, 4}, Shape{3, 4}, Shape{3, 4}}, {Shape{3, 1}, Shape{1, 4}, Shape{4}},
        {Shape{4}, Shape{3, 4}, Shape{}},        {Shape{}, Shape{3, 4}, Shape{3, 1}},
        {Shape{3, 4}, Shape{}, Shape{4}},        {Shape{2, 1, 4}, Shape{3, 1}, Shape{1, 4}}};
    std::vector<Case> cases;
    for (const auto& [m, a, b] : shapes) {
      const Tensor mask = pattern_mask(m);
      cases.push_back(
          {"mask " + tapegrad::to_string(m) + ", " + tapegrad::to_string(a) + ", " + tapegrad::to_string(b),
           {{a, d}, {b, d}},
           [mask](const Inputs& x) { return where(mask, x[0], x[1]); }});
    }
    return cases;
  }
};

template <>
struct Cases<tops::Max> {
  static std::vector<Case> get() {
    auto cases = reduce_cases<tops::Max>(
        [](const Tensor& x, bool k) { return max(x, k); },
        [](const Tensor& x, std::int64_t a, bool k) { return max(x, a, k); },
        [](const Tensor& x, const Axes& a, bool k) { return max(x, std::span<const std::int64_t>(a), k); });
    for (Case& c : cases) c.accept = all_apart;
    return cases;
  }
};
template <>
struct Cases<tops::Min> {
  static std::vector<Case> get() {
    auto cases = reduce_cases<tops::Min>(
        [](const Tensor& x, bool k) { return min(x, k); },
        [](const Tensor& x, std::int64_t a, bool k) { return min(x, a, k); },
        [](const Tensor& x, const Axes& a, bool k) { return min(x, std::span<const std::int64_t>(a), k); });
    for (Case& c : cases) c.accept = all_apart;
    return cases;
  }
};
template <>
struct Cases<tops::LogSumExp> {
  static std::vector<Case> get() {
    return reduce_cases<tops::LogSumExp>(
        [](const Tensor& x, bool k) { return logsumexp(x, k); },
        [](const Tensor& x, std::int64_t a, bool k) { return logsumexp(x, a, k); },
        [](const Tensor& x, const Axes& a, bool k) {
          return logsumexp(x, std::span<const std::int64_t>(a), k);
        });
  }
};

// ---- convolution, pooling, normalisation
// -------------------------------------------------------------------

template <>
struct Cases<tops::Conv2d> {
  static std::vector<Case> get() {
    const auto d = tops::Conv2d::domain;
    using tapegrad::Conv2dParams;
    std::vector<Case> cases;
    const auto add = [&](std::string label, Shape x, Shape w, Conv2dParams p) {
      cases.push_back({label + " x " + tapegrad::to_string(x) + " w " + tapegrad::to_string(w),
                       {{x, d}, {w, d}, {{w[0]}, d}},
                       [=](const Inputs& in) { return tapegrad::conv2d(in[0], in[1], in[2], p); }});
    };
    add("plain", {2, 2, 5, 4}, {3, 2, 3, 2}, {});
    add("padding 1", {1, 2, 4, 4}, {2, 2, 3, 3}, {.padding = {1, 1}});
    add("stride 2, padding [2, 1]", {2, 1, 6, 5}, {2, 1, 3, 3}, {.stride = {2, 2}, .padding = {2, 1}});
    add("dilation 2", {1, 2, 6, 6}, {2, 2, 2, 3}, {.dilation = {2, 2}});
    add("groups 2", {2, 4, 4, 3}, {6, 2, 2, 2}, {.padding = {1, 0}, .groups = 2});
    add("depthwise", {1, 3, 4, 4}, {3, 1, 3, 3}, {.padding = {1, 1}, .groups = 3});
    add("1x1 direct", {2, 3, 3, 2}, {4, 3, 1, 1}, {});
    add("1x1 stride 2", {1, 3, 5, 5}, {2, 3, 1, 1}, {.stride = {2, 2}});
    // A full AVX-512 vector of outputs per group: dW's product (col dyT) then has wide columns.
    add("16 outputs, padding 1", {2, 2, 4, 4}, {16, 2, 3, 3}, {.padding = {1, 1}});
    add("16 outputs per group, stride 2", {1, 4, 5, 5}, {32, 2, 2, 2}, {.stride = {2, 2}, .groups = 2});
    add("16 outputs 1x1", {2, 3, 2, 2}, {16, 3, 1, 1}, {});
    cases.push_back({"no bias", {{{2, 2, 4, 4}, d}, {{3, 2, 3, 3}, d}}, [](const Inputs& in) {
                       return tapegrad::conv2d(in[0], in[1], {}, {.padding = {1, 1}});
                     }});
    cases.push_back({"constant input", {{{2, 2, 3, 3}, d}, {{2}, d}}, [](const Inputs& in) {
                       tapegrad::Generator gen(5);
                       const Tensor x = tapegrad::randn({1, 2, 4, 4}, gen, tapegrad::Dtype::float64);
                       return tapegrad::conv2d(x, in[0], in[1]);
                     }});
    cases.push_back({"conv1d stride 2, padding 1, groups 2",
                     {{{2, 4, 7}, d}, {{2, 2, 3}, d}, {{2}, d}},
                     [](const Inputs& in) {
                       return tapegrad::conv1d(in[0], in[1], in[2], {.stride = 2, .padding = 1, .groups = 2});
                     }});
    cases.push_back({"conv1d dilation 2", {{{1, 2, 8}, d}, {{3, 2, 2}, d}}, [](const Inputs& in) {
                       return tapegrad::conv1d(in[0], in[1], {}, {.dilation = 2});
                     }});
    return cases;
  }
};

template <>
struct Cases<tops::MaxPool2d> {
  static std::vector<Case> get() {
    const auto d = tops::MaxPool2d::domain;
    using tapegrad::Pool2dParams;
    std::vector<Case> cases;
    const auto add = [&](std::string label, Shape x, Pool2dParams p) {
      cases.push_back({label + " " + tapegrad::to_string(x),
                       {{x, d}},
                       [=](const Inputs& in) { return tapegrad::max_pool2d(in[0], p); },
                       all_apart});
    };
    add("2x2", {2, 2, 4, 4}, {});
    add("2x2 odd size", {1, 2, 5, 3}, {});
    add("3x3 stride 1 (overlapping)", {1, 1, 4, 5}, {.kernel_size = {3, 3}, .stride = {1, 1}});
    add("3x2 stride [2, 1] padding 1", {1, 2, 5, 4},
        {.kernel_size = {3, 2}, .stride = {2, 1}, .padding = {1, 1}});
    add("3-D input", {2, 4, 4}, {});
    return cases;
  }
};

template <>
struct Cases<tops::AvgPool2d> {
  static std::vector<Case> get() {
    const auto d = tops::AvgPool2d::domain;
    using tapegrad::Pool2dParams;
    std::vector<Case> cases;
    const auto add = [&](std::string label, Shape x, Pool2dParams p) {
      cases.push_back({label + " " + tapegrad::to_string(x), {{x, d}}, [=](const Inputs& in) {
                         return tapegrad::avg_pool2d(in[0], p);
                       }});
    };
    add("2x2", {2, 2, 4, 4}, {});
    add("3x3 stride 1", {1, 1, 4, 5}, {.kernel_size = {3, 3}, .stride = {1, 1}});
    add("3x3 stride 2 padding 1", {1, 2, 5, 5}, {.kernel_size = {3, 3}, .stride = {2, 2}, .padding = {1, 1}});
    add("padding 1, count_include_pad false", {1, 1, 4, 4},
        {.kernel_size = {2, 2}, .stride = {1, 1}, .padding = {1, 1}, .count_include_pad = false});
    return cases;
  }
};

template <>
struct Cases<tops::AdaptiveAvgPool2d> {
  static std::vector<Case> get() {
    const auto d = tops::AdaptiveAvgPool2d::domain;
    std::vector<Case> cases;
    const auto add = [&](Shape x, std::array<std::int64_t, 2> out) {
      cases.push_back(
          {tapegrad::to_string(x) + " to " + std::to_string(out[0]) + "x" + std::to_string(out[1]),
           {{x, d}},
           [=](const Inputs& in) { return tapegrad::adaptive_avg_pool2d(in[0], out); }});
    };
    add({2, 3, 4, 4}, {1, 1});  // global average pooling
    add({1, 2, 5, 7}, {2, 3});  // uneven, overlapping cells
    add({1, 1, 2, 3}, {3, 4});  // output larger than the input
    add({2, 4, 4}, {2, 2});
    return cases;
  }
};

template <>
struct Cases<tops::BatchNorm> {
  static std::vector<Case> get() {
    const auto d = tops::BatchNorm::domain;
    std::vector<Case> cases;
    for (const Shape& s : {Shape{4, 3}, Shape{2, 3, 2, 2}, Shape{3, 2, 5}})
      cases.push_back(
          {"training " + tapegrad::to_string(s), {{s, d}, {{s[1]}, d}, {{s[1]}, d}}, [](const Inputs& in) {
             return tapegrad::batch_norm(in[0], {}, {}, in[1], in[2], true);
           }});
    cases.push_back({"training, running stats, no affine", {{{3, 2, 2, 2}, d}}, [](const Inputs& in) {
                       const Tensor rm = tapegrad::zeros({2}, tapegrad::Dtype::float64);
                       const Tensor rv = tapegrad::ones({2}, tapegrad::Dtype::float64);
                       return tapegrad::batch_norm(in[0], rm, rv, {}, {}, true, 0.1, 1e-3);
                     }});
    cases.push_back(
        {"evaluation [2, 3, 2, 2]", {{{2, 3, 2, 2}, d}, {{3}, d}, {{3}, d}}, [](const Inputs& in) {
           const Tensor rm = tapegrad::from<double>({0.5, -0.25, 0.1}, {3});
           const Tensor rv = tapegrad::from<double>({1.5, 0.75, 2.0}, {3});
           return tapegrad::batch_norm(in[0], rm, rv, in[1], in[2], false);
         }});
    return cases;
  }
};

template <>
struct Cases<tops::LayerNorm> {
  static std::vector<Case> get() {
    const auto d = tops::LayerNorm::domain;
    return {
        {"[3, 5] over [5]",
         {{{3, 5}, d}, {{5}, d}, {{5}, d}},
         [](const Inputs& in) { return tapegrad::layer_norm(in[0], {5}, in[1], in[2]); }},
        {"[2, 3, 4] over [3, 4]",
         {{{2, 3, 4}, d}, {{3, 4}, d}, {{3, 4}, d}},
         [](const Inputs& in) {
           return tapegrad::layer_norm(in[0], {3, 4}, in[1], in[2]);
         }},
        {"[4, 6] no affine, eps 1e-3",
         {{{4, 6}, d}},
         [](const Inputs& in) { return tapegrad::layer_norm(in[0], {6}, {}, {}, 1e-3); }},
    };
  }
};

template <>
struct Cases<tops::Narrow> {
  static std::vector<Case> get() {
    const auto d = tops::Narrow::domain;
    std::vector<Case> cases;
    const auto add = [&](const Shape& s, std::int64_t axis, std::int64_t start, std::int64_t length) {
      cases.push_back({tapegrad::to_string(s) + " axis " + std::to_string(axis) + " [" +
                           std::to_string(start) + " +" + std::to_string(length) + "]",
                       {{s, d}},
                       [=](const Inputs& x) { return tapegrad::narrow(x[0], axis, start, length); }});
    };
    add({3, 8}, 1, 2, 2);  // one gate of four
    add({3, 8}, -1, 6, 2);
    add({4, 5}, 0, 1, 3);
    add({2, 3, 4}, 1, 1, 2);
    add({2, 3, 4}, 2, -3, 3);  // a negative start counts from the end
    add({5}, 0, 0, 5);
    // The four gates read back and recombined: every element reaches the output through one narrow.
    cases.push_back({"[2, 8] in four chunks", {{{2, 8}, d}}, [](const Inputs& x) {
                       using tapegrad::narrow;
                       return narrow(x[0], 1, 0, 2) * narrow(x[0], 1, 2, 2) + narrow(x[0], 1, 4, 2) -
                              tapegrad::tanh(narrow(x[0], 1, 6, 2));
                     }});
    return cases;
  }
};

template <>
struct Cases<tops::Expand> {
  static std::vector<Case> get() {
    const auto d = tops::Expand::domain;
    std::vector<Case> cases;
    const auto add = [&](const Shape& s, const Shape& to) {
      cases.push_back({tapegrad::to_string(s) + " to " + tapegrad::to_string(to),
                       {{s, d}},
                       [=](const Inputs& x) { return tapegrad::expand(x[0], to); }});
    };
    add({4}, {3, 4});
    add({3, 1}, {3, 4});
    add({1, 4}, {2, 3, 4});
    add({2, 1, 3}, {2, 4, 3});
    add({}, {2, 3});
    add({3, 4}, {3, 4});
    add({3, 1}, {-1, 5});  // -1 keeps x's size
    add({2, 1}, {2, 2, 0});
    // squeeze, unsqueeze and flatten are reshapes: composed with expand, every element is reached.
    cases.push_back({"[3, 1] squeezed, unsqueezed, expanded, flattened", {{{3, 1}, d}}, [](const Inputs& x) {
                       return tapegrad::flatten(
                           tapegrad::expand(tapegrad::unsqueeze(tapegrad::squeeze(x[0]), 0), {2, 3}));
                     }});
    return cases;
  }
};

template <>
struct Cases<tops::Embedding> {
  static std::vector<Case> get() {
    const auto d = tops::Embedding::domain;
    using Idx = std::vector<std::int64_t>;
    std::vector<Case> cases;
    const auto add = [&](const std::string& label, const Shape& weight, Idx idx, const Shape& index_shape,
                         std::optional<std::int64_t> pad) {
      cases.push_back({label, {{weight, d}}, [=](const Inputs& x) {
                         return tapegrad::embedding(tapegrad::from(idx, index_shape), x[0], pad);
                       }});
    };
    add("[5, 3] by [4], a repeat", {5, 3}, {4, 0, 4, 2}, {4}, std::nullopt);
    add("[5, 3] by [2, 3]", {5, 3}, {1, 2, 3, 0, 0, 4}, {2, 3}, std::nullopt);
    add("[4, 2] by [] (one index)", {4, 2}, {3}, {}, std::nullopt);
    add("[5, 3] by [2, 2, 2]", {5, 3}, {0, 1, 2, 3, 4, 3, 2, 1}, {2, 2, 2}, std::nullopt);
    // With padding_idx the padding row gets no gradient; differences agree when its outputs are masked out
    // (embedding_test.cpp checks that the row is read forward and gets exactly nothing backward).
    cases.push_back(
        {"[5, 3] padding_idx 0 matches the padding rows dropped", {{{5, 3}, d}}, [](const Inputs& x) {
           const Tensor ids = tapegrad::from<std::int64_t>({1, 0, 3}, {3});
           const Tensor mask = tapegrad::from<double>({1, 0, 1}, {3, 1});
           return tapegrad::embedding(ids, x[0], 0) * mask;
         }});
    return cases;
  }
};

template <>
struct Cases<tops::LSTMCell> {
  static std::vector<Case> get() {
    const auto d = tops::LSTMCell::domain;
    // h and c side by side, so the weighted sum of the check reaches both outputs.
    const Fn both = [](const Inputs& x) {
      const auto [h, c] = tapegrad::lstm_cell(x[0], x[1]);
      return tapegrad::concat({h, c}, 1);
    };
    return {
        {"gates [3, 8] c_prev [3, 2]", {{{3, 8}, d}, {{3, 2}, d}}, both},
        {"gates [1, 4] c_prev [1, 1]", {{{1, 4}, d}, {{1, 1}, d}}, both},
        {"h only, gates [2, 12] c_prev [2, 3]",
         {{{2, 12}, d}, {{2, 3}, d}},
         [](const Inputs& x) { return tapegrad::lstm_cell(x[0], x[1]).h; }},
        // Two steps: c of the first is c_prev of the second, and both read the same gates.
        {"two steps through c, gates [2, 8] c_prev [2, 2]",
         {{{2, 8}, d}, {{2, 2}, d}},
         [](const Inputs& x) {
           const auto first = tapegrad::lstm_cell(x[0], x[1]);
           return tapegrad::lstm_cell(x[0] * 0.5, first.c).h + first.h;
         }},
        // Only the gates need a gradient: c_prev is a constant (a zero initial state).
        {"constant c_prev, gates [2, 8]",
         {{{2, 8}, d}},
         [](const Inputs& x) {
           const Tensor c0 = tapegrad::from<double>({0.3, -1.2, 0.7, 1.5}, {2, 2});
           return tapegrad::lstm_cell(x[0], c0).c;
         }},
        // Only c_prev needs one: the gates are constants.
        {"constant gates, c_prev [1, 2]",
         {{{1, 2}, d}},
         [](const Inputs& x) {
           const Tensor g = tapegrad::from<double>({0.5, -0.3, 1.2, 0.8, -1.1, 0.4, 2.0, -2.0}, {1, 8});
           const auto [h, c] = tapegrad::lstm_cell(g, x[0]);
           return h * c;
         }},
    };
  }
};

template <>
struct Cases<tops::LSTMLayer> {
  static std::vector<Case> get() {
    const auto d = tops::LSTMLayer::domain;
    // The whole output: every h, then the final c.
    const Fn all = [](const Inputs& x) {
      const auto r = tapegrad::lstm_layer(x[0], x[1], x[2], x[3]);
      return tapegrad::concat({reshape(r.output, {-1}), reshape(r.h_n, {-1}), reshape(r.c_n, {-1})}, 0);
    };
    return {
        {"3 steps, batch 2, hidden 2", {{{3, 2, 8}, d}, {{2, 2}, d}, {{2, 2}, d}, {{2, 8}, d}}, all},
        {"1 step, batch 1, hidden 1", {{{1, 1, 4}, d}, {{1, 1}, d}, {{1, 1}, d}, {{1, 4}, d}}, all},
        {"4 steps, batch 3, hidden 1", {{{4, 3, 4}, d}, {{3, 1}, d}, {{3, 1}, d}, {{1, 4}, d}}, all},
        // Only the final c, from a constant zero state: the gradient reaches every step through c alone.
        {"c_n only, zero state, 3 steps",
         {{{3, 2, 8}, d}, {{2, 8}, d}},
         [](const Inputs& x) {
           const Tensor zero = tapegrad::zeros({2, 2}, tapegrad::Dtype::float64);
           return tapegrad::lstm_layer(x[0], zero, zero, x[1]).c_n;
         }},
    };
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
    const Inputs inputs = draw_inputs(c, seed);
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
