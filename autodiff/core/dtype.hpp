// SPDX-License-Identifier: MIT
// dtype.hpp: the element types a Tensor can hold.
// Two are enough for a CPU library: float32 for training (nn's default; twice the SIMD width and half
// the memory traffic) and float64 for gradient checking and for users who need the digits.
#pragma once

#include <cstddef>
#include <cstdint>
#include <ostream>
#include <string_view>

namespace tapegrad {

enum class Dtype : std::uint8_t { float32, float64 };

constexpr std::string_view name(Dtype d) noexcept {
  return d == Dtype::float32 ? "float32" : "float64";
}
constexpr std::size_t size_of(Dtype d) noexcept {
  return d == Dtype::float32 ? 4 : 8;
}

template <class T>
inline constexpr Dtype dtype_of = Dtype::float64;
template <>
inline constexpr Dtype dtype_of<float> = Dtype::float32;

inline std::ostream& operator<<(std::ostream& os, Dtype d) {
  return os << name(d);
}

}  // namespace tapegrad
