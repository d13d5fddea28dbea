// SPDX-License-Identifier: MIT
// file_error.hpp: the exception for files nn reads and writes (CSV, IDX, checkpoints).
// A file that cannot be opened, is cut short or holds something other than what its format promises is
// neither a shape nor a domain mistake, so it gets its own subclass; the message always names the file,
// and the line, column or entry when there is one.
#pragma once

#include "tapegrad/autodiff/core/error.hpp"

namespace tapegrad::nn {

/// A file that cannot be opened, read or written, or whose contents break its format.
/// Example: `try { auto data = nn::load_csv("x.csv"); } catch (const nn::FileError& e) { log(e.what()); }`
class FileError : public Error {
 public:
  using Error::Error;
};

}  // namespace tapegrad::nn
