// SPDX-License-Identifier: MIT
// init.hpp: random initialisation of parameters, seeded and reproducible (torch.nn.init's names).
// Each function writes the tensor's data in place and returns the same handle. Nothing is recorded on
// the tape: the values are written directly, not computed by tensor ops, so initialising a parameter
// never becomes part of any gradient.
//
// Fans follow nn's weight layout [in_features, out_features] (see linear.hpp), the transpose of
// PyTorch's: for a 2-D tensor fan_in = shape[0] and fan_out = shape[1]; a 1-D tensor (a Neuron's weights)
// has fan_in = shape[0], fan_out = 1. Other ranks have no fans and are rejected by the fan-based inits.
#pragma once

#include <cstdint>
#include <utility>

#include "tapegrad/autodiff/tensor/tensor.hpp"
#include "tapegrad/nn/modules/activation.hpp"
#include "tapegrad/nn/modules/random.hpp"

namespace tapegrad::nn::init {

/// Which fan Kaiming initialisation preserves: fan_in keeps the forward activations' variance,
/// fan_out the backward gradients'.
enum class FanMode { fan_in, fan_out };

/// Options of kaiming_uniform_ / kaiming_normal_, with PyTorch's defaults: `a` is the negative slope
/// of the leaky_relu that follows (0 gives relu's gain sqrt(2)).
struct KaimingOptions {
  double a = 0.0;
  FanMode mode = FanMode::fan_in;
  Activation nonlinearity = Activation::leaky_relu;
};

/// The recommended gain for an activation (PyTorch's calculate_gain): identity and sigmoid 1, tanh 5/3,
/// relu sqrt(2), leaky_relu sqrt(2 / (1 + param^2)) with param its negative slope.
/// Example: `init::xavier_uniform_(w, init::calculate_gain(Activation::tanh));`
double calculate_gain(Activation nonlinearity, double param = 0.01);

/// {fan_in, fan_out} of a 1-D [in] or 2-D [in, out] tensor. Throws ShapeError naming the shape otherwise.
std::pair<std::int64_t, std::int64_t> fan_in_and_fan_out(const Tensor& t);

/// Fills t with draws from U(a, b). Throws DomainError unless a <= b, both finite; TapeError if t is
/// not a leaf (its data feeds a recorded op's backward). Example: `init::uniform_(w, -0.1, 0.1, gen);`
Tensor uniform_(Tensor t, double a = 0.0, double b = 1.0, Generator& gen = default_generator());
/// Fills t with draws from N(mean, stddev^2). Throws DomainError unless stddev >= 0 and both are finite.
Tensor normal_(Tensor t, double mean = 0.0, double stddev = 1.0, Generator& gen = default_generator());
/// Fills t with `value` (zeros_ with 0, ones_ with 1): the usual bias initialisation.
Tensor constant_(Tensor t, double value);
Tensor zeros_(Tensor t);
Tensor ones_(Tensor t);

/// Glorot & Bengio (2010): U(-bound, bound) with bound = gain * sqrt(6 / (fan_in + fan_out)), or
/// N(0, std^2) with std = gain * sqrt(2 / (fan_in + fan_out)). Throws ShapeError for ranks other than
/// 1 and 2 and for a zero fan. Example: `init::xavier_uniform_(layer.weight(), 1.0, gen);`
Tensor xavier_uniform_(Tensor t, double gain = 1.0, Generator& gen = default_generator());
Tensor xavier_normal_(Tensor t, double gain = 1.0, Generator& gen = default_generator());

/// He et al. (2015): with fan = fan_in or fan_out (options.mode) and gain = calculate_gain(
/// options.nonlinearity, options.a), U(-bound, bound) with bound = gain * sqrt(3 / fan), or N(0, std^2)
/// with std = gain / sqrt(fan). Throws as xavier_uniform_ does.
/// Example: `init::kaiming_normal_(w, {.nonlinearity = Activation::relu}, gen);`
Tensor kaiming_uniform_(Tensor t, const KaimingOptions& options = {}, Generator& gen = default_generator());
Tensor kaiming_normal_(Tensor t, const KaimingOptions& options = {}, Generator& gen = default_generator());

}  // namespace tapegrad::nn::init
