// SPDX-License-Identifier: MIT
// custom.hpp: a tensor op whose forward and backward the user writes (PyTorch's autograd.Function).
//
// For tensor code tapegrad cannot see through: a linear solve in another library, a kernel of one's
// own, a simulation step with a hand-derived adjoint. The op is an object with two members:
//   Tensor forward(const std::vector<Tensor>& inputs)                      (runs with recording off)
//   std::vector<Tensor> backward(const std::vector<Tensor>& inputs, const Tensor& output,
//                                const Tensor& grad_output)                (one gradient per input)
// custom_op runs forward and, if an input requires grad, records ONE external record that calls
// backward when the reverse sweep reaches it, in the same reverse order as every other op. The object
// is kept in the record, so forward may store in it what backward needs (PyTorch's ctx). This is the
// one way a user-supplied tensor derivative enters the tape (docs/architecture.md).
#pragma once

#include <concepts>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tapegrad/autodiff/tape/tape.hpp"
#include "tapegrad/autodiff/tensor/tensor.hpp"

namespace tapegrad {

/// What custom_op needs of a user op (see the file comment).
template <class Op>
concept CustomTensorOp = requires(Op& op, const std::vector<Tensor>& in, const Tensor& t) {
  { op.forward(in) } -> std::convertible_to<Tensor>;
  { op.backward(in, t, t) } -> std::convertible_to<std::vector<Tensor>>;
};

namespace detail {
/// Checks the inputs (defined, one tape) before forward runs; throws ShapeError / TapeError naming `name`.
/// Returns whether the op must be recorded (recording on and some input requires grad).
bool custom_op_needs_record(std::string_view name, const std::vector<Tensor>& inputs);
/// Checks forward's result and makes it a fresh tensor that can carry the op's statement (a copy if it
/// is an input or a tensor that requires grad, so that marking it never touches another tensor).
Tensor custom_op_output(std::string_view name, const std::vector<Tensor>& inputs, Tensor output);
/// Marks `output` as produced by the statement `index` of `tape`.
void custom_op_mark(Tensor& output, const Tape& tape, std::uint32_t index);
/// The output's gradient as a tensor, or an undefined one if this sweep did not reach the output.
Tensor custom_op_grad_output(const Tensor& output);
/// Adds backward's gradients into the inputs' grads and releases the output's gradient (consumed).
/// Throws ShapeError naming `name` for a wrong count, shape or dtype of gradients.
void custom_op_accumulate(std::string_view name, const std::vector<Tensor>& inputs, const Tensor& output,
                          const std::vector<Tensor>& grads);

template <class Op>
class CustomOpRecord final : public ExternalRecord {
 public:
  CustomOpRecord(Op&& op, std::string name, std::vector<Tensor>&& inputs, Tensor output)
      : op_(std::move(op)), name_(std::move(name)), inputs_(std::move(inputs)), output_(std::move(output)) {}

  void backward(Tape& /*tape*/) override {
    const Tensor grad_output = custom_op_grad_output(output_);
    if (!grad_output.defined()) return;  // the output was not reached by this sweep
    std::vector<Tensor> grads;
    {
      NoGradGuard no_grad;  // the user's backward computes plain values: nothing to record
      grads = op_.backward(inputs_, output_, grad_output);
    }
    custom_op_accumulate(name_, inputs_, output_, grads);
  }

 private:
  Op op_;
  std::string name_;
  std::vector<Tensor> inputs_;
  Tensor output_;
};
}  // namespace detail

/// Runs op.forward(inputs) with recording off and, when some input requires grad, records the op so that
/// backward() calls op.backward(inputs, output, grad_output). backward returns one tensor per input, of
/// that input's shape and dtype, or an undefined Tensor for an input that gets no gradient; it also runs
/// with recording off. The op object is moved into the record and lives until the tape is cleared.
/// Throws ShapeError/TapeError naming `name` for an undefined input, inputs of another or a cleared
/// recording, an undefined output; and, during backward(), for gradients of the wrong count, shape or
/// dtype. Example (y = 2x):
///   struct Twice { Tensor forward(const std::vector<Tensor>& x) { return x[0] * 2.0; }
///                  std::vector<Tensor> backward(const std::vector<Tensor>&, const Tensor&,
///                                               const Tensor& g) { return {g * 2.0}; } };
///   Tensor y = custom_op(Twice{}, {x}, "twice");
template <CustomTensorOp Op>
Tensor custom_op(Op op, std::vector<Tensor> inputs, std::string_view name = "custom_op") {
  const bool record = detail::custom_op_needs_record(name, inputs);
  Tensor output;
  {
    NoGradGuard no_grad;
    output = op.forward(std::as_const(inputs));
  }
  output = detail::custom_op_output(name, inputs, std::move(output));
  if (!record) return output;
  Tape& tape = Tape::active();
  auto [rec, index] = tape.emplace_external<detail::CustomOpRecord<Op>>(std::move(op), std::string(name),
                                                                        std::move(inputs), output);
  (void)rec;
  detail::custom_op_mark(output, tape, index);
  return output;
}

}  // namespace tapegrad
