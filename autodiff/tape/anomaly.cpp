// SPDX-License-Identifier: MIT
// anomaly.cpp: the anomaly guard's constructor and messages (kept out of line: they are cold paths).
#include "tapegrad/autodiff/tape/anomaly.hpp"

#include <sstream>
#include <string>

#include "tapegrad/autodiff/core/error.hpp"
#include "tapegrad/autodiff/tape/tape.hpp"

namespace tapegrad {

AnomalyGuard::AnomalyGuard() noexcept {
  ++detail::anomaly_depth;
  // Leave the active tape no room, so that its next statement takes the slow path, which checks it (see
  // detail::TapeHead). Other tapes get the same when they become active.
  detail::TapeHead* head = detail::active_head;
  if (head != &detail::no_tape) head->arg_end = head->arg;
}

namespace detail {
namespace {
std::string describe_inputs(const double* inputs, int count) {
  static constexpr const char* names[] = {"a", "b", "c"};
  std::ostringstream os;
  os.precision(12);
  if (count == 1) return (os << "x = " << inputs[0], os.str());
  for (int i = 0; i < count; ++i) os << (i ? ", " : "") << names[i] << " = " << inputs[i];
  return os.str();
}
}  // namespace

void raise_forward_anomaly(std::string_view op, double result, const double* inputs, int count) {
  if (op == "input") raise<DomainError>("anomaly: an input Var was given the non-finite value ", result);
  raise<DomainError>("anomaly: ", op, " produced ", result, " from ", describe_inputs(inputs, count));
}

void raise_backward_anomaly(std::string_view op, double partial, const double* inputs, int count) {
  raise<DomainError>("anomaly: the derivative of ", op, " is ", partial, " at ",
                     describe_inputs(inputs, count), ", so backward would propagate a non-finite gradient");
}

void raise_sweep_anomaly(std::string_view op, std::uint32_t statement, std::uint32_t argument, double adjoint,
                         double partial) {
  raise<DomainError>("anomaly: backward of ", op, " (tape index ", statement,
                     ") made the gradient of tape index ", argument, " non-finite: adjoint ", adjoint,
                     " times partial ", partial, " added to it");
}

void raise_tensor_forward_anomaly(std::string_view op, double value, std::int64_t element, const Shape& out,
                                  std::string_view inputs) {
  raise<DomainError>("anomaly: ", op, " produced ", value, " at element ", element, " of its output ",
                     to_string(out), " (inputs ", inputs, ")");
}

void raise_tensor_backward_anomaly(std::string_view op, std::size_t input, const Shape& shape, double value,
                                   std::int64_t element) {
  raise<DomainError>("anomaly: backward of ", op, " made the gradient of its input ", input, " (shape ",
                     to_string(shape), ") non-finite: ", value, " at element ", element);
}

}  // namespace detail
}  // namespace tapegrad
