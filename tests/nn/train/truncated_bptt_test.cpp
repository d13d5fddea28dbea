// SPDX-License-Identifier: MIT
// truncated_bptt_test.cpp: truncated backpropagation through time. The state carried into a chunk is
// detached, so the chunk's gradient stops at its start (the previous chunk's inputs get none, while
// without detach they do), the tape can be cleared between chunks, and every chunk records the same
// number of statements: memory per chunk stays flat however long the sequence.
#include <doctest/doctest.h>

#include <cstdint>
#include <vector>

#include "tapegrad/nn/nn.hpp"

using tapegrad::Dtype;
using tapegrad::Tape;
using tapegrad::Tensor;
namespace nn = tapegrad::nn;

TEST_CASE("truncated BPTT: a chunk's gradient does not reach the previous chunk") {
  tapegrad::Generator gen(11);
  nn::LSTM lstm({.input_size = 2, .hidden_size = 3, .dtype = Dtype::float64}, gen);
  for (const bool detach : {true, false}) {
    CAPTURE(detach);
    Tape tape;
    lstm.zero_grad();
    Tensor first = tapegrad::randn({4, 2, 2}, gen, Dtype::float64).requires_grad_();
    Tensor second = tapegrad::randn({4, 2, 2}, gen, Dtype::float64).requires_grad_();
    const nn::LSTMOutput a = lstm(first, nn::LSTMState{});
    const nn::LSTMState carried = detach ? a.state.detach() : a.state;
    const nn::LSTMOutput b = lstm(second, carried);
    tapegrad::sum(b.output).backward();
    CHECK(second.grad().defined());
    CHECK(first.grad().defined() == !detach);  // the cut is the detach, nothing else
    CHECK(lstm.parameter("weight_hh_l0").grad().defined());
  }
}

TEST_CASE("truncated BPTT: the tape is cleared between chunks and each chunk records the same amount") {
  tapegrad::Generator gen(12);
  nn::GRU gru({.input_size = 2, .hidden_size = 4}, gen);
  nn::Linear head({.in_features = 4, .out_features = 1}, gen);
  std::vector<Tensor> params = gru.parameters();
  for (const Tensor& p : head.parameters()) params.push_back(p);
  nn::Adam opt(params, {.lr = 1e-2});
  const Tensor stream = tapegrad::randn({60, 3, 2}, gen);  // one long sequence, batch 3, in chunks of 10
  Tape tape;
  Tensor h;  // undefined: zeros for the first chunk
  std::vector<std::size_t> statements;
  for (std::int64_t start = 0; start < 60; start += 10) {
    tape.clear();  // possible only because the carried state belongs to no recording
    opt.zero_grad();
    const nn::RNNOutput out = gru(tapegrad::slice(stream, start, start + 10), h);
    const Tensor loss = tapegrad::mean(tapegrad::pow(head(out.output), 2.0));
    statements.push_back(tape.stats().statements);
    loss.backward();
    opt.step();
    h = out.h_n.detach();
  }
  REQUIRE(statements.size() == 6);
  for (std::size_t k = 1; k < statements.size(); ++k) CHECK(statements[k] == statements[1]);
  CHECK(statements[0] <= statements[1]);  // no state to start from: at most as much

  // Without the detach, the next chunk reaches into the cleared recording: a TapeError, not a silent cut.
  {
    const nn::RNNOutput out = gru(tapegrad::slice(stream, 0, 10), Tensor());
    tape.clear();
    CHECK_THROWS_AS(gru(tapegrad::slice(stream, 10, 20), out.h_n), tapegrad::TapeError);
  }
}
