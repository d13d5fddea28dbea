// SPDX-License-Identifier: MIT
// custom.cpp: the non-template half of custom_op (see custom.hpp).
#include "tapegrad/autodiff/tensor/custom.hpp"

#include "tapegrad/autodiff/kernels/dtype_dispatch.hpp"

namespace tapegrad::detail {

bool custom_op_needs_record(std::string_view name, const std::vector<Tensor>& inputs) {
  bool needed = false;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    TAPEGRAD_CHECK(inputs[i].defined(), TapeError, name, ": input ", i, " is an undefined tensor");
    needed = needed || inputs[i].requires_grad();
  }
  if (!needed || !NoGradGuard::grad_enabled()) return false;
  const Tape& tape = Tape::active();
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    const TensorImpl& impl = inputs[i].impl();
    TAPEGRAD_CHECK(impl.is_leaf || impl.generation == tape.generation(), TapeError, name, ": input ", i,
                   " of shape ", to_string(impl.shape),
                   " was recorded on another tape or on a recording that was cleared (tape generation ",
                   impl.generation, ", active ", tape.generation(), ")");
  }
  return true;
}

Tensor custom_op_output(std::string_view name, const std::vector<Tensor>& inputs, Tensor output) {
  TAPEGRAD_CHECK(output.defined(), ShapeError, name, ": forward returned an undefined tensor");
  bool shared = output.requires_grad();
  for (const Tensor& x : inputs) shared = shared || x.impl_ptr() == output.impl_ptr();
  return shared ? output.clone() : output;
}

void custom_op_mark(Tensor& output, const Tape& tape, std::uint32_t index) {
  TensorImpl& o = output.impl();
  o.requires_grad = true;
  o.is_leaf = false;
  o.index = index;
  o.generation = tape.generation();
}

Tensor custom_op_grad_output(const Tensor& output) {
  return output.grad();
}

void custom_op_accumulate(std::string_view name, const std::vector<Tensor>& inputs, const Tensor& output,
                          const std::vector<Tensor>& grads) {
  output.impl().grad = Buffer();  // consumed, even if a check below throws
  TAPEGRAD_CHECK(grads.size() == inputs.size(), ShapeError, name, ": backward returned ", grads.size(),
                 " gradients for ", inputs.size(), " inputs");
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    if (!grads[i].defined() || !inputs[i].requires_grad()) continue;
    TAPEGRAD_CHECK(grads[i].shape() == inputs[i].shape() && grads[i].dtype() == inputs[i].dtype(), ShapeError,
                   name, ": backward returned a gradient of ", to_string(grads[i].shape()), " ",
                   grads[i].dtype(), " for input ", i, " of ", to_string(inputs[i].shape()), " ",
                   inputs[i].dtype());
  }
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    if (!grads[i].defined() || !inputs[i].requires_grad()) continue;
    TensorImpl& impl = inputs[i].impl();
    void* grad = ensure_grad(impl);
    dispatch(impl.dtype, [&]<class T>() {
      T* dst = static_cast<T*>(grad);
      const T* src = grads[i].data<T>();
      for (std::int64_t k = 0; k < impl.numel; ++k) dst[k] += src[k];
    });
  }
}

}  // namespace tapegrad::detail
