// SPDX-License-Identifier: MIT
// distributed.hpp: tapegrad::distributed, data-parallel training over MPI (built when CMake finds MPI).
// Start the program with mpirun; see README.md ("Training on several machines").
#pragma once

#include "tapegrad/nn/data/distributed_sampler.hpp"
#include "tapegrad/nn/distributed/communicator.hpp"
#include "tapegrad/nn/distributed/distributed_fit.hpp"
#include "tapegrad/nn/distributed/gradient_buckets.hpp"
