// SPDX-License-Identifier: MIT
// init.cpp: in-place random fills, written straight into the tensor's data (never recorded).
#include "tapegrad/nn/modules/init.hpp"

#include <cmath>
#include <string_view>

#include "tapegrad/autodiff/core/error.hpp"

namespace tapegrad::nn::init {

namespace {

/// Checks that t may be overwritten, then sets each element to draw() (a double, cast to the dtype).
template <class Draw>
Tensor fill(Tensor t, std::string_view op, Draw draw) {
  TAPEGRAD_CHECK(t.defined(), TapeError, op, ": the tensor is undefined");
  TAPEGRAD_CHECK(t.is_leaf(), TapeError, op, ": cannot overwrite the tensor of shape ", to_string(t.shape()),
                 ": it is the result of a recorded op, whose backward may read it");
  const std::int64_t n = t.numel();
  if (t.dtype() == Dtype::float32) {
    float* p = t.data<float>();
    for (std::int64_t i = 0; i < n; ++i) p[i] = static_cast<float>(draw());
  } else {
    double* p = t.data<double>();
    for (std::int64_t i = 0; i < n; ++i) p[i] = draw();
  }
  return t;
}

Tensor fill_uniform(Tensor t, double a, double b, Generator& gen, std::string_view op) {
  TAPEGRAD_CHECK(std::isfinite(a) && std::isfinite(b) && a <= b, DomainError, op,
                 ": expected finite bounds a <= b, got a = ", a, ", b = ", b);
  return fill(std::move(t), op, [&] { return a + (b - a) * gen.uniform(); });
}

Tensor fill_normal(Tensor t, double mean, double stddev, Generator& gen, std::string_view op) {
  TAPEGRAD_CHECK(std::isfinite(mean) && std::isfinite(stddev) && stddev >= 0.0, DomainError, op,
                 ": expected a finite mean and std >= 0, got mean = ", mean, ", std = ", stddev);
  return fill(std::move(t), op, [&] { return mean + stddev * gen.normal(); });
}

/// {fan_in, fan_out}, with `op` named in the error.
std::pair<std::int64_t, std::int64_t> fans(const Tensor& t, std::string_view op) {
  TAPEGRAD_CHECK(t.defined(), TapeError, op, ": the tensor is undefined");
  const Shape& s = t.shape();
  TAPEGRAD_CHECK(s.size() == 1 || s.size() == 2, ShapeError, op,
                 ": fans are defined for a 1-D [in] or 2-D [in, out] tensor, got shape ", to_string(s));
  const std::int64_t fan_in = s[0];
  const std::int64_t fan_out = s.size() == 2 ? s[1] : 1;
  TAPEGRAD_CHECK(fan_in > 0 && fan_out > 0, ShapeError, op, ": fans must be positive, got shape ",
                 to_string(s));
  return {fan_in, fan_out};
}

double kaiming_std(const Tensor& t, const KaimingOptions& options, std::string_view op) {
  const auto [fan_in, fan_out] = fans(t, op);
  const double fan = static_cast<double>(options.mode == FanMode::fan_in ? fan_in : fan_out);
  return calculate_gain(options.nonlinearity, options.a) / std::sqrt(fan);
}

double xavier_std(const Tensor& t, double gain, std::string_view op) {
  const auto [fan_in, fan_out] = fans(t, op);
  return gain * std::sqrt(2.0 / static_cast<double>(fan_in + fan_out));
}

}  // namespace

double calculate_gain(Activation nonlinearity, double param) {
  return activation_info(nonlinearity).gain(param);
}

std::pair<std::int64_t, std::int64_t> fan_in_and_fan_out(const Tensor& t) {
  return fans(t, "fan_in_and_fan_out");
}

Tensor uniform_(Tensor t, double a, double b, Generator& gen) {
  return fill_uniform(std::move(t), a, b, gen, "uniform_");
}

Tensor normal_(Tensor t, double mean, double stddev, Generator& gen) {
  return fill_normal(std::move(t), mean, stddev, gen, "normal_");
}

Tensor constant_(Tensor t, double value) {
  return fill(std::move(t), "constant_", [value] { return value; });
}
Tensor zeros_(Tensor t) {
  return constant_(std::move(t), 0.0);
}
Tensor ones_(Tensor t) {
  return constant_(std::move(t), 1.0);
}

// A uniform U(-b, b) has standard deviation b / sqrt(3), hence bound = sqrt(3) * std below.
Tensor xavier_uniform_(Tensor t, double gain, Generator& gen) {
  const double bound = std::sqrt(3.0) * xavier_std(t, gain, "xavier_uniform_");
  return fill_uniform(std::move(t), -bound, bound, gen, "xavier_uniform_");
}

Tensor xavier_normal_(Tensor t, double gain, Generator& gen) {
  const double stddev = xavier_std(t, gain, "xavier_normal_");
  return fill_normal(std::move(t), 0.0, stddev, gen, "xavier_normal_");
}

Tensor kaiming_uniform_(Tensor t, const KaimingOptions& options, Generator& gen) {
  const double bound = std::sqrt(3.0) * kaiming_std(t, options, "kaiming_uniform_");
  return fill_uniform(std::move(t), -bound, bound, gen, "kaiming_uniform_");
}

Tensor kaiming_normal_(Tensor t, const KaimingOptions& options, Generator& gen) {
  const double stddev = kaiming_std(t, options, "kaiming_normal_");
  return fill_normal(std::move(t), 0.0, stddev, gen, "kaiming_normal_");
}

}  // namespace tapegrad::nn::init
