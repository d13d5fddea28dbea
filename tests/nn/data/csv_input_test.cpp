// SPDX-License-Identifier: MIT
// csv_input_test.cpp: what spreadsheets and other systems put in CSV files. A UTF-8 byte order mark,
// CRLF and lone-CR line ends read like plain files; invisible characters in an error message are shown
// escaped; values beyond float32 are refused for a float32 table; a huge label cannot ask for 10^15 classes.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "tapegrad/nn/nn.hpp"
#include "temp_dir.hpp"

using tapegrad::Dtype;
using tapegrad::nn::CsvOptions;
using tapegrad::nn::FileError;
using tapegrad::test::TempDir;
using tapegrad::test::write_file;

TEST_CASE("read_csv: a UTF-8 byte order mark is not part of the first column's name") {
  const auto table = tapegrad::nn::parse_csv("\xEF\xBB\xBFwidth,label\n1,0\n2,1\n", "bom", {.header = true});
  REQUIRE(table.column_names.size() == 2);
  CHECK(table.column_names[0] == "width");
  TempDir dir;
  write_file(dir / "bom.csv", "\xEF\xBB\xBFx,y,label\n1,2,0\n3,4,1\n");
  const auto data = tapegrad::nn::load_csv(dir / "bom.csv", {.header = true, .label_column = "x"});
  CHECK(data.size() == 2);
  // Without a header the mark does not turn the first number into text either.
  CHECK(tapegrad::nn::parse_csv("\xEF\xBB\xBF"
                                "1,2\n",
                                "bom")
            .values.to_vector<float>() == std::vector<float>{1, 2});
}

TEST_CASE("read_csv: CRLF and lone CR line ends split lines like LF") {
  const std::vector<float> expected{1, 2, 3, 4, 5, 6};
  CHECK(tapegrad::nn::parse_csv("1,2\r\n3,4\r\n5,6\r\n", "crlf").values.to_vector<float>() == expected);
  CHECK(tapegrad::nn::parse_csv("1,2\r3,4\r5,6", "cr").values.to_vector<float>() == expected);
  CHECK(tapegrad::nn::parse_csv("1,2\n3,4\r\n5,6\r", "mixed").values.to_vector<float>() == expected);
  // Line numbers count a lone CR as a line end too.
  CHECK_THROWS_WITH_AS(tapegrad::nn::parse_csv("1,2\r3,x\r", "cr"),
                       doctest::Contains("cr line 2, column 2: \"x\" is not a number"), FileError);
}

TEST_CASE("read_csv: control characters in a message are shown escaped") {
  CHECK_THROWS_WITH_AS(tapegrad::nn::parse_csv("1,2\x1b[0m3\n", "ctl"),
                       doctest::Contains("\"2\\x1b[0m3\" is not a number"), FileError);
  CHECK_THROWS_WITH_AS(tapegrad::nn::parse_csv("1,2\x01\n", "ctl"),
                       doctest::Contains("\"2\\x01\" is not a number"), FileError);
  CHECK_THROWS_WITH_AS(tapegrad::nn::parse_csv("a\tb,c\n1,x\n", "ctl", {.header = true}),
                       doctest::Contains("column 2 (\"c\"): \"x\" is not a number"), FileError);
}

TEST_CASE("read_csv: a value beyond float32 is refused for a float32 table, kept for float64") {
  CHECK_THROWS_WITH_AS(tapegrad::nn::parse_csv("1,1e300\n", "big"),
                       doctest::Contains("big line 1, column 2: \"1e300\" is out of the range of float32"),
                       FileError);
  CHECK_THROWS_WITH_AS(tapegrad::nn::parse_csv("1,-3.5e38\n", "big"),
                       doctest::Contains("\"-3.5e38\" is out of the range of float32"), FileError);
  CHECK(tapegrad::nn::parse_csv("1,3.4e38\n", "edge").values.to_vector<float>()[1] == 3.4e38f);
  const auto wide = tapegrad::nn::parse_csv("1,1e300\n", "big", {.dtype = Dtype::float64});
  CHECK(wide.values.to_vector<double>()[1] == 1e300);
}

TEST_CASE("load_csv: a label too large to infer the class count from is refused") {
  TempDir dir;
  write_file(dir / "labels.csv", "x,label\n0.5,0\n0.25,1e15\n");
  CHECK_THROWS_WITH_AS(tapegrad::nn::load_csv(dir / "labels.csv", {.header = true}),
                       doctest::Contains("line 3, column 2 (\"label\"): label 1000000000000000 would make "
                                         "1000000000000001 classes; load_csv infers at most 65536"),
                       FileError);
  write_file(dir / "ok.csv", "x,label\n0.5,0\n0.25,65535\n");
  CHECK(tapegrad::nn::load_csv(dir / "ok.csv", {.header = true}).num_classes() == 65536);
}
