// SPDX-License-Identifier: MIT
// tape_test.cpp: the Tape's contract: which tape records, what clear() and destruction do to old Vars,
// backward() and zero_grad() semantics, threads, and recordings long enough to span many blocks.
#include <doctest/doctest.h>

#include <array>
#include <cmath>
#include <cstddef>
#include <limits>
#include <memory>
#include <thread>
#include <vector>

#include "tapegrad/autodiff/autodiff.hpp"
#include "test_support.hpp"

namespace {

using tapegrad::Tape;
using tapegrad::TapeError;
using tapegrad::Var;
using Block = tapegrad::detail::Block;

// ---- a recording that spans several blocks
// -------------------------------------------------------------------- s starts as x[6]. Each "wide" step
// reads five Vars, s = kDecay s + x[a] x[b] + sin(x[c]) + 0.5 x[d] with a, b, c, d = i, i+1, i+3, i+5 (mod
// 7), so blocks fill up by arguments before they fill up by statements. Each "narrow" step reads one, s =
// kGrowth s, so blocks fill up by statements.
constexpr std::size_t kInputs = 7;
constexpr double kDecay = 0.999;
constexpr double kGrowth = 1.00001;

std::array<std::size_t, 4> wide_step_indices(std::size_t i) {
  return {i % kInputs, (i + 1) % kInputs, (i + 3) % kInputs, (i + 5) % kInputs};
}

Var wide_step(const Var& s, const std::vector<Var>& x, std::size_t i) {
  const auto [a, b, c, d] = wide_step_indices(i);
  return kDecay * s + x[a] * x[b] + tapegrad::sin(x[c]) + 0.5 * x[d];
}

/// Gradient of s after `wide` wide steps and then `narrow` narrow steps, by the chain rule written out:
/// d s_end / d term_i = kDecay^(wide - 1 - i) kGrowth^narrow, and d term_i / d x = (x[b], x[a], cos x[c],
/// 0.5) at (a, b, c, d); s_0 = x[6] contributes kDecay^wide kGrowth^narrow.
std::vector<double> expected_gradient(const std::vector<double>& x, std::size_t wide, std::size_t narrow) {
  std::vector<double> g(kInputs, 0.0);
  double weight = std::pow(kGrowth, static_cast<double>(narrow));
  for (std::size_t i = wide; i-- > 0;) {
    const auto [a, b, c, d] = wide_step_indices(i);
    g[a] += weight * x[b];
    g[b] += weight * x[a];
    g[c] += weight * std::cos(x[c]);
    g[d] += weight * 0.5;
    weight *= kDecay;
  }
  g[6] += weight;
  return g;
}

void check_gradient(const std::vector<Var>& x, const std::vector<double>& expected) {
  for (std::size_t m = 0; m < kInputs; ++m) {
    CAPTURE(m);
    CAPTURE(x[m].grad());
    CAPTURE(expected[m]);
    CHECK(tapegrad::test::close(x[m].grad(), expected[m], 1e-10));
  }
}

}  // namespace

TEST_CASE("Tape: the default tape works with no Tape object") {
  // A fresh thread has certainly never seen a Tape object.
  double grad = 0.0;
  bool same_tape = false;
  std::size_t statements = 0;
  std::thread([&] {
    Tape& before = Tape::active();
    Var x = 3.0;
    Var y = x * x + 1.0;
    y.backward();
    grad = x.grad();
    same_tape = &Tape::active() == &before;
    statements = before.stats().statements;
  }).join();
  CHECK(grad == 6.0);
  CHECK(same_tape);
  CHECK(statements == 2);
}

TEST_CASE("Tape: a Tape becomes active and nested tapes restore the previous one") {
  Tape* const fallback = &Tape::active();  // the thread's default tape
  {
    Tape outer;
    CHECK(&Tape::active() == &outer);
    {
      Tape inner;
      CHECK(&Tape::active() == &inner);
      const Var x = 1.0;
      CHECK(x.is_recorded());
      CHECK(inner.stats().statements == 1);
      CHECK(outer.stats().statements == 0);
    }
    CHECK(&Tape::active() == &outer);
    const Var y = 2.0;
    CHECK(y.is_recorded());
    CHECK(outer.stats().statements == 1);
  }
  CHECK(&Tape::active() == fallback);

  SUBCASE("tapes destroyed out of order") {
    auto first = std::make_unique<Tape>();
    auto second = std::make_unique<Tape>();
    first.reset();  // not the active one: second stays active, and must not fall back to first later
    CHECK(&Tape::active() == second.get());
    second.reset();
    CHECK(&Tape::active() == fallback);
  }
}

