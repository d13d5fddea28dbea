// SPDX-License-Identifier: MIT
// tensor_registry.hpp: the one list of every tensor op, and the test that an op is in it.
// detail::apply static_asserts is_registered<Op>, so an op left out of TensorOps does not compile; the
// tensor gradcheck test iterates TensorOps and needs gradcheck cases for each row, so a row without them
// does not compile either.
#pragma once

#include <tuple>
#include <type_traits>

#include "autodiff/ops/tensor_elementwise.hpp"
#include "autodiff/ops/tensor_index.hpp"
#include "autodiff/ops/tensor_linear.hpp"
#include "autodiff/ops/tensor_matmul.hpp"
#include "autodiff/ops/tensor_reduce.hpp"
#include "autodiff/ops/tensor_shape.hpp"
#include "autodiff/ops/tensor_softmax.hpp"
#include "autodiff/ops/tensor_where.hpp"

namespace tapegrad::ops::tensor {

/// Every row of the tensor derivatives table.
using TensorOps = decltype(std::tuple_cat(ElementwiseOps{}, ReduceOps{}, MatmulOps{}, ShapeOps{},
                                          SoftmaxOps{}, WhereOps{}, IndexOps{}, LinearOps{}));

template <class Op, class List>
struct in_list;
template <class Op, class... Ops>
struct in_list<Op, std::tuple<Ops...>> : std::bool_constant<(std::is_same_v<Op, Ops> || ...)> {};

/// True when Op has a row in TensorOps.
template <class Op>
inline constexpr bool is_registered = in_list<Op, TensorOps>::value;

}  // namespace tapegrad::ops::tensor

namespace tapegrad::ops {
using TensorOps = tensor::TensorOps;
}  // namespace tapegrad::ops
