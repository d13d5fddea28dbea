// SPDX-License-Identifier: MIT
#include "tapegrad/nn/train/history.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <set>
#include <sstream>

#include "tapegrad/autodiff/core/error.hpp"
#include "tapegrad/nn/io/atomic_file.hpp"

namespace tapegrad::nn {

namespace {

constexpr std::array<std::string_view, 5> kStandard = {"epoch", "train_loss", "val_loss", "val_accuracy",
                                                       "seconds"};

bool is_standard(std::string_view name) {
  return std::find(kStandard.begin(), kStandard.end(), name) != kStandard.end();
}

// The value of a column in one record; NaN when the record lacks it.
double value_of(const EpochRecord& r, std::string_view name) {
  if (name == "epoch") return static_cast<double>(r.epoch);
  if (name == "train_loss") return r.train_loss;
  if (name == "val_loss") return r.val_loss;
  if (name == "val_accuracy") return r.val_accuracy;
  if (name == "seconds") return r.seconds;
  for (const auto& [metric, v] : r.metrics)
    if (metric == name) return v;
  return EpochRecord::missing;
}

// RFC 4180: a field with a comma, quote or line break is quoted, its quotes doubled.
std::string csv_field(std::string_view text) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(text);
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

std::string csv_number(double v) {
  if (std::isnan(v)) return "";
  char buffer[64];
  const auto result =
      std::to_chars(buffer, buffer + sizeof buffer, v);  // shortest form that reads back exactly
  return std::string(buffer, result.ptr);
}

}  // namespace

void History::append(EpochRecord record) {
  const std::int64_t previous = records_.empty() ? 0 : records_.back().epoch;
  if (record.epoch == 0) record.epoch = previous + 1;
  TAPEGRAD_CHECK(record.epoch > previous, DomainError, "History::append: epoch ", record.epoch,
                 " does not follow epoch ", previous);
  std::set<std::string_view> seen;
  for (const auto& [name, v] : record.metrics) {
    TAPEGRAD_CHECK(!name.empty(), DomainError, "History::append: a metric has an empty name");
    TAPEGRAD_CHECK(!is_standard(name), DomainError, "History::append: metric '", name,
                   "' is a standard column; set the EpochRecord field instead");
    TAPEGRAD_CHECK(seen.insert(name).second, DomainError, "History::append: metric '", name,
                   "' appears twice in epoch ", record.epoch);
  }
  for (const auto& [name, v] : record.metrics)
    if (std::find(metric_names_.begin(), metric_names_.end(), name) == metric_names_.end())
      metric_names_.push_back(name);
  records_.push_back(std::move(record));
}

std::vector<std::string> History::column_names() const {
  std::vector<std::string> names(kStandard.begin(), kStandard.end());
  names.insert(names.end(), metric_names_.begin(), metric_names_.end());
  return names;
}

std::vector<double> History::column(std::string_view name) const {
  const bool known =
      is_standard(name) || std::find(metric_names_.begin(), metric_names_.end(), name) != metric_names_.end();
  if (!known) {
    std::string names;
    for (const std::string& n : column_names()) {
      if (!names.empty()) names += ", ";
      names += n;
    }
    ::tapegrad::detail::raise<DomainError>("History::column: no column '", name, "' (the columns are ", names,
                                           ")");
  }
  std::vector<double> values;
  values.reserve(records_.size());
  for (const EpochRecord& r : records_) values.push_back(value_of(r, name));
  return values;
}

const EpochRecord& History::best(std::string_view name, Goal goal) const {
  const std::vector<double> values = column(name);
  std::size_t best = values.size();
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (!std::isfinite(values[i])) continue;
    if (best == values.size() ||
        (goal == Goal::minimize ? values[i] < values[best] : values[i] > values[best]))
      best = i;
  }
  TAPEGRAD_CHECK(best < values.size(), DomainError, "History::best: column '", name,
                 "' has no finite value in ", values.size(), " epoch(s)");
  return records_[best];
}

void History::write_csv(std::ostream& out) const {
  const std::vector<std::string> names = column_names();
  for (std::size_t i = 0; i < names.size(); ++i) out << (i ? "," : "") << csv_field(names[i]);
  out << '\n';
  for (const EpochRecord& r : records_) {
    out << r.epoch;
    for (std::size_t i = 1; i < names.size(); ++i) out << ',' << csv_number(value_of(r, names[i]));
    out << '\n';
  }
}

void History::save_csv(const std::filesystem::path& path) const {
  std::ostringstream text;
  write_csv(text);
  detail::write_file_atomically(path, text.str(), "History::save_csv");
}

}  // namespace tapegrad::nn