TEST_CASE("Tape: clear() keeps the memory and makes every old Var stale") {
  Tape tape;
  CHECK(tape.stats().blocks == 0);
  Var x = 2.0;
  Var y = x * x;
  CHECK(tape.stats().statements == 2);
  CHECK(tape.stats().blocks == 1);
  const auto generation = tape.generation();

  tape.clear();
  CHECK(tape.generation() != generation);
  CHECK(tape.stats().statements == 0);
  CHECK(tape.stats().arguments == 0);
  CHECK(tape.stats().blocks == 1);  // the block is kept for the next recording
  CHECK_THROWS_WITH_AS(x.grad(), doctest::Contains("cleared"), TapeError);
  CHECK_THROWS_WITH_AS(y.backward(), doctest::Contains("cleared"), TapeError);
  CHECK_THROWS_WITH_AS(Var(x * 2.0), doctest::Contains("cleared"), TapeError);

  // The next recording starts again at index 1 and works.
  Var x2 = 5.0;
  CHECK(x2.index() == 1);
  Var y2 = x2 * x2;
  y2.backward();
  CHECK(x2.grad() == 10.0);

  tape.reset();  // the same as clear()
  CHECK_THROWS_AS(x2.grad(), TapeError);
}

TEST_CASE("Tape: a Var used after its Tape is destroyed throws TapeError") {
  Var x, y;
  {
    Tape tape;
    x = 2.0;
    y = x * x;
  }
  CHECK_THROWS_AS(x.grad(), TapeError);
  CHECK_THROWS_AS(y.backward(), TapeError);
  CHECK_THROWS_AS(Var(x + 1.0), TapeError);
  Tape another;  // may well live at the same address: the generation still tells them apart
  CHECK_THROWS_AS(x.grad(), TapeError);
  CHECK_THROWS_AS(Var(y * x), TapeError);
}

TEST_CASE("Tape: mixing Vars of two live tapes throws TapeError") {
  Tape first;
  Var a = 1.0;
  Var ya = a * 4.0;
  Tape second;
  Var b = 2.0;
  CHECK_THROWS_WITH_AS(Var(a * b), doctest::Contains("two live tapes"), TapeError);
  CHECK_THROWS_WITH_AS(Var(a + 1.0), doctest::Contains("two live tapes"), TapeError);  // a alone, not active

  // Reading or sweeping a Var of a live tape that is not the active one is fine.
  ya.backward();
  CHECK(a.grad() == 4.0);
  Var yb = b * 3.0;
  yb.backward();
  CHECK(b.grad() == 3.0);
  CHECK(a.grad() == 4.0);
}

TEST_CASE("Tape: a second backward() accumulates leaf gradients and zero_grad() resets them") {
  Tape tape;
  Var x = 3.0;
  Var y = x * x + tapegrad::sin(x);  // d/dx = 2x + cos x
  y.backward();
  const double first = x.grad();
  CHECK(first == doctest::Approx(6.0 + std::cos(3.0)).epsilon(1e-15));
  y.backward();
  CHECK(x.grad() == doctest::Approx(2.0 * first).epsilon(1e-15));
  tape.zero_grad();
  CHECK(x.grad() == 0.0);
  y.backward();
  CHECK(x.grad() == first);

  SUBCASE("an intermediate's adjoint is consumed by the sweep that passes it") {
    tape.zero_grad();
    Var z = 1.5;
    Var y1 = z * z;     // dy1/dz = 2z = 3
    Var y2 = y1 * 3.0;  // dy2/dz = 6z = 9
    y1.backward();
    y2.backward();
    // 3 + 9. Had y1 kept its seed of 1 from the first sweep, the second would give (1 + 3) 3 = 12 more.
    CHECK(z.grad() == 12.0);
  }
  SUBCASE("backward() from an input adds 1 to it each time") {
    tape.zero_grad();
    x.backward();
    x.backward();
    CHECK(x.grad() == 2.0);
  }
}

TEST_CASE("Tape: backward() on a constant throws TapeError") {
  Tape tape;
  const Var c = Var::constant(1.0);
  CHECK_THROWS_WITH_AS(c.backward(), doctest::Contains("constant"), TapeError);
  CHECK_THROWS_AS(Var().backward(), TapeError);
  CHECK_THROWS_AS((c * 3.0).backward(), TapeError);  // an expression of constants records nothing
}

