// SPDX-License-Identifier: MIT
// registry.hpp: the one list of every scalar op, and the test that an op is in it.
// The expression nodes static_assert(is_registered<Op>), so an op written but left out of the table
// does not compile; the gradcheck test iterates UnaryOps/BinaryOps/TernaryOps, so every op in the
// table is checked against central differences.
#pragma once

#include <concepts>
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

/// True when Op's row has what second order needs (forward/dual.hpp, hvp and hessian): its second
/// derivatives (`second`; `d_aa d_ab d_bb`; or the six of a ternary row), or `second_is_zero = true`.
/// Dual<Var> static_asserts it, and the second-order test checks it for every row, so a row added
/// without them fails to build.
template <class Op>
concept has_second_derivative = requires {
  requires Op::second_is_zero;
}
|| requires(double x) {
  { Op::second(x, x) } -> std::same_as<double>;
}
|| requires(double x) {
  { Op::d_aa(x, x, x) } -> std::same_as<double>;
  { Op::d_ab(x, x, x) } -> std::same_as<double>;
  { Op::d_bb(x, x, x) } -> std::same_as<double>;
}
|| requires(double x) {
  { Op::d_aa(x, x, x, x) } -> std::same_as<double>;
  { Op::d_ab(x, x, x, x) } -> std::same_as<double>;
  { Op::d_ac(x, x, x, x) } -> std::same_as<double>;
  { Op::d_bb(x, x, x, x) } -> std::same_as<double>;
  { Op::d_bc(x, x, x, x) } -> std::same_as<double>;
  { Op::d_cc(x, x, x, x) } -> std::same_as<double>;
};

template <class List>
inline constexpr bool all_have_second_derivatives = false;
template <class... Ops>
inline constexpr bool all_have_second_derivatives<std::tuple<Ops...>> = (has_second_derivative<Ops> && ...);

/// Number of rows in the scalar derivatives table (the gradcheck test checks it covers them all).
inline constexpr std::size_t kScalarOpCount =
    std::tuple_size_v<UnaryOps> + std::tuple_size_v<BinaryOps> + std::tuple_size_v<TernaryOps>;

}  // namespace tapegrad::ops
