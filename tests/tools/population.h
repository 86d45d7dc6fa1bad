// A varied population of requests built from examples/requests.jsonl, for CLI tests.
#ifndef CREDENCE_TESTS_TOOLS_POPULATION_H_
#define CREDENCE_TESTS_TOOLS_POPULATION_H_

#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/time_util.h>
#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

#include "credence/engine.h"
#include "tests/tools/cli_testing.h"

namespace credence::testing {

// Request i is example i % 8 with as_of moved back by `shift_days` * (i / 8) days, zone and
// sector from small lists, and request id "<prefix>-<i>".
inline std::vector<v1::ScoreRequest> MakePopulation(int n, const std::string& prefix,
                                                    int shift_days = 37) {
  std::vector<v1::ScoreRequest> examples;
  for (const auto& line : ExampleLines()) {
    auto r = ParseRequest(line, WireFormat::kJson);
    EXPECT_TRUE(r.ok()) << r.status();
    if (r.ok()) examples.push_back(*r);
  }
  const char* zones[] = {"Qianhai <FTZ>", "Hangzhou", "Yiwu"};
  const char* sectors[] = {"apparel", "electronics & parts", "toys"};
  std::vector<v1::ScoreRequest> out;
  for (int i = 0; i < n; ++i) {
    v1::ScoreRequest r = examples[static_cast<std::size_t>(i) % examples.size()];
    r.set_request_id(prefix + "-" + std::to_string(i));
    const int k = i / static_cast<int>(examples.size());
    *r.mutable_as_of() =
        r.as_of() - google::protobuf::util::TimeUtil::HoursToDuration(24LL * shift_days * k);
    r.mutable_enterprise()->set_zone(zones[i % 3]);
    r.mutable_enterprise()->set_sector(sectors[(i / 3) % 3]);
    out.push_back(std::move(r));
  }
  return out;
}

inline void WriteJsonl(const std::string& path, const std::vector<v1::ScoreRequest>& requests) {
  std::ofstream f(path);
  for (const auto& r : requests) {
    std::string json;
    EXPECT_TRUE(google::protobuf::util::MessageToJsonString(r, &json).ok());
    f << json << "\n";
  }
}

// The starter bundle's text with `edits` (from, to) applied and `extra` appended, written to
// a fresh folder; returns the folder.
inline std::string WriteBundleVariant(const std::string& name,
                                      const std::vector<std::pair<std::string, std::string>>& edits,
                                      const std::string& extra = "") {
  std::string text = ReadFileOrEmpty(SourcePath("models/starter/bundle.textproto"));
  for (const auto& [from, to] : edits) {
    const auto at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    if (at != std::string::npos) text.replace(at, from.size(), to);
  }
  const std::string dir = TestTempPath(name);
  std::filesystem::create_directories(dir);
  std::ofstream(dir + "/bundle.textproto") << text << "\n" << extra;
  return dir;
}

}  // namespace credence::testing

#endif  // CREDENCE_TESTS_TOOLS_POPULATION_H_
