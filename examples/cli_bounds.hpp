// SPDX-License-Identifier: MIT
// cli_bounds.hpp: CLI11 validators for the examples' numeric flags, with bounds that make sense for them.
// CLI11 converts an integer that does not fit its type to the type's limit without a word, and its stock
// range validators print DBL_MAX in full; these read the text themselves (std::from_chars: an overflow is an
// error, not a clamp) and say in a few words what is allowed.
#pragma once

#include <CLI/CLI.hpp>
#include <charconv>
#include <cstdint>
#include <sstream>
#include <string>
#include <system_error>

namespace tapegrad::examples {

/// Accepts a whole number in [lo, hi]; anything else gets "expected a whole number in [lo, hi], got <text>".
/// Example: `app.add_option("--epochs", epochs)->check(integer_in(1, 100000));`
inline CLI::Validator integer_in(std::int64_t lo, std::uint64_t hi) {
  const std::string range = "[" + std::to_string(lo) + ", " + std::to_string(hi) + "]";
  return CLI::Validator(
      [lo, hi, range](const std::string& text) -> std::string {
        const std::string shown = text.size() > 40 ? text.substr(0, 40) + "..." : text;
        const std::string failure = "expected a whole number in " + range + ", got " + shown;
        const char* end = text.data() + text.size();
        if (!text.empty() && text[0] == '-') {
          std::int64_t v = 0;
          const auto [stop, error] = std::from_chars(text.data(), end, v);
          return error == std::errc() && stop == end && v >= lo ? std::string() : failure;
        }
        std::uint64_t v = 0;
        const auto [stop, error] = std::from_chars(text.data(), end, v);
        const bool above_lo = lo < 0 || v >= static_cast<std::uint64_t>(lo);
        return error == std::errc() && stop == end && above_lo && v <= hi ? std::string() : failure;
      },
      "INT in " + range, "integer_in");
}

/// Accepts a finite number in [lo, hi]; anything else gets "expected a number in [lo, hi], got <text>".
/// Example: `app.add_option("--lr", lr)->check(number_in(1e-6, 10));`
inline CLI::Validator number_in(double lo, double hi) {
  const auto text_of = [](double v) {
    std::ostringstream s;
    s << v;
    return s.str();
  };
  const std::string range = "[" + text_of(lo) + ", " + text_of(hi) + "]";
  return CLI::Validator(
      [lo, hi, range](const std::string& text) -> std::string {
        const std::string shown = text.size() > 40 ? text.substr(0, 40) + "..." : text;
        double v = 0.0;
        const char* end = text.data() + text.size();
        const auto [stop, error] = std::from_chars(text.data(), end, v);
        return error == std::errc() && stop == end && v >= lo && v <= hi
                   ? std::string()
                   : "expected a number in " + range + ", got " + shown;
      },
      "NUMBER in " + range, "number_in");
}

}  // namespace tapegrad::examples
