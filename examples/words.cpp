// SPDX-License-Identifier: MIT
// words.cpp: a character-level LSTM language model of English words, trained on Debian's word list.
//
// Data: the lower-case a-z entries of /usr/share/dict/american-english (Debian's wamerican: 63,875 of its
// 104,334 lines), shuffled with the seed and split 90/10. Each word is the sequence ".word." over 27
// symbols ('.' = 0, a-z = 1..26); the model reads ".word" and predicts "word." one character ahead.
// Model: Embedding 27->32, LSTM 128 (batch_first), Linear 128->27; Adam, batches of 64 words padded to the
// batch's longest and masked (labels ignore_index -100 at pads cost nothing and count nothing), gradients
// clipped to global norm --clip. With --bptt K each batch is cut into chunks of K steps, the LSTM state
// carried across chunks detached (truncated backpropagation through time: no gradient crosses a cut).
// Prints validation bits per character each epoch with the progress bar, draws the learning curve
// (words.svg), then samples new words (seeded) and counts how many are real dictionary words.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <numbers>
#include <string>
#include <tapegrad/nn/nn.hpp>
#include <tapegrad/nn/plot/plot.hpp>
#include <unordered_set>
#include <vector>

#include "example_support.hpp"

namespace {

namespace nn = tapegrad::nn;
using tapegrad::Tensor;

constexpr std::int64_t kSymbols = 27;  // '.' and a-z
constexpr std::int64_t kIgnore = -100;

bool is_plain_word(const std::string& w) {
  return !w.empty() && std::all_of(w.begin(), w.end(), [](char c) { return c >= 'a' && c <= 'z'; });
}

/// One padded batch: inputs [batch, steps] (".word" then 0s) and labels [batch * steps] ("word." then −100).
struct Batch {
  Tensor inputs;
  std::vector<std::int64_t> labels;
  std::int64_t batch = 0, steps = 0, characters = 0;
};

Batch make_batch(const std::vector<std::string>& words, std::span<const std::int64_t> which) {
  Batch b;
  b.batch = static_cast<std::int64_t>(which.size());
  for (const std::int64_t i : which)
    b.steps = std::max(b.steps, static_cast<std::int64_t>(words[static_cast<std::size_t>(i)].size()) + 1);
  std::vector<std::int64_t> x(static_cast<std::size_t>(b.batch * b.steps), 0);
  b.labels.assign(x.size(), kIgnore);
  for (std::int64_t r = 0; r < b.batch; ++r) {
    const std::string& w = words[static_cast<std::size_t>(which[static_cast<std::size_t>(r)])];
    const auto n = static_cast<std::int64_t>(w.size());
    for (std::int64_t t = 0; t <= n; ++t) {
      const auto at = static_cast<std::size_t>(r * b.steps + t);
      x[at] = t == 0 ? 0 : w[static_cast<std::size_t>(t - 1)] - 'a' + 1;
      b.labels[at] = t == n ? 0 : w[static_cast<std::size_t>(t)] - 'a' + 1;
    }
    b.characters += n + 1;
  }
  b.inputs = tapegrad::from(x, {b.batch, b.steps});
  return b;
}

/// Embedding -> LSTM -> Linear, run on [batch, steps] symbols from `state`.
struct WordModel {
  nn::Embedding embed;
  nn::LSTM lstm;
  nn::Linear out;
  WordModel(std::int64_t dim, std::int64_t hidden, tapegrad::Generator& gen)
      : embed({.num_embeddings = kSymbols, .embedding_dim = dim}, gen),
        lstm({.input_size = dim, .hidden_size = hidden, .batch_first = true}, gen),
        out({.in_features = hidden, .out_features = kSymbols}, gen) {}
  std::vector<Tensor> parameters() const {
    std::vector<Tensor> p;
    for (const nn::Module* m : {static_cast<const nn::Module*>(&embed), static_cast<const nn::Module*>(&lstm),
                                static_cast<const nn::Module*>(&out)})
      for (const Tensor& t : m->parameters()) p.push_back(t);
    return p;
  }
  /// Logits [batch * steps, 27] and the final state.
  std::pair<Tensor, nn::LSTMState> operator()(const Tensor& symbols, const nn::LSTMState& state) {
    const nn::LSTMOutput o = lstm(embed(symbols), state);
    return {tapegrad::reshape(out(o.output), {-1, kSymbols}), o.state};
  }
};

/// Columns [start, start + length) of a [batch, steps] int64 tensor, and the matching labels.
std::pair<Tensor, std::vector<std::int64_t>> chunk(const Batch& b, std::int64_t start, std::int64_t length) {
  const std::int64_t* x = b.inputs.data<std::int64_t>();
  std::vector<std::int64_t> xs, ys;
  for (std::int64_t r = 0; r < b.batch; ++r)
    for (std::int64_t t = start; t < start + length; ++t) {
      xs.push_back(x[r * b.steps + t]);
      ys.push_back(b.labels[static_cast<std::size_t>(r * b.steps + t)]);
    }
  return {tapegrad::from(xs, {b.batch, length}), ys};
}

}  // namespace

