// SPDX-License-Identifier: MIT
// nist_strd.hpp: reads a NIST StRD nonlinear regression file (https://www.itl.nist.gov/div898/strd/nls/),
// such as examples/data/Misra1a.dat: the two starting points, the certified parameters and their standard
// deviations, the certified residual sum of squares, and the (x, y) observations.
// Used by examples/ceres_misra1a.cpp, tests/solvers/ceres_test.cpp and bench/ceres_bench.cpp.
#pragma once

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <tapegrad/autodiff/core/error.hpp>
#include <vector>

namespace tapegrad::examples {

struct NistProblem {
  std::vector<double> start1, start2;           // "Start 1" and "Start 2", per parameter
  std::vector<double> certified, certified_sd;  // certified values and their standard deviations
  double certified_rss = 0.0;                   // "Residual Sum of Squares"
  std::vector<double> x, y;                     // the observations
};

/// Reads `path`. Throws tapegrad::DomainError naming the file if it cannot be read or has no parameters
/// or no observations.
inline NistProblem read_nist_strd(const std::filesystem::path& path) {
  std::ifstream in(path);
  TAPEGRAD_CHECK(in.good(), DomainError, "read_nist_strd: cannot open ", path.string());
  NistProblem p;
  std::string line;
  bool in_data = false;
  while (std::getline(in, line)) {
    std::istringstream words(line);
    std::string first, second;
    words >> first >> second;
    if (in_data) {
      std::istringstream row(line);
      double y = 0.0, x = 0.0;
      if (row >> y >> x) {
        p.y.push_back(y);
        p.x.push_back(x);
      }
    } else if (first.size() >= 2 && first[0] == 'b' && second == "=") {  // "b1 = start1 start2 value sd"
      double s1 = 0.0, s2 = 0.0, value = 0.0, sd = 0.0;
      if (words >> s1 >> s2 >> value >> sd) {
        p.start1.push_back(s1);
        p.start2.push_back(s2);
        p.certified.push_back(value);
        p.certified_sd.push_back(sd);
      }
    } else if (line.rfind("Residual Sum of Squares:", 0) == 0) {
      p.certified_rss = std::stod(line.substr(line.find(':') + 1));
    } else if (first == "Data:" && second == "y") {  // the second "Data:" line heads the observations
      in_data = true;
    }
  }
  TAPEGRAD_CHECK(!p.certified.empty() && !p.x.empty(), DomainError, "read_nist_strd: ", path.string(),
                 " has ", p.certified.size(), " parameters and ", p.x.size(), " observations");
  return p;
}

/// NIST's measure of agreement: the number of correct significant digits, -log10(|value - certified| /
/// |certified|), capped at 15 (agreement to double precision).
inline double log_relative_error(double value, double certified) {
  const double relative = std::abs(value - certified) / std::abs(certified);
  return relative == 0.0 ? 15.0 : std::min(15.0, -std::log10(relative));
}

/// Misra1a's model, y = b1 (1 - exp(-b2 x)), as a Ceres residual functor (one observation, 2 parameters):
/// the same functor serves ceres::AutoDiffCostFunction and tapegrad::solvers::CostFunction.
struct Misra1aResidual {
  double x = 0.0, y = 0.0;
  template <class T>
  bool operator()(const T* b, T* residual) const {
    using std::exp;  // T = double; Var and ceres::Jet find theirs by argument-dependent lookup
    residual[0] = y - b[0] * (1.0 - exp(-b[1] * x));
    return true;
  }
};

}  // namespace tapegrad::examples
