// The customs credit lifecycle through the CLI: `credence explain` shows each cap's start,
// end or repairability and why; `credence report` tabulates official × engine grades with
// the counts the library gives.
#include <gmock/gmock.h>
#include <google/protobuf/util/time_util.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "credence/engine.h"
#include "sim/simulator.h"
#include "tests/customs/requests.h"
#include "tests/tools/cli_testing.h"
#include "tests/tools/population.h"

namespace credence {
namespace {

using ::credence::testing::DaysAgo;
using ::credence::testing::kDay;
using ::credence::testing::ReadFileOrEmpty;
using ::credence::testing::RunCli;
using ::credence::testing::SourcePath;
using ::credence::testing::TestTempPath;
using ::credence::testing::WriteJsonl;
using ::testing::HasSubstr;

std::string Time(std::int64_t seconds) {
  return google::protobuf::util::TimeUtil::ToString(
      google::protobuf::util::TimeUtil::SecondsToTimestamp(seconds));
}

TEST(CustomsCliTest, ExplainShowsWhenEachCapStartedAndEndsOrCanBeRepaired) {
  v1::ScoreRequest r = testing::SpotlessRequest("explain-caps");
  testing::AddPenalty(r, "smug", 300, "general", true, 20000);
  testing::AddPenalty(r, "old", 900, "general", true, 20000);  // ended: 2 years have passed
  testing::SetOfficial(r, "regular", 2000);
  const std::string in = TestTempPath("explain_caps.jsonl");
  WriteJsonl(in, {r});
  auto out = RunCli("explain --bundle " + SourcePath("models/cross-border") + " --in " + in);
  ASSERT_EQ(out.exit_code, 0);
  const std::int64_t t = DaysAgo(300);
  EXPECT_THAT(out.out,
              HasSubstr("  * lifecycle:smuggling_penalty/smug caps at dishonest\n"
                        "      started " +
                        Time(t) + " (smuggling_penalty, general, class from status); ends " +
                        Time(t + 730 * kDay) + " unless repaired; repairable from " +
                        Time(t + 365 * kDay) + "\n"));
  EXPECT_THAT(out.out, HasSubstr("      why: Administrative penalty for smuggling"));
  // A rule's cap is a condition on the history: no start date, no repair.
  EXPECT_THAT(out.out, HasSubstr("GRADE CAPS IN FORCE (* decides the grade)\n"
                                 "    rule:compliance/cr10_not_aeo caps at regular\n"
                                 "      a condition on the history as of as_of"));
  EXPECT_THAT(out.out, HasSubstr("DISHONEST INFORMATION\n  old EXPIRED, caps at dishonest\n"));
  EXPECT_THAT(out.out,
              HasSubstr("OFFICIAL CUSTOMS GRADE\n  regular effective " + Time(DaysAgo(2000)) +
                        ": engine_stricter (engine dishonest)\n"
                        "    lifecycle:smuggling_penalty/smug caps the grade at dishonest\n"));
  std::filesystem::remove(in);
}

TEST(CustomsCliTest, ReportTabulatesOfficialAgainstEngineGrades) {
  sim::SimOptions o;
  o.seed = 31;
  std::vector<v1::ScoreRequest> population;
  for (std::uint64_t i = 0; i < 60; ++i)
    population.push_back(sim::SimulateEnterprise(o, i).request);
  const std::string in = TestTempPath("report_customs.jsonl");
  const std::string html_path = TestTempPath("report_customs.html");
  WriteJsonl(in, population);
  auto loaded = LoadBundle(SourcePath("models/cross-border"));
  ASSERT_TRUE(loaded.ok());
  auto engine = Engine::Compile(*loaded);
  ASSERT_TRUE(engine.ok());
  std::map<std::pair<std::string, std::string>, int> expected;
  int watch = 0;
  for (const auto& r : population) {
    auto s = (*engine)->Score(r);
    ASSERT_TRUE(s.ok());
    const std::string& official = r.enterprise().customs_grade().grade();
    ++expected[{official.empty() ? "(none)" : official, s->compliance().grade()}];
    watch += s->compliance().watch();
  }
  auto out = RunCli("report --bundle " + SourcePath("models/cross-border") + " --in " + in +
                    " --out " + html_path);
  ASSERT_EQ(out.exit_code, 0);
  const std::string html = ReadFileOrEmpty(html_path);
  const auto at = html.find("<table id=\"table-reconciliation\">");
  ASSERT_NE(at, std::string::npos);
  const std::string table = html.substr(at, html.find("</table>", at) - at);
  const std::vector<std::string> grades = {"advanced_certified", "certified", "regular",
                                           "dishonest", "seriously_dishonest"};
  int total = 0;
  for (const auto& official : grades) {
    std::string row = "<tr><td>" + official + "</td>";
    for (const auto& engine_grade : grades) {
      const auto it = expected.find({official, engine_grade});
      const int n = it == expected.end() ? 0 : it->second;
      total += n;
      row += (official == engine_grade ? "<td class=\"agree\">" : "<td>") + std::to_string(n) +
             "</td>";
    }
    EXPECT_THAT(table, HasSubstr(row + "</tr>")) << official;
  }
  EXPECT_GT(total, 40) << "most simulated enterprises carry an official grade";
  EXPECT_THAT(html, HasSubstr(std::to_string(watch) + " on watch"));
  std::filesystem::remove(in);
  std::filesystem::remove(html_path);
}

}  // namespace
}  // namespace credence