TEST_CASE("Tape: backward_from rejects an index that is not on the recording") {
  Tape tape;
  Var x = 1.0;
  Var y = x * 2.0;
  CHECK_THROWS_AS(tape.backward_from(0), TapeError);
  CHECK_THROWS_AS(tape.backward_from(y.index() + 1), TapeError);
  tape.backward_from(y.index(), 0.5);  // the seed is honoured
  CHECK(x.grad() == 1.0);
}

TEST_CASE("Tape: tapes on different threads are independent" * doctest::test_suite("threads")) {
  // Each thread records, sweeps and clears its own tapes concurrently, over and over; half use a Tape
  // object, half their thread's default tape. f = x^3 + x sin x, f' = 3x^2 + sin x + x cos x.
  constexpr int kThreads = 6, kRounds = 300;
  std::array<double, kThreads> max_error{};
  std::array<int, kThreads> rounds{};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([t, &max_error, &rounds] {
      const auto run = [&] {
        for (int k = 0; k < kRounds; ++k) {
          const double x0 = 0.1 * (t + 1) + 1e-3 * k;  // a different point on every thread
          Var x = x0;
          Var y = x * x * x + x * tapegrad::sin(x);
          y.backward();
          const double expected = 3 * x0 * x0 + std::sin(x0) + x0 * std::cos(x0);
          max_error[static_cast<std::size_t>(t)] =
              std::fmax(max_error[static_cast<std::size_t>(t)], std::fabs(x.grad() - expected) / expected);
          ++rounds[static_cast<std::size_t>(t)];
          Tape::active().clear();
        }
      };
      if (t % 2 == 0) {
        Tape tape;
        run();
      } else {
        run();
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (std::size_t t = 0; t < kThreads; ++t) {
    CAPTURE(t);
    CHECK(rounds[t] == kRounds);
    CHECK(max_error[t] < 1e-14);
  }
}

TEST_CASE("Tape: a 10000000-op chain runs backward without stack overflow") {
  // y_{k+1} = r y_k + 1e-9, so dy_n/dx = r^n and y_n = r^n x + 1e-9 (r^n - 1) / (r - 1).
  constexpr int kOps = 10'000'000;
  constexpr double r = 1.0000001;
  Tape tape;
  Var x = 0.5;
  Var y = x;
  for (int i = 0; i < kOps; ++i) y = y * r + 1e-9;
  CHECK(tape.stats().statements == std::size_t{kOps} + 1);
  y.backward();
  const double rn = std::pow(r, kOps);
  CHECK(x.grad() == doctest::Approx(rn).epsilon(1e-7));
  CHECK(y.value() == doctest::Approx(rn * 0.5 + 1e-9 * (rn - 1) / (r - 1)).epsilon(1e-7));
}

TEST_CASE("Tape: a recording spanning several blocks is swept correctly") {
  // Wide steps fill blocks by arguments: 120000 statements are far fewer than Block::kStatements, yet at
  // five arguments each they need three blocks, so statements keep meeting the end of a block's argument
  // space. Narrow steps then push the statement count past Block::kStatements. Unused inputs are sprinkled
  // over both phases, because an input's statement is laid out differently from an operation's.
  constexpr std::size_t kWide = 120'000, kNarrow = 300'000, kMid = 30'000, kInputEvery = 997;
  const std::vector<double> point{0.3, -0.7, 1.1, 0.25, -1.4, 0.9, 0.6};
  Tape tape;
  for (int round = 0; round < 2; ++round) {  // the second round reuses the blocks kept by clear()
    CAPTURE(round);
    std::vector<Var> x(point.begin(), point.end());
    std::vector<Var> unused;
    Var s = x[6];
    Var mid;
    std::size_t blocks_at_mid = 0;
    for (std::size_t i = 0; i < kWide; ++i) {
      s = wide_step(s, x, i);
      if (i % kInputEvery == 0) unused.emplace_back(1.0);
      if (i + 1 == kMid) {
        mid = s;
        blocks_at_mid = tape.stats().blocks;
      }
    }
    CHECK(tape.stats().statements < Block::kStatements);
    CHECK(tape.stats().blocks >= 3);
    for (std::size_t i = 0; i < kNarrow; ++i) {
      s = s * kGrowth;
      if (i % kInputEvery == 0) unused.emplace_back(2.0);
    }
    CHECK(tape.stats().statements > Block::kStatements);
    REQUIRE(blocks_at_mid == 1);  // mid lives in the first block, the end several blocks later

    s.backward();
    check_gradient(x, expected_gradient(point, kWide, kNarrow));
    for (const Var& u : unused) CHECK(u.grad() == 0.0);
    tape.zero_grad();
    mid.backward();
    check_gradient(x, expected_gradient(point, kMid, 0));
    tape.clear();
  }
}

TEST_CASE("Tape: stats count statements and argument slots and bytes() is statements plus 12 per slot") {
  // TapeStats::arguments counts (index, partial) slots: one per distinct Var a statement reads, and one
  // reserved per input.
  Tape tape;
  CHECK(tape.stats().bytes() == 0);
  Var a = 1.0, b = 2.0, c = 3.0;     // 3 statements, 3 reserved slots
  Var y = a * b + c;                 // 1 statement, 3 slots
  Var z = tapegrad::sin(y) * y;      // 1 statement, 1 slot: y read twice, folded
  Var k = Var::constant(2.0) * 3.0;  // nothing: no recorded argument
  Var w = z;                         // nothing: a copy
  const tapegrad::TapeStats s = tape.stats();
  CHECK(s.statements == 5);
  CHECK(s.arguments == 7);
  CHECK(s.blocks == 1);
  CHECK(s.bytes() == 5 + 12 * 7);
  CHECK_FALSE(k.is_recorded());
  CHECK(w.index() == z.index());
}

TEST_CASE("Tape: a Var read several times by one expression is recorded as one argument") {
  Tape tape;
  Var x = 1.5, y = 2.0;
  const std::size_t before = tape.stats().arguments;
  Var z = x * x * x + y * x;  // d/dx = 3x^2 + y = 8.75, d/dy = x
  CHECK(tape.stats().arguments - before == 2);
  z.backward();
  CHECK(x.grad() == 8.75);
  CHECK(y.grad() == 1.5);
}

TEST_CASE("Tape: clear() leaves no adjoint behind for the statements of the next recording") {
  // clear() zeroes only the adjoints that a finished sweep leaves behind (those of inputs), so this
  // checks that an index holding an input's gradient in one recording starts from 0 when the next
  // recording reuses it for an intermediate.
  Tape tape;
  Var a = 2.0, b = 5.0;  // indices 1 and 2
  Var y = a * b;
  y.backward();
  REQUIRE(b.grad() == 2.0);
  tape.clear();
  Var t = 3.0;        // index 1
  Var u = t * t;      // index 2, where b's gradient was
  Var v = u + t * 4;  // dv/dt = 2t + 4
  v.backward();
  CHECK(t.grad() == 10.0);
  CHECK(u.grad() == 0.0);  // an intermediate: consumed
}

TEST_CASE("Tape: after a sweep interrupted by an exception, clear() still zeroes every adjoint") {
  Tape tape;
  Var x = 1.0;
  Var a = x * 2.0;                                    // index 2
  Var big = std::numeric_limits<double>::infinity();  // recorded without a guard: no check
  Var y = a * big;  // the guarded sweep throws while adding inf to a's adjoint, leaving a unconsumed
  {
    tapegrad::AnomalyGuard guard;
    REQUIRE_THROWS_AS(y.backward(), tapegrad::DomainError);
  }
  tape.clear();
  Var t = 1.5;        // index 1
  Var p = t * 2.0;    // index 2, where a's inf was left
  Var r = p * p + t;  // dr/dt = 8 t + 1
  r.backward();
  CHECK(t.grad() == 13.0);
}

TEST_CASE("Tape: statements without arguments in long runs are swept correctly, wherever the run ends") {
  // The sweep skips inputs eight at a time; runs of every length from 1 to 20 between two operations check
  // that it stops at the right place.
  Tape tape;
  for (int run = 1; run <= 20; ++run) {
    CAPTURE(run);
    tape.clear();
    Var x = 1.25;
    Var s = x * x;
    std::vector<Var> inputs;
    for (int i = 0; i < run; ++i) inputs.emplace_back(0.5 * i);
    Var t = s * inputs.back() + s;  // reads the newest input of the run
    t.backward();
    CHECK(x.grad() == 2.0 * 1.25 * (0.5 * (run - 1) + 1.0));
    CHECK(inputs.back().grad() == 1.25 * 1.25);
    for (int i = 0; i + 1 < run; ++i) CHECK(inputs[static_cast<std::size_t>(i)].grad() == 0.0);
  }
}
