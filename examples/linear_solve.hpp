// SPDX-License-Identifier: MIT
// linear_solve.hpp: X = A^-1 B as a custom tensor op (tapegrad::custom_op), the way one wraps a solver
// tapegrad cannot see into. forward factors A once (Gaussian elimination with partial pivoting, on
// plain doubles) and keeps the factors in the op object; backward reuses them for the adjoint solve:
//   G_B = A^-T G_X,   G_A = -G_B X^T          (from dX = A^-1 (dB - dA X))
// Used by examples/custom_derivatives.cpp and tests/autodiff/tensor/custom_op_test.cpp.
#pragma once

#include <cmath>
#include <cstdint>
#include <tapegrad/autodiff/autodiff.hpp>
#include <utility>
#include <vector>

namespace tapegrad::examples {

/// LU factors of a square matrix, row-major, with the row permutation of partial pivoting.
class LuFactors {
 public:
  LuFactors() = default;
  /// Factors the n x n matrix a. Throws tapegrad::DomainError for a singular matrix.
  LuFactors(std::vector<double> a, std::int64_t n)
      : lu_(std::move(a)), n_(n), perm_(static_cast<std::size_t>(n)) {
    for (std::int64_t i = 0; i < n; ++i) perm_[static_cast<std::size_t>(i)] = i;
    for (std::int64_t k = 0; k < n; ++k) {
      std::int64_t p = k;
      for (std::int64_t i = k + 1; i < n; ++i)
        if (std::abs(at(i, k)) > std::abs(at(p, k))) p = i;
      TAPEGRAD_CHECK(at(p, k) != 0.0, DomainError, "linear_solve: the matrix is singular (column ", k, ")");
      if (p != k) {
        for (std::int64_t j = 0; j < n; ++j) std::swap(at(p, j), at(k, j));
        std::swap(perm_[static_cast<std::size_t>(p)], perm_[static_cast<std::size_t>(k)]);
      }
      for (std::int64_t i = k + 1; i < n; ++i) {
        at(i, k) /= at(k, k);
        for (std::int64_t j = k + 1; j < n; ++j) at(i, j) -= at(i, k) * at(k, j);
      }
    }
  }

  /// Solves A X = B (transpose false) or A^T X = B for the n x m right-hand sides b, row-major.
  std::vector<double> solve(const std::vector<double>& b, std::int64_t m, bool transpose) const {
    const std::int64_t n = n_;
    std::vector<double> x(b.size());
    auto X = [&](std::int64_t i, std::int64_t j) -> double& {
      return x[static_cast<std::size_t>(i * m + j)];
    };
    if (!transpose) {  // P A = L U: L U X = P B
      for (std::int64_t i = 0; i < n; ++i)
        for (std::int64_t j = 0; j < m; ++j)
          X(i, j) = b[static_cast<std::size_t>(perm_[static_cast<std::size_t>(i)] * m + j)];
      forward_l(X, m);
      backward_u(X, m);
      return x;
    }
    // A^T = U^T L^T P: U^T L^T (P X) = B
    x = b;
    for (std::int64_t i = 0; i < n; ++i)  // U^T is lower triangular
      for (std::int64_t j = 0; j < m; ++j) {
        for (std::int64_t k = 0; k < i; ++k) X(i, j) -= at(k, i) * X(k, j);
        X(i, j) /= at(i, i);
      }
    for (std::int64_t i = n - 1; i >= 0; --i)  // L^T is unit upper triangular
      for (std::int64_t j = 0; j < m; ++j)
        for (std::int64_t k = i + 1; k < n; ++k) X(i, j) -= at(k, i) * X(k, j);
    std::vector<double> unpermuted(x.size());
    for (std::int64_t i = 0; i < n; ++i)
      for (std::int64_t j = 0; j < m; ++j)
        unpermuted[static_cast<std::size_t>(perm_[static_cast<std::size_t>(i)] * m + j)] = X(i, j);
    return unpermuted;
  }

 private:
  double& at(std::int64_t i, std::int64_t j) { return lu_[static_cast<std::size_t>(i * n_ + j)]; }
  double at(std::int64_t i, std::int64_t j) const { return lu_[static_cast<std::size_t>(i * n_ + j)]; }
  template <class Access>
  void forward_l(Access& X, std::int64_t m) const {
    for (std::int64_t i = 0; i < n_; ++i)
      for (std::int64_t j = 0; j < m; ++j)
        for (std::int64_t k = 0; k < i; ++k) X(i, j) -= at(i, k) * X(k, j);
  }
  template <class Access>
  void backward_u(Access& X, std::int64_t m) const {
    for (std::int64_t i = n_ - 1; i >= 0; --i)
      for (std::int64_t j = 0; j < m; ++j) {
        for (std::int64_t k = i + 1; k < n_; ++k) X(i, j) -= at(i, k) * X(k, j);
        X(i, j) /= at(i, i);
      }
  }

  std::vector<double> lu_;
  std::int64_t n_ = 0;
  std::vector<std::int64_t> perm_;
};

/// The op: inputs A [n, n] and B [n, m], float64; output X [n, m] with A X = B.
struct LinearSolve {
  LuFactors factors;  // saved by forward for backward (PyTorch's ctx.save_for_backward)

  tapegrad::Tensor forward(const std::vector<tapegrad::Tensor>& in) {
    const tapegrad::Tensor& a = in[0];
    const tapegrad::Tensor& b = in[1];
    TAPEGRAD_CHECK(
        a.dim() == 2 && a.shape()[0] == a.shape()[1] && b.dim() == 2 && b.shape()[0] == a.shape()[0],
        ShapeError, "linear_solve: expected A [n, n] and B [n, m], got ", tapegrad::to_string(a.shape()),
        " and ", tapegrad::to_string(b.shape()));
    factors = LuFactors(a.to_vector<double>(), a.shape()[0]);
    return tapegrad::from(factors.solve(b.to_vector<double>(), b.shape()[1], false), b.shape());
  }

  std::vector<tapegrad::Tensor> backward(const std::vector<tapegrad::Tensor>& in, const tapegrad::Tensor& x,
                                         const tapegrad::Tensor& grad_x) {
    const std::int64_t n = in[0].shape()[0], m = in[1].shape()[1];
    const std::vector<double> gb = factors.solve(grad_x.to_vector<double>(), m, true);
    const std::vector<double> xv = x.to_vector<double>();
    std::vector<double> ga(static_cast<std::size_t>(n * n), 0.0);
    for (std::int64_t i = 0; i < n; ++i)
      for (std::int64_t j = 0; j < n; ++j)
        for (std::int64_t k = 0; k < m; ++k)
          ga[static_cast<std::size_t>(i * n + j)] -=
              gb[static_cast<std::size_t>(i * m + k)] * xv[static_cast<std::size_t>(j * m + k)];
    return {tapegrad::from(ga, in[0].shape()), tapegrad::from(gb, in[1].shape())};
  }
};

/// X = A^-1 B, differentiable in A and B.
inline tapegrad::Tensor linear_solve(const tapegrad::Tensor& a, const tapegrad::Tensor& b) {
  return tapegrad::custom_op(LinearSolve{}, {a, b}, "linear_solve");
}

}  // namespace tapegrad::examples
