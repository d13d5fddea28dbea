// SPDX-License-Identifier: MIT
// communicator.cpp: Session and Communicator over MPI (the only file besides gradient_buckets.cpp that
// includes <mpi.h>).
#include "tapegrad/nn/distributed/communicator.hpp"

#include <mpi.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <utility>

#include "tapegrad/autodiff/kernels/dtype_dispatch.hpp"

namespace tapegrad::nn::distributed {

struct Communicator::Handle {
  MPI_Comm comm;
};

namespace {

void check(int code, std::string_view call) {
  if (code == MPI_SUCCESS) [[likely]]
    return;
  char text[MPI_MAX_ERROR_STRING] = {};
  int length = 0;
  MPI_Error_string(code, text, &length);
  throw DistributedError(std::string(call) +
                         " failed: " + std::string(text, static_cast<std::size_t>(length)));
}

bool mpi_running() {
  int initialized = 0, finalized = 0;
  MPI_Initialized(&initialized);
  MPI_Finalized(&finalized);
  return initialized != 0 && finalized == 0;
}

MPI_Datatype mpi_type(Dtype dtype) {
  switch (dtype) {
    case Dtype::float32:
      return MPI_FLOAT;
    case Dtype::float64:
      return MPI_DOUBLE;
    default:
      return MPI_INT64_T;
  }
}

}  // namespace

Session::Session(int& argc, char**& argv) {
  if (mpi_running()) return;
  int provided = 0;
  check(MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided), "MPI_Init_thread");
  owns_ = true;
  // Errors come back as codes (then DistributedError, then abort() on the error path) instead of killing
  // the process without saying where.
  MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
  MPI_Comm_set_errhandler(MPI_COMM_SELF, MPI_ERRORS_RETURN);
}

Session::~Session() {
  if (owns_ && mpi_running()) MPI_Finalize();
}

Communicator::Communicator(std::shared_ptr<const Handle> handle) : handle_(std::move(handle)) {
  check(MPI_Comm_rank(handle_->comm, &rank_), "MPI_Comm_rank");
  check(MPI_Comm_size(handle_->comm, &size_), "MPI_Comm_size");
}

Communicator Communicator::world() {
  if (!mpi_running())
    throw DistributedError("Communicator::world: MPI is not running (start a Session first)");
  return Communicator(std::make_shared<const Handle>(Handle{MPI_COMM_WORLD}));
}

Communicator Communicator::self() {
  if (!mpi_running())
    throw DistributedError("Communicator::self: MPI is not running (start a Session first)");
  return Communicator(std::make_shared<const Handle>(Handle{MPI_COMM_SELF}));
}

const void* Communicator::native() const noexcept {
  return &handle_->comm;
}

void Communicator::barrier() const {
  check(MPI_Barrier(handle_->comm), "MPI_Barrier");
}

void Communicator::broadcast(const Tensor& t, int root) const {
  if (!t.defined()) throw DistributedError("broadcast: the tensor is undefined");
  detail::dispatch_any(t.dtype(), [&]<class T>() {
    check(MPI_Bcast(t.data<T>(), static_cast<int>(t.numel()), mpi_type(t.dtype()), root, handle_->comm),
          "MPI_Bcast");
  });
}

void Communicator::broadcast(const NamedTensors& tensors, int root) const {
  for (const auto& entry : tensors) broadcast(entry.second, root);
}

void Communicator::allreduce_sum(std::span<double> values) const {
  check(MPI_Allreduce(MPI_IN_PLACE, values.data(), static_cast<int>(values.size()), MPI_DOUBLE, MPI_SUM,
                      handle_->comm),
        "MPI_Allreduce");
}

void Communicator::abort(std::string_view message, int code) const noexcept {
  std::fprintf(stderr, "tapegrad: rank %d of %d: %.*s\n", rank_, size_, static_cast<int>(message.size()),
               message.data());
  std::fflush(stderr);
  MPI_Abort(handle_->comm == MPI_COMM_SELF ? MPI_COMM_WORLD : handle_->comm, code);
  std::abort();  // MPI_Abort does not return; this is for the compiler
}

}  // namespace tapegrad::nn::distributed
