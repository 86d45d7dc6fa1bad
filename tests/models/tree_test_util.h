// Helpers shared by the tree-ensemble tests: reading fixture files and CSVs.
#ifndef CREDENCE_TESTS_MODELS_TREE_TEST_UTIL_H_
#define CREDENCE_TESTS_MODELS_TREE_TEST_UTIL_H_

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

namespace credence::models::testing {

inline std::string ReadFileOrDie(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    ADD_FAILURE() << "cannot open " << path;
    return "";
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Directory of the XGBoost fixtures: $CREDENCE_XGB_FIXTURE_DIR when set (the CTest that
// regenerates them), else the committed tests/models/data.
inline std::string FixtureDir() {
  if (const char* dir = std::getenv("CREDENCE_XGB_FIXTURE_DIR"); dir != nullptr && *dir) {
    return dir;
  }
  return std::string(CREDENCE_SOURCE_DIR) + "/tests/models/data";
}

// Parses a CSV of numbers with one header line; "nan", "inf", "-inf" allowed.
inline std::vector<std::vector<double>> ReadCsv(const std::string& text) {
  std::vector<std::vector<double>> rows;
  std::istringstream in(text);
  std::string line;
  bool header = true;
  while (std::getline(in, line)) {
    if (header) {
      header = false;
      continue;
    }
    if (line.empty()) continue;
    std::vector<double> row;
    std::istringstream ls(line);
    std::string cell;
    while (std::getline(ls, cell, ',')) {
      if (cell == "nan") {
        row.push_back(std::numeric_limits<double>::quiet_NaN());
      } else {
        row.push_back(std::strtod(cell.c_str(), nullptr));
      }
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace credence::models::testing

#endif  // CREDENCE_TESTS_MODELS_TREE_TEST_UTIL_H_
