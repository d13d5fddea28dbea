// SPDX-License-Identifier: MIT
// grad_sink.cpp: the slots of a GradSink and the bookkeeping of which were written.
#include "tapegrad/autodiff/tensor/grad_sink.hpp"

#include <algorithm>
#include <cstring>
#include <utility>

#include "tapegrad/autodiff/core/error.hpp"

namespace tapegrad {

namespace {
constexpr std::size_t kAlign = 64;
}

GradSink::GradSink(std::vector<Tensor> leaves) : leaves_(std::move(leaves)) {
  offsets_.reserve(leaves_.size() + 1);
  std::size_t at = 0;
  for (std::size_t i = 0; i < leaves_.size(); ++i) {
    const Tensor& t = leaves_[i];
    TAPEGRAD_CHECK(t.defined() && t.is_leaf(), TapeError, "GradSink: leaf ", i,
                   t.defined() ? " is the result of a recorded op" : " is undefined");
    offsets_.push_back(at);
    at += (static_cast<std::size_t>(t.numel()) * size_of(t.dtype()) + kAlign - 1) / kAlign * kAlign;
    by_impl_.emplace_back(t.impl_ptr(), static_cast<std::uint32_t>(i));
  }
  offsets_.push_back(at);
  std::sort(by_impl_.begin(), by_impl_.end());
  for (std::size_t i = 1; i < by_impl_.size(); ++i)
    TAPEGRAD_CHECK(by_impl_[i - 1].first != by_impl_[i].first, TapeError, "GradSink: leaf ",
                   by_impl_[i].second, " is listed twice");
  written_.assign(leaves_.size(), 0);
  // Room for every slot several times over: an op with more parameter inputs than this is not a model's.
  pending_.reserve(4 * leaves_.size() + 16);
  flat_ = detail::Buffer(std::max<std::size_t>(at, kAlign));
  std::memset(flat_.data(), 0, std::max<std::size_t>(at, kAlign));
}

void GradSink::begin_step() noexcept {
  std::fill(written_.begin(), written_.end(), std::uint8_t{0});
  pending_.clear();
}

void GradSink::zero_unwritten() noexcept {
  for (std::size_t i = 0; i < leaves_.size(); ++i)
    if (written_[i] == 0) {
      std::memset(data(i), 0, static_cast<std::size_t>(leaves_[i].numel()) * size_of(leaves_[i].dtype()));
      written_[i] = 1;
    }
}

void* GradSink::slot_for(const detail::TensorImpl& impl, bool& fresh) {
  const auto it =
      std::lower_bound(by_impl_.begin(), by_impl_.end(), &impl,
                       [](const auto& entry, const detail::TensorImpl* p) { return entry.first < p; });
  if (it == by_impl_.end() || it->first != &impl) return nullptr;
  const std::uint32_t slot = it->second;
  fresh = written_[slot] == 0;
  written_[slot] = 1;
  pending_.push_back(slot);
  return data(slot);
}

void GradSink::record_swept() noexcept {
  if (pending_.empty()) return;
  on_record_swept(pending_);
  pending_.clear();
}

}  // namespace tapegrad
