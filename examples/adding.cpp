// SPDX-License-Identifier: MIT
// adding.cpp: the adding problem of Hochreiter & Schmidhuber (1997), the classic test of a long memory.
//
// Each sequence has two channels: a random signal in [0, 1] and a mask with exactly two ones, one in each
// half. The target is the sum of the two marked values, to be given after the last step. Answering 1 (the
// mean) whatever the input gives MSE 1/6 ≈ 0.167; to do better the network must notice a marked value,
// keep it over up to `--length` steps of distractors, and add the second one. An LSTM (hidden 32) reads the
// sequence and a Linear head reads its last hidden state; Adam, gradients clipped to norm 1, a fresh batch
// every step. Backpropagation through time runs over the whole length (200 steps by default). Prints the
// MSE on a fixed test set every --eval-every steps with the progress bar, draws it against the 1/6 line
// (adding.svg), and with --max-mse exits 1 unless the final test MSE is below that bound.
#include <CLI/CLI.hpp>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <string>
#include <tapegrad/nn/nn.hpp>
#include <tapegrad/nn/plot/plot.hpp>
#include <vector>

#include "adding_problem.hpp"
#include "example_support.hpp"

namespace {

namespace nn = tapegrad::nn;
using tapegrad::Tensor;

using Batch = tapegrad::examples::AddingBatch;
using tapegrad::examples::adding_batch;

}  // namespace

int main(int argc, char** argv) {
  namespace plot = nn::plot;
  namespace ex = tapegrad::examples;
  std::int64_t length = 200, hidden = 32, batch_size = 64, steps = 8000, eval_every = 250, test_size = 1000;
  double lr = 1e-2, clip = 1.0, max_mse = 0.0;
  std::uint64_t seed = 1997;
  int threads = 0;
  std::filesystem::path out_dir = "tapegrad_out";
  CLI::App app(
      "The adding problem (Hochreiter & Schmidhuber 1997): an LSTM adds two marked values of a long "
      "sequence");
  app.add_option("--length", length, "steps per sequence")
      ->check(CLI::Range(2, 100000))
      ->capture_default_str();
  app.add_option("--hidden", hidden, "LSTM hidden units")->check(CLI::Range(1, 4096))->capture_default_str();
  app.add_option("--batch-size", batch_size, "sequences per step")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  app.add_option("--steps", steps, "training steps (a fresh batch each)")
      ->check(CLI::Range(1, 10000000))
      ->capture_default_str();
  app.add_option("--eval-every", eval_every, "steps between two test evaluations")
      ->check(CLI::Range(1, 10000000))
      ->capture_default_str();
  app.add_option("--test-size", test_size, "sequences of the fixed test set")
      ->check(CLI::Range(1, 1000000))
      ->capture_default_str();
  app.add_option("--lr", lr, "Adam learning rate")->check(CLI::Range(0.0, 10.0))->capture_default_str();
  app.add_option("--clip", clip, "clip gradients to this global norm (0: off)")
      ->check(CLI::Range(0.0, 1e6))
      ->capture_default_str();
  app.add_option("--max-mse", max_mse, "exit with 1 when the final test MSE is not below this (0: no check)")
      ->check(CLI::Range(0.0, 1e6))
      ->capture_default_str();
  app.add_option("--seed", seed, "seed of the weights and the data")->capture_default_str();
  app.add_option("--threads", threads, "threads for the kernels (0: the default)")
      ->check(CLI::Range(0, 1024))
      ->capture_default_str();
  app.add_option("--out", out_dir, "output directory of adding.svg");
  CLI11_PARSE(app, argc, argv);
  if (threads > 0) tapegrad::set_num_threads(threads);

  tapegrad::Generator gen(seed);
  nn::LSTM lstm({.input_size = 2, .hidden_size = hidden}, gen);
  nn::Linear head({.in_features = hidden, .out_features = 1}, gen);
  ex::print_model(lstm);
  std::vector<Tensor> params = lstm.parameters();
  for (const Tensor& p : head.parameters()) params.push_back(p);
  nn::Adam opt(params, {.lr = lr});

  // The answer after the last step: the head on the last hidden state.
  const auto predict = [&](const Tensor& x) {
    const nn::LSTMOutput out = lstm(x, nn::LSTMState{});
    return head(tapegrad::reshape(tapegrad::slice(out.output, length - 1, length), {-1, hidden}));
  };
  const Batch test = adding_batch(length, test_size, gen);
  const double baseline = nn::mse_loss(tapegrad::ones({test_size, 1}), test.y).item();
  std::printf("length %lld, %lld test sequences; answering 1 gives test MSE %.4f (1/6 = 0.1667)\n",
              static_cast<long long>(length), static_cast<long long>(test_size), baseline);

  const std::int64_t rounds = (steps + eval_every - 1) / eval_every;
  nn::ProgressBar progress(std::cout, {.epochs = rounds, .batches_per_epoch = eval_every});
  std::vector<double> at_step, test_mse, train_mse;
  tapegrad::Tape tape;
  std::int64_t step = 0;
  for (std::int64_t round = 1; round <= rounds; ++round) {
    progress.begin_epoch(round);
    double train_sum = 0.0;
    std::int64_t in_round = 0;
    for (; in_round < eval_every && step < steps; ++in_round, ++step) {
      tape.clear();
      opt.zero_grad();
      const Batch b = adding_batch(length, batch_size, gen);
      const Tensor loss = nn::mse_loss(predict(b.x), b.y);
      loss.backward();
      if (clip > 0.0) nn::clip_grad_norm_(params, clip);
      opt.step();
      train_sum += loss.item();
      progress.update(in_round + 1, loss.item(), batch_size);
    }
    tape.clear();
    double mse = 0.0;
    {
      tapegrad::NoGradGuard no_grad;
      mse = nn::mse_loss(predict(test.x), test.y).item();
    }
    at_step.push_back(static_cast<double>(step));
    test_mse.push_back(mse);
    train_mse.push_back(train_sum / static_cast<double>(in_round));
    progress.end_epoch({{"test_mse", mse}, {"step", static_cast<double>(step)}});
  }
  std::printf("final test MSE %.5f after %lld steps (answering 1: %.4f)\n", test_mse.back(),
              static_cast<long long>(step), baseline);

  plot::Chart chart({.title = "Adding problem, length " + std::to_string(length) + ": LSTM " +
                              std::to_string(hidden) + ", test MSE",
                     .x_label = "training step",
                     .y_label = "MSE",
                     .log_y = true});
  chart.line(at_step, train_mse, "train (mean over the round)").line(at_step, test_mse, "test");
  chart.line(std::vector<double>{at_step.front(), at_step.back()}, std::vector<double>{baseline, baseline},
             "always 1 (1/6)");
  ex::write_chart(chart, out_dir, "adding.svg");
  if (max_mse > 0.0 && !(test_mse.back() < max_mse)) {
    std::fprintf(stderr, "adding: final test MSE %.5f is not below --max-mse %.5f\n", test_mse.back(),
                 max_mse);
    return 1;
  }
  return 0;
}
