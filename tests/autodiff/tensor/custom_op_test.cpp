// SPDX-License-Identifier: MIT
// custom_op_test.cpp: custom_op, a tensor op with user forward and backward. The user backward is
// gradchecked against central differences of the user forward (a linear solve that tapegrad cannot
// see into, and an elementwise op inside a larger expression), and the record's contract is tested:
// nothing recorded without grad, inputs never marked, bad gradients named, the op object kept alive.
#include <doctest/doctest.h>

#include <memory>
#include <vector>

#include "linear_solve.hpp"
#include "tapegrad/autodiff/autodiff.hpp"

namespace {

using tapegrad::Dtype;
using tapegrad::Tape;
using tapegrad::Tensor;

/// softplus(x) = log(1 + e^x), derivative sigmoid(x), written as a user op in float32 or float64.
struct Softplus {
  Tensor forward(const std::vector<Tensor>& x) { return log(exp(x[0]) + 1.0); }
  std::vector<Tensor> backward(const std::vector<Tensor>& x, const Tensor&, const Tensor& g) {
    return {g * sigmoid(x[0])};
  }
};

Tensor sample(const tapegrad::Shape& shape, std::uint64_t seed, double shift = 0.0) {
  tapegrad::Generator gen(seed);
  return tapegrad::randn(shape, gen, Dtype::float64) + shift;
}

}  // namespace

TEST_CASE("custom_op: a user linear solve gradchecks in both inputs") {
  // A well conditioned: a random matrix plus 4 on the diagonal.
  Tensor eye = tapegrad::zeros({4, 4}, Dtype::float64);
  for (int i = 0; i < 4; ++i) eye.data<double>()[i * 5] = 4.0;
  const Tensor a = sample({4, 4}, 1) + eye;
  const Tensor b = sample({4, 3}, 2);
  const auto r = tapegrad::tensor_gradcheck(
      [](const std::vector<Tensor>& in) { return tanh(tapegrad::examples::linear_solve(in[0], in[1])); },
      {a, b});
  CHECK_MESSAGE(r.passed, r.report());
  // and the forward solves: A X = B
  const Tensor x = tapegrad::examples::linear_solve(a, b);
  const std::vector<double> residual = (matmul(a, x) - b).to_vector<double>();
  for (const double e : residual) CHECK(std::abs(e) < 1e-12);
}

TEST_CASE("custom_op: an elementwise user op gradchecks inside an expression, with an input used twice") {
  const Tensor x = sample({3, 5}, 3);
  const Tensor w = sample({5, 2}, 4);
  const auto r = tapegrad::tensor_gradcheck(
      [](const std::vector<Tensor>& in) {
        const Tensor h = tapegrad::custom_op(Softplus{}, {matmul(in[0], in[1])}, "softplus");
        return h * matmul(in[0], in[1]) + tapegrad::custom_op(Softplus{}, {h}, "softplus");
      },
      {x, w});
  CHECK_MESSAGE(r.passed, r.report());
}

TEST_CASE("custom_op: float32 gradients accumulate into leaves like any op's") {
  Tape tape;
  Tensor x = tapegrad::from<float>({-1.0f, 0.0f, 2.0f}, {3}).requires_grad_();
  Tensor y = sum(tapegrad::custom_op(Softplus{}, {x}, "softplus"));
  y.backward();
  y = sum(tapegrad::custom_op(Softplus{}, {x}, "softplus"));
  y.backward();  // leaf gradients accumulate: twice sigmoid(x)
  const std::vector<float> g = x.grad().to_vector<float>();
  CHECK(g[0] == doctest::Approx(2.0 / (1.0 + std::exp(1.0))).epsilon(1e-6));
  CHECK(g[1] == doctest::Approx(1.0).epsilon(1e-6));
}

TEST_CASE("custom_op: nothing is recorded without grad, and an input returned as the output is not marked") {
  Tape tape;
  struct Identity {
    Tensor forward(const std::vector<Tensor>& x) { return x[0]; }
    std::vector<Tensor> backward(const std::vector<Tensor>&, const Tensor&, const Tensor& g) { return {g}; }
  };
  const Tensor c = tapegrad::ones({2}, Dtype::float64);
  const std::size_t before = tape.stats().statements;
  const Tensor y = tapegrad::custom_op(Identity{}, {c});
  CHECK_FALSE(y.requires_grad());
  CHECK(tape.stats().statements == before);

  Tensor x = tapegrad::ones({2}, Dtype::float64).requires_grad_();
  const Tensor z = tapegrad::custom_op(Identity{}, {x});
  CHECK(x.is_leaf());  // not turned into the op's output
  CHECK_FALSE(z.is_leaf());
  CHECK_FALSE(z.shares_data(x));
  sum(z * 3.0).backward();
  CHECK(x.grad().to_vector<double>() == std::vector<double>{3.0, 3.0});
}

TEST_CASE("custom_op: the op object lives until clear(), and backward may use what forward saved") {
  auto alive = std::make_shared<int>(0);
  struct Holder {
    std::shared_ptr<int> token;
    double saved = 0.0;
    Tensor forward(const std::vector<Tensor>& x) {
      saved = 5.0;
      return x[0] * 1.0;
    }
    std::vector<Tensor> backward(const std::vector<Tensor>&, const Tensor&, const Tensor& g) {
      return {g * saved};
    }
  };
  Tape tape;
  Tensor x = tapegrad::ones({1}, Dtype::float64).requires_grad_();
  Tensor y = tapegrad::custom_op(Holder{alive}, {x});
  CHECK(alive.use_count() == 2);
  y.backward();
  CHECK(x.grad().item() == 5.0);
  tape.clear();
  CHECK(alive.use_count() == 1);
}

TEST_CASE("custom_op: wrong gradients from backward are named with their shapes") {
  struct WrongShape {
    Tensor forward(const std::vector<Tensor>& x) { return x[0] * 2.0; }
    std::vector<Tensor> backward(const std::vector<Tensor>&, const Tensor&, const Tensor&) {
      return {tapegrad::zeros({3}, Dtype::float64)};
    }
  };
  struct TooMany {
    Tensor forward(const std::vector<Tensor>& x) { return x[0] * 2.0; }
    std::vector<Tensor> backward(const std::vector<Tensor>&, const Tensor&, const Tensor& g) {
      return {g, g};
    }
  };
  Tape tape;
  Tensor x = tapegrad::ones({2}, Dtype::float64).requires_grad_();
  CHECK_THROWS_WITH_AS(
      sum(tapegrad::custom_op(WrongShape{}, {x}, "my_op")).backward(),
      doctest::Contains("my_op: backward returned a gradient of [3] float64 for input 0 of [2]"),
      tapegrad::ShapeError);
  CHECK_THROWS_WITH_AS(sum(tapegrad::custom_op(TooMany{}, {x}, "my_op")).backward(),
                       doctest::Contains("my_op: backward returned 2 gradients for 1 inputs"),
                       tapegrad::ShapeError);
  CHECK_THROWS_WITH_AS(tapegrad::custom_op(TooMany{}, {Tensor()}, "my_op"),
                       doctest::Contains("my_op: input 0"), tapegrad::TapeError);
}
