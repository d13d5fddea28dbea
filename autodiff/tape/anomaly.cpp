// SPDX-License-Identifier: MIT
// anomaly.cpp: the messages of the anomaly guard (kept out of line: they are cold paths).
#include "tapegrad/autodiff/tape/anomaly.hpp"

#include <sstream>

#include "tapegrad/autodiff/scalar/expression.hpp"

namespace tapegrad::detail {
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

}  // namespace tapegrad::detail
