// SPDX-License-Identifier: MIT
// embedding.cpp: Embedding's initialisation and forward.
#include "tapegrad/nn/modules/embedding.hpp"

#include <algorithm>
#include <sstream>

#include "tapegrad/autodiff/core/error.hpp"
#include "tapegrad/autodiff/tensor/ops.hpp"
#include "tapegrad/nn/modules/init.hpp"

namespace tapegrad::nn {

Embedding::Embedding(const EmbeddingOptions& options, Generator& gen) : options_(options) {
  TAPEGRAD_CHECK(options.num_embeddings > 0 && options.embedding_dim > 0, ShapeError,
                 "Embedding: num_embeddings and embedding_dim must be positive, got ", options.num_embeddings,
                 " and ", options.embedding_dim);
  if (options.padding_idx) {
    const std::int64_t p = *options.padding_idx, n = options.num_embeddings;
    TAPEGRAD_CHECK(p >= -n && p < n, IndexError, "Embedding: padding_idx ", p,
                   " is out of range for num_embeddings ", n);
    options_.padding_idx = p < 0 ? p + n : p;
  }
  weight_slot_ =
      register_parameter("weight", zeros({options.num_embeddings, options.embedding_dim}, options.dtype));
  reset_parameters(gen);
}

void Embedding::reset_parameters(Generator& gen) {
  init::normal_(weight(), 0.0, 1.0, gen);
  if (!options_.padding_idx) return;
  NoGradGuard no_grad;
  const Tensor& w = weight();
  const std::int64_t dim = options_.embedding_dim, row = *options_.padding_idx;
  if (w.dtype() == Dtype::float32)
    std::fill_n(w.data<float>() + row * dim, dim, 0.0f);
  else
    std::fill_n(w.data<double>() + row * dim, dim, 0.0);
}

Tensor Embedding::forward(const Tensor& indices) {
  TAPEGRAD_CHECK(indices.defined() && indices.dtype() == Dtype::int64, ShapeError, repr(),
                 ": expected int64 indices, got ",
                 indices.defined() ? std::string(name(indices.dtype())) : std::string("an undefined tensor"));
  return embedding(indices, weight(), options_.padding_idx);
}

std::string Embedding::extra_repr() const {
  std::ostringstream os;
  os << options_.num_embeddings << ", " << options_.embedding_dim;
  if (options_.padding_idx) os << ", padding_idx=" << *options_.padding_idx;
  return os.str();
}

}  // namespace tapegrad::nn
