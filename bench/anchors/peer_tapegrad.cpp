// SPDX-License-Identifier: MIT
// peer_tapegrad.cpp: tapegrad as one more peer of the scalar anchors harness
// (../shared/anchors/scalar), so it is timed in the same run, interleaved, as ADOL-C and Stan.
// bench/anchors/run_scalar_anchors.sh copies the harness next to this file and builds it.
// The harness's problems are templates over T; here T = tapegrad::Var. Used the steady-state way:
// one persistent Tape, cleared at the start of each gradient (its blocks and adjoints are reused).
#include <cstdio>
#include <span>
#include <tapegrad/autodiff/autodiff.hpp>
#include <vector>

#include "problems.hpp"

namespace bench {
namespace {

// One Tape for all problems: constructing a Tape makes it the thread's active tape, so a second one
// (say one static per problem) would capture the recordings of the first.
tapegrad::Tape& tape() {
  static tapegrad::Tape t;
  return t;
}

struct Tapegrad {
  template <class P>
  static double grad(const double* in, double* g) {
    static std::vector<tapegrad::Var> x(P::n_in);  // kept, as a user keeps parameter Vars
    tape().clear();
    tapegrad::make_inputs(std::span<const double>(in, P::n_in), x);  // one pass, not one test per input
    const tapegrad::Var y = P()(x.data());
    y.backward();
    tapegrad::gradients(x, std::span<double>(g, P::n_in));
    if (g_collect_stats) {
      const tapegrad::TapeStats s = tape().stats();
      char buf[160];
      std::snprintf(buf, sizeof buf, "tapegrad: statements=%zu arguments=%zu tape_bytes=%zu blocks=%zu",
                    s.statements, s.arguments, s.bytes(), s.blocks);
      g_stats += buf;
    }
    return y.value();
  }
};

}  // namespace

void register_tapegrad(Registry& r) {
  add_peer<Tapegrad>(r, "tapegrad");
}

}  // namespace bench
