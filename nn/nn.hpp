// SPDX-License-Identifier: MIT
// nn.hpp: umbrella header of tapegrad::nn: modules, initialisation, losses, optimizers, data (Dataset,
// DataLoader, split, standardisation, CSV and IDX loaders), checkpoints, fit() with its progress bar and
// History, and the autodiff core they are built on. Drawing is apart: nn/plot/plot.hpp (tapegrad::plot).
#pragma once

#include <tapegrad/autodiff/autodiff.hpp>

// modules
#include "tapegrad/nn/modules/activation.hpp"
#include "tapegrad/nn/modules/activation_modules.hpp"
#include "tapegrad/nn/modules/embedding.hpp"
#include "tapegrad/nn/modules/conv.hpp"
#include "tapegrad/nn/modules/dropout.hpp"
#include "tapegrad/nn/modules/flatten.hpp"
#include "tapegrad/nn/modules/layer.hpp"
#include "tapegrad/nn/modules/linear.hpp"
#include "tapegrad/nn/modules/mlp.hpp"
#include "tapegrad/nn/modules/module.hpp"
#include "tapegrad/nn/modules/neuron.hpp"
#include "tapegrad/nn/modules/rnn.hpp"
#include "tapegrad/nn/modules/rnn_cell.hpp"
#include "tapegrad/nn/modules/norm.hpp"
#include "tapegrad/nn/modules/pool.hpp"
#include "tapegrad/nn/modules/sequential.hpp"

// initialisation
#include "tapegrad/nn/modules/init.hpp"
#include "tapegrad/nn/modules/random.hpp"

// losses
#include "tapegrad/nn/loss/loss.hpp"

// optimizers
#include "tapegrad/nn/optim/adam.hpp"
#include "tapegrad/nn/optim/adamw.hpp"
#include "tapegrad/nn/optim/clip_grad.hpp"
#include "tapegrad/nn/optim/lr_scheduler.hpp"
#include "tapegrad/nn/optim/optimizer.hpp"
#include "tapegrad/nn/optim/sgd.hpp"

// data
#include "tapegrad/nn/data/csv.hpp"
#include "tapegrad/nn/data/dataloader.hpp"
#include "tapegrad/nn/data/dataset.hpp"
#include "tapegrad/nn/data/fashion_mnist.hpp"
#include "tapegrad/nn/data/idx.hpp"
#include "tapegrad/nn/data/shuffle.hpp"
#include "tapegrad/nn/data/standardizer.hpp"
#include "tapegrad/nn/data/train_test_split.hpp"

// files: checkpoints and the error every reader throws
#include "tapegrad/nn/io/checkpoint.hpp"
#include "tapegrad/nn/io/file_error.hpp"

// training: fit(), its progress bar and its History
#include "tapegrad/nn/train/history.hpp"
#include "tapegrad/nn/train/progress.hpp"
#include "tapegrad/nn/train/data_parallel.hpp"
#include "tapegrad/nn/train/trainer.hpp"
