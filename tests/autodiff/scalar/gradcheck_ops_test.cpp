// SPDX-License-Identifier: MIT
// gradcheck_ops_test.cpp: every row of the derivatives table, checked against central differences.
//
// Two tables drive this file. The registry's tuples (ops::UnaryOps, BinaryOps, TernaryOps) give one test case
// per op, built through the generic expression nodes (make_unary<Op> ...), so a new row is checked without
// writing any test code. The front-end table kFrontEnd lists every public spelling (sin, fabs, operator+,
// pow, ...) with the row it must record and what <cmath> computes for doubles. A static_assert makes the two
// tables agree: an op added to the registry without a front-end row here does not compile.
//
// Each derivative is checked at seeded points of the op's Domain, in every activity pattern (each argument a
// recorded Var or a plain double), with the op's result weighted so the incoming adjoint is neither 1 nor
// constant.
#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <limits>
#include <numbers>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <vector>

#include "tapegrad/autodiff/autodiff.hpp"
#include "test_support.hpp"

namespace {

using tapegrad::Var;
namespace ops = tapegrad::ops;
namespace test = tapegrad::test;

constexpr std::size_t kPoints = 11;  // per op and activity pattern
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// ---- how an op's gradient is checked
// ------------------------------------------------------------------------

/// The op's result used twice: once recorded as its own statement (then weighted by 1.7 + 0.5 y) and once
/// folded into a larger expression (weighted by -0.5). The incoming adjoint is thus neither 1 nor constant,
/// and both ways an expression reaches the tape (own statement, chained partial) are exercised.
template <class Make>
Var weighted_use(const Make& make) {
  const Var y = make();
  return 1.7 * y + 0.25 * y * y - 0.5 * make();
}

/// Argument `Index` of the gradcheck point when Active, otherwise the plain number `constant`.
template <bool Active, std::size_t Index>
auto operand(const std::vector<Var>& x, double constant) {
  if constexpr (Active)
    return x[Index];
  else
    return constant;
}

template <class Make>
void check_unary_gradient(const Make& make, double x) {
  const auto f = [&](const std::vector<Var>& v) { return weighted_use([&] { return make(v[0]); }); };
  TAPEGRAD_CHECK_GRADCHECK(tapegrad::gradcheck(f, {x}));
}

/// One activity pattern of a binary op: A and B say which arguments are recorded Vars.
template <bool A, bool B, class Make>
void check_binary_activity(const Make& make, double a, double b) {
  std::vector<double> point;
  if (A) point.push_back(a);
  if (B) point.push_back(b);
  const auto f = [&](const std::vector<Var>& x) {
    return weighted_use([&] { return make(operand<A, 0>(x, a), operand<B, A>(x, b)); });
  };
  CAPTURE(A);
  CAPTURE(B);
  TAPEGRAD_CHECK_GRADCHECK(tapegrad::gradcheck(f, point));
}

template <class Op, class Make>
void check_binary_gradients(const Make& make, double a, double b) {
  check_binary_activity<true, true>(make, a, b);   // Var o Var
  check_binary_activity<true, false>(make, a, b);  // Var o double
  check_binary_activity<false, true>(make, a, b);  // double o Var
  // The same Var on both sides: its two partials must accumulate. Only where both domains allow the same
  // value, and not for ops whose kink is the diagonal a == b (min, max), which this would sit on.
  constexpr double lo = std::max(Op::domain_a.lo, Op::domain_b.lo);
  constexpr double hi = std::min(Op::domain_a.hi, Op::domain_b.hi);
  if constexpr (!Op::kink_on_diagonal && lo < hi) {
    const double x = lo + (hi - lo) * (a - Op::domain_a.lo) / (Op::domain_a.hi - Op::domain_a.lo);
    CAPTURE(x);
    const auto f = [&](const std::vector<Var>& v) { return weighted_use([&] { return make(v[0], v[0]); }); };
    TAPEGRAD_CHECK_GRADCHECK(tapegrad::gradcheck(f, {x}));
  }
}

/// One activity pattern of a ternary op.
template <bool A, bool B, bool C, class Make>
void check_ternary_activity(const Make& make, const std::array<double, 3>& p) {
  std::vector<double> point;
  if (A) point.push_back(p[0]);
  if (B) point.push_back(p[1]);
  if (C) point.push_back(p[2]);
  constexpr std::size_t ib = A, ic = std::size_t{A} + std::size_t{B};  // where b and c sit in the point
  const auto f = [&](const std::vector<Var>& x) {
    return weighted_use(
        [&] { return make(operand<A, 0>(x, p[0]), operand<B, ib>(x, p[1]), operand<C, ic>(x, p[2])); });
  };
  CAPTURE(A);
  CAPTURE(B);
  CAPTURE(C);
  TAPEGRAD_CHECK_GRADCHECK(tapegrad::gradcheck(f, point));
}

template <class Make>
void check_ternary_gradients(const Make& make, const std::array<double, 3>& p) {
  check_ternary_activity<true, true, true>(make, p);
  check_ternary_activity<true, true, false>(make, p);
  check_ternary_activity<true, false, true>(make, p);
  check_ternary_activity<false, true, true>(make, p);
  check_ternary_activity<true, false, false>(make, p);
  check_ternary_activity<false, true, false>(make, p);
  check_ternary_activity<false, false, true>(make, p);
}

// ---- the front-end table
// ------------------------------------------------------------------------------------

/// One public spelling: the table row it must record (Op), how to call it on Vars and expressions (call),
/// and what it computes on doubles (reference: <cmath>, or the textbook formula for the ML helpers).
template <class OpT, std::size_t Arity, class Call, class Reference>
struct Row {
  using Op = OpT;
  using CallType = Call;
  static constexpr std::size_t arity = Arity;
  std::string_view spelling;
  Call call;
  Reference reference;
  double tolerance;          // 0: the value must be the reference's exactly; otherwise a relative tolerance
  bool zero_sign_specified;  // false where C lets the implementation choose between -0.0 and +0.0
};

template <class Op, class Call, class Reference>
constexpr auto unary(std::string_view spelling, Call call, Reference reference, double tolerance = 0.0) {
  static_assert(tapegrad::detail::in_list_v<Op, ops::UnaryOps>, "a unary spelling must record a unary op");
  return Row<Op, 1, Call, Reference>{spelling, call, reference, tolerance, true};
}
template <class Op, class Call, class Reference>
constexpr auto binary(std::string_view spelling, Call call, Reference reference,
                      bool zero_sign_specified = true) {
  static_assert(tapegrad::detail::in_list_v<Op, ops::BinaryOps>, "a binary spelling must record a binary op");
  return Row<Op, 2, Call, Reference>{spelling, call, reference, 0.0, zero_sign_specified};
}
template <class Op, class Call, class Reference>
constexpr auto ternary(std::string_view spelling, Call call, Reference reference) {
  static_assert(tapegrad::detail::in_list_v<Op, ops::TernaryOps>, "a ternary spelling must record a ternary op");
  return Row<Op, 3, Call, Reference>{spelling, call, reference, 0.0, true};
}

// clang-format off
constexpr auto kFrontEnd = std::tuple{
    unary<ops::Neg>("unary -", [](const auto& a) { return -a; }, [](double a) { return -a; }),
    unary<ops::Sin>("sin", [](const auto& a) { return tapegrad::sin(a); }, [](double a) { return std::sin(a); }),
    unary<ops::Cos>("cos", [](const auto& a) { return tapegrad::cos(a); }, [](double a) { return std::cos(a); }),
    unary<ops::Tan>("tan", [](const auto& a) { return tapegrad::tan(a); }, [](double a) { return std::tan(a); }),
    unary<ops::Asin>("asin", [](const auto& a) { return tapegrad::asin(a); }, [](double a) { return std::asin(a); }),
    unary<ops::Acos>("acos", [](const auto& a) { return tapegrad::acos(a); }, [](double a) { return std::acos(a); }),
    unary<ops::Atan>("atan", [](const auto& a) { return tapegrad::atan(a); }, [](double a) { return std::atan(a); }),
    unary<ops::Sinh>("sinh", [](const auto& a) { return tapegrad::sinh(a); }, [](double a) { return std::sinh(a); }),
    unary<ops::Cosh>("cosh", [](const auto& a) { return tapegrad::cosh(a); }, [](double a) { return std::cosh(a); }),
    unary<ops::Tanh>("tanh", [](const auto& a) { return tapegrad::tanh(a); }, [](double a) { return std::tanh(a); }),
    unary<ops::Asinh>("asinh", [](const auto& a) { return tapegrad::asinh(a); }, [](double a) { return std::asinh(a); }),
    unary<ops::Acosh>("acosh", [](const auto& a) { return tapegrad::acosh(a); }, [](double a) { return std::acosh(a); }),
    unary<ops::Atanh>("atanh", [](const auto& a) { return tapegrad::atanh(a); }, [](double a) { return std::atanh(a); }),
    unary<ops::Exp>("exp", [](const auto& a) { return tapegrad::exp(a); }, [](double a) { return std::exp(a); }),
    unary<ops::Exp2>("exp2", [](const auto& a) { return tapegrad::exp2(a); }, [](double a) { return std::exp2(a); }),
    unary<ops::Expm1>("expm1", [](const auto& a) { return tapegrad::expm1(a); }, [](double a) { return std::expm1(a); }),
    unary<ops::Log>("log", [](const auto& a) { return tapegrad::log(a); }, [](double a) { return std::log(a); }),
    unary<ops::Log2>("log2", [](const auto& a) { return tapegrad::log2(a); }, [](double a) { return std::log2(a); }),
    unary<ops::Log10>("log10", [](const auto& a) { return tapegrad::log10(a); }, [](double a) { return std::log10(a); }),
    unary<ops::Log1p>("log1p", [](const auto& a) { return tapegrad::log1p(a); }, [](double a) { return std::log1p(a); }),
    unary<ops::Sqrt>("sqrt", [](const auto& a) { return tapegrad::sqrt(a); }, [](double a) { return std::sqrt(a); }),
    unary<ops::Cbrt>("cbrt", [](const auto& a) { return tapegrad::cbrt(a); }, [](double a) { return std::cbrt(a); }),
    unary<ops::Abs>("abs", [](const auto& a) { return tapegrad::abs(a); }, [](double a) { return std::abs(a); }),
    unary<ops::Abs>("fabs", [](const auto& a) { return tapegrad::fabs(a); }, [](double a) { return std::fabs(a); }),
    unary<ops::Erf>("erf", [](const auto& a) { return tapegrad::erf(a); }, [](double a) { return std::erf(a); }),
    unary<ops::Erfc>("erfc", [](const auto& a) { return tapegrad::erfc(a); }, [](double a) { return std::erfc(a); }),
    unary<ops::Tgamma>("tgamma", [](const auto& a) { return tapegrad::tgamma(a); }, [](double a) { return std::tgamma(a); }),
    unary<ops::Lgamma>("lgamma", [](const auto& a) { return tapegrad::lgamma(a); }, [](double a) { return std::lgamma(a); }),
    unary<ops::Floor>("floor", [](const auto& a) { return tapegrad::floor(a); }, [](double a) { return std::floor(a); }),
    unary<ops::Ceil>("ceil", [](const auto& a) { return tapegrad::ceil(a); }, [](double a) { return std::ceil(a); }),
    unary<ops::Round>("round", [](const auto& a) { return tapegrad::round(a); }, [](double a) { return std::round(a); }),
    unary<ops::Trunc>("trunc", [](const auto& a) { return tapegrad::trunc(a); }, [](double a) { return std::trunc(a); }),
    // The ML helpers have no <cmath> twin: their references are the textbook formulas (the seed's logistic
    // phi; log(1 + e^x) in its overflow-free form), which may differ from the library's by a few ulps.
    unary<ops::Sigmoid>("sigmoid", [](const auto& a) { return tapegrad::sigmoid(a); },
                        [](double a) { return 1.0 / (1.0 + std::exp(-a)); }, 2e-15),
    unary<ops::Softplus>("softplus", [](const auto& a) { return tapegrad::softplus(a); },
                         [](double a) { return a > 0.0 ? a + std::log1p(std::exp(-a)) : std::log1p(std::exp(a)); }, 2e-15),
    unary<ops::Relu>("relu", [](const auto& a) { return tapegrad::relu(a); },
                     [](double a) { return a > 0.0 ? a : (std::isnan(a) ? a : 0.0); }),

    binary<ops::Add>("a + b", [](const auto& a, const auto& b) { return a + b; }, [](double a, double b) { return a + b; }),
    binary<ops::Sub>("a - b", [](const auto& a, const auto& b) { return a - b; }, [](double a, double b) { return a - b; }),
    binary<ops::Mul>("a * b", [](const auto& a, const auto& b) { return a * b; }, [](double a, double b) { return a * b; }),
    binary<ops::Div>("a / b", [](const auto& a, const auto& b) { return a / b; }, [](double a, double b) { return a / b; }),
    binary<ops::Pow>("pow", [](const auto& a, const auto& b) { return tapegrad::pow(a, b); },
                     [](double a, double b) { return std::pow(a, b); }),
    binary<ops::Atan2>("atan2", [](const auto& a, const auto& b) { return tapegrad::atan2(a, b); },
                       [](double a, double b) { return std::atan2(a, b); }),
    binary<ops::Hypot>("hypot", [](const auto& a, const auto& b) { return tapegrad::hypot(a, b); },
                       [](double a, double b) { return std::hypot(a, b); }),
    binary<ops::Min>("min", [](const auto& a, const auto& b) { return tapegrad::min(a, b); },
                     [](double a, double b) { return std::min(a, b); }),
    binary<ops::Max>("max", [](const auto& a, const auto& b) { return tapegrad::max(a, b); },
                     [](double a, double b) { return std::max(a, b); }),
    // fmin(-0.0, +0.0) may be either zero (C17 F.10.9.2), and GCC's inline minsd/maxsd and libm's fmin do
    // differ in the same program, so only for these two the sign of a zero result is not compared.
    binary<ops::Fmin>("fmin", [](const auto& a, const auto& b) { return tapegrad::fmin(a, b); },
                      [](double a, double b) { return std::fmin(a, b); }, false),
    binary<ops::Fmax>("fmax", [](const auto& a, const auto& b) { return tapegrad::fmax(a, b); },
                      [](double a, double b) { return std::fmax(a, b); }, false),

    ternary<ops::Fma>("fma", [](const auto& a, const auto& b, const auto& c) { return tapegrad::fma(a, b, c); },
                      [](double a, double b, double c) { return std::fma(a, b, c); }),
};
// clang-format on

// ---- completeness: the front-end table and the registry list the same ops
// -----------------------------------

using FrontEndRows = std::remove_cvref_t<decltype(kFrontEnd)>;

template <class Op, class Rows>
struct has_row;
template <class Op, class... Rows>
struct has_row<Op, std::tuple<Rows...>> : std::bool_constant<(std::is_same_v<Op, typename Rows::Op> || ...)> {
};

template <class Rows, class OpList>
constexpr bool covers_all = false;
template <class Rows, class... Ops>
constexpr bool covers_all<Rows, std::tuple<Ops...>> = (has_row<Ops, Rows>::value && ...);

template <class Rows>
constexpr bool all_registered = false;
template <class... Rows>
constexpr bool all_registered<std::tuple<Rows...>> = (ops::is_registered<typename Rows::Op> && ...);

static_assert(std::tuple_size_v<ops::UnaryOps> + std::tuple_size_v<ops::BinaryOps> +
                      std::tuple_size_v<ops::TernaryOps> ==
                  ops::kScalarOpCount,
              "kScalarOpCount must count every row of the three tables");
static_assert(covers_all<FrontEndRows, ops::UnaryOps> && covers_all<FrontEndRows, ops::BinaryOps> &&
                  covers_all<FrontEndRows, ops::TernaryOps>,
              "an op of the derivatives table has no row in kFrontEnd: add its public spelling(s) here");
static_assert(all_registered<FrontEndRows>, "every front-end row must name an op of the derivatives table");

/// True when the row's spelling, called on Vars, builds a node of the op the row names. Values alone would
/// not tell min from fmin, or abs from a relu written badly, at most points.
template <class Row>
constexpr bool records_its_op() {
  using Call = typename Row::CallType;
  if constexpr (Row::arity == 1)
    return std::invoke_result_t<const Call&, const Var&>::op_name == Row::Op::name;
  else if constexpr (Row::arity == 2)
    return std::invoke_result_t<const Call&, const Var&, const Var&>::op_name == Row::Op::name &&
           std::invoke_result_t<const Call&, const Var&, double>::op_name == Row::Op::name &&
           std::invoke_result_t<const Call&, double, const Var&>::op_name == Row::Op::name;
  else
    return std::invoke_result_t<const Call&, const Var&, const Var&, const Var&>::op_name == Row::Op::name;
}
template <class Rows>
constexpr bool all_record_their_op = false;
template <class... Rows>
constexpr bool all_record_their_op<std::tuple<Rows...>> = (records_its_op<Rows>() && ...);
static_assert(all_record_their_op<FrontEndRows>,
              "a front-end spelling records another op than its row names");

// ---- values: the front end computes what <cmath> computes
// ---------------------------------------------------

template <class Row>
bool matches(const Row& row, double got, double expected) {
  if (!row.zero_sign_specified && got == 0.0 && expected == 0.0) return true;
  if (row.tolerance == 0.0 || std::isnan(expected) || std::isinf(expected))
    return test::same_value(got, expected);
  return test::close(got, expected, row.tolerance);
}

// Points outside every domain too: NaN must come out exactly where <cmath> gives NaN (log(-1), acos(2), ...).
constexpr std::array kUnaryEdges{-kInf, -1e300, -3.0, -2.0, -1.0,  -0.5, -0.0, 0.0,
                                 0.5,   1.0,    2.0,  3.0,  1e300, kInf, kNaN};
constexpr std::array kBinaryEdges{-kInf, -2.0, -1.0, -0.0, 0.0, 0.5, 1.0, 2.5, kInf, kNaN};
constexpr std::array kTernaryEdges{-kInf, -1.0, -0.0, 0.5, 2.0, kInf, kNaN};

template <class Row>
void check_row_values(const Row& row) {
  using Op = typename Row::Op;
  CAPTURE(row.spelling);
  if constexpr (Row::arity == 1) {
    std::vector<double> points = test::sample_points(Op::domain, kPoints);
    points.insert(points.end(), kUnaryEdges.begin(), kUnaryEdges.end());
    for (const double x : points) {
      const double expected = row.reference(x);
      const double got = Var(row.call(Var(x))).value();
      CAPTURE(x);
      CAPTURE(got);
      CAPTURE(expected);
      CHECK(matches(row, got, expected));
      CHECK(matches(row, Op::forward(x), expected));
    }
  } else if constexpr (Row::arity == 2) {
    std::vector<std::array<double, 2>> points = test::sample_pairs<Op>(kPoints);
    for (const double a : kBinaryEdges)
      for (const double b : kBinaryEdges) points.push_back({a, b});
    for (const auto& p : points) {
      const double a = p[0], b = p[1];
      const double expected = row.reference(a, b);
      CAPTURE(a);
      CAPTURE(b);
      CAPTURE(expected);
      CHECK(matches(row, Var(row.call(Var(a), Var(b))).value(), expected));
      CHECK(matches(row, Var(row.call(Var(a), b)).value(), expected));
      CHECK(matches(row, Var(row.call(a, Var(b))).value(), expected));
      CHECK(matches(row, Op::forward(a, b), expected));
    }
  } else {
    std::vector<std::array<double, 3>> points = test::sample_triples<Op>(kPoints);
    for (const double a : kTernaryEdges)
      for (const double b : kTernaryEdges)
        for (const double c : kTernaryEdges) points.push_back({a, b, c});
    for (const auto& p : points) {
      const double a = p[0], b = p[1], c = p[2];
      const double expected = row.reference(a, b, c);
      CAPTURE(a);
      CAPTURE(b);
      CAPTURE(c);
      CAPTURE(expected);
      CHECK(matches(row, Var(row.call(Var(a), Var(b), Var(c))).value(), expected));
      CHECK(matches(row, Var(row.call(a, Var(b), c)).value(), expected));
      CHECK(matches(row, Op::forward(a, b, c), expected));
    }
  }
}

template <class Row>
void check_row_gradients(const Row& row) {
  using Op = typename Row::Op;
  CAPTURE(row.spelling);
  if constexpr (Row::arity == 1) {
    for (const double x : test::sample_points(Op::domain, kPoints)) {
      CAPTURE(x);
      check_unary_gradient(row.call, x);
    }
  } else if constexpr (Row::arity == 2) {
    for (const auto& p : test::sample_pairs<Op>(kPoints)) {
      CAPTURE(p[0]);
      CAPTURE(p[1]);
      check_binary_gradients<Op>(row.call, p[0], p[1]);
    }
  } else {
    for (const auto& p : test::sample_triples<Op>(kPoints)) {
      CAPTURE(p[0]);
      CAPTURE(p[1]);
      CAPTURE(p[2]);
      check_ternary_gradients(row.call, p);
    }
  }
}

/// d/dx f at x through the public gradient driver.
template <class F>
double derivative(const F& f, double x) {
  return tapegrad::gradient([&](const std::vector<Var>& v) { return f(v[0]); }, {x}).gradient[0];
}

void check_domain(std::string_view name, const ops::Domain& d) {
  CAPTURE(name);
  CHECK(d.lo < d.hi);
  CHECK(d.kinks_every >= 0.0);
}

template <class OpList>
void collect_names(std::vector<std::string_view>& names) {
  std::apply([&](auto... op) { (names.push_back(decltype(op)::name), ...); }, OpList{});
}

}  // namespace

