// SPDX-License-Identifier: MIT
// progress_test.cpp: ProgressBar output with a fake clock, into a std::ostringstream: plain lines when not a
// terminal, in-place redraws with '\r' when interactive, throttling, samples/s and ETA.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <sstream>
#include <string>

#include "tapegrad/nn/nn.hpp"

using tapegrad::nn::ProgressBar;
using tapegrad::nn::ProgressMode;

namespace {

std::size_t count(const std::string& text, char c) {
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), c));
}

}  // namespace

TEST_CASE("ProgressBar: a stream that is not a terminal gets one plain line per epoch") {
  std::ostringstream out;
  double t = 0.0;
  ProgressBar bar(out, {.epochs = 2, .batches_per_epoch = 4, .clock = [&] { return t; }});
  CHECK_FALSE(bar.interactive());  // automatic, and an ostringstream is no terminal
  for (std::int64_t epoch = 1; epoch <= 2; ++epoch) {
    bar.begin_epoch(epoch);
    for (std::int64_t i = 1; i <= 4; ++i) {
      t += 0.5;
      bar.update(i, 1.0 / static_cast<double>(epoch), 10);
    }
    bar.end_epoch({{"val_loss", 0.75}, {"val_accuracy", 0.9}});
  }
  const std::string s = out.str();
  CHECK(count(s, '\r') == 0);
  CHECK(count(s, '\n') == 2);
  // 40 samples in 2 s of fake time.
  CHECK(s ==
        "epoch 1/2  4/4 batches  loss 1  val_loss 0.75  val_accuracy 0.9  20 samples/s  2.00s\n"
        "epoch 2/2  4/4 batches  loss 0.5  val_loss 0.75  val_accuracy 0.9  20 samples/s  2.00s\n");
}

TEST_CASE("ProgressBar: the epoch loss is the sample-weighted mean of the batch losses") {
  std::ostringstream out;
  ProgressBar bar(out, {.mode = ProgressMode::plain, .clock = [] { return 0.0; }});
  bar.begin_epoch(1);
  CHECK(std::isnan(bar.epoch_loss()));
  bar.update(1, 2.0, 30);
  bar.update(2, 1.0, 10);  // a smaller last batch counts less
  CHECK(bar.epoch_loss() == doctest::Approx(1.75));
}

TEST_CASE("ProgressBar: interactive mode redraws in place, throttled, with a bar and an ETA") {
  std::ostringstream out;
  double t = 0.0;
  ProgressBar bar(out, {.epochs = 2,
                        .batches_per_epoch = 4,
                        .mode = ProgressMode::interactive,
                        .bar_width = 8,
                        .redraw_interval = 1.0,
                        .clock = [&] { return t; }});
  REQUIRE(bar.interactive());
  bar.begin_epoch(1);
  t = 2.0;
  bar.update(1, 0.5, 8);  // first update: drawn
  const std::string first = out.str();
  CHECK(first.front() == '\r');
  CHECK(first.find("epoch 1/2 [==>     ]  1/4  loss 0.5") != std::string::npos);
  CHECK(first.find("4 samples/s") != std::string::npos);
  // 2 s per batch so far, 7 batches to go in the run: 14 s.
  CHECK(first.find("ETA 0:14") != std::string::npos);
  t = 2.5;
  bar.update(2, 0.5, 8);  // 0.5 s after the last draw: skipped
  CHECK(out.str() == first);
  t = 4.0;
  bar.update(3, 0.5, 8);  // due again
  CHECK(count(out.str(), '\r') == 2);
  t = 4.1;
  bar.update(4, 0.5, 8);  // the last batch is always drawn
  CHECK(out.str().find("[========]  4/4") != std::string::npos);
  bar.end_epoch();
  const std::string s = out.str();
  CHECK(count(s, '\r') == 4);
  CHECK(count(s, '\n') == 1);
  // The summary line overwrites the longer bar line completely: padded with spaces.
  const std::size_t last_cr = s.rfind('\r');
  const std::size_t previous_cr = s.rfind('\r', last_cr - 1);
  const std::string summary = s.substr(last_cr + 1);
  const std::string bar_line = s.substr(previous_cr + 1, last_cr - previous_cr - 1);
  CHECK(summary.find("epoch 1/2  4/4 batches  loss 0.5") == 0);
  CHECK(summary.size() - 1 >= bar_line.size());  // (minus the final '\n')
}

TEST_CASE("ProgressBar: bad options are errors, and durations format as h:mm:ss") {
  std::ostringstream out;
  CHECK_THROWS_WITH_AS(ProgressBar(out, {.epochs = 0}), doctest::Contains("expected epochs >= 1"),
                       tapegrad::DomainError);
  CHECK(tapegrad::nn::format_duration(7.0) == "0:07");
  CHECK(tapegrad::nn::format_duration(75.4) == "1:15");
  CHECK(tapegrad::nn::format_duration(3723.0) == "1:02:03");
  CHECK(tapegrad::nn::format_duration(-1.0) == "?");
}