int main(int argc, char** argv) {
  namespace plot = nn::plot;
  namespace ex = tapegrad::examples;
  std::string words_path = "/usr/share/dict/american-english";
  int epochs = 4, samples = 20;
  std::int64_t batch_size = 64, hidden = 128, dim = 32, limit = 0, bptt = 0;
  double lr = 2e-3, clip = 1.0;
  std::uint64_t seed = 0;
  std::filesystem::path out_dir = "tapegrad_out";
  CLI::App app("Character-level LSTM language model of English words (Debian's wamerican word list)");
  app.add_option("--words", words_path, "word list, one word per line (apt-get install wamerican)");
  app.add_option("--epochs", epochs, "passes over the training words")->check(CLI::Range(1, 1000));
  app.add_option("--batch-size", batch_size, "words per batch")->check(CLI::Range(1, 100000));
  app.add_option("--hidden", hidden, "LSTM hidden units")->check(CLI::Range(1, 4096));
  app.add_option("--embed", dim, "embedding size")->check(CLI::Range(1, 4096));
  app.add_option("--lr", lr, "Adam learning rate");
  app.add_option("--clip", clip, "clip gradients to this global norm (0: off)");
  app.add_option("--bptt", bptt,
                 "truncated BPTT: chunks of this many steps, state carried detached (0: off)");
  app.add_option("--limit", limit, "use only this many words of the list after shuffling (0: all)");
  app.add_option("--samples", samples, "words to generate after training")->check(CLI::Range(0, 100000));
  app.add_option("--seed", seed, "seed of the split, the weights, the batches and the samples");
  app.add_option("--out", out_dir, "output directory of the learning curve SVG");
  CLI11_PARSE(app, argc, argv);

  std::ifstream file(words_path);
  if (!file) {
    std::fprintf(stderr, "words: cannot read %s (Debian: apt-get install wamerican)\n", words_path.c_str());
    return 1;
  }
  std::vector<std::string> words;
  std::unordered_set<std::string> dictionary;
  for (std::string line; std::getline(file, line);)
    if (is_plain_word(line)) {
      dictionary.insert(line);
      words.push_back(line);
    }
  tapegrad::Generator gen(seed);
  {
    std::vector<std::int64_t> order = nn::random_permutation(static_cast<std::int64_t>(words.size()), gen);
    std::vector<std::string> shuffled;
    for (const std::int64_t i : order) shuffled.push_back(words[static_cast<std::size_t>(i)]);
    words = std::move(shuffled);
  }
  if (limit > 0 && limit < static_cast<std::int64_t>(words.size()))
    words.resize(static_cast<std::size_t>(limit));
  const std::size_t n_train = words.size() * 9 / 10;
  const std::vector<std::string> train(words.begin(), words.begin() + static_cast<std::ptrdiff_t>(n_train));
  const std::vector<std::string> valid(words.begin() + static_cast<std::ptrdiff_t>(n_train), words.end());
  std::int64_t train_chars = 0;
  for (const std::string& w : train) train_chars += static_cast<std::int64_t>(w.size()) + 1;
  std::printf("%zu plain a-z words in %s: %zu train, %zu validation, %lld train characters\n",
              dictionary.size(), words_path.c_str(), train.size(), valid.size(),
              static_cast<long long>(train_chars));

  WordModel model(dim, hidden, gen);
  ex::print_model(model.lstm);
  const std::vector<Tensor> params = model.parameters();
  nn::Adam opt(params, {.lr = lr});
  const double ln2 = std::numbers::ln2;

  const auto validation_bits = [&] {
    tapegrad::NoGradGuard no_grad;
    double total = 0.0;
    std::int64_t chars = 0;
    std::vector<std::int64_t> all(valid.size());
    for (std::size_t i = 0; i < all.size(); ++i) all[i] = static_cast<std::int64_t>(i);
    for (std::size_t i = 0; i < all.size(); i += 256) {
      const auto which =
          std::span<const std::int64_t>(all).subspan(i, std::min<std::size_t>(256, all.size() - i));
      const Batch b = make_batch(valid, which);
      total +=
          nn::cross_entropy(model(b.inputs, {}).first, b.labels, {.reduction = nn::Reduction::sum}).item();
      chars += b.characters;
    }
    return total / static_cast<double>(chars) / ln2;
  };

  const auto batches = static_cast<std::int64_t>((train.size() + static_cast<std::size_t>(batch_size) - 1) /
                                                 static_cast<std::size_t>(batch_size));
  nn::ProgressBar progress(std::cout, {.epochs = epochs, .batches_per_epoch = batches});
  std::vector<double> train_curve, valid_curve;
  tapegrad::Tape tape;
  for (int epoch = 1; epoch <= epochs; ++epoch) {
    const auto start = std::chrono::steady_clock::now();
    const std::clock_t cpu_start = std::clock();  // CPU time: what a loaded machine disturbs least
    progress.begin_epoch(epoch);
    const std::vector<std::int64_t> order =
        nn::random_permutation(static_cast<std::int64_t>(train.size()), gen);
    double bits_sum = 0.0;
    std::int64_t chars_sum = 0;
    for (std::int64_t k = 0; k < batches; ++k) {
      const std::size_t first = static_cast<std::size_t>(k * batch_size);
      const Batch b =
          make_batch(train, std::span<const std::int64_t>(order).subspan(
                                first, std::min(static_cast<std::size_t>(batch_size), order.size() - first)));
      const std::int64_t step = bptt > 0 ? bptt : b.steps;
      nn::LSTMState state;  // zeros
      double batch_nats = 0.0;
      for (std::int64_t t = 0; t < b.steps; t += step) {
        const std::int64_t len = std::min(step, b.steps - t);
        tape.clear();
        opt.zero_grad();
        const auto [x, labels] = step == b.steps ? std::pair{b.inputs, b.labels} : chunk(b, t, len);
        const auto [logits, final_state] = model(x, state);
        const Tensor loss = nn::cross_entropy(logits, labels, {.reduction = nn::Reduction::sum});
        const auto counted =
            std::count_if(labels.begin(), labels.end(), [](std::int64_t l) { return l != kIgnore; });
        if (counted == 0) break;  // only padding left in this batch
        batch_nats += loss.item();
        (loss * (1.0 / static_cast<double>(counted))).backward();
        if (clip > 0.0) nn::clip_grad_norm_(params, clip);
        opt.step();
        state = final_state.detach();  // the cut of truncated BPTT (a no-op when there is one chunk)
      }
      bits_sum += batch_nats / ln2;
      chars_sum += b.characters;
      progress.update(k + 1, batch_nats / ln2 / static_cast<double>(b.characters), b.batch);
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const double cpu_seconds = static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC;
    train_curve.push_back(bits_sum / static_cast<double>(chars_sum));
    valid_curve.push_back(validation_bits());
    progress.end_epoch({{"val_bits_per_char", valid_curve.back()},
                        {"epoch_seconds", seconds},
                        {"epoch_cpu_seconds", cpu_seconds}});
  }

  plot::Chart chart({.title = "Character-level LSTM on wamerican: bits per character",
                     .x_label = "epoch",
                     .y_label = "bits / character"});
  chart.line(train_curve, "train").line(valid_curve, "validation");
  ex::write_chart(chart, out_dir, "words.svg");

  // Sampling: all words at once as one batch, one step at a time, the state carried along.
  if (samples > 0) {
    tapegrad::NoGradGuard no_grad;
    tape.clear();
    std::vector<std::string> made(static_cast<std::size_t>(samples));
    std::vector<bool> done(made.size(), false);
    std::vector<std::int64_t> current(made.size(), 0);
    nn::LSTMState state;
    for (int t = 0; t < 24; ++t) {
      const auto [logits, next_state] = model(tapegrad::from(current, {samples, 1}), state);
      state = next_state;
      const std::vector<double> p = tapegrad::softmax(logits, 1).to_vector<double>();
      for (std::size_t i = 0; i < made.size(); ++i) {
        double u = gen.uniform(), acc = 0.0;
        std::int64_t c = kSymbols - 1;
        for (std::int64_t j = 0; j < kSymbols; ++j) {
          acc += p[i * kSymbols + static_cast<std::size_t>(j)];
          if (u < acc) {
            c = j;
            break;
          }
        }
        current[i] = c;
        if (done[i]) continue;
        if (c == 0)
          done[i] = true;
        else
          made[i] += static_cast<char>('a' + c - 1);
      }
    }
    int real = 0, in_train = 0;
    const std::unordered_set<std::string> train_set(train.begin(), train.end());
    std::printf("\nsampled words (* = in the dictionary):\n");
    for (const std::string& w : made) {
      const bool is_real = dictionary.contains(w);
      real += is_real;
      in_train += train_set.contains(w);
      std::printf("  %s%s\n", w.c_str(), is_real ? " *" : "");
    }
    std::printf("%d of %d sampled words are real dictionary words (%d of them seen in training)\n", real,
                samples, in_train);
  }
  return 0;
}
