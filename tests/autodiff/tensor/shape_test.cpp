// SPDX-License-Identifier: MIT
// tensor_shape_test.cpp: values (and hand-derived gradients) of transpose, permute, concat, stack, slice,
// index_select, gather, one_hot, and the batched and vector forms of matmul.
// Expected values are literals or naive index loops written here, never the code under test.
#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "tapegrad/autodiff/autodiff.hpp"
#include "test_support.hpp"

using tapegrad::Dtype;
using tapegrad::Shape;
using tapegrad::Tape;
using tapegrad::Tensor;

namespace {

Tensor random_tensor(const Shape& shape, std::uint64_t seed) {
  tapegrad::Generator gen(seed);
  return tapegrad::randn(shape, gen, Dtype::float64);
}

Tensor leaf(std::initializer_list<double> values, const Shape& shape) {
  Tensor t = tapegrad::from<double>(values, shape);
  t.requires_grad_();
  return t;
}

std::vector<double> values(const Tensor& t) {
  return t.to_vector<double>();
}

/// Row-major strides of a shape.
std::vector<std::int64_t> strides_of(const Shape& s) {
  std::vector<std::int64_t> st(s.size(), 1);
  for (std::size_t d = s.size(); d-- > 1;) st[d - 1] = st[d] * s[d];
  return st;
}

/// Reference permute: walks every output coordinate and reads the input element it names.
std::vector<double> naive_permute(const Tensor& x, const std::vector<std::int64_t>& axes) {
  const Shape& in = x.shape();
  const std::size_t rank = in.size();
  Shape out(rank);
  for (std::size_t d = 0; d < rank; ++d) out[d] = in[static_cast<std::size_t>(axes[d])];
  const std::vector<std::int64_t> in_strides = strides_of(in);
  const std::vector<double> v = values(x);
  std::vector<double> result;
  std::vector<std::int64_t> coord(rank, 0);
  for (std::int64_t i = 0; i < tapegrad::numel(out); ++i) {
    std::int64_t rest = i, offset = 0;
    for (std::size_t d = rank; d-- > 0;) {
      coord[d] = rest % out[d];
      rest /= out[d];
    }
    for (std::size_t d = 0; d < rank; ++d) offset += coord[d] * in_strides[static_cast<std::size_t>(axes[d])];
    result.push_back(v[static_cast<std::size_t>(offset)]);
  }
  return result;
}

/// Reference product of one [m, k] and one [k, n] matrix, given as flat row-major vectors.
std::vector<double> naive_matmul(const std::vector<double>& a, const std::vector<double>& b, std::int64_t m,
                                 std::int64_t k, std::int64_t n) {
  std::vector<double> c(static_cast<std::size_t>(m * n), 0.0);
  for (std::int64_t i = 0; i < m; ++i)
    for (std::int64_t j = 0; j < n; ++j) {
      double s = 0.0;
      for (std::int64_t p = 0; p < k; ++p)
        s += a[static_cast<std::size_t>(i * k + p)] * b[static_cast<std::size_t>(p * n + j)];
      c[static_cast<std::size_t>(i * n + j)] = s;
    }
  return c;
}

std::vector<double> part(const std::vector<double>& v, std::int64_t begin, std::int64_t count) {
  return {v.begin() + begin, v.begin() + begin + count};
}

void check_close(const std::vector<double>& actual, const std::vector<double>& expected, double rel = 1e-12) {
  REQUIRE(actual.size() == expected.size());
  for (std::size_t i = 0; i < actual.size(); ++i) {
    CAPTURE(i);
    CHECK(actual[i] == doctest::Approx(expected[i]).epsilon(rel));
  }
}

}  // namespace

