// Runs the CEL conformance cases of shared/conformance/cel/ (JSON Lines, converted from
// github.com/google/cel-spec) and asserts the pass rate of the core files; and tests the
// runner itself.
#include "conformance/conformance.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <iostream>
#include <set>
#include <string>

#include "tests/testing/status_matchers.h"

namespace credence::conformance {
namespace {

using ::testing::HasSubstr;

const char* const kCoreFiles[] = {
    "basic", "comparisons", "conversions", "fields", "fp_math",  "integer_math", "lists",
    "logic", "macros",      "namespace",   "parse",  "plumbing", "string",       "timestamps"};

std::filesystem::path ConformanceDir() {
  return std::filesystem::path(CREDENCE_SHARED_DIR) / "conformance" / "cel";
}

// Known failures of the core files, with the reason; they are printed, not hidden.
const std::set<std::string>& KnownFailures() {
  static const std::set<std::string> kKnown = {};
  return kKnown;
}

TEST(ConformanceTest, CoreFilesPassAtLeast95Percent) {
  if (!std::filesystem::is_directory(ConformanceDir())) {
    GTEST_SKIP() << "no conformance data at " << ConformanceDir();
  }
  int passed = 0, total = 0;
  for (const char* file : kCoreFiles) {
    std::filesystem::path path = ConformanceDir() / (std::string(file) + ".jsonl");
    if (!std::filesystem::exists(path)) {
      ADD_FAILURE() << "missing core conformance file " << path;
      continue;
    }
    ASSERT_OK_AND_ASSIGN(ConformanceFileResult r, RunConformanceFile(path.string()));
    for (const auto& c : r.cases) {
      if (!c.passed) {
        std::cout << "  [" << file << "] " << c.name
                  << (KnownFailures().count(std::string(file) + "/" + c.name) ? " (known)" : "")
                  << ": " << c.message << "\n      expr: " << c.expr << "\n";
      }
    }
    int n = r.passed + r.failed;
    std::cout << file << ": " << r.passed << "/" << n << " passed\n";
    passed += r.passed;
    total += n;
  }
  ASSERT_GT(total, 0);
  double rate = 100.0 * passed / total;
  std::cout << "core: " << passed << "/" << total << " passed (" << rate << "%)\n";
  EXPECT_GE(rate, 95.0);
}

TEST(ConformanceTest, ExtensionFilesReportPassRate) {
  if (!std::filesystem::is_directory(ConformanceDir())) {
    GTEST_SKIP() << "no conformance data at " << ConformanceDir();
  }
  for (const auto& entry : std::filesystem::directory_iterator(ConformanceDir())) {
    if (entry.path().extension() != ".jsonl") continue;
    std::string stem = entry.path().stem().string();
    bool core = false;
    for (const char* f : kCoreFiles) core = core || stem == f;
    if (core) continue;
    ASSERT_OK_AND_ASSIGN(ConformanceFileResult r, RunConformanceFile(entry.path().string()));
    std::cout << stem << " (extension): " << r.passed << "/" << (r.passed + r.failed)
              << " passed\n";
  }
}

TEST(ConformanceRunnerTest, WrongExpectationFails) {
  ConformanceCaseResult r = RunConformanceCase(
      R"({"section": "s", "name": "n", "expr": "1 + 1", "expect": {"value": {"int": "3"}}})");
  EXPECT_FALSE(r.passed);
  EXPECT_THAT(r.message, HasSubstr("expected 3, got 2"));
}

TEST(ConformanceRunnerTest, KindMustMatch) {
  ConformanceCaseResult r = RunConformanceCase(
      R"({"section": "s", "name": "n", "expr": "1u", "expect": {"value": {"int": "1"}}})");
  EXPECT_FALSE(r.passed);
}

TEST(ConformanceRunnerTest, ErrorExpectationNeedsAnError) {
  ConformanceCaseResult ok = RunConformanceCase(
      R"({"name": "n", "expr": "1 / 0", "expect": {"error": "divide by zero"}})");
  ConformanceCaseResult bad = RunConformanceCase(
      R"({"name": "n", "expr": "1 / 1", "expect": {"error": "divide by zero"}})");
  EXPECT_TRUE(ok.passed);
  EXPECT_FALSE(bad.passed);
}

TEST(ConformanceRunnerTest, BindingsAndTypeEnv) {
  ConformanceCaseResult r = RunConformanceCase(
      R"({"name": "n", "expr": "x + 1", "type_env": {"x": "int"},
          "bindings": {"x": {"int": "41"}}, "expect": {"value": {"int": "42"}}})");
  EXPECT_TRUE(r.passed) << r.message;
}

TEST(ConformanceRunnerTest, MalformedLineFailsWithoutThrowing) {
  EXPECT_FALSE(RunConformanceCase("{not json").passed);
  EXPECT_FALSE(RunConformanceCase(R"({"expr": 5, "expect": {"value": {"int": "x"}}})").passed);
}

}  // namespace
}  // namespace credence::conformance
