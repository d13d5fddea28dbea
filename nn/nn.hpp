// SPDX-License-Identifier: MIT
// nn.hpp: umbrella header of tapegrad::nn.
// Data (Dataset, DataLoader, train/test split, standardisation, CSV and IDX loaders), checkpoints, SVG plots
// (nn/plot/), a progress bar and the training History, and the autodiff core underneath.
#pragma once

#include <autodiff/autodiff.hpp>

#include "nn/checkpoint.hpp"
#include "nn/csv.hpp"
#include "nn/dataloader.hpp"
#include "nn/dataset.hpp"
#include "nn/file_error.hpp"
#include "nn/history.hpp"
#include "nn/idx.hpp"
#include "nn/plot/chart.hpp"
#include "nn/plot/colors.hpp"
#include "nn/plot/image_grid.hpp"
#include "nn/plot/svg.hpp"
#include "nn/progress.hpp"
#include "nn/shuffle.hpp"
#include "nn/standardizer.hpp"
#include "nn/train_test_split.hpp"
