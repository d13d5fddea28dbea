// SPDX-License-Identifier: MIT
// checkpoint.hpp: saving and loading named tensors (a model's parameters, an optimizer's state).
// The format (docs/checkpoint-format.md) is little-endian: magic, version, size, counts, then per tensor its
// name, dtype, shape and raw data, and a CRC-32 of everything before it. Saving is atomic: the bytes go to
// a temporary file in the same directory, which is fsync'd and then renamed over the target, so a crash
// leaves either the old checkpoint or the new one, never half of one (a killed save's temporary is removed
// by the next save of the same path; a symbolic link is followed, docs/reliability.md). Loading checks the
// header against the file's size before reading the rest, then the whole file, and every name, shape and dtype against the destinations, before it writes a single element, so
// a bad file throws and leaves the model exactly as it was.
#pragma once

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "tapegrad/autodiff/tensor/tensor.hpp"
#include "tapegrad/nn/io/named_tensors.hpp"

namespace tapegrad::nn {

/// The contents of a checkpoint file, as read_checkpoint returns them (fresh leaf tensors).
struct Checkpoint {
  NamedTensors parameters;
  NamedTensors optimizer_state;
};

/// Writes `parameters` and `optimizer_state` to `path` atomically (temporary file in the same directory,
/// fsync, rename; the file gets mode 0644). Throws ShapeError for an undefined tensor, an empty or
/// duplicate name within one list, or a tensor of more than 255 dimensions (nothing is written then), and
/// FileError naming the path and the system's reason if the file cannot be written (the temporary file is
/// removed and an existing checkpoint at `path` is left unchanged). If `path` is a symbolic link, the file
/// it points to is replaced and the link kept. Temporaries ".<name>.tmp-<pid>-XXXXXX" of earlier saves of
/// `path` whose process no longer runs are removed first.
/// Example: `nn::save_checkpoint("model.tgc", net.named_parameters(), opt.state());`
void save_checkpoint(const std::filesystem::path& path, const NamedTensors& parameters,
                     const NamedTensors& optimizer_state = {});

/// Reads and validates a whole checkpoint file into fresh tensors. Throws FileError naming the file if it
/// cannot be read, is not a checkpoint (magic), has another version, is truncated or has trailing bytes
/// (its header records its size), fails its CRC-32, or holds a malformed or duplicate entry.
/// Example: `for (auto& [name, t] : nn::read_checkpoint("model.tgc").parameters) std::cout << name;`
Checkpoint read_checkpoint(const std::filesystem::path& path);

/// Copies the file's parameters into `parameters` (matched by name; the tensors' data is overwritten in
/// place, without recording on a tape). Every check comes first: the file as in read_checkpoint, then every
/// destination must be defined, named once and present in the file with the same shape and dtype, and the
/// file may hold no parameter the destinations lack. The optimizer state in the file is ignored.
/// Throws FileError (file problems, a missing or unexpected name) or ShapeError (a shape or dtype that
/// differs), naming the file and the entry; on any error no destination has been touched.
/// Example: `nn::load_checkpoint("model.tgc", net.named_parameters());`
void load_checkpoint(const std::filesystem::path& path, const NamedTensors& parameters);

/// As above, and the optimizer state too, under the same rules (the state lists must match exactly).
/// Example: `nn::load_checkpoint("model.tgc", net.named_parameters(), opt.state());`
void load_checkpoint(const std::filesystem::path& path, const NamedTensors& parameters,
                     const NamedTensors& optimizer_state);

}  // namespace tapegrad::nn
