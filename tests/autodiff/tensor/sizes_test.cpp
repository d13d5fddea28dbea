// SPDX-License-Identifier: MIT
// sizes_test.cpp: shapes whose element count or byte size cannot exist are refused with a ShapeError naming
// the op and the shape, before anything is allocated or read; memory the system will not give becomes an
// AllocationError, never a crash.
#include <doctest/doctest.h>

#include <cstdint>
#include <fstream>
#include <limits>

#include "tapegrad/autodiff/autodiff.hpp"

using tapegrad::ShapeError;
using tapegrad::Tensor;

namespace {
constexpr std::int64_t kHuge = std::int64_t{1} << 62;
constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
}  // namespace

TEST_CASE("sizes: numel refuses a product that overflows or exceeds max_numel") {
  CHECK(tapegrad::numel({2, 3}) == 6);
  CHECK(tapegrad::numel({}) == 1);
  CHECK(tapegrad::numel({0, 5}) == 0);
  CHECK(tapegrad::numel({tapegrad::max_numel}) == tapegrad::max_numel);
  CHECK_THROWS_WITH_AS(tapegrad::numel({3037000500, 3037000500}, "probe"),
                       doctest::Contains("probe: shape [3037000500, 3037000500] has more elements"),
                       ShapeError);
  CHECK_THROWS_AS(tapegrad::numel({tapegrad::max_numel, 2}), ShapeError);
  // An empty shape with impossible other dimensions is refused too (its strides would overflow).
  CHECK_THROWS_AS(tapegrad::numel({0, 4294967295, 4294967295}), ShapeError);
  CHECK_THROWS_WITH_AS(tapegrad::numel({2, -1}, "probe"),
                       doctest::Contains("probe: dimensions must be non-negative, got shape [2, -1]"),
                       ShapeError);
}

TEST_CASE("sizes: factories refuse impossible shapes, naming the op and the shape") {
  CHECK_THROWS_WITH_AS(tapegrad::zeros({kHuge, 4}),
                       doctest::Contains("zeros: shape [4611686018427387904, 4]"), ShapeError);
  CHECK_THROWS_WITH_AS(tapegrad::zeros({kMax}), doctest::Contains("zeros: shape [9223372036854775807]"),
                       ShapeError);
  CHECK_THROWS_WITH_AS(tapegrad::ones({3037000500, 3037000500}), doctest::Contains("ones: shape"),
                       ShapeError);
  CHECK_THROWS_WITH_AS(tapegrad::full({kHuge, 4}, 1.0), doctest::Contains("full: shape"), ShapeError);
  tapegrad::Generator gen(1);
  CHECK_THROWS_WITH_AS(tapegrad::randn({kHuge, 4}, gen), doctest::Contains("randn: shape"), ShapeError);
  CHECK_THROWS_WITH_AS(tapegrad::arange(0.0, 1e300, 1.0), doctest::Contains("arange:"), ShapeError);
  CHECK_THROWS_WITH_AS(tapegrad::zeros({2, -3}), doctest::Contains("zeros: dimensions must be non-negative"),
                       ShapeError);
}

TEST_CASE("sizes: reshape and broadcasting refuse element counts that overflow") {
  CHECK_THROWS_WITH_AS(tapegrad::reshape(tapegrad::ones({0}), {kHuge, 4}),
                       doctest::Contains("reshape: shape [4611686018427387904, 4]"), ShapeError);
  CHECK_THROWS_AS(tapegrad::reshape(tapegrad::ones({0}), {kHuge, 4, -1}), ShapeError);
  const Tensor a = tapegrad::zeros({1 << 22, 1});
  const Tensor b = tapegrad::zeros({1, 1 << 21});
  CHECK_THROWS_WITH_AS(a + b, doctest::Contains("shape [4194304, 2097152] has more elements"), ShapeError);
  CHECK_THROWS_WITH_AS(tapegrad::lt(a, b), doctest::Contains("[4194304, 2097152]"), ShapeError);
}

TEST_CASE("sizes: a buffer the system cannot give is an AllocationError") {
  // With overcommit_memory = 1 (always), Linux grants any size and the fill would wake the OOM killer.
  std::ifstream policy("/proc/sys/vm/overcommit_memory");
  int overcommit = 0;
  policy >> overcommit;
  if (overcommit == 1) {
    MESSAGE("vm.overcommit_memory = 1: an 8 TiB allocation would succeed; not tried");
    return;
  }
  // 2^41 float32 elements: 8 TiB, allowed by max_numel but beyond any machine this runs on.
  CHECK_THROWS_WITH_AS(tapegrad::zeros({std::int64_t{1} << 41}),
                       doctest::Contains("tensor: cannot allocate 8796093022208 bytes"),
                       tapegrad::AllocationError);
  // The process is fine afterwards.
  CHECK(tapegrad::zeros({4}).numel() == 4);
}
