// SPDX-License-Identifier: MIT
// failure_probe.cpp: a 2-rank training job whose rank 1 throws in its third step. Without the error path
// rank 0 would wait forever in the gradient allreduce; with it the job ends, naming rank 1 and the error
// (check_failing_rank.cmake runs it under mpirun with a timeout).
#include <cstdint>
#include <vector>

#include "tapegrad/nn/distributed/distributed.hpp"
#include "tapegrad/nn/nn.hpp"

namespace nn = tapegrad::nn;

int main(int argc, char** argv) {
  nn::distributed::Session mpi(argc, argv);
  const nn::distributed::Communicator comm = nn::distributed::Communicator::world();
  tapegrad::Generator gen(1);
  const nn::Dataset data(tapegrad::randn({64, 4}, gen), std::vector<std::int64_t>(64, 1), 2);
  nn::MLP net({.in_features = 4, .hidden = {8}, .out_features = 2}, gen);
  nn::SGD opt(net.parameters(), {.lr = 0.1});
  int calls = 0;
  const nn::LossFn loss = [&](const tapegrad::Tensor& y, const nn::Batch& b) {
    if (comm.rank() == 1 && ++calls == 3) throw tapegrad::DomainError("probe: rank 1 fails on purpose");
    return nn::cross_entropy(y, b.labels);
  };
  nn::distributed::fit(net, opt, loss, data, {.epochs = 100, .batch_size = 8}, comm);
  return 0;  // not reached: rank 1 fails in epoch 1
}
