// SPDX-License-Identifier: MIT
// registry.hpp: the one list of every tensor op, and the test that an op is in it.
// detail::apply static_asserts is_registered<Op>, so an op left out of TensorOps does not compile; the
// tensor gradcheck test iterates TensorOps and needs gradcheck cases for each row, so a row without them
// does not compile either.
#pragma once

#include <tuple>
#include <type_traits>

#include "tapegrad/autodiff/core/type_list.hpp"
#include "tapegrad/autodiff/tensor/rows/conv.hpp"
#include "tapegrad/autodiff/tensor/rows/elementwise.hpp"
#include "tapegrad/autodiff/tensor/rows/embedding.hpp"
#include "tapegrad/autodiff/tensor/rows/index.hpp"
#include "tapegrad/autodiff/tensor/rows/linear.hpp"
#include "tapegrad/autodiff/tensor/rows/matmul.hpp"
#include "tapegrad/autodiff/tensor/rows/norm.hpp"
#include "tapegrad/autodiff/tensor/rows/pool.hpp"
#include "tapegrad/autodiff/tensor/rows/recurrent.hpp"
#include "tapegrad/autodiff/tensor/rows/reduce.hpp"
#include "tapegrad/autodiff/tensor/rows/shape.hpp"
#include "tapegrad/autodiff/tensor/rows/softmax.hpp"
#include "tapegrad/autodiff/tensor/rows/where.hpp"

namespace tapegrad::ops::tensor {

/// Every row of the tensor derivatives table.
using TensorOps = decltype(std::tuple_cat(ElementwiseOps{}, ReduceOps{}, MatmulOps{}, ShapeOps{}, SoftmaxOps{},
                                          WhereOps{}, IndexOps{}, LinearOps{}, EmbeddingOps{}, ConvOps{},
                                          PoolOps{}, NormOps{}, RecurrentOps{}));

/// True when Op has a row in TensorOps.
template <class Op>
inline constexpr bool is_registered = tapegrad::detail::in_list_v<Op, TensorOps>;

}  // namespace tapegrad::ops::tensor

namespace tapegrad::ops {
using TensorOps = tensor::TensorOps;
}  // namespace tapegrad::ops
