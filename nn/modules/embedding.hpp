// SPDX-License-Identifier: MIT
// embedding.hpp: Embedding, a learned table of vectors looked up by int64 indices (tokens, characters).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "tapegrad/autodiff/core/dtype.hpp"
#include "tapegrad/autodiff/tensor/tensor.hpp"
#include "tapegrad/nn/modules/module.hpp"
#include "tapegrad/nn/modules/random.hpp"

namespace tapegrad::nn {

/// Options of Embedding (PyTorch's names). Example: `{.num_embeddings = 27, .embedding_dim = 32}`.
struct EmbeddingOptions {
  std::int64_t num_embeddings = 0;
  std::int64_t embedding_dim = 0;
  /// This row is initialised to 0 and gets no gradient (negative counts from the end), as in PyTorch.
  std::optional<std::int64_t> padding_idx{};
  Dtype dtype = Dtype::float32;
};

/// weight [num_embeddings, embedding_dim] ~ N(0, 1) (PyTorch's default), the padding row 0. forward takes
/// int64 indices of any shape S and returns S + [embedding_dim] (tapegrad::embedding).
/// Example: `nn::Embedding emb({.num_embeddings = 27, .embedding_dim = 32}); Tensor e = emb(ids);`
class Embedding : public Module {
 public:
  /// Throws ShapeError unless both sizes are positive, IndexError for a padding_idx outside
  /// [-num_embeddings, num_embeddings).
  explicit Embedding(const EmbeddingOptions& options, Generator& gen = default_generator());

  /// Throws ShapeError unless `indices` is int64, IndexError naming an index outside [0, num_embeddings).
  Tensor forward(const Tensor& indices) override;
  std::string type_name() const override { return "Embedding"; }
  std::string extra_repr() const override;

  const Tensor& weight() const { return parameter_at(weight_slot_); }
  const EmbeddingOptions& options() const noexcept { return options_; }
  /// Draws the weight again from N(0, 1) and zeroes the padding row.
  void reset_parameters(Generator& gen = default_generator());

 private:
  EmbeddingOptions options_;
  std::size_t weight_slot_ = 0;
};

}  // namespace tapegrad::nn
