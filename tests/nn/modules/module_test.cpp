// SPDX-License-Identifier: MIT
// module_test.cpp: the Module tree: names, parameters, zero_grad, train/eval, lookup, printing.
#include <doctest/doctest.h>

#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "nn_test_support.hpp"
#include "tapegrad/nn/nn.hpp"

using tapegrad::DomainError;
using tapegrad::Dtype;
using tapegrad::ShapeError;
using tapegrad::Tape;
using tapegrad::Tensor;
namespace nn = tapegrad::nn;

namespace {

std::vector<std::string> names_of(const nn::NamedTensors& named) {
  std::vector<std::string> names;
  for (const auto& [name, tensor] : named) names.push_back(name);
  return names;
}

/// A user-defined module, written the way the Module docs say: parameters and children registered in
/// the constructor, forward from tensor ops.
class Scaled : public nn::Module {
 public:
  Scaled() {
    scale_ = register_parameter("scale", tapegrad::full({}, 2.0, Dtype::float64));
    inner_ = register_module("inner", std::make_shared<nn::Linear>(nn::LinearOptions{
                                          .in_features = 3, .out_features = 2, .dtype = Dtype::float64}));
  }
  Tensor forward(const Tensor& x) override { return (*inner_)(x)*parameter_at(scale_); }
  std::string type_name() const override { return "Scaled"; }
  void register_again(const std::string& name) { register_parameter(name, tapegrad::zeros({1})); }

 private:
  std::size_t scale_;
  std::shared_ptr<nn::Linear> inner_;
};

}  // namespace

TEST_CASE("nn Module: an MLP names its parameters by dotted path, in registration order") {
  nn::MLP net({.in_features = 2, .hidden = {4, 3}, .out_features = 1});
  const nn::NamedTensors named = net.named_parameters();
  CHECK(names_of(named) == std::vector<std::string>{"layers.0.weight", "layers.0.bias", "layers.1.weight",
                                                    "layers.1.bias", "layers.2.weight", "layers.2.bias"});
  CHECK(named[0].second.shape() == tapegrad::Shape{2, 4});
  CHECK(named[1].second.shape() == tapegrad::Shape{4});
  CHECK(named[4].second.shape() == tapegrad::Shape{3, 1});
  CHECK(net.num_parameters() == 2 * 4 + 4 + 4 * 3 + 3 + 3 * 1 + 1);
  const std::vector<Tensor> params = net.parameters();
  REQUIRE(params.size() == named.size());
  for (std::size_t i = 0; i < params.size(); ++i) {
    CHECK(params[i].shares_data(named[i].second));
    CHECK(params[i].requires_grad());
    CHECK(params[i].is_leaf());
    CHECK(params[i].dtype() == Dtype::float32);
  }
}

TEST_CASE("nn Module: a user-defined module registers parameters and children") {
  Scaled m;
  CHECK(names_of(m.named_parameters()) == std::vector<std::string>{"scale", "inner.weight", "inner.bias"});
  CHECK(m.num_parameters() == 1 + 6 + 2);
  const Tensor x = nn::test::randn64({4, 3});
  const auto r = nn::test::module_gradcheck(m, x);
  CHECK_MESSAGE(r.passed, r.report());
  CHECK_THROWS_WITH_AS(m.register_again("scale"), doctest::Contains("'scale' is already registered"),
                       DomainError);
  CHECK_THROWS_WITH_AS(m.register_again("inner"), doctest::Contains("'inner' is already registered"),
                       DomainError);
  CHECK_THROWS_WITH_AS(m.register_again("a.b"), doctest::Contains("contain no '.', got 'a.b'"), DomainError);
  CHECK_THROWS_WITH_AS(m.register_again(""), doctest::Contains("Scaled: a parameter or sub-module name"),
                       DomainError);
}

TEST_CASE("nn Module: zero_grad forgets every gradient of the tree") {
  Tape tape;
  nn::MLP net({.in_features = 3, .hidden = {5}, .out_features = 2, .dtype = Dtype::float64});
  const Tensor loss = tapegrad::sum(net(nn::test::randn64({4, 3})));
  loss.backward();
  for (const Tensor& p : net.parameters()) CHECK(p.grad().defined());
  net.zero_grad();
  for (const Tensor& p : net.parameters()) CHECK_FALSE(p.grad().defined());
}

TEST_CASE("nn Module: train() and eval() reach every descendant") {
  nn::MLP net({.in_features = 2, .hidden = {3}, .out_features = 1});
  CHECK(net.is_training());
  net.eval();
  CHECK_FALSE(net.is_training());
  CHECK_FALSE(net.children()[0].second->is_training());
  CHECK_FALSE(net.layer(1).is_training());
  net.train();
  CHECK(net.layer(0).is_training());
}