// ---- the registry-driven gradcheck
// ----------------------------------------------------------------------------

TEST_CASE_TEMPLATE_DEFINE("ops: tape gradient of a unary op matches central differences", Op, unary_ops) {
  tapegrad::Tape tape;
  const auto make = [](const auto& a) { return tapegrad::make_unary<Op>(a); };
  const std::vector<double> points = test::sample_points(Op::domain, kPoints);
  REQUIRE(points.size() == kPoints);
  for (const double x : points) {
    CAPTURE(x);
    CHECK(test::same_value(Var(make(Var(x))).value(), Op::forward(x)));
    check_unary_gradient(make, x);
  }
}
TEST_CASE_TEMPLATE_APPLY(unary_ops, ops::UnaryOps);

TEST_CASE_TEMPLATE_DEFINE("ops: tape gradient of a binary op matches central differences", Op, binary_ops) {
  tapegrad::Tape tape;
  const auto make = [](const auto& a, const auto& b) { return tapegrad::make_binary<Op>(a, b); };
  const auto points = test::sample_pairs<Op>(kPoints);
  REQUIRE(points.size() == kPoints);
  for (const auto& p : points) {
    const double a = p[0], b = p[1];
    CAPTURE(a);
    CAPTURE(b);
    CHECK(test::same_value(Var(make(Var(a), Var(b))).value(), Op::forward(a, b)));
    check_binary_gradients<Op>(make, a, b);
  }
}
TEST_CASE_TEMPLATE_APPLY(binary_ops, ops::BinaryOps);

