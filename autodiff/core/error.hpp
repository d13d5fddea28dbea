// SPDX-License-Identifier: MIT
// error.hpp: the exceptions tapegrad throws for a caller's mistakes.
// Every message reads "<op>: <what was expected>, got <values>", so a training loop that catches
// tapegrad::Error can log something a person can act on. Our own invariants use assert instead.
#pragma once

#include <sstream>
#include <stdexcept>
#include <string>

namespace tapegrad {

/// Base of every exception tapegrad throws on bad input.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Operands of incompatible shapes or sizes (tensors, Jacobian drivers, gradcheck points).
class ShapeError : public Error {
 public:
  using Error::Error;
};

/// A value outside an operation's domain, or a NaN/Inf caught by the anomaly guard.
class DomainError : public Error {
 public:
  using Error::Error;
};

/// Misuse of a tape: a Var from a cleared or destroyed tape, Vars of two live tapes mixed,
/// backward() on a constant, a tape that outgrew its 32-bit index space.
class TapeError : public Error {
 public:
  using Error::Error;
};

/// An integer index outside the range it indexes: index_select, gather and one_hot indices, slice bounds.
/// The message names the op, the offending value and the size it had to fit.
class IndexError : public Error {
 public:
  using Error::Error;
};

/// Memory the system would not give: a tensor buffer larger than the machine can hold (the message names the
/// byte count). Shapes too large for any machine are a ShapeError before any allocation is tried.
class AllocationError : public Error {
 public:
  using Error::Error;
};

namespace detail {

/// Builds the message from its pieces (numbers printed with 12 significant digits) and throws.
template <class ErrorType, class... Parts>
[[noreturn, gnu::cold, gnu::noinline]] void raise(const Parts&... parts) {
  std::ostringstream message;
  message.precision(12);
  (message << ... << parts);
  throw ErrorType(message.str());
}

}  // namespace detail
}  // namespace tapegrad

/// Throws ErrorType with the concatenated message unless cond holds.
/// Example: TAPEGRAD_CHECK(n > 0, ShapeError, "jacobian: expected at least one output, got ", n);
#define TAPEGRAD_CHECK(cond, ErrorType, ...)                         \
  do {                                                               \
    if (!(cond)) [[unlikely]]                                        \
      ::tapegrad::detail::raise<::tapegrad::ErrorType>(__VA_ARGS__); \
  } while (false)
