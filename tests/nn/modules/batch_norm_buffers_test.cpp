// SPDX-License-Identifier: MIT
// batch_norm_buffers_test.cpp: BatchNorm's num_batches_tracked is an int64 0-D buffer, as PyTorch's: it
// counts training batches only, resets, drives momentum None, and round-trips through checkpoints as int64.
#include <doctest/doctest.h>

#include <cstdint>
#include <optional>
#include <vector>

#include "tapegrad/nn/nn.hpp"
#include "temp_dir.hpp"

namespace nn = tapegrad::nn;
using tapegrad::Dtype;
using tapegrad::Tensor;

namespace {
std::int64_t batches(const nn::BatchNormBase& bn) {
  return bn.num_batches_tracked().data<std::int64_t>()[0];
}
Tensor batch(double shift) {
  return tapegrad::from<double>({shift - 1, shift, shift + 1}, {3, 1});
}
}  // namespace

TEST_CASE("BatchNorm: num_batches_tracked is an int64 scalar that counts training batches only") {
  nn::BatchNorm1d bn({.num_features = 1, .dtype = Dtype::float64});
  const Tensor count = bn.num_batches_tracked();
  CHECK(count.dtype() == Dtype::int64);
  CHECK(count.shape() == tapegrad::Shape{});
  CHECK(bn.named_buffers()[2].second.dtype() == Dtype::int64);
  CHECK(batches(bn) == 0);
  for (int i = 0; i < 3; ++i) bn(batch(i));
  CHECK(batches(bn) == 3);
  bn.eval();
  bn(batch(5.0));
  CHECK(batches(bn) == 3);  // evaluation reads the statistics and counts nothing
  bn.reset_running_stats();
  CHECK(batches(bn) == 0);
  CHECK(bn.running_mean().item() == 0.0);
  CHECK(bn.running_var().item() == 1.0);
  CHECK_FALSE(
      nn::BatchNorm2d({.num_features = 2, .track_running_stats = false}).num_batches_tracked().defined());
}

TEST_CASE(
    "BatchNorm: an int64 num_batches_tracked round-trips through a checkpoint and keeps momentum None "
    "exact") {
  tapegrad::test::TempDir dir;
  nn::BatchNorm1d a({.num_features = 1, .momentum = std::nullopt, .dtype = Dtype::float64});
  for (double shift : {1.0, 3.0, 8.0}) a(batch(shift));
  nn::save_checkpoint(dir.path() / "bn.tgc", a.state_dict());

  nn::BatchNorm1d b({.num_features = 1, .momentum = std::nullopt, .dtype = Dtype::float64});
  nn::load_checkpoint(dir.path() / "bn.tgc", b.state_dict());
  CHECK(b.num_batches_tracked().dtype() == Dtype::int64);
  CHECK(batches(b) == 3);
  // Cumulative average of the batch means 1, 3, 8: 4; a fourth batch of mean 12 weighs in with 1/4.
  CHECK(b.running_mean().item() == doctest::Approx(4.0));
  b(batch(12.0));
  CHECK(batches(b) == 4);
  CHECK(b.running_mean().item() == doctest::Approx((1.0 + 3.0 + 8.0 + 12.0) / 4.0));

  // A destination whose counter is not int64 is refused, naming the buffer and both dtypes.
  const nn::NamedTensors wrong = {{"weight", b.weight()},
                                  {"bias", b.bias()},
                                  {"running_mean", b.running_mean()},
                                  {"running_var", b.running_var()},
                                  {"num_batches_tracked", tapegrad::zeros({}, Dtype::float64)}};
  CHECK_THROWS_WITH_AS(
      nn::load_checkpoint(dir.path() / "bn.tgc", wrong),
      doctest::Contains("'num_batches_tracked' is int64 in the file but float64 in the destination"),
      tapegrad::ShapeError);
}