TEST_CASE_TEMPLATE_DEFINE("ops: tape gradient of a ternary op matches central differences", Op, ternary_ops) {
  tapegrad::Tape tape;
  const auto make = [](const auto& a, const auto& b, const auto& c) {
    return tapegrad::make_ternary<Op>(a, b, c);
  };
  const auto points = test::sample_triples<Op>(kPoints);
  REQUIRE(points.size() == kPoints);
  for (const auto& p : points) {
    CAPTURE(p[0]);
    CAPTURE(p[1]);
    CAPTURE(p[2]);
    CHECK(
        test::same_value(Var(make(Var(p[0]), Var(p[1]), Var(p[2]))).value(), Op::forward(p[0], p[1], p[2])));
    check_ternary_gradients(make, p);
  }
}
TEST_CASE_TEMPLATE_APPLY(ternary_ops, ops::TernaryOps);

TEST_CASE("ops: every row has a unique name and a non-empty domain") {
  std::vector<std::string_view> names;
  collect_names<ops::UnaryOps>(names);
  collect_names<ops::BinaryOps>(names);
  collect_names<ops::TernaryOps>(names);
  CHECK(names.size() == ops::kScalarOpCount);
  const std::set<std::string_view> unique(names.begin(), names.end());
  CHECK(unique.size() == names.size());  // names identify ops in error messages and benchmark names
  CHECK(unique.count("") == 0);
  std::apply([](auto... op) { (check_domain(decltype(op)::name, decltype(op)::domain), ...); },
             ops::UnaryOps{});
  std::apply([](auto... op) { (check_domain(decltype(op)::name, decltype(op)::domain_a), ...); },
             ops::BinaryOps{});
  std::apply([](auto... op) { (check_domain(decltype(op)::name, decltype(op)::domain_b), ...); },
             ops::BinaryOps{});
  std::apply([](auto... op) { (check_domain(decltype(op)::name, decltype(op)::domain_c), ...); },
             ops::TernaryOps{});
}

