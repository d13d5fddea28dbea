// SPDX-License-Identifier: MIT
// csv_test.cpp: read_csv / load_csv on small files written by the tests, their error messages (file, line,
// column), and one smoke test on the real datasets of examples/data.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "tapegrad/nn/nn.hpp"
#include "temp_dir.hpp"

using tapegrad::Dtype;
using tapegrad::nn::CsvOptions;
using tapegrad::nn::CsvTarget;
using tapegrad::nn::FileError;
using tapegrad::test::TempDir;
using tapegrad::test::write_file;

TEST_CASE("read_csv: numbers, a header, blank lines, CRLF, spaces, quotes and a leading plus") {
  TempDir dir;
  write_file(dir / "t.csv", "a, \"b \"\"x\"\"\" ,c\r\n1,2.5,-3\r\n\r\n +4 , 5e-1,\"6\"\n");
  const auto table = tapegrad::nn::read_csv(dir / "t.csv", {.header = true, .dtype = Dtype::float64});
  CHECK(table.column_names == std::vector<std::string>{"a", "b \"x\"", "c"});
  CHECK(table.values.shape() == tapegrad::Shape{2, 3});
  CHECK(table.values.to_vector<double>() == std::vector<double>{1, 2.5, -3, 4, 0.5, 6});
  CHECK(tapegrad::nn::read_csv(dir / "t.csv", {.header = true}).values.dtype() == Dtype::float32);
}

TEST_CASE("read_csv: other delimiters, and no header") {
  const auto table = tapegrad::nn::parse_csv("1;2\n3;4", "inline", {.delimiter = ';'});
  CHECK(table.column_names.empty());
  CHECK(table.values.to_vector<float>() == std::vector<float>{1, 2, 3, 4});
}

TEST_CASE("read_csv: a ragged row names the file, the line and the expected width") {
  TempDir dir;
  write_file(dir / "ragged.csv", "1,2,3\n4,5,6\n\n7,8\n");
  CHECK_THROWS_WITH_AS(
      tapegrad::nn::read_csv(dir / "ragged.csv"),
      doctest::Contains("ragged.csv line 4 has 2 field(s), expected 3 (the width of line 1)"), FileError);
  // With a header, the header sets the width.
  CHECK_THROWS_WITH_AS(tapegrad::nn::parse_csv("x,y\n1,2,3\n", "h.csv", {.header = true}),
                       doctest::Contains("h.csv line 2 has 3 field(s), expected 2 (the width of line 1)"),
                       FileError);
}

TEST_CASE("read_csv: a non-numeric field names the file, line, column and column name") {
  TempDir dir;
  write_file(dir / "bad.csv", "width,height\n1,2\n3,abc\n");
  CHECK_THROWS_WITH_AS(tapegrad::nn::read_csv(dir / "bad.csv", {.header = true}),
                       doctest::Contains("bad.csv line 3, column 2 (\"height\"): \"abc\" is not a number"),
                       FileError);
  CHECK_THROWS_WITH_AS(tapegrad::nn::parse_csv("1,2x\n", "s", {}),
                       doctest::Contains("s line 1, column 2: \"2x\" is not a number"), FileError);
  CHECK_THROWS_WITH_AS(tapegrad::nn::parse_csv("1,,3\n", "s", {}),
                       doctest::Contains("s line 1, column 2: empty field, expected a number"), FileError);
  CHECK_THROWS_WITH_AS(tapegrad::nn::parse_csv("1,nan\n", "s", {}),
                       doctest::Contains("column 2: \"nan\" is not a finite number"), FileError);
  CHECK_THROWS_WITH_AS(tapegrad::nn::parse_csv("1e999\n", "s", {}), doctest::Contains("out of the range"),
                       FileError);
  CHECK_THROWS_WITH_AS(tapegrad::nn::parse_csv("\"1,2\n", "s", {}),
                       doctest::Contains("s line 1, column 1: unterminated quoted field"), FileError);
  CHECK_THROWS_WITH_AS(tapegrad::nn::parse_csv("\"1\"x,2\n", "s", {}),
                       doctest::Contains("unexpected text after a quoted field"), FileError);
}

TEST_CASE("read_csv: missing files and files without data are errors naming the file") {
  TempDir dir;
  CHECK_THROWS_WITH_AS(tapegrad::nn::read_csv(dir / "absent.csv"),
                       doctest::Contains("absent.csv: No such file or directory"), FileError);
  write_file(dir / "empty.csv", "\n\n");
  CHECK_THROWS_WITH_AS(tapegrad::nn::read_csv(dir / "empty.csv"),
                       doctest::Contains("empty.csv has no data rows"), FileError);
  write_file(dir / "header_only.csv", "a,b\n");
  CHECK_THROWS_WITH_AS(tapegrad::nn::read_csv(dir / "header_only.csv", {.header = true}),
                       doctest::Contains("has no data rows"), FileError);
  CHECK_THROWS_WITH_AS(tapegrad::nn::read_csv(dir.path()), doctest::Contains("is a directory"), FileError);
}

