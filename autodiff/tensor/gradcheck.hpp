// SPDX-License-Identifier: MIT
// gradcheck.hpp: gradcheck for tensor-valued functions, in float64.
// Checks the vector-Jacobian product that backward() computes: for a fixed random weight G of f's output
// shape (reproducible from `seed`, never all ones, so every output element's gradient path is weighted
// differently), the tape's gradient of L = sum(f(x) * G) with respect to every input element is compared
// with the central difference of L, perturbing one element at a time (scalar gradcheck's step and
// tolerances).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "tapegrad/autodiff/scalar/gradcheck.hpp"
#include "tapegrad/autodiff/tape/tape.hpp"
#include "tapegrad/autodiff/tensor/ops.hpp"
#include "tapegrad/autodiff/tensor/tensor.hpp"

namespace tapegrad {

/// Checks f's gradient at `inputs` (float64 tensors; their values are copied, never modified). f takes
/// `const std::vector<Tensor>&` and returns a float64 Tensor built from tensor ops. The result's Jacobians
/// have one row (the weighted loss) and one column per input element, inputs concatenated in order,
/// row-major. Throws ShapeError on no inputs, a non-float64 input or output, or an output whose shape
/// changes under perturbation.
/// Example: `auto r = tensor_gradcheck([](const auto& x) { return tanh(matmul(x[0], x[1])); }, {a, b});
///           if (!r) std::puts(r.report().c_str());`
template <class F>
GradcheckResult tensor_gradcheck(F&& f, const std::vector<Tensor>& inputs,
                                 const GradcheckOptions& options = {}, std::uint64_t seed = 0x7e45012ULL) {
  TAPEGRAD_CHECK(!inputs.empty(), ShapeError,
                 "tensor_gradcheck: expected at least one input tensor, got none");
  std::vector<double> point;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    TAPEGRAD_CHECK(inputs[i].defined() && inputs[i].dtype() == Dtype::float64, ShapeError,
                   "tensor_gradcheck: inputs must be defined float64 tensors (differences need the digits), "
                   "input ",
                   i, " is not");
    const std::vector<double> v = inputs[i].to_vector<double>();
    point.insert(point.end(), v.begin(), v.end());
  }
  const auto check_output = [](const Tensor& y) {
    TAPEGRAD_CHECK(y.defined() && y.dtype() == Dtype::float64, ShapeError,
                   "tensor_gradcheck: the function must return a defined float64 tensor");
  };

  GradcheckResult result;
  result.outputs = 1;
  result.inputs = point.size();
  Tensor weight;
  {
    Tape tape;  // a scratch recording, gone with this scope
    std::vector<Tensor> leaves;
    for (const Tensor& t : inputs) leaves.push_back(t.clone().requires_grad_());
    const Tensor y = f(leaves);
    check_output(y);
    Generator gen(seed);
    weight = randn(y.shape(), gen, Dtype::float64);
    const Tensor loss = sum(y * weight);
    if (loss.requires_grad()) loss.backward();
    for (const Tensor& leaf : leaves) {
      const Tensor g = leaf.grad();
      const std::vector<double> v = g.defined()
                                        ? g.to_vector<double>()
                                        : std::vector<double>(static_cast<std::size_t>(leaf.numel()), 0.0);
      result.analytic.insert(result.analytic.end(), v.begin(), v.end());
    }
  }

  const auto loss_at = [&](std::span<const double> p) {
    NoGradGuard no_grad;
    std::vector<Tensor> x;
    std::size_t offset = 0;
    for (const Tensor& t : inputs) {
      const auto n = static_cast<std::size_t>(t.numel());
      x.push_back(from(p.subspan(offset, n), t.shape()));
      offset += n;
    }
    const Tensor y = f(x);
    check_output(y);
    TAPEGRAD_CHECK(y.shape() == weight.shape(), ShapeError,
                   "tensor_gradcheck: the output's shape changed from ", to_string(weight.shape()), " to ",
                   to_string(y.shape()), " under perturbation");
    return std::vector<double>{sum(y * weight).item()};
  };
  return detail::compare_with_differences(std::move(result), point, options, loss_at);
}

}  // namespace tapegrad