TEST_CASE("nn Module: parameter() and set_parameter() address a dotted path and check shapes") {
  nn::MLP net({.in_features = 2, .hidden = {3}, .out_features = 1, .dtype = Dtype::float64});
  CHECK(net.parameter("layers.1.weight").shares_data(net.layer(1).weight()));

  const Tensor w = tapegrad::ones({2, 3}, Dtype::float64);
  net.set_parameter("layers.0.weight", w);
  CHECK(net.layer(0).weight().shares_data(w));
  CHECK(net.parameters()[0].shares_data(w));

  CHECK_THROWS_WITH_AS(net.parameter("layers.5.weight"),
                       doctest::Contains("MLP has no parameter 'layers.5.weight' (no sub-module '5')"),
                       DomainError);
  CHECK_THROWS_WITH_AS(net.parameter("layers.0.gain"), doctest::Contains("no parameter 'layers.0.gain'"),
                       DomainError);
  CHECK_THROWS_WITH_AS(net.set_parameter("layers.0.weight", tapegrad::ones({3, 2}, Dtype::float64)),
                       doctest::Contains("'layers.0.weight' of MLP is [2, 3] float64, got [3, 2] float64"),
                       ShapeError);
  CHECK_THROWS_WITH_AS(net.set_parameter("layers.0.bias", tapegrad::ones({3}, Dtype::float32)),
                       doctest::Contains("is [3] float64, got [3] float32"), ShapeError);
}

TEST_CASE("nn Module: printing shows the tree, options, parameter shapes and the total count") {
  nn::MLP net({.in_features = 2, .hidden = {4}, .out_features = 1, .activation = nn::Activation::tanh});
  std::ostringstream os;
  os << net;
  CHECK(os.str() ==
        "MLP(in_features=2, hidden=[4], out_features=1, activation=tanh, output_activation=identity)\n"
        "  (layers): Sequential()\n"
        "    (0): Layer(in_features=2, out_features=4, bias=true, activation=tanh)  weight [2, 4], bias [4]\n"
        "    (1): Layer(in_features=4, out_features=1, bias=true, activation=identity)  weight [4, 1], bias "
        "[1]\n"
        "parameters: 17");

  nn::Sequential seq(nn::Linear({.in_features = 3, .out_features = 2, .bias = false}),
                     nn::LeakyReLU({.negative_slope = 0.2}), nn::Softmax({.dim = 1}));
  std::ostringstream s2;
  s2 << seq;
  CHECK(s2.str() ==
        "Sequential()\n"
        "  (0): Linear(in_features=3, out_features=2, bias=false)  weight [3, 2]\n"
        "  (1): LeakyReLU(negative_slope=0.2)\n"
        "  (2): Softmax(dim=1)\n"
        "parameters: 6");
}

TEST_CASE("nn Sequential: applies its modules in order and names them by index") {
  auto first = std::make_shared<nn::Linear>(
      nn::LinearOptions{.in_features = 3, .out_features = 4, .dtype = Dtype::float64});
  nn::Sequential seq(first, nn::Tanh(),
                     nn::Linear({.in_features = 4, .out_features = 2, .dtype = Dtype::float64}));
  CHECK(seq.size() == 3);
  CHECK(names_of(seq.named_parameters()) ==
        std::vector<std::string>{"0.weight", "0.bias", "2.weight", "2.bias"});
  CHECK(seq[1].type_name() == "Tanh");

  const Tensor x = nn::test::randn64({5, 3});
  const Tensor expected = seq[2](tapegrad::tanh((*first)(x)));
  nn::test::check_close(seq(x).to_vector<double>(), expected.to_vector<double>());

  CHECK_THROWS_WITH_AS(seq[3], doctest::Contains("Sequential: index 3 is out of range for 3 modules"),
                       DomainError);
  CHECK_THROWS_WITH_AS(seq.push_back(std::shared_ptr<nn::Module>()), doctest::Contains("null module"),
                       DomainError);

  nn::Sequential empty;
  CHECK(empty(x).shares_data(x));
}

TEST_CASE("nn Sequential: a module moved into a Sequential is empty afterwards, and says so") {
  nn::Linear fc({.in_features = 2, .out_features = 3});
  const Tensor w = fc.weight();
  nn::Sequential seq;
  seq.push_back(std::move(fc));
  CHECK(seq.parameters()[0].shares_data(w));
  CHECK_THROWS_WITH_AS(fc.weight(), "Linear: this module has no parameters left (it was moved from)",
                       tapegrad::TapeError);
}

TEST_CASE("nn Sequential: a module shared twice lists its parameters once") {
  auto shared = std::make_shared<nn::Linear>(nn::LinearOptions{.in_features = 2, .out_features = 2});
  nn::Sequential seq(shared, nn::ReLU(), shared);
  CHECK(names_of(seq.named_parameters()) == std::vector<std::string>{"0.weight", "0.bias"});
  CHECK(seq.num_parameters() == 6);
}
