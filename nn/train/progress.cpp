// SPDX-License-Identifier: MIT
#include "tapegrad/nn/train/progress.hpp"

#include <unistd.h>

#include <chrono>
#include <cmath>
#include <iostream>
#include <limits>
#include <sstream>

#include "tapegrad/autodiff/core/error.hpp"

namespace tapegrad::nn {

namespace {

bool on_terminal(const std::ostream& out) {
  if (&out == &std::cout) return ::isatty(STDOUT_FILENO) == 1;
  if (&out == &std::cerr || &out == &std::clog) return ::isatty(STDERR_FILENO) == 1;
  return false;
}

// Four significant digits: 0.2346, 1.235e-05, 0.95, 12.5.
std::string metric(double v) {
  std::ostringstream s;
  s.precision(4);
  s << v;
  return s.str();
}

}  // namespace

std::string format_duration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "?";
  const auto total = static_cast<std::int64_t>(std::llround(seconds));
  const std::int64_t h = total / 3600, m = total / 60 % 60, s = total % 60;
  std::ostringstream out;
  out.fill('0');
  if (h > 0) {
    out << h << ':';
    out.width(2);
  }
  out << m << ':';
  out.width(2);
  out << s;
  return out.str();
}

ProgressBar::ProgressBar(std::ostream& out, ProgressOptions options)
    : out_(out), options_(std::move(options)) {
  TAPEGRAD_CHECK(options_.epochs >= 1 && options_.batches_per_epoch >= 0 && options_.bar_width >= 1,
                 DomainError,
                 "ProgressBar: expected epochs >= 1, batches_per_epoch >= 0 and bar_width >= 1, got ",
                 options_.epochs, ", ", options_.batches_per_epoch, " and ", options_.bar_width);
  interactive_ = options_.mode == ProgressMode::interactive ||
                 (options_.mode == ProgressMode::automatic && on_terminal(out_));
  run_start_ = now();
}

double ProgressBar::now() const {
  if (options_.clock) return options_.clock();
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

void ProgressBar::begin_epoch(std::int64_t epoch) {
  epoch_ = epoch;
  batch_ = 0;
  samples_ = 0;
  loss_sum_ = 0.0;
  epoch_start_ = now();
  if (batches_done_in_run_ == 0) run_start_ = epoch_start_;  // the ETA counts from the first epoch
  drawn_ = false;
}

double ProgressBar::epoch_loss() const noexcept {
  return samples_ > 0 ? loss_sum_ / static_cast<double>(samples_) : std::numeric_limits<double>::quiet_NaN();
}

double ProgressBar::epoch_seconds() const {
  return now() - epoch_start_;
}

void ProgressBar::update(std::int64_t batch, double batch_loss, std::int64_t batch_samples) {
  batches_done_in_run_ += batch - batch_;
  batch_ = batch;
  samples_ += batch_samples;
  loss_sum_ += batch_loss * static_cast<double>(batch_samples);
  if (!interactive_) return;
  const double t = now();
  const bool last = options_.batches_per_epoch > 0 && batch >= options_.batches_per_epoch;
  if (drawn_ && !last && t - last_draw_ < options_.redraw_interval) return;
  last_draw_ = t;
  drawn_ = true;
  draw(false, {});
}

void ProgressBar::end_epoch(const std::vector<std::pair<std::string, double>>& metrics) {
  draw(true, metrics);
}

void ProgressBar::draw(bool final_line, const std::vector<std::pair<std::string, double>>& metrics) {
  const std::int64_t n = options_.batches_per_epoch;
  const double elapsed = epoch_seconds();
  std::ostringstream line;
  line << "epoch " << epoch_ << '/' << options_.epochs;
  if (!final_line && n > 0) {
    const auto filled = static_cast<int>(options_.bar_width * std::min(batch_, n) / n);
    line << " [" << std::string(static_cast<std::size_t>(filled), '=')
         << (filled < options_.bar_width ? ">" : "")
         << std::string(static_cast<std::size_t>(std::max(0, options_.bar_width - filled - 1)), ' ') << ']';
  }
  line << "  " << batch_;
  if (n > 0) line << '/' << n;
  line << (final_line ? " batches" : "");
  if (samples_ > 0) line << "  loss " << metric(epoch_loss());
  for (const auto& [name, value] : metrics) line << "  " << name << ' ' << metric(value);
  if (elapsed > 0 && samples_ > 0)
    line << "  " << std::llround(static_cast<double>(samples_) / elapsed) << " samples/s";
  if (final_line) {
    std::ostringstream seconds;
    seconds.precision(2);
    seconds << std::fixed << elapsed;
    line << "  " << seconds.str() << "s";
  } else if (n > 0 && batches_done_in_run_ > 0) {
    const double per_batch = (now() - run_start_) / static_cast<double>(batches_done_in_run_);
    const std::int64_t remaining = (n - batch_) + (options_.epochs - epoch_) * n;
    line << "  ETA "
         << format_duration(per_batch * static_cast<double>(std::max<std::int64_t>(remaining, 0)));
  }
  std::string text = line.str();
  if (interactive_) {
    // Spaces over whatever the previous, longer line left behind.
    const std::size_t width = text.size();
    if (width < last_width_) text.append(last_width_ - width, ' ');
    last_width_ = final_line ? 0 : width;
    out_ << '\r' << text;
  } else {
    out_ << text;
  }
  if (final_line) out_ << '\n';
  out_.flush();
}

}  // namespace tapegrad::nn