// ---- the front-end table
// -----------------------------------------------------------------------------------------

TEST_CASE("front end: every spelling computes exactly what cmath computes, NaN included") {
  tapegrad::Tape tape;
  std::apply([](const auto&... row) { (check_row_values(row), ...); }, kFrontEnd);
}

TEST_CASE("front end: every spelling has a tape gradient that matches central differences") {
  std::apply([](const auto&... row) { (check_row_gradients(row), ...); }, kFrontEnd);
}

TEST_CASE("front end: out-of-domain arguments give NaN silently, as for double") {
  tapegrad::Tape tape;
  // The cases a user meets first; the value test above sweeps every spelling over such points.
  CHECK(std::isnan(Var(tapegrad::log(Var(-1.0))).value()));
  CHECK(std::isnan(Var(tapegrad::sqrt(Var(-1.0))).value()));
  CHECK(std::isnan(Var(tapegrad::acos(Var(2.0))).value()));
  CHECK(std::isnan(Var(tapegrad::asin(Var(-2.0))).value()));
  CHECK(std::isnan(Var(tapegrad::pow(Var(-8.0), 1.0 / 3.0)).value()));
  CHECK(Var(tapegrad::log(Var(0.0))).value() == -kInf);
  CHECK(Var(tapegrad::atanh(Var(1.0))).value() == kInf);
  CHECK(Var(tapegrad::fmax(Var(kNaN), 1.0)).value() == 1.0);  // fmax ignores a NaN argument
}

