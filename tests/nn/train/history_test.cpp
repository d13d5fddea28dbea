// SPDX-License-Identifier: MIT
// history_test.cpp: History columns, best epoch, CSV export, and its errors.
#include <doctest/doctest.h>

#include <cmath>
#include <sstream>
#include <string>
#include <vector>

#include "tapegrad/nn/nn.hpp"
#include "temp_dir.hpp"

using tapegrad::nn::EpochRecord;
using tapegrad::nn::Goal;
using tapegrad::nn::History;

namespace {

History three_epochs() {
  History h;
  h.append(
      {.train_loss = 0.9, .val_loss = 1.0, .val_accuracy = 0.5, .seconds = 1.5, .metrics = {{"lr", 0.1}}});
  h.append({.train_loss = 0.5, .val_loss = 0.6, .val_accuracy = 0.8, .seconds = 1.25});
  h.append({.train_loss = 0.25,
            .val_loss = 0.7,
            .val_accuracy = 0.75,
            .seconds = 1.0,
            .metrics = {{"grad norm, max", 3.0}, {"lr", 0.01}}});
  return h;
}

}  // namespace

TEST_CASE("History: epochs are numbered and columns read back, NaN where missing") {
  const History h = three_epochs();
  CHECK(h.size() == 3);
  CHECK(h[2].epoch == 3);
  CHECK(h.column_names() == std::vector<std::string>{"epoch", "train_loss", "val_loss", "val_accuracy",
                                                     "seconds", "lr", "grad norm, max"});
  CHECK(h.column("train_loss") == std::vector<double>{0.9, 0.5, 0.25});
  CHECK(h.column("epoch") == std::vector<double>{1, 2, 3});
  const std::vector<double> lr = h.column("lr");
  CHECK(lr[0] == 0.1);
  CHECK(std::isnan(lr[1]));
  CHECK(lr[2] == 0.01);
  CHECK_THROWS_WITH_AS(h.column("accuracy"),
                       doctest::Contains("no column 'accuracy' (the columns are epoch, "),
                       tapegrad::DomainError);
}

TEST_CASE("History: best finds the best finite value in either direction") {
  const History h = three_epochs();
  CHECK(h.best("val_loss").epoch == 2);
  CHECK(h.best("val_accuracy", Goal::maximize).epoch == 2);
  CHECK(h.best("train_loss").epoch == 3);
  CHECK(h.best("lr", Goal::maximize).epoch == 1);
  History empty;
  CHECK_THROWS_WITH_AS(empty.best("val_loss"),
                       doctest::Contains("column 'val_loss' has no finite value in 0 epoch(s)"),
                       tapegrad::DomainError);
}

TEST_CASE("History: CSV has a header, exact numbers, empty missing cells and quoted names") {
  std::ostringstream out;
  three_epochs().write_csv(out);
  CHECK(out.str() ==
        "epoch,train_loss,val_loss,val_accuracy,seconds,lr,\"grad norm, max\"\n"
        "1,0.9,1,0.5,1.5,0.1,\n"
        "2,0.5,0.6,0.8,1.25,,\n"
        "3,0.25,0.7,0.75,1,0.01,3\n");
  tapegrad::test::TempDir dir;
  three_epochs().save_csv(dir / "history.csv");
  CHECK(tapegrad::test::read_file(dir / "history.csv") == out.str());
}

TEST_CASE("History: epoch order and metric names are checked") {
  History h;
  h.append({.epoch = 5, .train_loss = 1.0});
  CHECK_THROWS_WITH_AS(h.append({.epoch = 5}), doctest::Contains("epoch 5 does not follow epoch 5"),
                       tapegrad::DomainError);
  h.append({});
  CHECK(h.back().epoch == 6);
  CHECK_THROWS_WITH_AS(h.append({.metrics = {{"val_loss", 1.0}}}),
                       doctest::Contains("'val_loss' is a standard column"), tapegrad::DomainError);
  CHECK_THROWS_WITH_AS(h.append({.metrics = {{"lr", 1.0}, {"lr", 2.0}}}),
                       doctest::Contains("metric 'lr' appears twice in epoch 7"), tapegrad::DomainError);
  CHECK_THROWS_WITH_AS(h.append({.metrics = {{"", 1.0}}}), doctest::Contains("empty name"),
                       tapegrad::DomainError);
  CHECK(h.size() == 2);
}
