// SPDX-License-Identifier: MIT
// communicator.hpp: the MPI session and communicator behind tapegrad::distributed, without <mpi.h>.
//
// The target tapegrad::distributed exists only when CMake finds MPI; this header needs nothing of MPI, so
// it compiles everywhere (the MPI handles live in the .cpp files). MPI errors are returned, not fatal
// (MPI_ERRORS_RETURN), and become DistributedError; the training loop's error path then calls abort(), which
// prints the rank and the message and stops every rank of the job (MPI_Abort) instead of letting the other
// ranks wait forever in their next collective.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string_view>

#include "tapegrad/autodiff/core/error.hpp"
#include "tapegrad/autodiff/tensor/tensor.hpp"
#include "tapegrad/nn/io/named_tensors.hpp"

namespace tapegrad::nn::distributed {

/// An MPI call failed, or MPI is used before a Session started it.
class DistributedError : public Error {
 public:
  using Error::Error;
};

/// RAII: initialises MPI (MPI_Init_thread, funneled: only the main thread calls MPI) unless it already is,
/// and finalises it on destruction if it initialised it. Start one at the top of main().
/// Example: `int main(int argc, char** argv) { nn::distributed::Session mpi(argc, argv); ... }`
class Session {
 public:
  /// Throws DistributedError if MPI cannot be initialised.
  Session(int& argc, char**& argv);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

 private:
  bool owns_ = false;
};

/// A group of processes that reduce together: MPI_COMM_WORLD or MPI_COMM_SELF (a copy of the handle;
/// cheap to copy). Collectives must be called by every rank, in the same order.
class Communicator {
 public:
  /// All processes of the job (mpirun -np N). Throws DistributedError unless a Session is alive.
  static Communicator world();
  /// This process alone (size 1): the same code path as world(), for single-process reference runs.
  static Communicator self();

  int rank() const noexcept { return rank_; }
  int size() const noexcept { return size_; }
  /// Rank 0: the one that prints, writes checkpoints and draws.
  bool is_root() const noexcept { return rank_ == 0; }

  void barrier() const;
  /// Copies `root`'s elements of t (float32, float64 or int64) into every rank's t, in place.
  void broadcast(const Tensor& t, int root = 0) const;
  /// broadcast() of each tensor, in order (a model's state_dict(): parameters and buffers).
  void broadcast(const NamedTensors& tensors, int root = 0) const;
  /// Elementwise sum over the ranks, in place, on every rank.
  void allreduce_sum(std::span<double> values) const;
  /// Prints "tapegrad: rank r of N: <message>" to stderr and stops every rank of the job (MPI_Abort with
  /// `code`). Does not return.
  [[noreturn]] void abort(std::string_view message, int code = 1) const noexcept;

  /// The MPI_Comm, for tapegrad::distributed's own .cpp files (which cast it back).
  const void* native() const noexcept;

 private:
  struct Handle;
  explicit Communicator(std::shared_ptr<const Handle> handle);
  std::shared_ptr<const Handle> handle_;
  int rank_ = 0;
  int size_ = 1;
};

}  // namespace tapegrad::nn::distributed
