// SPDX-License-Identifier: MIT
// checkpoint_test.cpp: checkpoint() gives the plain recording's gradient, bit for bit, on problem d
// (Lax-Wendroff advection, bench/problems.hpp) with 10^5 time steps, while its tape holds a small
// fraction of the plain one; it gradchecks, nests, keeps aliases, and rejects a function that changes.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <vector>

#include "advection_checkpoint.hpp"
#include "tapegrad/autodiff/autodiff.hpp"

namespace {

using tapegrad::Tape;
using tapegrad::Var;
using Advection = tapegrad::bench::Advection;

std::vector<double> plain_gradient(int steps) {
  Tape tape;
  return tapegrad::bench::advection_plain(tape, steps).gradient;
}
std::vector<double> checkpointed_gradient(int steps, int block) {
  Tape tape;
  return tapegrad::bench::advection_checkpointed(tape, steps, block).gradient;
}

}  // namespace

TEST_CASE("checkpoint: problem d with 10^5 steps gives the plain gradient exactly, from a far smaller tape") {
  constexpr int kSteps = 100'000;
  Tape tape;
  const tapegrad::bench::AdvectionGradient plain = tapegrad::bench::advection_plain(tape, kSteps);
  const tapegrad::bench::AdvectionGradient blocked =
      tapegrad::bench::advection_checkpointed(tape, kSteps, 250);
  REQUIRE(plain.gradient.size() == blocked.gradient.size());
  CHECK(blocked.loss == plain.loss);
  for (std::size_t i = 0; i < plain.gradient.size(); ++i) {
    CAPTURE(i);
    CHECK(blocked.gradient[i] == plain.gradient[i]);  // equality: the same operations in the same order
  }
  CHECK(blocked.peak_tape_bytes * 10 <= plain.peak_tape_bytes);
  CHECK(std::any_of(plain.gradient.begin(), plain.gradient.end(), [](double g) { return g != 0.0; }));
}

TEST_CASE("checkpoint: any block length, including one that does not divide the steps, is exact") {
  const std::vector<double> plain = plain_gradient(1000);
  for (const int block : {1, 7, 100, 1000, 5000}) {
    CAPTURE(block);
    CHECK(checkpointed_gradient(1000, block) == plain);
  }
}

TEST_CASE("checkpoint: gradchecks a block with a repeated input, a pass-through and a repeated output") {
  const auto f = [](const std::vector<Var>& x) {
    const auto block = [](const std::vector<Var>& in) {
      Var s = sin(in[0]) * in[1];
      return std::vector<Var>{s, in[2], s, exp(in[0] * in[1]) + in[1], Var::constant(3.0)};
    };
    // x[1] passed twice; x[2] is returned as it is.
    const std::vector<Var> y = tapegrad::checkpoint(block, std::vector<Var>{x[0], x[1], x[2], x[1]});
    return y[0] * y[1] + y[2] * y[3] + y[4] * x[0];
  };
  const auto r = tapegrad::gradcheck(f, {0.4, -1.3, 2.2});
  CHECK_MESSAGE(r.passed, r.report());
}

TEST_CASE("checkpoint: nested checkpoints give the plain gradient exactly") {
  const std::vector<double> plain = plain_gradient(600);
  Tape tape;
  const std::vector<double> q0 = Advection::inputs();
  std::vector<Var> x(q0.begin(), q0.end());
  std::vector<Var> q = x;
  for (int outer = 0; outer < 3; ++outer) {
    q = tapegrad::checkpoint(
        [](const std::vector<Var>& in) {
          std::vector<Var> state = in;
          for (int inner = 0; inner < 4; ++inner)
            state = tapegrad::checkpoint(
                [](const std::vector<Var>& s) {
                  std::vector<Var> out = s;
                  Advection::advance(out, 50);
                  return out;
                },
                state);
          return state;
        },
        q);
  }
  Var loss = Advection::loss(q);
  loss.backward();
  for (std::size_t i = 0; i < x.size(); ++i) {
    CAPTURE(i);
    CHECK(x[i].grad() == plain[i]);
  }
}

TEST_CASE("checkpoint: a second backward() gives the same gradient again, and clear() releases the block") {
  Tape tape;
  Var a = 0.5, b = 2.0;
  const auto block = [](const std::vector<Var>& in) { return std::vector<Var>{in[0] * in[1], sin(in[0])}; };
  std::vector<Var> y = tapegrad::checkpoint(block, std::vector<Var>{a, b});
  Var loss = y[0] + y[1] * y[1];
  loss.backward();
  const double ga = a.grad(), gb = b.grad();
  CHECK(ga == doctest::Approx(2.0 + 2.0 * std::sin(0.5) * std::cos(0.5)));
  CHECK(gb == doctest::Approx(0.5));
  tape.zero_grad();
  loss.backward();
  CHECK(a.grad() == ga);
  CHECK(b.grad() == gb);
  tape.clear();
  CHECK_THROWS_AS((void)a.grad(), tapegrad::TapeError);
}

TEST_CASE("checkpoint: constant inputs record nothing, and a foreign input and a changing function throw") {
  Tape tape;
  const std::size_t before = tape.stats().statements;
  const std::vector<Var> y =
      tapegrad::checkpoint([](const std::vector<Var>& in) { return std::vector<Var>{in[0] * 2.0}; },
                           std::vector<Var>{Var::constant(4.0)});
  CHECK_FALSE(y[0].is_recorded());
  CHECK(y[0].value() == 8.0);
  CHECK(tape.stats().statements == before);

  Var x = 1.0;
  tape.clear();
  CHECK_THROWS_WITH_AS(
      tapegrad::checkpoint([](const std::vector<Var>& in) { return in; }, std::vector<Var>{x}),
      doctest::Contains("checkpoint"), tapegrad::TapeError);

  Var z = 1.0;
  int calls = 0;
  const std::vector<Var> w = tapegrad::checkpoint(
      [&calls](const std::vector<Var>& in) {
        ++calls;
        if (calls == 1) return std::vector<Var>{in[0] * 2.0};
        return std::vector<Var>{in[0] * 2.0, in[0] * 3.0};
      },
      std::vector<Var>{z});
  CHECK_THROWS_WITH_AS(w[0].backward(), doctest::Contains("checkpoint: the function returned 2 outputs"),
                       tapegrad::TapeError);
}
