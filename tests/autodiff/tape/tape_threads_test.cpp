// SPDX-License-Identifier: MIT
// tape_threads_test.cpp: a tape belongs to the thread that created it. backward(), grad() and clear() from
// another thread throw TapeError, before anything changes, for Vars, Tensors and the Tape itself.
#include <doctest/doctest.h>

#include <exception>
#include <functional>
#include <string>
#include <thread>

#include "tapegrad/autodiff/autodiff.hpp"

using tapegrad::Tape;
using tapegrad::TapeError;
using tapegrad::Tensor;
using tapegrad::Var;

namespace {

// What `f` throws on a second thread, as text ("" if nothing; "other" for a non-TapeError).
std::string thrown_on_other_thread(const std::function<void()>& f) {
  std::string what;
  std::thread t([&] {
    try {
      f();
    } catch (const TapeError& e) {
      what = e.what();
    } catch (...) {
      what = "other";
    }
  });
  t.join();
  return what;
}

}  // namespace

TEST_CASE("Tape: backward or grad or clear from another thread throws TapeError" *
          doctest::test_suite("threads")) {
  Tape tape;
  Var x = 3.0;
  Var y = x * x;
  const std::string backward = thrown_on_other_thread([&] { y.backward(); });
  CHECK(backward.find("backward: this tape belongs to another thread") != std::string::npos);
  CHECK(x.grad() == 0.0);  // nothing was swept
  const std::string clear = thrown_on_other_thread([&] { tape.clear(); });
  CHECK(clear.find("clear: this tape belongs to another thread") != std::string::npos);
  y.backward();  // the owner still can
  CHECK(x.grad() == 6.0);
  const std::string grad = thrown_on_other_thread([&] { (void)x.grad(); });
  CHECK(grad.find("grad: this tape belongs to another thread") != std::string::npos);
  const std::string sweep = thrown_on_other_thread([&] { tape.backward_from(y.index()); });
  CHECK(sweep.find("backward: this tape belongs to another thread") != std::string::npos);
  CHECK(x.grad() == 6.0);
}

TEST_CASE("Tape: a Tensor's backward from another thread throws TapeError" * doctest::test_suite("threads")) {
  Tape tape;
  Tensor w = tapegrad::ones({3}).requires_grad_();
  Tensor loss = tapegrad::sum(w * w);
  const std::string what = thrown_on_other_thread([&] { loss.backward(); });
  CHECK(what.find("backward: this tape belongs to another thread") != std::string::npos);
  CHECK_FALSE(w.grad().defined());  // no gradient was written
  loss.backward();
  CHECK(w.grad().to_vector<float>() == std::vector<float>{2, 2, 2});
}
