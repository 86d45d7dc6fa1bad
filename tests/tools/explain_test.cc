// `credence explain` against expectations computed here: the library's response, the
// bundle's rule conditions, and the decision table's row worked out by hand.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <regex>
#include <string>

#include <google/protobuf/util/delimited_message_util.h>
#include <google/protobuf/util/json_util.h>

#include <fstream>
#include <map>

#include "credence/engine.h"
#include "tests/tools/cli_testing.h"
#include "tests/tools/population.h"

namespace credence {
namespace {

using ::credence::testing::ExampleLines;
using ::credence::testing::RunCli;
using ::credence::testing::SourcePath;
using ::credence::testing::TestTempPath;
using ::credence::testing::WriteBundleVariant;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kPolicy = R"bundle(
decision_tables {
  id: "policy"
  hit_policy: DECISION_HIT_POLICY_FIRST
  inputs { name: "credit" expression: "credit.grade" }
  inputs { name: "refunds" expression: "refund_rate_90d" }
  outputs { name: "outcome" }
  rows { input_entries: "\"C\", \"CCC\"" input_entries: "-" output_entries: "\"REJECT\"" description: "weak credit" }
  rows { input_entries: "-" input_entries: "> 0.1" output_entries: "\"REVIEW\"" description: "many refunds" }
  rows { input_entries: "-" input_entries: "-" output_entries: "\"APPROVE\"" description: "otherwise" }
}
decision { table: "policy" }
)bundle";

std::string G(double v) {
  if (std::isnan(v)) return "missing";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

TEST(ExplainTest, EveryExampleAgainstTheLibrary) {
  const std::string dir = WriteBundleVariant("explain_bundle", {}, kPolicy);
  auto loaded = LoadBundle(dir);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  auto engine = Engine::Compile(*loaded);
  ASSERT_TRUE(engine.ok()) << engine.status();
  std::vector<std::string> feature_names;
  for (const auto& f : loaded->bundle.features()) feature_names.push_back(f.name());
  ScoreOptions options;
  options.include_features = true;
  int hits_checked = 0, reasons_checked = 0;
  for (const auto& line : ExampleLines()) {
    auto request = ParseRequest(line, WireFormat::kJson);
    ASSERT_TRUE(request.ok());
    auto response = (*engine)->Score(*request, options);
    ASSERT_TRUE(response.ok()) << response.status();
    std::map<std::string, double> values;
    for (const auto& f : response->features()) values[f.name()] = f.value();

    auto r = RunCli("explain --bundle " + dir + " --in " + SourcePath("examples/requests.jsonl") +
                    " --request-id " + request->request_id());
    ASSERT_EQ(r.exit_code, 0) << request->request_id();
    const std::string& out = r.out;
    EXPECT_THAT(out, HasSubstr("bundle starter 0.1.0 " + (*engine)->info().digest));
    EXPECT_THAT(out, HasSubstr("request " + request->request_id() + "  enterprise " +
                               request->enterprise().id()));
    const auto& c = response->credit();
    if (c.available()) {
      EXPECT_THAT(
          out, HasSubstr("PD " + G(c.pd()) + "  score " + G(c.score()) + "  grade " + c.grade()));
    }
    // Reasons with the value behind them.
    for (const auto& reason : response->reasons()) {
      EXPECT_THAT(out, HasSubstr(reason.code() + " " + reason.text() + "\n     " +
                                 reason.feature() + " = " + G(values[reason.feature()])));
      ++reasons_checked;
    }
    // Every rule hit: its condition as written in the bundle, and the value of every feature
    // the condition names (found here with a word match, not the CLI's AST walk).
    for (const auto& hit : response->rule_hits()) {
      std::string condition;
      for (const auto& set : loaded->bundle.rule_sets()) {
        for (const auto& rule : set.rules()) {
          if (set.id() == hit.rule_set() && rule.id() == hit.rule_id())
            condition = rule.condition();
        }
      }
      ASSERT_FALSE(condition.empty());
      const std::string block_start = "  " + hit.rule_set() + "/" + hit.rule_id();
      const auto at = out.find(block_start);
      ASSERT_NE(at, std::string::npos) << block_start;
      // The block runs to the next line indented by exactly two spaces, or a blank line.
      std::size_t end = at + 3;
      while (end < out.size()) {
        end = out.find('\n', end);
        if (end == std::string::npos || end + 3 >= out.size() || out[end + 1] == '\n' ||
            (out[end + 1] == ' ' && out[end + 2] == ' ' && out[end + 3] != ' '))
          break;
        ++end;
      }
      const std::string block = out.substr(at, end == std::string::npos ? end : end - at);
      EXPECT_THAT(block, HasSubstr("condition: " + condition));
      for (const auto& name : feature_names) {
        if (std::regex_search(condition, std::regex("\\b" + name + "\\b"))) {
          EXPECT_THAT(block, HasSubstr(name + " = " + G(values[name]))) << block;
        }
      }
      ++hits_checked;
    }
    // The decision table's row, worked out by hand from the grade and the refund rate.
    const std::string grade = c.grade();
    const double refunds = values["refund_rate_90d"];
    if (std::isnan(refunds) && grade != "C" && grade != "CCC") {
      EXPECT_THAT(out, HasSubstr("could not decide")) << request->request_id();
      continue;
    }
    const int row = (grade == "C" || grade == "CCC") ? 0 : refunds > 0.1 ? 1 : 2;
    const char* desc[] = {"weak credit", "many refunds", "otherwise"};
    EXPECT_THAT(out, HasSubstr("matched row " + std::to_string(row) + " (" + desc[row] + ")"))
        << request->request_id() << "\n"
        << out;
    EXPECT_THAT(
        out, HasSubstr("input refunds = refund_rate_90d   [refund_rate_90d = " + G(refunds) + "]"));
    EXPECT_THAT(out, HasSubstr("input credit = credit.grade   [credit.grade = \"" + grade + "\"]"));
    EXPECT_THAT(out, HasSubstr("decided by"));
  }
  EXPECT_GT(hits_checked, 3);
  EXPECT_GT(reasons_checked, 5);
  std::filesystem::remove_all(dir);
}

TEST(ExplainTest, ChoosingARequest) {
  const std::string in = SourcePath("examples/requests.jsonl");
  const std::string bundle = SourcePath("models/starter");
  auto many = RunCli("explain --bundle " + bundle + " --in " + in, true);
  EXPECT_EQ(many.exit_code, 2);
  EXPECT_THAT(many.out, HasSubstr("holds 8 requests; choose one with --request-id"));
  EXPECT_EQ(RunCli("explain --bundle " + bundle + " --in " + in + " --request-id nope").exit_code,
            2);
  // A single pretty-printed request needs no id.
  const std::string one = TestTempPath("one.json");
  {
    auto r = ParseRequest(ExampleLines()[4], WireFormat::kJson);
    ASSERT_TRUE(r.ok());
    std::string json;
    google::protobuf::util::JsonPrintOptions pretty;
    pretty.add_whitespace = true;
    ASSERT_TRUE(google::protobuf::util::MessageToJsonString(*r, &json, pretty).ok());
    std::ofstream(one) << json;
  }
  auto r = RunCli("explain --bundle " + bundle + " --in " + one);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_THAT(r.out, HasSubstr("request req-005"));
  EXPECT_THAT(r.out, HasSubstr("compliance/repeated_penalties"));
  EXPECT_THAT(r.out, HasSubstr("caps compliance at dishonest"));
  EXPECT_THAT(r.out, Not(HasSubstr("?")));
  // A binary stream works too.
  const std::string pb = TestTempPath("explain.pb");
  {
    std::ofstream f(pb, std::ios::binary);
    for (const auto& line : ExampleLines()) {
      auto req = ParseRequest(line, WireFormat::kJson);
      ASSERT_TRUE(req.ok());
      ASSERT_TRUE(google::protobuf::util::SerializeDelimitedToOstream(*req, &f));
    }
  }
  auto from_pb = RunCli("explain --bundle " + bundle + " --in " + pb + " --request-id req-002");
  EXPECT_EQ(from_pb.exit_code, 0);
  EXPECT_THAT(from_pb.out, HasSubstr("request req-002  enterprise ent-refunds"));
  std::filesystem::remove(pb);
  auto help = RunCli("explain --help");
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_THAT(help.out, HasSubstr("usage: credence explain"));
  std::filesystem::remove(one);
}

}  // namespace
// A pretty-printed request with an unknown field: the error names the file, line 7 and the
// field (issue 13, cause 12), not "line 1" of a JSON Lines reading.
TEST(ExplainTest, PrettyRequestErrorIsLocated) {
  const std::string path = ::testing::TempDir() + "pretty_request.json";
  std::ofstream(path) << "{\n  \"requestId\": \"r-1\",\n  \"asOf\": \"2026-02-01T00:00:00Z\",\n"
                         "  \"events\": [\n    {\n      \"id\": \"e1\",\n"
                         "      \"tiem\": \"2026-01-01T00:00:00Z\"\n    }\n  ]\n}\n";
  auto r = RunCli("explain --bundle " + SourcePath("models/starter") + " --in " + path, true);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.out, HasSubstr(path + ":7:7: events[0].tiem: malformed JSON ScoreRequest: "
                                      "unknown field 'tiem' in credence.v1.Event"));
}

}  // namespace credence
