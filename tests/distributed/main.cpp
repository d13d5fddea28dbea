// SPDX-License-Identifier: MIT
// main.cpp: the doctest runner of tapegrad_distributed_tests, inside an MPI session. Every rank runs every
// test case in the same order (the cases call collectives); mpirun fails if any rank fails.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include "tapegrad/nn/distributed/communicator.hpp"

int main(int argc, char** argv) {
  tapegrad::nn::distributed::Session mpi(argc, argv);
  doctest::Context context(argc, argv);
  return context.run();
}