TEST_CASE("ops: derivatives at points where they have closed forms") {
  using std::numbers::egamma;
  using std::numbers::ln2;
  using std::numbers::pi;
  constexpr double kRel = 1e-15;
  // digamma is documented to about 1e-15 absolute error for x > 0; 4e-15 leaves room for the last rounding.
  const auto psi_close = [](double got, double expected) {
    CAPTURE(got);
    CAPTURE(expected);
    return std::fabs(got - expected) < 4e-15;
  };
  auto lgamma = [](const auto& x) { return tapegrad::lgamma(x); };
  // psi(1) = -gamma; psi(1/2) = -gamma - 2 ln 2; psi(1/4) = -gamma - pi/2 - 3 ln 2 (reflection branch);
  // psi(-1/2) = psi(1/2) + 2; psi(10) = H_9 - gamma with H_9 = 7129/2520.
  CHECK(psi_close(derivative(lgamma, 1.0), -egamma));
  CHECK(psi_close(derivative(lgamma, 0.5), -egamma - 2 * ln2));
  CHECK(psi_close(derivative(lgamma, 0.25), -egamma - pi / 2 - 3 * ln2));
  CHECK(psi_close(derivative(lgamma, -0.5), 2 - egamma - 2 * ln2));
  CHECK(psi_close(derivative(lgamma, 10.0), 7129.0 / 2520.0 - egamma));
  // Gamma'(x) = Gamma(x) psi(x): Gamma'(1) = -gamma, Gamma'(5) = 24 (H_4 - gamma) = 50 - 24 gamma.
  auto tgamma = [](const auto& x) { return tapegrad::tgamma(x); };
  CHECK(psi_close(derivative(tgamma, 1.0), -egamma));
  CHECK(test::close(derivative(tgamma, 5.0), 50.0 - 24.0 * egamma, 1e-14));

  CHECK(test::close(derivative([](const auto& x) { return tapegrad::sigmoid(x); }, 0.0), 0.25, kRel));
  CHECK(test::close(derivative([](const auto& x) { return tapegrad::softplus(x); }, 0.0), 0.5, kRel));
  CHECK(
      test::close(derivative([](const auto& x) { return tapegrad::erf(x); }, 0.0), 2 / std::sqrt(pi), kRel));
  CHECK(test::close(derivative([](const auto& x) { return tapegrad::erfc(x); }, 0.0), -2 / std::sqrt(pi),
                    kRel));
  CHECK(test::close(derivative([](const auto& x) { return tapegrad::atan(x); }, 1.0), 0.5, kRel));
  CHECK(test::close(derivative([](const auto& x) { return tapegrad::asin(x); }, 0.5), 2 / std::sqrt(3.0),
                    kRel));
  CHECK(test::close(derivative([](const auto& x) { return tapegrad::acos(x); }, 0.5), -2 / std::sqrt(3.0),
                    kRel));
  CHECK(test::close(derivative([](const auto& x) { return tapegrad::acosh(x); }, 2.0), 1 / std::sqrt(3.0),
                    kRel));
  CHECK(test::close(derivative([](const auto& x) { return tapegrad::atanh(x); }, 0.5), 4.0 / 3.0, kRel));
  CHECK(test::close(derivative([](const auto& x) { return tapegrad::tanh(x); }, 0.0), 1.0, kRel));
  CHECK(test::close(derivative([](const auto& x) { return tapegrad::tan(x); }, pi / 4), 2.0, kRel));
  CHECK(test::close(derivative([](const auto& x) { return tapegrad::sqrt(x); }, 4.0), 0.25, kRel));
  CHECK(test::close(derivative([](const auto& x) { return tapegrad::cbrt(x); }, 8.0), 1.0 / 12.0, kRel));
  CHECK(test::close(derivative([](const auto& x) { return tapegrad::cbrt(x); }, -8.0), 1.0 / 12.0, kRel));
  CHECK(test::close(derivative([](const auto& x) { return tapegrad::exp2(x); }, 3.0), 8 * ln2, kRel));
  CHECK(test::close(derivative([](const auto& x) { return tapegrad::log2(x); }, 4.0), 1 / (4 * ln2), kRel));
  CHECK(test::close(derivative([](const auto& x) { return tapegrad::log10(x); }, 10.0),
                    1 / (10 * std::numbers::ln10), kRel));
  CHECK(test::close(derivative([](const auto& x) { return tapegrad::log1p(x); }, 1.0), 0.5, kRel));
  CHECK(test::close(derivative([](const auto& x) { return tapegrad::expm1(x); }, 0.0), 1.0, kRel));
}
