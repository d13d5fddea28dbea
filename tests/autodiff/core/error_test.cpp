// SPDX-License-Identifier: MIT
// error_test.cpp: the messages are part of the API (STYLE.md section 4): "<op>: <what was expected>, got
// <values>", so a training loop that catches tapegrad::Error can log something a person can act on. Each case
// provokes one error and checks that its message names the op and the values involved.
#include <doctest/doctest.h>

#include <span>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include "tapegrad/autodiff/autodiff.hpp"
#include "test_support.hpp"

namespace {

using doctest::Contains;
using tapegrad::DomainError;
using tapegrad::ShapeError;
using tapegrad::Tape;
using tapegrad::TapeError;
using tapegrad::Var;

/// A Var whose recording is gone: its tape was cleared after recording it.
Var stale_var(Tape& tape, double value) {
  Var x = value;
  tape.clear();
  return x;
}

}  // namespace

TEST_CASE("errors: every error derives from tapegrad::Error, which is a std::runtime_error") {
  static_assert(std::is_base_of_v<std::runtime_error, tapegrad::Error>);
  static_assert(std::is_base_of_v<tapegrad::Error, ShapeError>);
  static_assert(std::is_base_of_v<tapegrad::Error, DomainError>);
  static_assert(std::is_base_of_v<tapegrad::Error, TapeError>);
  // And they are thrown as such: catching the base catches each of them.
  Tape tape;
  const Var stale = stale_var(tape, 1.0);
  CHECK_THROWS_AS(stale.grad(), tapegrad::Error);
  CHECK_THROWS_AS(Var::constant(1.0).backward(), tapegrad::Error);
  CHECK_THROWS_AS(tapegrad::gradcheck([](const std::vector<Var>& x) { return x[0]; }, std::vector<double>{}),
                  tapegrad::Error);
  tapegrad::AnomalyGuard guard;
  CHECK_THROWS_AS(Var(tapegrad::log(Var(-1.0))), tapegrad::Error);
}

TEST_CASE("errors: a stale Var in an expression names the op and the Var's value") {
  Tape tape;
  const Var x = stale_var(tape, 1.25);
  CHECK_THROWS_WITH_AS(Var(x * 2.0), Contains("mul: "), TapeError);
  CHECK_THROWS_WITH_AS(Var(x * 2.0), Contains("1.25"), TapeError);
  CHECK_THROWS_WITH_AS(Var(x * 2.0), Contains("cleared"), TapeError);
  CHECK_THROWS_WITH_AS(Var(tapegrad::sin(x)), Contains("sin: "), TapeError);
  CHECK_THROWS_WITH_AS(Var(x + 1.0), Contains("add: "), TapeError);
}

TEST_CASE("errors: a stale Var read or swept names grad or backward") {
  Tape tape;
  const Var x = stale_var(tape, 3.0);
  CHECK_THROWS_WITH_AS(x.grad(), Contains("grad: "), TapeError);
  CHECK_THROWS_WITH_AS(x.backward(), Contains("backward: "), TapeError);
  CHECK_THROWS_WITH_AS(tapegrad::gradient(x, {x}), Contains("gradient: "), TapeError);
}

TEST_CASE("errors: mixing two live tapes names the op and both generations") {
  Tape first;
  Var a = 0.75;
  Tape second;
  Var b = 2.0;
  const std::string first_generation = std::to_string(first.generation());
  const std::string second_generation = std::to_string(second.generation());
  CHECK_THROWS_WITH_AS(Var(b - a), Contains("sub: mixes Vars of two live tapes"), TapeError);
  CHECK_THROWS_WITH_AS(Var(b - a), Contains("0.75"), TapeError);
  CHECK_THROWS_WITH_AS(Var(b - a), Contains(first_generation.c_str()), TapeError);
  CHECK_THROWS_WITH_AS(Var(b - a), Contains(second_generation.c_str()), TapeError);
}

TEST_CASE("errors: gradient with an input of another tape names the input and its value") {
  Tape first;
  Var other = 0.625;
  Tape second;
  Var x = 2.0;
  Var y = x * x;
  CHECK_THROWS_WITH_AS(tapegrad::gradient(y, {x, other}), Contains("gradient: input 1"), TapeError);
  CHECK_THROWS_WITH_AS(tapegrad::gradient(y, {x, other}), Contains("0.625"), TapeError);
}

TEST_CASE("errors: backward on a constant names backward and the value") {
  Tape tape;
  CHECK_THROWS_WITH_AS(Var::constant(2.5).backward(), Contains("backward: "), TapeError);
  CHECK_THROWS_WITH_AS(Var::constant(2.5).backward(), Contains("2.5"), TapeError);
  CHECK_THROWS_WITH_AS(tapegrad::gradient(Var::constant(2.5), std::span<const Var>{}), Contains("gradient: "),
                       TapeError);
  CHECK_THROWS_WITH_AS(tape.backward_from(7), Contains("backward: "), TapeError);
  CHECK_THROWS_WITH_AS(tape.backward_from(7), Contains("7"), TapeError);
}

TEST_CASE("errors: gradcheck shape errors name gradcheck") {
  const auto f = [](const std::vector<Var>& x) { return x[0]; };
  CHECK_THROWS_WITH_AS(tapegrad::gradcheck(f, std::vector<double>{}), Contains("gradcheck: "), ShapeError);
}

TEST_CASE("errors: anomaly messages name the op and its inputs") {
  Tape tape;
  tapegrad::AnomalyGuard guard;
  Var x = -2.5;
  CHECK_THROWS_WITH_AS(Var(tapegrad::sqrt(x)), Contains("sqrt"), DomainError);
  CHECK_THROWS_WITH_AS(Var(tapegrad::sqrt(x)), Contains("x = -2.5"), DomainError);
  Var a = 1.5, b = 0.0;
  CHECK_THROWS_WITH_AS(Var(tapegrad::atan2(a, b) + a / b), Contains("div"), DomainError);
  CHECK_THROWS_WITH_AS(Var(tapegrad::atan2(a, b) + a / b), Contains("a = 1.5, b = 0"), DomainError);
}

TEST_CASE("errors: TAPEGRAD_CHECK throws the given type with the pieces joined at 12 digits") {
  const auto check = [](int n) {
    TAPEGRAD_CHECK(n > 0, ShapeError, "op: expected n > 0, got ", n, " and ", 0.1 + 0.2);
  };
  CHECK_NOTHROW(check(1));
  CHECK_THROWS_WITH_AS(check(-3), "op: expected n > 0, got -3 and 0.3", ShapeError);
}
