// SPDX-License-Identifier: MIT
#include "tapegrad/nn/data/csv.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <span>
#include <system_error>
#include <utility>

#include "tapegrad/nn/io/file_error.hpp"
#include "tapegrad/nn/io/file_io.hpp"
#include "tapegrad/nn/io/printable.hpp"

namespace tapegrad::nn {

namespace {

// The most classes load_csv infers from the largest label (num_classes = 0): a stray 1e15 in the label
// column would otherwise ask for a one-hot width of 10^15.
constexpr std::int64_t kMaxInferredClasses = 65536;

// The parsed table before it becomes a tensor: values row-major, and the file line of each row (1-based),
// which load_csv needs for its own messages.
struct ParsedCsv {
  std::vector<std::string> column_names;
  std::vector<double> values;
  std::vector<std::int64_t> line_of_row;
  std::size_t columns = 0;
};

std::string_view trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(" \t");
  return s.substr(first, last - first + 1);
}

// Where the error is: "<source> line 3, column 2 ("width")".
std::string place(std::string_view source, std::int64_t line, std::size_t column,
                  const std::vector<std::string>& names) {
  std::string out =
      std::string(source) + " line " + std::to_string(line) + ", column " + std::to_string(column + 1);
  if (column < names.size()) out += " (" + detail::printable(names[column]) + ")";
  return out;
}

// Splits one line into fields: trimmed, a double-quoted field unquoted ("" is a quote inside it).
void split_fields(std::string_view line, char delimiter, std::string_view source, std::int64_t line_number,
                  std::vector<std::string>& fields) {
  fields.clear();
  std::size_t pos = 0;
  for (;;) {
    std::string field;
    std::size_t start = pos;
    while (start < line.size() && (line[start] == ' ' || line[start] == '\t')) ++start;
    if (start < line.size() && line[start] == '"') {
      std::size_t i = start + 1;
      for (;;) {
        TAPEGRAD_CHECK(i < line.size(), nn::FileError, "read_csv: ", source, " line ", line_number,
                       ", column ", fields.size() + 1, ": unterminated quoted field");
        if (line[i] == '"') {
          if (i + 1 < line.size() && line[i + 1] == '"') {
            field += '"';
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        field += line[i++];
      }
      const std::size_t end = line.find(delimiter, i);
      const std::string_view rest =
          line.substr(i, end == std::string_view::npos ? std::string_view::npos : end - i);
      TAPEGRAD_CHECK(trim(rest).empty(), nn::FileError, "read_csv: ", source, " line ", line_number,
                     ", column ", fields.size() + 1, ": unexpected text after a quoted field");
      fields.push_back(std::move(field));
      if (end == std::string_view::npos) return;
      pos = end + 1;
    } else {
      const std::size_t end = line.find(delimiter, pos);
      fields.emplace_back(
          trim(line.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos)));
      if (end == std::string_view::npos) return;
      pos = end + 1;
    }
  }
}

double parse_number(std::string_view field, std::string_view source, std::int64_t line, std::size_t column,
                    const std::vector<std::string>& names, Dtype dtype) {
  TAPEGRAD_CHECK(!field.empty(), nn::FileError, "read_csv: ", place(source, line, column, names),
                 ": empty field, expected a number");
  std::string_view digits = field;
  // from_chars takes no leading '+', which CSV writers do produce.
  if (digits.size() > 1 && digits[0] == '+' && digits[1] != '-') digits.remove_prefix(1);
  double value = 0.0;
  const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  TAPEGRAD_CHECK(error != std::errc::result_out_of_range, nn::FileError,
                 "read_csv: ", place(source, line, column, names), ": ", detail::printable(field),
                 " is out of the range of a double");
  TAPEGRAD_CHECK(error == std::errc() && end == digits.data() + digits.size(), nn::FileError,
                 "read_csv: ", place(source, line, column, names), ": ", detail::printable(field),
                 " is not a number");
  TAPEGRAD_CHECK(std::isfinite(value), nn::FileError, "read_csv: ", place(source, line, column, names), ": ",
                 detail::printable(field), " is not a finite number");
  // Every field must be finite in the tensor too, not only as a double.
  TAPEGRAD_CHECK(dtype != Dtype::float32 || std::isfinite(static_cast<float>(value)), nn::FileError,
                 "read_csv: ", place(source, line, column, names), ": ", detail::printable(field),
                 " is out of the range of float32 (read it with dtype float64)");
  return value;
}

ParsedCsv parse(std::string_view text, std::string_view source, const CsvOptions& options) {
  ParsedCsv out;
  std::vector<std::string> fields;
  std::int64_t line_number = 0;
  std::int64_t first_data_line = 0;
  bool header_pending = options.header;
  // A UTF-8 byte order mark (spreadsheets write one) is not part of the first field.
  std::size_t pos = text.starts_with("\xEF\xBB\xBF") ? 3 : 0;
  while (pos < text.size()) {
    // Lines end in \n, \r\n or a lone \r (old Mac files).
    std::size_t end = text.find_first_of("\r\n", pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + (text.compare(end, 2, "\r\n") == 0 ? 2 : 1);
    ++line_number;
    if (trim(line).empty()) continue;
    split_fields(line, options.delimiter, source, line_number, fields);
    if (header_pending) {
      out.column_names = fields;
      out.columns = fields.size();
      first_data_line = line_number;
      header_pending = false;
      continue;
    }
    if (out.columns == 0) {
      out.columns = fields.size();
      first_data_line = line_number;
    }
    TAPEGRAD_CHECK(fields.size() == out.columns, nn::FileError, "read_csv: ", source, " line ", line_number,
                   " has ", fields.size(), " field(s), expected ", out.columns, " (the width of line ",
                   first_data_line, ")");
    for (std::size_t c = 0; c < fields.size(); ++c)
      out.values.push_back(parse_number(fields[c], source, line_number, c, out.column_names, options.dtype));
    out.line_of_row.push_back(line_number);
  }
  TAPEGRAD_CHECK(!out.line_of_row.empty(), nn::FileError, "read_csv: ", source, " has no data rows");
  return out;
}

Tensor to_tensor(std::span<const double> values, const Shape& shape, Dtype dtype) {
  if (dtype == Dtype::float64) return from(values, shape);
  std::vector<float> narrow(values.size());
  std::transform(values.begin(), values.end(), narrow.begin(),
                 [](double v) { return static_cast<float>(v); });
  return from<float>(narrow, shape);
}

}  // namespace

CsvTable parse_csv(std::string_view text, std::string_view source, const CsvOptions& options) {
  ParsedCsv parsed = parse(text, source, options);
  const auto rows = static_cast<std::int64_t>(parsed.line_of_row.size());
  return {std::move(parsed.column_names),
          to_tensor(parsed.values, {rows, static_cast<std::int64_t>(parsed.columns)}, options.dtype)};
}

CsvTable read_csv(const std::filesystem::path& path, const CsvOptions& options) {
  return parse_csv(detail::read_whole_file(path, "read_csv"), path.string(), options);
}

Dataset load_csv(const std::filesystem::path& path, const CsvOptions& options) {
  const std::string source = path.string();
  TAPEGRAD_CHECK(options.label_column.empty() || options.header, DomainError, "load_csv: label_column \"",
                 options.label_column, "\" needs header = true");
  TAPEGRAD_CHECK(options.num_classes >= 0, DomainError,
                 "load_csv: num_classes must be 0 (infer) or positive, got ", options.num_classes);
  const ParsedCsv parsed = parse(detail::read_whole_file(path, "load_csv"), source, options);
  const auto columns = static_cast<std::int64_t>(parsed.columns);

  std::int64_t label = options.label_index < 0 ? options.label_index + columns : options.label_index;
  if (!options.label_column.empty()) {
    const auto found =
        std::find(parsed.column_names.begin(), parsed.column_names.end(), options.label_column);
    std::string names;
    for (const std::string& name : parsed.column_names) {
      if (!names.empty()) names += ", ";
      const std::string shown = detail::printable(name);  // control characters escaped, quotes dropped
      names += shown.substr(1, shown.size() - 2);
    }
    TAPEGRAD_CHECK(found != parsed.column_names.end(), nn::FileError, "load_csv: ", source, " has no column ",
                   detail::printable(options.label_column), " (its columns: ", names, ")");
    label = found - parsed.column_names.begin();
  }
  TAPEGRAD_CHECK(label >= 0 && label < columns, nn::FileError, "load_csv: label_index ", options.label_index,
                 " is out of range for the ", columns, " column(s) of ", source);
  TAPEGRAD_CHECK(columns >= 2, nn::FileError, "load_csv: ", source,
                 " has only the label column, no feature column");

  const std::size_t rows = parsed.line_of_row.size();
  const auto width = static_cast<std::size_t>(columns);
  const auto label_column = static_cast<std::size_t>(label);
  std::vector<double> features;
  features.reserve(rows * (width - 1));
  std::vector<double> targets(rows);
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t c = 0; c < width; ++c)
      if (c != label_column) features.push_back(parsed.values[r * width + c]);
    targets[r] = parsed.values[r * width + label_column];
  }
  const Tensor x = to_tensor(features, {static_cast<std::int64_t>(rows), columns - 1}, options.dtype);
  if (options.target == CsvTarget::regression)
    return Dataset(x, to_tensor(targets, {static_cast<std::int64_t>(rows), 1}, options.dtype));

