// SPDX-License-Identifier: MIT
// nn.hpp: umbrella header of tapegrad::nn: modules, initialisation, losses, optimizers, data (Dataset,
// DataLoader, split, standardisation, CSV and IDX loaders), checkpoints, SVG plots (nn/plot/), a progress bar
// and the training History, with the autodiff core they are built on.
#pragma once

#include <autodiff/autodiff.hpp>

// modules
#include "nn/activation.hpp"
#include "nn/activation_modules.hpp"
#include "nn/layer.hpp"
#include "nn/linear.hpp"
#include "nn/mlp.hpp"
#include "nn/module.hpp"
#include "nn/neuron.hpp"
#include "nn/sequential.hpp"

// initialisation
#include "nn/init.hpp"
#include "nn/random.hpp"

// losses
#include "nn/loss.hpp"

// optimizers
#include "nn/optim/adam.hpp"
#include "nn/optim/adamw.hpp"
#include "nn/optim/clip_grad.hpp"
#include "nn/optim/lr_scheduler.hpp"
#include "nn/optim/optimizer.hpp"
#include "nn/optim/sgd.hpp"

// data
#include "nn/csv.hpp"
#include "nn/dataloader.hpp"
#include "nn/dataset.hpp"
#include "nn/idx.hpp"
#include "nn/shuffle.hpp"
#include "nn/standardizer.hpp"
#include "nn/train_test_split.hpp"

// checkpoints, plots, progress and history
#include "nn/checkpoint.hpp"
#include "nn/file_error.hpp"
#include "nn/history.hpp"
#include "nn/plot/chart.hpp"
#include "nn/plot/colors.hpp"
#include "nn/plot/image_grid.hpp"
#include "nn/plot/svg.hpp"
#include "nn/progress.hpp"

// training
#include "nn/trainer.hpp"
