// SPDX-License-Identifier: MIT
// gradient_buckets.cpp: bucket layout, completion counting during the sweep, MPI_Iallreduce in bucket order.
#include "tapegrad/nn/distributed/gradient_buckets.hpp"

#include <mpi.h>

#include <cstring>
#include <string>
#include <utility>

#include "tapegrad/autodiff/kernels/dtype_dispatch.hpp"

namespace tapegrad::nn::distributed {

struct GradientBuckets::Requests {
  std::vector<MPI_Request> pending;
};

GradientBuckets::GradientBuckets(std::vector<Tensor> params, const Communicator& comm, BucketOptions options)
    : GradSink(std::move(params)), comm_(comm), options_(options), requests_(std::make_unique<Requests>()) {
  TAPEGRAD_CHECK(options.bucket_bytes >= 1, DomainError, "GradientBuckets: bucket_bytes must be at least 1");
  bucket_of_.resize(size());
  // From the last parameter back to the first, cutting at a dtype change or at the byte cap.
  std::size_t slot = size();
  while (slot > 0) {
    Bucket bucket;
    bucket.hi = slot - 1;
    std::size_t bytes = 0;
    const Dtype dtype = leaf(bucket.hi).dtype();
    while (slot > 0 && leaf(slot - 1).dtype() == dtype) {
      const std::size_t more = static_cast<std::size_t>(leaf(slot - 1).numel()) * size_of(dtype);
      if (bytes > 0 && bytes + more > options.bucket_bytes) break;
      bytes += more;
      --slot;
    }
    bucket.lo = slot;
    for (std::size_t s = bucket.lo; s <= bucket.hi; ++s) bucket_of_[s] = buckets_.size();
    buckets_.push_back(bucket);
  }
  expected_.assign(size(), 0);
  count_.assign(size(), 0);
  requests_->pending.reserve(buckets_.size());
}

GradientBuckets::~GradientBuckets() {
  if (!requests_->pending.empty())  // an exception left collectives in flight: let them end first
    MPI_Waitall(static_cast<int>(requests_->pending.size()), requests_->pending.data(), MPI_STATUSES_IGNORE);
}

void GradientBuckets::begin_step() {
  GradSink::begin_step();
  std::fill(count_.begin(), count_.end(), 0U);
  for (Bucket& b : buckets_) {
    b.started = false;
    b.missing = 0;
    for (std::size_t s = b.lo; s <= b.hi; ++s) b.missing += (learned_ && expected_[s] == 0) ? 0 : 1;
  }
  next_ = 0;
  started_in_sweep_ = 0;
  overrun_ = false;
  error_ = 0;
  if (learned_ && options_.overlap) start_ready();  // buckets of parameters no op writes
}

void GradientBuckets::on_record_swept(std::span<const std::uint32_t> slots) noexcept {
  for (const std::uint32_t s : slots) {
    ++count_[s];
    if (!learned_ || !options_.overlap) continue;
    Bucket& b = buckets_[bucket_of_[s]];
    if (b.started) {
      overrun_ = true;  // the graph wrote more than in the first step, into memory already being reduced
    } else if (count_[s] == expected_[s]) {
      --b.missing;
    }
  }
  if (!learned_ || !options_.overlap) return;
  const std::size_t before = next_;
  start_ready();
  started_in_sweep_ += next_ - before;
  // Lets the library move the started reductions along while the sweep goes on (no progress thread).
  if (!requests_->pending.empty()) {
    int done = 0;
    MPI_Testall(static_cast<int>(requests_->pending.size()), requests_->pending.data(), &done,
                MPI_STATUSES_IGNORE);
    if (done != 0) requests_->pending.clear();
  }
}

void GradientBuckets::start_ready() noexcept {
  while (next_ < buckets_.size() && buckets_[next_].missing == 0) start(next_++);
}

void GradientBuckets::start(std::size_t index) noexcept {
  Bucket& b = buckets_[index];
  b.started = true;
  // Parameters no op wrote this step (unused, or an empty shard) contribute zeros.
  for (std::size_t s = b.lo; s <= b.hi; ++s)
    if (!written(s)) {
      std::memset(data(s), 0, static_cast<std::size_t>(leaf(s).numel()) * size_of(leaf(s).dtype()));
    }
  const Dtype dtype = leaf(b.lo).dtype();
  const std::size_t bytes = offset(b.hi + 1) - offset(b.lo);  // 64-byte padding included: zeros, summed
  const auto count = static_cast<int>(bytes / size_of(dtype));
  const MPI_Comm comm = *static_cast<const MPI_Comm*>(comm_.native());
  MPI_Request request = MPI_REQUEST_NULL;
  const int code = MPI_Iallreduce(MPI_IN_PLACE, data(b.lo), count,
                                  dtype == Dtype::float32 ? MPI_FLOAT : MPI_DOUBLE, MPI_SUM, comm, &request);
  if (code != MPI_SUCCESS && error_ == 0) error_ = code;
  if (code == MPI_SUCCESS) requests_->pending.push_back(request);
}

void GradientBuckets::finish() {
  for (; next_ < buckets_.size(); ++next_) start(next_);
  std::vector<MPI_Request>& pending = requests_->pending;
  const int code = pending.empty()
                       ? MPI_SUCCESS
                       : MPI_Waitall(static_cast<int>(pending.size()), pending.data(), MPI_STATUSES_IGNORE);
  pending.clear();
  if (error_ == 0 && code != MPI_SUCCESS) error_ = code;
  if (error_ != 0) {
    char text[MPI_MAX_ERROR_STRING] = {};
    int length = 0;
    MPI_Error_string(error_, text, &length);
    throw DistributedError("GradientBuckets: the gradient allreduce failed: " +
                           std::string(text, static_cast<std::size_t>(length)));
  }
  if (overrun_)
    throw DistributedError(
        "GradientBuckets: a parameter received more gradient writes than in the first step, after its bucket "
        "was started (the graph changes between steps: use overlap = false)");
  if (!learned_) {
    expected_ = count_;
    learned_ = true;
  }
  // Into the parameters' own .grad() (not into this sink, even while it is installed).
  GradSink* const installed = tapegrad::detail::active_grad_sink;
  tapegrad::detail::active_grad_sink = nullptr;
  for (std::size_t s = 0; s < size(); ++s) {
    const Tensor& p = leaf(s);
    bool fresh = false;
    void* g = tapegrad::detail::grad_for_write(p.impl(), fresh);
    const auto n = static_cast<std::size_t>(p.numel());
    tapegrad::detail::dispatch(p.dtype(), [&]<class T>() {
      const T* sum = static_cast<const T*>(data(s));
      T* out = static_cast<T*>(g);
      if (fresh)
        std::memcpy(out, sum, n * sizeof(T));
      else
        for (std::size_t i = 0; i < n; ++i) out[i] += sum[i];
    });
  }
  tapegrad::detail::active_grad_sink = installed;
}

}  // namespace tapegrad::nn::distributed
