// SPDX-License-Identifier: MIT
// clip_grad.cpp: in-place gradient clipping.
#include "tapegrad/nn/optim/clip_grad.hpp"

#include <algorithm>
#include <cmath>

#include "tapegrad/autodiff/core/error.hpp"

namespace tapegrad::nn {

namespace {
/// Calls f(g, n) with T* pointing to each existing gradient's data.
template <class F>
void for_each_grad(const std::vector<Tensor>& params, F&& f) {
  for (const Tensor& p : params) {
    const Tensor g = p.defined() ? p.grad() : Tensor();
    if (!g.defined()) continue;
    if (g.dtype() == Dtype::float32)
      f(g.data<float>(), g.numel());
    else
      f(g.data<double>(), g.numel());
  }
}
}  // namespace

double clip_grad_norm_(const std::vector<Tensor>& params, double max_norm, double norm_type,
                       bool error_if_nonfinite) {
  TAPEGRAD_CHECK(max_norm >= 0.0 && norm_type > 0.0, DomainError,
                 "clip_grad_norm_: expected max_norm >= 0 and norm_type > 0, got max_norm = ", max_norm,
                 ", norm_type = ", norm_type);
  const bool inf_norm = std::isinf(norm_type);
  double total = 0.0;  // max |g| for the infinity norm, else sum |g|^p (accumulated in double)
  for_each_grad(params, [&]<class T>(T* g, std::int64_t n) {
    for (std::int64_t k = 0; k < n; ++k) {
      const double a = std::abs(static_cast<double>(g[k]));
      if (inf_norm)
        total = std::isnan(a) || std::isnan(total) ? std::nan("") : std::max(total, a);
      else
        total += norm_type == 2.0 ? a * a : std::pow(a, norm_type);
    }
  });
  const double norm =
      inf_norm ? total : (norm_type == 2.0 ? std::sqrt(total) : std::pow(total, 1.0 / norm_type));
  TAPEGRAD_CHECK(!error_if_nonfinite || std::isfinite(norm), DomainError, "clip_grad_norm_: the total norm ",
                 norm_type, " of the gradients is ", norm, " (error_if_nonfinite is set)");
  const double coef = max_norm / (norm + 1e-6);
  if (coef < 1.0)
    for_each_grad(params, [&]<class T>(T* g, std::int64_t n) {
      const auto c = static_cast<T>(coef);
      for (std::int64_t k = 0; k < n; ++k) g[k] *= c;
    });
  return norm;
}

void clip_grad_value_(const std::vector<Tensor>& params, double clip_value) {
  TAPEGRAD_CHECK(clip_value >= 0.0, DomainError, "clip_grad_value_: expected clip_value >= 0, got ",
                 clip_value);
  for_each_grad(params, [&]<class T>(T* g, std::int64_t n) {
    const auto c = static_cast<T>(clip_value);
    for (std::int64_t k = 0; k < n; ++k) g[k] = std::clamp(g[k], -c, c);
  });
}

}  // namespace tapegrad::nn
