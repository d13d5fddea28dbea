// SPDX-License-Identifier: MIT
// External records (the hook tensor ops use) are replayed in the same reverse order as scalar
// statements, and can read and write scalar adjoints.
#include <doctest/doctest.h>

#include <tapegrad/autodiff/autodiff.hpp>
#include <vector>

using tapegrad::Tape;
using tapegrad::Var;

namespace {

/// y = factor * x, recorded as an external record rather than a statement; logs its calls.
class ScaleRecord : public tapegrad::ExternalRecord {
 public:
  ScaleRecord(Var x, double factor, std::vector<int>* log, int id)
      : x_(x), factor_(factor), log_(log), id_(id) {}
  void set_output(std::uint32_t index) { output_ = index; }
  void backward(Tape& tape) override {
    log_->push_back(id_);
    const double upstream = tape.adjoint_slot(output_);
    tape.adjoint_slot(output_) = 0.0;  // consumed, as a scalar statement's adjoint is
    tape.adjoint_slot(x_.index()) += factor_ * upstream;
  }

 private:
  Var x_;
  double factor_;
  std::vector<int>* log_;
  int id_;
  std::uint32_t output_ = 0;
};

Var scale(Var x, double factor, std::vector<int>* log, int id) {
  auto [record, index] = Tape::active().emplace_external<ScaleRecord>(x, factor, log, id);
  record->set_output(index);
  return Var::from_statement(factor * x.value(), index);
}

}  // namespace

TEST_CASE("Tape: external records interleave with scalar statements in reverse order") {
  Tape tape;
  std::vector<int> log;
  Var x = 1.5;
  Var a = x * x;                    // scalar: da/dx = 2x
  Var b = scale(a, 3.0, &log, 1);   // external: db/da = 3
  Var c = sin(b);                   // scalar
  Var d = scale(c, -2.0, &log, 2);  // external
  Var y = d + b;                    // b is reused after the second record
  y.backward();
  // dy/dx = (-2 cos(b) + 1) * 3 * 2x
  const double expected = (-2.0 * std::cos(3.0 * 2.25) + 1.0) * 3.0 * 2.0 * 1.5;
  CHECK(x.grad() == doctest::Approx(expected).epsilon(1e-14));
  CHECK(log == std::vector<int>{2, 1});  // newest record first
}

TEST_CASE("Tape: clear() destroys external records and recording continues") {
  Tape tape;
  std::vector<int> log;
  for (int round = 0; round < 3; ++round) {
    tape.clear();
    Var x = 2.0;
    Var y = scale(x, 5.0, &log, round);
    y.backward();
    CHECK(x.grad() == 5.0);
  }
  CHECK(log == std::vector<int>{0, 1, 2});
}

TEST_CASE("Tape: an external record inside a run of inputs is not skipped with them") {
  // The sweep skips inputs eight at a time; an external record has no arguments either, so a run of
  // inputs with one in the middle must stop the skipping there.
  for (int before = 0; before <= 17; before += 1) {
    CAPTURE(before);
    Tape tape;
    std::vector<int> log;
    Var x = 0.75;
    std::vector<Var> inputs;
    for (int i = 0; i < before; ++i) inputs.emplace_back(1.0);
    Var y = scale(x, 4.0, &log, 7);  // external: dy/dx = 4
    for (int i = 0; i < 17; ++i) inputs.emplace_back(2.0);
    Var z = y * y + inputs.back();  // dz/dx = 2 y 4 = 8 * 3
    z.backward();
    CHECK(log == std::vector<int>{7});
    CHECK(x.grad() == 24.0);
    CHECK(inputs.back().grad() == 1.0);
  }
}