TEST_CASE("load_csv: the label column by index or by name, the rest are features") {
  TempDir dir;
  write_file(dir / "d.csv", "f1,label,f2\n0.5,1,7\n1.5,0,8\n2.5,2,9\n");
  const auto by_name = tapegrad::nn::load_csv(dir / "d.csv", {.header = true, .label_column = "label"});
  CHECK(by_name.num_features() == 2);
  CHECK(by_name.features().to_vector<float>() == std::vector<float>{0.5f, 7, 1.5f, 8, 2.5f, 9});
  CHECK(std::vector<std::int64_t>(by_name.labels().begin(), by_name.labels().end()) ==
        std::vector<std::int64_t>{1, 0, 2});
  CHECK(by_name.num_classes() == 3);
  const auto by_index =
      tapegrad::nn::load_csv(dir / "d.csv", {.header = true, .label_index = 1, .num_classes = 5});
  CHECK(by_index.num_classes() == 5);
  CHECK(by_index.features().to_vector<float>() == by_name.features().to_vector<float>());
  // Default: the last column.
  const auto last = tapegrad::nn::load_csv(dir / "d.csv", {.header = true, .num_classes = 10});
  CHECK(std::vector<std::int64_t>(last.labels().begin(), last.labels().end()) ==
        std::vector<std::int64_t>{7, 8, 9});
  const auto reg = tapegrad::nn::load_csv(
      dir / "d.csv",
      {.header = true, .dtype = Dtype::float64, .label_index = 0, .target = CsvTarget::regression});
  CHECK(reg.targets().to_vector<double>() == std::vector<double>{0.5, 1.5, 2.5});
  CHECK(reg.features().shape() == tapegrad::Shape{3, 2});
}

TEST_CASE("load_csv: bad label columns and labels name the file and the line") {
  TempDir dir;
  write_file(dir / "d.csv", "x,y\n1,0\n2,1.5\n");
  CHECK_THROWS_WITH_AS(tapegrad::nn::load_csv(dir / "d.csv", {.header = true}),
                       doctest::Contains("d.csv line 3, column 2 (\"y\"): label 1.5 is not a class number"),
                       FileError);
  write_file(dir / "neg.csv", "1,0\n2,-1\n");
  CHECK_THROWS_WITH_AS(tapegrad::nn::load_csv(dir / "neg.csv"),
                       doctest::Contains("neg.csv line 2, column 2: label -1"), FileError);
  write_file(dir / "big.csv", "1,0\n2,3\n");
  CHECK_THROWS_WITH_AS(tapegrad::nn::load_csv(dir / "big.csv", {.num_classes = 3}),
                       doctest::Contains("big.csv line 2, column 2: label 3 is out of range for 3 classes"),
                       FileError);
  CHECK_THROWS_WITH_AS(tapegrad::nn::load_csv(dir / "d.csv", {.header = true, .label_column = "z"}),
                       doctest::Contains("d.csv has no column \"z\" (its columns: x, y)"), FileError);
  CHECK_THROWS_WITH_AS(tapegrad::nn::load_csv(dir / "d.csv", {.label_column = "y"}),
                       doctest::Contains("label_column \"y\" needs header = true"), tapegrad::DomainError);
  CHECK_THROWS_WITH_AS(tapegrad::nn::load_csv(dir / "big.csv", {.label_index = 2}),
                       doctest::Contains("label_index 2 is out of range for the 2 column(s)"), FileError);
  write_file(dir / "one.csv", "1\n2\n");
  CHECK_THROWS_WITH_AS(tapegrad::nn::load_csv(dir / "one.csv"), doctest::Contains("no feature column"),
                       FileError);
}

TEST_CASE("load_csv: the shipped Iris and digits files load with the expected shapes and classes") {
  const std::string data_dir = TAPEGRAD_EXAMPLES_DATA_DIR;
  const auto iris = tapegrad::nn::load_csv(data_dir + "/iris.csv", {.header = true});
  CHECK(iris.size() == 150);
  CHECK(iris.num_features() == 4);
  CHECK(iris.num_classes() == 3);
  CHECK(std::count(iris.labels().begin(), iris.labels().end(), 1) == 50);
  CHECK(iris.features().to_vector<float>()[0] == doctest::Approx(5.1));  // the first flower's sepal length
  const auto digits = tapegrad::nn::load_csv(data_dir + "/digits.csv");
  CHECK(digits.size() == 1797);
  CHECK(digits.num_features() == 64);
  CHECK(digits.num_classes() == 10);
  const std::vector<float> pixels = digits.features().to_vector<float>();
  CHECK(*std::max_element(pixels.begin(), pixels.end()) == 16.0f);
  CHECK(*std::min_element(pixels.begin(), pixels.end()) == 0.0f);
}