TEST_CASE("Tensor shapes: permute and transpose match naive index arithmetic") {
  const Tensor x = random_tensor({3, 4, 5}, 1);
  std::vector<std::int64_t> axes = {0, 1, 2};
  do {
    CAPTURE(axes[0] * 100 + axes[1] * 10 + axes[2]);
    const Tensor y = tapegrad::permute(x, axes);
    CHECK(y.shape() == Shape{x.shape()[static_cast<std::size_t>(axes[0])],
                             x.shape()[static_cast<std::size_t>(axes[1])],
                             x.shape()[static_cast<std::size_t>(axes[2])]});
    CHECK(values(y) == naive_permute(x, axes));
  } while (std::next_permutation(axes.begin(), axes.end()));

  const Tensor w = random_tensor({2, 3, 1, 4}, 2);
  CHECK(values(tapegrad::permute(w, {3, 1, 0, 2})) == naive_permute(w, {3, 1, 0, 2}));
  CHECK(values(tapegrad::permute(w, {-1, -2, -3, -4})) == naive_permute(w, {3, 2, 1, 0}));
  const Tensor five = random_tensor({2, 1, 3, 2, 2}, 3);
  CHECK(values(tapegrad::permute(five, {4, 2, 0, 3, 1})) == naive_permute(five, {4, 2, 0, 3, 1}));

  CHECK(values(tapegrad::transpose(x, 0, 2)) == naive_permute(x, {2, 1, 0}));
  CHECK(values(tapegrad::transpose(x, -1, 1)) == naive_permute(x, {0, 2, 1}));
  CHECK(tapegrad::transpose(x, 1, 2).shape() == Shape{3, 5, 4});

  // Sizes that are not multiples of the 32 x 32 tiles, in float32 too.
  for (const Shape& s : {Shape{67, 45}, Shape{1, 40}, Shape{33, 1}}) {
    const std::string shape = tapegrad::to_string(s);
    CAPTURE(shape);
    const Tensor m = random_tensor(s, 4);
    CHECK(values(tapegrad::transpose(m)) == naive_permute(m, {1, 0}));
    const Tensor mf = tapegrad::from(m.to_vector<float>(), s);
    CHECK(tapegrad::transpose(mf).to_vector<double>() == naive_permute(mf, {1, 0}));
  }
  const Tensor batch = random_tensor({3, 35, 40}, 5);
  CHECK(values(tapegrad::transpose(batch, 1, 2)) == naive_permute(batch, {0, 2, 1}));
  CHECK(values(tapegrad::permute(batch, {1, 0, 2})) == naive_permute(batch, {1, 0, 2}));
  CHECK(values(tapegrad::permute(batch, {2, 1, 0})) == naive_permute(batch, {2, 1, 0}));
  CHECK(tapegrad::permute(tapegrad::zeros({2, 0, 3}), {2, 0, 1}).shape() == Shape{3, 2, 0});
}

TEST_CASE("Tensor shapes: the gradient of permute is the inverse permutation") {
  Tape tape;
  const Tensor x = random_tensor({2, 3, 4}, 6).requires_grad_();
  const Tensor y = tapegrad::permute(x, {2, 0, 1});  // y[k, i, j] = x[i, j, k]
  const Tensor g = random_tensor(y.shape(), 7);
  y.backward(g);
  const std::vector<double> gx = values(x.grad()), gv = values(g);
  for (std::int64_t i = 0; i < 2; ++i)
    for (std::int64_t j = 0; j < 3; ++j)
      for (std::int64_t k = 0; k < 4; ++k)
        CHECK(gx[static_cast<std::size_t>(i * 12 + j * 4 + k)] ==
              gv[static_cast<std::size_t>(k * 6 + i * 3 + j)]);
}

TEST_CASE("Tensor shapes: concat and stack join along an axis") {
  const Tensor a = tapegrad::from<double>({1, 2, 3, 4, 5, 6}, {2, 3});
  const Tensor b = tapegrad::from<double>({7, 8, 9}, {1, 3});
  const Tensor c = tapegrad::from<double>({10, 20}, {2, 1});
  const Tensor ab = tapegrad::concat({a, b}, 0);
  CHECK(ab.shape() == Shape{3, 3});
  CHECK(values(ab) == std::vector<double>{1, 2, 3, 4, 5, 6, 7, 8, 9});
  CHECK(values(tapegrad::concat({a, c, a}, -1)) ==
        std::vector<double>{1, 2, 3, 10, 1, 2, 3, 4, 5, 6, 20, 4, 5, 6});
  const std::vector<Tensor> list = {c, c};
  CHECK(tapegrad::concat(list, 1).shape() == Shape{2, 2});
  CHECK(values(tapegrad::concat(std::span<const Tensor>(list), 0)) == std::vector<double>{10, 20, 10, 20});
  CHECK(values(tapegrad::concat({a}, 1)) == values(a));
  CHECK(tapegrad::concat({a, tapegrad::zeros({0, 3}, Dtype::float64)}, 0).shape() == Shape{2, 3});

  const Tensor u = tapegrad::from<double>({1, 2, 3}, {3});
  const Tensor v = tapegrad::from<double>({4, 5, 6}, {3});
  CHECK(tapegrad::stack({u, v}, 0).shape() == Shape{2, 3});
  CHECK(values(tapegrad::stack({u, v}, 0)) == std::vector<double>{1, 2, 3, 4, 5, 6});
  CHECK(tapegrad::stack({u, v}, 1).shape() == Shape{3, 2});
  CHECK(values(tapegrad::stack({u, v}, -1)) == std::vector<double>{1, 4, 2, 5, 3, 6});
  // [2, 3] stacked at axis 1: result[i, s, j] = input_s[i, j].
  CHECK(values(tapegrad::stack({a, a * 10.0}, 1)) ==
        std::vector<double>{1, 2, 3, 10, 20, 30, 4, 5, 6, 40, 50, 60});
  const Tensor s0 = tapegrad::full({}, 2.0, Dtype::float64);
  CHECK(values(tapegrad::stack({s0, s0 * 3.0, s0}, 0)) == std::vector<double>{2, 6, 2});
}

