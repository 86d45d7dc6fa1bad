// Helpers for tests that run the credence binary as a user would.
#ifndef CREDENCE_TESTS_TOOLS_CLI_TESTING_H_
#define CREDENCE_TESTS_TOOLS_CLI_TESTING_H_

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace credence::testing {

struct CliResult {
  int exit_code;
  std::string out;
};

// Runs `credence ARGS` through the shell; stdout captured, stderr merged when `merge_stderr`.
inline CliResult RunCli(const std::string& args, bool merge_stderr = false) {
  const std::string cmd =
      std::string(CREDENCE_CLI) + " " + args + (merge_stderr ? " 2>&1" : " 2>/dev/null");
  FILE* p = popen(cmd.c_str(), "r");
  std::string out;
  char buf[65536];
  while (std::size_t n = fread(buf, 1, sizeof buf, p)) out.append(buf, n);
  const int status = pclose(p);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

inline std::string SourcePath(const std::string& rel) {
  return std::string(CREDENCE_SOURCE_DIR) + "/" + rel;
}

inline std::string TestTempPath(const std::string& name) {
  // The pid keeps tests that CTest runs in parallel (one process each) out of each other's files.
  return (std::filesystem::temp_directory_path() /
          ("credence_tools_test_" + std::to_string(::getpid()) + "_" + name))
      .string();
}

inline std::string ReadFileOrEmpty(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

inline std::vector<std::string> SplitLines(const std::string& s) {
  std::vector<std::string> lines;
  std::istringstream in(s);
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  return lines;
}

// The example requests (examples/requests.jsonl), one JSON line each.
inline std::vector<std::string> ExampleLines() {
  return SplitLines(ReadFileOrEmpty(SourcePath("examples/requests.jsonl")));
}

}  // namespace credence::testing

#endif  // CREDENCE_TESTS_TOOLS_CLI_TESTING_H_
