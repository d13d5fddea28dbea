// SPDX-License-Identifier: MIT
// history.hpp: History, the per-epoch record of a training run (what fit() returns).
// Four columns every run has (train loss, validation loss and accuracy, seconds) plus any named metric,
// exportable as CSV for a spreadsheet or a plot. A value an epoch did not measure is NaN, an empty CSV cell.
#pragma once

#include <cstdint>
#include <filesystem>
#include <limits>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tapegrad::nn {

/// One epoch of a training run.
struct EpochRecord {
  static constexpr double missing = std::numeric_limits<double>::quiet_NaN();
  /// 1-based epoch number; 0 lets History::append number it (previous epoch + 1).
  std::int64_t epoch = 0;
  double train_loss = missing;
  double val_loss = missing;
  double val_accuracy = missing;
  /// Wall-clock time of the epoch.
  double seconds = missing;
  /// Any other measurements, by name (e.g. {"lr", 0.01}, {"grad_norm", 3.2}).
  std::vector<std::pair<std::string, double>> metrics{};
};

/// Which end of a column is best.
enum class Goal : std::uint8_t { minimize, maximize };

class History {
 public:
  /// Adds an epoch. Throws DomainError if its epoch number is not greater than the previous one's, or a
  /// metric name is empty, repeated, or one of the standard columns ("epoch", "train_loss", "val_loss",
  /// "val_accuracy", "seconds").
  /// Example: `history.append({.train_loss = 0.31, .val_loss = 0.35, .val_accuracy = 0.9, .seconds = 1.2});`
  void append(EpochRecord record);

  std::size_t size() const noexcept { return records_.size(); }
  bool empty() const noexcept { return records_.empty(); }
  const EpochRecord& operator[](std::size_t i) const { return records_.at(i); }
  const EpochRecord& back() const { return records_.back(); }
  const std::vector<EpochRecord>& records() const noexcept { return records_; }

  /// "epoch", "train_loss", "val_loss", "val_accuracy", "seconds", then the metrics in order of first
  /// appearance.
  std::vector<std::string> column_names() const;
  /// One value per epoch of the named column (NaN where an epoch lacks it): what Chart::line plots.
  /// Throws DomainError naming the column and the known ones if no epoch has it.
  /// Example: `chart.line(history.column("val_accuracy"), "validation accuracy");`
  std::vector<double> column(std::string_view name) const;
  /// The epoch with the best finite value of a column. Throws DomainError if the column does not exist or
  /// has no finite value. Example: `auto best = history.best("val_loss", nn::Goal::minimize).epoch;`
  const EpochRecord& best(std::string_view name, Goal goal = Goal::minimize) const;

  /// CSV with a header row of column_names(), one row per epoch, numbers in their shortest exact form,
  /// missing values empty. Example: `history.write_csv(std::cout);`
  void write_csv(std::ostream& out) const;
  /// write_csv into a file, atomically. Throws nn::FileError naming the path on failure.
  void save_csv(const std::filesystem::path& path) const;

 private:
  std::vector<EpochRecord> records_;
  std::vector<std::string> metric_names_;  // order of first appearance
};

}  // namespace tapegrad::nn
