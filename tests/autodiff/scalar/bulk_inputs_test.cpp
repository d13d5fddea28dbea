// SPDX-License-Identifier: MIT
// bulk_inputs_test.cpp: make_inputs() and gradients(), the one-pass forms of `x[i] = Var(v[i])` and
// `g[i] = x[i].grad()`, against those loops, across a block boundary, and on bad input.
#include <doctest/doctest.h>

#include <cmath>
#include <cstddef>
#include <limits>
#include <vector>

#include "tapegrad/autodiff/autodiff.hpp"

namespace {

using tapegrad::Tape;
using tapegrad::Var;

/// sum_i (i + 1) x_i^2 + x_0 x_last: its gradient is 2 (i + 1) x_i, plus the cross term at both ends.
Var weighted_squares(const std::vector<Var>& x) {
  Var sum = 0.0;
  for (std::size_t i = 0; i < x.size(); ++i) sum += static_cast<double>(i + 1) * x[i] * x[i];
  return sum + x.front() * x.back();
}

std::vector<double> expected_gradient(const std::vector<double>& v) {
  std::vector<double> g(v.size());
  for (std::size_t i = 0; i < v.size(); ++i) g[i] = 2.0 * static_cast<double>(i + 1) * v[i];
  g.front() += v.back();
  g.back() += v.front();
  return g;
}

std::vector<double> values(std::size_t n) {
  std::vector<double> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = 0.5 + 0.25 * std::sin(static_cast<double>(i));
  return v;
}

}  // namespace

TEST_CASE("make_inputs: the Vars are the inputs Var(v) would record and gradients() reads theirs") {
  Tape tape;
  const std::vector<double> v = values(37);
  const Var before(3.0);  // not the first statement of the recording
  std::vector<Var> x(v.size());
  tapegrad::make_inputs(v, x);
  for (std::size_t i = 0; i < x.size(); ++i) {
    CHECK(x[i].value() == v[i]);
    CHECK(x[i].is_recorded());
    CHECK(x[i].index() == before.index() + 1 + i);
    CHECK(x[i].generation() == tape.generation());
  }
  const Var after(1.0);
  CHECK(after.index() == x.back().index() + 1);
  weighted_squares(x).backward();
  std::vector<double> g(x.size());
  tapegrad::gradients(x, g);
  const std::vector<double> want = expected_gradient(v);
  for (std::size_t i = 0; i < g.size(); ++i) CHECK(g[i] == doctest::Approx(want[i]).epsilon(1e-15));
  for (std::size_t i = 0; i < g.size(); ++i) CHECK(g[i] == x[i].grad());
  // before, the inputs, after; then weighted_squares: `sum = 0.0` (an input), one statement per +=, the last
  // sum
  CHECK(tape.stats().statements == 3 + v.size() + v.size() + 1);
}

TEST_CASE("make_inputs: more inputs than one block holds continue on the next block") {
  Tape tape;
  const std::size_t n = (std::size_t{1} << 18) + 1000;  // Block::kArguments + 1000
  const std::vector<double> v = values(n);
  std::vector<Var> x(n);
  const Var first(1.0);  // the block is no longer empty, so the run must cross into a second one
  tapegrad::make_inputs(v, x);
  CHECK(tape.stats().blocks == 2);
  CHECK(x.back().index() == first.index() + n);
  weighted_squares(x).backward();
  std::vector<double> g(n);
  tapegrad::gradients(x, g);
  const std::vector<double> want = expected_gradient(v);
  std::size_t wrong = 0;
  for (std::size_t i = 0; i < n; ++i) wrong += g[i] == doctest::Approx(want[i]).epsilon(1e-15) ? 0 : 1;
  CHECK(wrong == 0);
}

TEST_CASE("make_inputs and gradients: sizes that differ are a ShapeError naming the function") {
  Tape tape;
  const std::vector<double> v = values(3);
  std::vector<Var> two(2);
  CHECK_THROWS_WITH_AS(tapegrad::make_inputs(v, two), "make_inputs: 3 values but 2 Vars",
                       tapegrad::ShapeError);
  std::vector<Var> x(3);
  tapegrad::make_inputs(v, x);
  (x[0] * x[1] + x[2]).backward();
  std::vector<double> g(4);
  CHECK_THROWS_WITH_AS(tapegrad::gradients(x, g), "gradients: 3 Vars but 4 outputs", tapegrad::ShapeError);
  std::vector<Var> none;
  tapegrad::make_inputs({}, none);  // nothing to record, nothing recorded
  CHECK(tape.stats().statements == 3 + 1);
}

TEST_CASE("gradients: a constant reads 0, a Var of a cleared recording throws as grad() does") {
  Tape tape;
  std::vector<Var> x(2);
  tapegrad::make_inputs(values(2), x);
  (x[0] * x[1]).backward();
  std::vector<Var> mixed = {x[0], Var::constant(5.0), x[1]};
  std::vector<double> g(3);
  tapegrad::gradients(mixed, g);
  CHECK(g[0] == x[1].value());
  CHECK(g[1] == 0.0);
  CHECK(g[2] == x[0].value());
  tape.clear();
  CHECK_THROWS_AS(tapegrad::gradients(x, std::span<double>(g.data(), 2)), tapegrad::TapeError);
}

TEST_CASE("make_inputs: a non-finite value under the anomaly guard is a DomainError") {
  Tape tape;
  const std::vector<double> v = {1.0, std::numeric_limits<double>::quiet_NaN()};
  std::vector<Var> x(2);
  tapegrad::make_inputs(v, x);  // without the guard, recorded as given
  CHECK(std::isnan(x[1].value()));
  tapegrad::AnomalyGuard guard;
  CHECK_THROWS_AS(tapegrad::make_inputs(v, x), tapegrad::DomainError);
}