  std::vector<std::int64_t> labels(rows);
  std::int64_t largest = 0;
  for (std::size_t r = 0; r < rows; ++r) {
    const double v = targets[r];
    TAPEGRAD_CHECK(v >= 0.0 && v == std::floor(v) && v < 0x1p62, nn::FileError,
                   "load_csv: ", place(source, parsed.line_of_row[r], label_column, parsed.column_names),
                   ": label ", v, " is not a class number (a whole number 0, 1, ...)");
    labels[r] = static_cast<std::int64_t>(v);
    TAPEGRAD_CHECK(options.num_classes == 0 || labels[r] < options.num_classes, nn::FileError,
                   "load_csv: ", place(source, parsed.line_of_row[r], label_column, parsed.column_names),
                   ": label ", labels[r], " is out of range for ", options.num_classes, " classes");
    TAPEGRAD_CHECK(options.num_classes > 0 || labels[r] < kMaxInferredClasses, nn::FileError,
                   "load_csv: ", place(source, parsed.line_of_row[r], label_column, parsed.column_names),
                   ": label ", labels[r], " would make ", labels[r] + 1, " classes; load_csv infers at most ",
                   kMaxInferredClasses, " (set num_classes to allow more)");
    largest = std::max(largest, labels[r]);
  }
  return Dataset(x, std::move(labels), options.num_classes > 0 ? options.num_classes : largest + 1);
}

}  // namespace tapegrad::nn
