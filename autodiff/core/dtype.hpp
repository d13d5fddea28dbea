// SPDX-License-Identifier: MIT
// dtype.hpp: the element types a Tensor can hold.
// Two float types are enough for a CPU library: float32 for training (nn's default; twice the SIMD width
// and half the memory traffic) and float64 for gradient checking and for users who need the digits.
// int64 holds indices as data (token ids for embedding, class labels): factories, to_vector and printing
// accept it, no differentiable op does (it is never differentiable), and a float op given one throws
// ShapeError naming the op and the dtype.
#pragma once

#include <cstddef>
#include <cstdint>
#include <ostream>
#include <string_view>

namespace tapegrad {

enum class Dtype : std::uint8_t { float32, float64, int64 };

constexpr std::string_view name(Dtype d) noexcept {
  return d == Dtype::float32 ? "float32" : d == Dtype::float64 ? "float64" : "int64";
}
constexpr std::size_t size_of(Dtype d) noexcept {
  return d == Dtype::float32 ? 4 : 8;
}
/// True for float32 and float64: the dtypes ops compute and differentiate in.
constexpr bool is_floating(Dtype d) noexcept {
  return d != Dtype::int64;
}

template <class T>
inline constexpr Dtype dtype_of = Dtype::float64;
template <>
inline constexpr Dtype dtype_of<float> = Dtype::float32;
template <>
inline constexpr Dtype dtype_of<std::int64_t> = Dtype::int64;

inline std::ostream& operator<<(std::ostream& os, Dtype d) {
  return os << name(d);
}

}  // namespace tapegrad
