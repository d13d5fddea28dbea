// SPDX-License-Identifier: MIT
// csv.hpp: numeric CSV files as a tensor (read_csv) or as a Dataset with one label column (load_csv).
// Every field must be a finite number in the table's dtype (parsed with std::from_chars: locale-independent
// and exact; 1e300 is refused for float32), every row as wide as the first; anything else is a FileError
// naming the file, the line and the column, so a broken dataset is found at load time rather than as a NaN
// loss twenty epochs later. Blank lines are skipped, a UTF-8 byte order mark is ignored, lines may end in
// "\n", "\r\n" or a lone "\r", and a field may be double-quoted ("" is a quote inside). Messages quote the
// file's text with control characters escaped ("2\r3"). See docs/reliability.md.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "tapegrad/autodiff/tensor/tensor.hpp"
#include "tapegrad/nn/data/dataset.hpp"

namespace tapegrad::nn {

/// What load_csv makes of the label column.
enum class CsvTarget : std::uint8_t {
  class_label,  ///< whole numbers 0, 1, ...: a classification Dataset
  regression,   ///< any number: a regression Dataset with targets [n, 1]
};

/// How to read a CSV file. The first three fields apply to read_csv and load_csv, the rest to load_csv.
struct CsvOptions {
  /// The first non-blank line holds column names, not numbers.
  bool header = false;
  char delimiter = ',';
  Dtype dtype = Dtype::float32;
  /// The label column by name (needs header); when empty, label_index is used.
  std::string label_column{};
  /// The label column by position, 0-based; negative counts from the end (-1: the last column).
  std::int64_t label_index = -1;
  CsvTarget target = CsvTarget::class_label;
  /// Number of classes for CsvTarget::class_label; 0 takes the largest label + 1.
  std::int64_t num_classes = 0;
};

/// A numeric table: values [rows, columns], and the header's names when there was one.
struct CsvTable {
  std::vector<std::string> column_names;
  Tensor values;
};

/// Reads every column of a numeric CSV file into a [rows, columns] tensor of options.dtype.
/// Throws FileError if the file cannot be read, has no data row, a row has a different number of fields
/// than the first ("line 7 has 4 fields, expected 5"), or a field is empty, not a number, not finite or (for
/// float32) beyond float32's range ("line 3, column 2 ("petal_width"): "abc" is not a number"); lines count
/// from 1 and include the header. A FIFO, device or directory is refused (nn/io/file_io.hpp).
/// Example: `auto table = nn::read_csv("data.csv", {.header = true}); table.values.shape();  // [rows, cols]`
CsvTable read_csv(const std::filesystem::path& path, const CsvOptions& options = {});

/// read_csv on text already in memory; `source` names it in error messages.
/// Example: `auto table = nn::parse_csv("1,2\n3,4\n", "inline");`
CsvTable parse_csv(std::string_view text, std::string_view source, const CsvOptions& options = {});

/// Reads a CSV file as a Dataset: the label column (options.label_column or label_index) becomes the class
/// labels or the regression targets, every other column a feature, in file order.
/// Throws what read_csv throws, plus FileError for a label column that does not exist, a table with no
/// feature column, and (class_label) a label that is not a whole number in [0, num_classes), or with
/// num_classes = 0 a label of 65536 or more (at most 65536 classes are inferred), naming the line; DomainError if label_column is given without header or num_classes is negative.
/// Example: `auto iris = nn::load_csv("examples/data/iris.csv", {.header = true});  // 4 features, 3 classes`
Dataset load_csv(const std::filesystem::path& path, const CsvOptions& options = {});

}  // namespace tapegrad::nn