TEST_CASE("Tensor shapes: concat and stack send each input its part of the gradient") {
  Tape tape;
  const Tensor a = leaf({1, 2, 3, 4}, {2, 2});
  const Tensor b = leaf({5, 6}, {2, 1});
  const Tensor constant = tapegrad::ones({2, 1}, Dtype::float64);
  const Tensor y = tapegrad::concat({a, constant, b, a}, 1);  // [2, 6]
  y.backward(tapegrad::from<double>({1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, {2, 6}));
  CHECK(values(a.grad()) == std::vector<double>{1 + 5, 2 + 6, 7 + 11, 8 + 12});  // a appears twice
  CHECK(values(b.grad()) == std::vector<double>{4, 10});
  CHECK_FALSE(constant.grad().defined());

  // More inputs than the record keeps inline; the handles die before the sweep.
  Tensor total;
  std::vector<Tensor> leaves;
  {
    std::vector<Tensor> pieces;
    for (int i = 0; i < 6; ++i) pieces.push_back(tapegrad::full({2}, i, Dtype::float64).requires_grad_());
    leaves = pieces;
    total = tapegrad::sum(tapegrad::stack(pieces, 0) * tapegrad::arange(2, Dtype::float64));
  }
  total.backward();
  for (const Tensor& l : leaves) CHECK(values(l.grad()) == std::vector<double>{0, 1});
}

TEST_CASE("Tensor shapes: slice takes leading-axis rows, counting negative bounds from the end") {
  const Tensor x = tapegrad::from<double>({0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, {5, 2});
  CHECK(values(tapegrad::slice(x, 1, 3)) == std::vector<double>{2, 3, 4, 5});
  CHECK(tapegrad::slice(x, 1, 3).shape() == Shape{2, 2});
  CHECK(values(tapegrad::slice(x, -2, 5)) == std::vector<double>{6, 7, 8, 9});
  CHECK(values(tapegrad::slice(x, 0, -4)) == std::vector<double>{0, 1});
  CHECK(tapegrad::slice(x, 3, 3).shape() == Shape{0, 2});
  CHECK(tapegrad::slice(x, -5, 5).shape() == Shape{5, 2});
  const Tensor s = tapegrad::slice(x, 0, 1);
  CHECK_FALSE(s.shares_data(x));  // a copy: a Tensor always owns contiguous data from its start
  CHECK(values(tapegrad::slice(tapegrad::arange(6, Dtype::float64), 4, 6)) == std::vector<double>{4, 5});

  Tape tape;
  const Tensor w = leaf({1, 2, 3, 4}, {4});
  tapegrad::sum(tapegrad::slice(w, 1, 3) * 2.0 + tapegrad::slice(w, 2, 4)).backward();
  CHECK(values(w.grad()) == std::vector<double>{0, 2, 3, 1});
}

TEST_CASE("Tensor shapes: index_select picks slices and accumulates the gradient of repeated indices") {
  const Tensor x = tapegrad::from<double>({0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, {4, 3});
  const Tensor rows = tapegrad::index_select(x, 0, {3, 0, 3});
  CHECK(rows.shape() == Shape{3, 3});
  CHECK(values(rows) == std::vector<double>{9, 10, 11, 0, 1, 2, 9, 10, 11});
  CHECK(values(tapegrad::index_select(x, 1, {2, 2, 0})) ==
        std::vector<double>{2, 2, 0, 5, 5, 3, 8, 8, 6, 11, 11, 9});
  const std::vector<std::int64_t> none;
  CHECK(tapegrad::index_select(x, -1, none).shape() == Shape{4, 0});
  const Tensor cube = tapegrad::reshape(tapegrad::arange(24, Dtype::float64), {2, 3, 4});
  CHECK(values(tapegrad::index_select(cube, 1, {2, 0})) ==
        std::vector<double>{8, 9, 10, 11, 0, 1, 2, 3, 20, 21, 22, 23, 12, 13, 14, 15});

  Tape tape;
  const Tensor table = leaf({1, 2, 3, 4, 5, 6}, {3, 2});  // an embedding table of 3 tokens
  const Tensor picked = tapegrad::index_select(table, 0, {2, 0, 2, 2});
  picked.backward(tapegrad::from<double>({1, 10, 2, 20, 3, 30, 4, 40}, {4, 2}));
  CHECK(values(table.grad()) == std::vector<double>{2, 20, 0, 0, 1 + 3 + 4, 10 + 30 + 40});
}

TEST_CASE("Tensor shapes: gather takes one element per lane, and gives a cross-entropy") {
  const Tensor x = tapegrad::from<double>({0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, {3, 4});
  const Tensor g1 = tapegrad::gather(x, 1, {3, 0, 3});
  CHECK(g1.shape() == Shape{3, 1});
  CHECK(values(g1) == std::vector<double>{3, 4, 11});
  const Tensor g0 = tapegrad::gather(x, 0, {2, 0, 1, 1});
  CHECK(g0.shape() == Shape{1, 4});
  CHECK(values(g0) == std::vector<double>{8, 1, 6, 7});
  const Tensor cube = tapegrad::reshape(tapegrad::arange(24, Dtype::float64), {2, 3, 4});
  // axis 1: lanes (o, t) with o < 2, t < 4; element (o, index, t) = 12 o + 4 index + t.
  CHECK(values(tapegrad::gather(cube, 1, {2, 0, 1, 2, 0, 0, 2, 1})) ==
        std::vector<double>{8, 1, 6, 11, 12, 13, 22, 19});

  const Tensor logits = tapegrad::from<double>({1.0, 2.0, 0.5, -1.0, 0.0, 3.0}, {2, 3});
  const std::vector<std::int64_t> labels = {1, 2};
  const double ce = -tapegrad::mean(tapegrad::gather(tapegrad::log_softmax(logits, 1), 1, labels)).item();
  const double row0 = 2.0 - std::log(std::exp(1.0) + std::exp(2.0) + std::exp(0.5));
  const double row1 = 3.0 - std::log(std::exp(-1.0) + std::exp(0.0) + std::exp(3.0));
  CHECK(ce == doctest::Approx(-(row0 + row1) / 2));

  Tape tape;
  const Tensor w = leaf({1, 2, 3, 4}, {2, 2});
  (tapegrad::sum(tapegrad::gather(w, 1, {1, 1})) * 3.0 + tapegrad::sum(tapegrad::gather(w, 0, {1, 1})))
      .backward();
  CHECK(values(w.grad()) == std::vector<double>{0, 3, 1, 4});
}

TEST_CASE("Tensor shapes: one_hot marks each label") {
  const Tensor t = tapegrad::one_hot({2, 0, 2}, 3);
  CHECK(t.shape() == Shape{3, 3});
  CHECK(t.dtype() == Dtype::float32);
  CHECK(values(t) == std::vector<double>{0, 0, 1, 1, 0, 0, 0, 0, 1});
  CHECK_FALSE(t.requires_grad());
  const std::vector<std::int64_t> labels = {1};
  CHECK(tapegrad::one_hot(labels, 2, Dtype::float64).dtype() == Dtype::float64);
  CHECK(tapegrad::one_hot(std::vector<std::int64_t>{}, 4).shape() == Shape{0, 4});
}

TEST_CASE("Tensor shapes: matmul of vectors and batches matches naive products") {
  const std::int64_t b = 3, m = 5, k = 7, n = 4;
  const Tensor A = random_tensor({b, m, k}, 10), B = random_tensor({b, k, n}, 11);
  const Tensor M = random_tensor({k, n}, 12), L = random_tensor({m, k}, 13);
  const Tensor v = random_tensor({k}, 14), w = random_tensor({k}, 15);
  const std::vector<double> a = values(A), bb = values(B), mm = values(M), l = values(L), vv = values(v),
                            ww = values(w);

  const Tensor batched = tapegrad::matmul(A, B);
  CHECK(batched.shape() == Shape{b, m, n});
  const Tensor shared_b = tapegrad::matmul(A, M);
  CHECK(shared_b.shape() == Shape{b, m, n});
  const Tensor shared_a = tapegrad::matmul(L, B);
  CHECK(shared_a.shape() == Shape{b, m, n});
  const Tensor one_a = tapegrad::matmul(tapegrad::reshape(L, {1, m, k}), B);
  for (std::int64_t i = 0; i < b; ++i) {
    CAPTURE(i);
    const std::vector<double> ai = part(a, i * m * k, m * k), bi = part(bb, i * k * n, k * n);
    check_close(part(values(batched), i * m * n, m * n), naive_matmul(ai, bi, m, k, n));
    check_close(part(values(shared_b), i * m * n, m * n), naive_matmul(ai, mm, m, k, n));
    check_close(part(values(shared_a), i * m * n, m * n), naive_matmul(l, bi, m, k, n));
    check_close(part(values(one_a), i * m * n, m * n), naive_matmul(l, bi, m, k, n));
  }
  const Tensor vm = tapegrad::matmul(v, M);
  CHECK(vm.shape() == Shape{n});
  check_close(values(vm), naive_matmul(vv, mm, 1, k, n));
  const Tensor dot = tapegrad::matmul(v, w);
  CHECK(dot.shape() == Shape{});
  double expected_dot = 0.0;
  for (std::size_t p = 0; p < vv.size(); ++p) expected_dot += vv[p] * ww[p];
  CHECK(dot.item() == doctest::Approx(expected_dot).epsilon(1e-12));
  const Tensor av = tapegrad::matmul(A, v);
  CHECK(av.shape() == Shape{b, m});
  check_close(values(av), naive_matmul(a, vv, b * m, k, 1));
  const Tensor vb = tapegrad::matmul(v, B);
  CHECK(vb.shape() == Shape{b, n});
  for (std::int64_t i = 0; i < b; ++i)
    check_close(part(values(vb), i * n, n), naive_matmul(vv, part(bb, i * k * n, k * n), 1, k, n));
}

TEST_CASE("Tensor shapes: a batched matmul across kernel tiles, and its gradients") {
  // b shared by the batch: the forward folds into one product with b * m rows; the gradient of b sums the
  // per-entry products a_i^T g_i, and the gradient of a is g_i b^T per entry.
  const std::int64_t b = 3, m = 50, k = 130, n = 40;
  Tape tape;
  const Tensor A = random_tensor({b, m, k}, 20).requires_grad_();
  const Tensor B = random_tensor({k, n}, 21).requires_grad_();
  const Tensor Y = tapegrad::matmul(A, B);
  const Tensor G = random_tensor({b, m, n}, 22);
  Y.backward(G);
  const std::vector<double> a = values(A), bv = values(B), g = values(G), y = values(Y);
  std::vector<double> bt(static_cast<std::size_t>(n * k));  // B^T
  for (std::int64_t p = 0; p < k; ++p)
    for (std::int64_t j = 0; j < n; ++j)
      bt[static_cast<std::size_t>(j * k + p)] = bv[static_cast<std::size_t>(p * n + j)];
  std::vector<double> db(static_cast<std::size_t>(k * n), 0.0);
  for (std::int64_t i = 0; i < b; ++i) {
    const std::vector<double> ai = part(a, i * m * k, m * k), gi = part(g, i * m * n, m * n);
    check_close(part(y, i * m * n, m * n), naive_matmul(ai, bv, m, k, n), 1e-10);
    check_close(part(values(A.grad()), i * m * k, m * k), naive_matmul(gi, bt, m, n, k), 1e-10);
    std::vector<double> ait(static_cast<std::size_t>(k * m));
    for (std::int64_t r = 0; r < m; ++r)
      for (std::int64_t p = 0; p < k; ++p)
        ait[static_cast<std::size_t>(p * m + r)] = ai[static_cast<std::size_t>(r * k + p)];
    const std::vector<double> dbi = naive_matmul(ait, gi, k, m, n);
    for (std::size_t e = 0; e < db.size(); ++e) db[e] += dbi[e];
  }
  check_close(values(B.grad()), db, 1e-10);
}

TEST_CASE("Tensor shapes: ops on inputs without requires_grad record nothing") {
  Tape tape;
  const auto before = tape.stats();
  const Tensor a = tapegrad::ones({2, 3}, Dtype::float64);
  const Tensor b = tapegrad::ones({3, 4}, Dtype::float64);
  for (const Tensor& r : {tapegrad::concat({a, a}, 0), tapegrad::stack({a, a}, 0), tapegrad::slice(a, 0, 1),
                          tapegrad::index_select(a, 0, {1, 0, 1}), tapegrad::gather(a, 1, {0, 2}),
                          tapegrad::transpose(a, 0, 1), tapegrad::permute(a, {1, 0}), tapegrad::matmul(a, b)})
    CHECK_FALSE(r.requires_grad());
  CHECK(tape.stats().statements == before.statements);
  {
    tapegrad::NoGradGuard no_grad;
    const Tensor g = tapegrad::ones({2}, Dtype::float64).requires_grad_();
    CHECK_FALSE(tapegrad::stack({g, g}, 0).requires_grad());
  }
  CHECK(tape.stats().statements == before.statements);
}
