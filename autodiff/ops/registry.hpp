// SPDX-License-Identifier: MIT
// registry.hpp: the one list of every scalar op, and the test that an op is in it.
// The expression nodes static_assert(is_registered<Op>), so an op written but left out of the table
// does not compile; the gradcheck test iterates UnaryOps/BinaryOps/TernaryOps, so every op in the
// table is checked against central differences.
#pragma once

#include <tuple>
#include <type_traits>

#include "tapegrad/autodiff/ops/binary.hpp"
#include "tapegrad/autodiff/ops/unary.hpp"

namespace tapegrad::ops {

template <class Op, class List>
struct in_list;
template <class Op, class... Ops>
struct in_list<Op, std::tuple<Ops...>> : std::bool_constant<(std::is_same_v<Op, Ops> || ...)> {};

/// True when Op has a row in one of the derivatives tables.
template <class Op>
inline constexpr bool is_registered =
    in_list<Op, UnaryOps>::value || in_list<Op, BinaryOps>::value || in_list<Op, TernaryOps>::value;

/// Number of rows in the scalar derivatives table (the gradcheck test checks it covers them all).
inline constexpr std::size_t kScalarOpCount =
    std::tuple_size_v<UnaryOps> + std::tuple_size_v<BinaryOps> + std::tuple_size_v<TernaryOps>;

}  // namespace tapegrad::ops
