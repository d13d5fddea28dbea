// SPDX-License-Identifier: MIT
// torch_conv_side.cpp: configs E and F as libtorch C++ training steps (torch::nn modules, Adam).
#include <torch/torch.h>

#include "conv_steps.hpp"

namespace conv_peer {
namespace {

struct TorchStep final : Step {
  explicit TorchStep(Config config) {
    torch::manual_seed(0);
    const int64_t batch = config == Config::E ? 64 : 128;
    if (config == Config::E) {
      net->push_back(torch::nn::Conv2d(torch::nn::Conv2dOptions(1, 6, 5).padding(2)));
      net->push_back(torch::nn::ReLU());
      net->push_back(torch::nn::MaxPool2d(2));
      net->push_back(torch::nn::Conv2d(torch::nn::Conv2dOptions(6, 16, 5)));
      net->push_back(torch::nn::ReLU());
      net->push_back(torch::nn::MaxPool2d(2));
      net->push_back(torch::nn::Flatten());
      net->push_back(torch::nn::Linear(400, 120));
      net->push_back(torch::nn::ReLU());
      net->push_back(torch::nn::Linear(120, 84));
      net->push_back(torch::nn::ReLU());
      net->push_back(torch::nn::Linear(84, 10));
    } else {
      net->push_back(torch::nn::Conv2d(torch::nn::Conv2dOptions(1, 32, 3)));
      net->push_back(torch::nn::ReLU());
      net->push_back(torch::nn::Conv2d(torch::nn::Conv2dOptions(32, 64, 3)));
      net->push_back(torch::nn::ReLU());
      net->push_back(torch::nn::MaxPool2d(2));
      net->push_back(torch::nn::Flatten());
      net->push_back(torch::nn::Linear(9216, 128));
      net->push_back(torch::nn::ReLU());
      net->push_back(torch::nn::Linear(128, 10));
    }
    x = torch::randn({batch, 1, 28, 28});
    y = torch::arange(batch) % 10;
    adam = std::make_unique<torch::optim::Adam>(net->parameters(), torch::optim::AdamOptions(1e-3));
  }
  double step() override {
    adam->zero_grad();
    auto loss = torch::nn::functional::cross_entropy(net->forward(x), y);
    loss.backward();
    adam->step();
    return loss.item<double>();
  }
  torch::nn::Sequential net;
  torch::Tensor x, y;
  std::unique_ptr<torch::optim::Adam> adam;
};

}  // namespace

std::unique_ptr<Step> make_torch_step(Config config) {
  return std::make_unique<TorchStep>(config);
}
void set_torch_threads(int threads) {
  torch::set_num_threads(threads);
}

}  // namespace conv_peer
