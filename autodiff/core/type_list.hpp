// SPDX-License-Identifier: MIT
// type_list.hpp: whether a type is in a std::tuple of types, for the derivatives tables' registries
// (ops/registry.hpp, tensor/rows/registry.hpp): an op left out of its table fails a static_assert.
#pragma once

#include <tuple>
#include <type_traits>

namespace tapegrad::detail {

template <class T, class List>
struct in_list;
template <class T, class... Ts>
struct in_list<T, std::tuple<Ts...>> : std::bool_constant<(std::is_same_v<T, Ts> || ...)> {};

/// True when T is one of the types of the std::tuple List. Example: `in_list_v<ops::Exp, ops::UnaryOps>`.
template <class T, class List>
inline constexpr bool in_list_v = in_list<T, List>::value;

}  // namespace tapegrad::detail
