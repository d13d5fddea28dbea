// SPDX-License-Identifier: MIT
// registry.hpp: the one list of every scalar op, and the test that an op is in it.
// The expression nodes static_assert(is_registered<Op>), so an op written but left out of the table
// does not compile; the gradcheck test iterates UnaryOps/BinaryOps/TernaryOps, so every op in the
// table is checked against central differences.
#pragma once

#include <tuple>
#include <type_traits>

#include "tapegrad/autodiff/core/type_list.hpp"
#include "tapegrad/autodiff/ops/binary.hpp"
#include "tapegrad/autodiff/ops/unary.hpp"

namespace tapegrad::ops {

/// True when Op has a row in one of the derivatives tables.
template <class Op>
inline constexpr bool is_registered =
    detail::in_list_v<Op, UnaryOps> || detail::in_list_v<Op, BinaryOps> || detail::in_list_v<Op, TernaryOps>;

/// Number of rows in the scalar derivatives table (the gradcheck test checks it covers them all).
inline constexpr std::size_t kScalarOpCount =
    std::tuple_size_v<UnaryOps> + std::tuple_size_v<BinaryOps> + std::tuple_size_v<TernaryOps>;

}  // namespace tapegrad::ops
