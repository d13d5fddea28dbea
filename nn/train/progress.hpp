// SPDX-License-Identifier: MIT
// progress.hpp: ProgressBar, what a training loop prints while it runs.
// On a terminal it redraws one line in place with '\r' (epoch, bar, batch i/n, running loss, samples/s,
// ETA), at most every redraw_interval seconds so printing never slows training, and leaves one summary line
// per epoch. When the stream is not a terminal (a log file, CI, a pipe) it writes only the summary lines,
// so logs hold no carriage returns or partial lines.
#pragma once

#include <cstdint>
#include <functional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

namespace tapegrad::nn {

/// How a ProgressBar draws.
enum class ProgressMode : std::uint8_t {
  automatic,    ///< interactive if the stream is std::cout / std::cerr / std::clog on a terminal, else plain
  interactive,  ///< redraw in place with '\r'
  plain,        ///< one line per epoch
};

struct ProgressOptions {
  /// Number of epochs of the run (for "epoch 3/10" and the ETA).
  std::int64_t epochs = 1;
  /// Batches per epoch (for the bar and the ETA); 0 if unknown (no bar, no ETA).
  std::int64_t batches_per_epoch = 0;
  ProgressMode mode = ProgressMode::automatic;
  /// Characters inside the bar's brackets.
  int bar_width = 24;
  /// Least time between two in-place redraws, in seconds (the last batch of an epoch is always drawn).
  double redraw_interval = 0.1;
  /// Seconds on a monotonic clock; empty uses std::chrono::steady_clock (tests pass a fake clock).
  std::function<double()> clock{};
};

/// Example:
/// ```
/// nn::ProgressBar progress(std::cout, {.epochs = 20, .batches_per_epoch = loader.num_batches()});
/// for (std::int64_t epoch = 1; epoch <= 20; ++epoch) {
///   progress.begin_epoch(epoch);
///   std::int64_t i = 0;
///   for (const nn::Batch& b : loader) { ...; progress.update(++i, loss.item(), b.size()); }
///   progress.end_epoch({{"val_loss", val_loss}, {"val_accuracy", accuracy}});
/// }
/// ```
class ProgressBar {
 public:
  /// Throws DomainError if epochs < 1, batches_per_epoch < 0 or bar_width < 1.
  ProgressBar(std::ostream& out, ProgressOptions options);

  /// Starts epoch `epoch` (1-based): resets the running loss, sample count and epoch timer.
  void begin_epoch(std::int64_t epoch);
  /// Reports that `batch` batches (1-based count) of this epoch are done, the last with mean loss
  /// `batch_loss` over `batch_samples` examples; redraws when interactive and due.
  void update(std::int64_t batch, double batch_loss, std::int64_t batch_samples);
  /// Ends the epoch with one summary line: epoch, batches, mean loss, `metrics` (name value pairs, e.g.
  /// val_loss, val_accuracy), samples/s and the epoch's time.
  void end_epoch(const std::vector<std::pair<std::string, double>>& metrics = {});

  /// Whether this bar redraws in place.
  bool interactive() const noexcept { return interactive_; }
  /// The sample-weighted mean of this epoch's batch losses so far (NaN before the first update).
  double epoch_loss() const noexcept;
  /// Seconds since begin_epoch.
  double epoch_seconds() const;

 private:
  double now() const;
  void draw(bool final_line, const std::vector<std::pair<std::string, double>>& metrics);

  std::ostream& out_;
  ProgressOptions options_;
  bool interactive_ = false;
  std::int64_t epoch_ = 0;
  std::int64_t batch_ = 0;
  std::int64_t samples_ = 0;
  double loss_sum_ = 0.0;
  double epoch_start_ = 0.0;
  double run_start_ = 0.0;
  std::int64_t batches_done_in_run_ = 0;
  double last_draw_ = 0.0;
  bool drawn_ = false;
  std::size_t last_width_ = 0;
};

/// A duration as "0:07", "12:34" or "1:02:03" (h:mm:ss). Example: `nn::format_duration(75.0)` is "1:15".
std::string format_duration(double seconds);

}  // namespace tapegrad::nn
