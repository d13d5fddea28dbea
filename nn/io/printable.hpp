// SPDX-License-Identifier: MIT
// printable.hpp: file contents quoted for an error message, with invisible characters made visible.
// A field "2\r3" printed raw shows as "23" on a terminal, so the message would contradict itself; here it
// reads "2\r3". Not part of the public API.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace tapegrad::nn::detail {

/// `text` in double quotes, with \r \n \t, other control bytes (\xNN), backslash and quote escaped; longer
/// than `limit` bytes, it is cut and ends in "...". Example: printable("2\r3") == "\"2\\r3\"".
inline std::string printable(std::string_view text, std::size_t limit = 80) {
  const char* digits = "0123456789abcdef";
  std::string out = "\"";
  for (std::size_t i = 0; i < text.size() && i < limit; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    switch (c) {
      case '\r':
        out += "\\r";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '"':
        out += "\\\"";
        break;
      default:
        if (c < 0x20 || c == 0x7f) {
          out += "\\x";
          out += digits[c >> 4];
          out += digits[c & 15];
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  if (text.size() > limit) out += "...";
  return out + "\"";
}

}  // namespace tapegrad::nn::detail
