// `credence diff` against matrices, shifts and hit counts computed here from the library.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>

#include "credence/engine.h"
#include "tests/tools/cli_testing.h"
#include "tests/tools/population.h"

namespace credence {
namespace {

using ::credence::testing::MakePopulation;
using ::credence::testing::RunCli;
using ::credence::testing::SourcePath;
using ::credence::testing::TestTempPath;
using ::credence::testing::WriteBundleVariant;
using ::credence::testing::WriteJsonl;
using ::testing::HasSubstr;

std::string Outcome(v1::Outcome o) {
  switch (o) {
    case v1::OUTCOME_APPROVE:
      return "APPROVE";
    case v1::OUTCOME_REVIEW:
      return "REVIEW";
    case v1::OUTCOME_REJECT:
      return "REJECT";
    default:
      return "none";
  }
}

// counts[row label][column label] from the CLI's {"labels": [...], "counts": [[...]]}.
std::map<std::string, std::map<std::string, int>> FromJson(const nlohmann::json& m) {
  std::map<std::string, std::map<std::string, int>> out;
  const auto& labels = m["labels"];
  for (std::size_t i = 0; i < labels.size(); ++i) {
    for (std::size_t j = 0; j < labels.size(); ++j) {
      const int n = m["counts"][i][j].get<int>();
      if (n != 0) out[labels[i].get<std::string>()][labels[j].get<std::string>()] = n;
    }
  }
  return out;
}

TEST(DiffTest, MatchesTheLibraryOnAPopulation) {
  // B: a looser BBB band, a stricter chargeback rule, a heavier chargeback coefficient.
  const std::string a_dir = SourcePath("models/starter");
  const std::string b_dir = WriteBundleVariant(
      "diff_b",
      {{"grade: \"BBB\" max_pd: 0.03", "grade: \"BBB\" max_pd: 0.05"},
       {"condition: \"chargebacks_180d >= 3.0\"", "condition: \"chargebacks_180d >= 5.0\""},
       {"coefficient: 0.45", "coefficient: 0.6"}});
  const auto population = MakePopulation(96, "d");
  const std::string in = TestTempPath("diff.jsonl");
  WriteJsonl(in, population);
  {
    // One unreadable record and one that fails validation with both bundles.
    std::ofstream f(in, std::ios::app);
    f << "{not json\n"
      << R"({"requestId":"no-as-of"})"
      << "\n";
  }

  std::vector<std::shared_ptr<const Engine>> engines;
  for (const auto& dir : {a_dir, b_dir}) {
    auto loaded = LoadBundle(dir);
    ASSERT_TRUE(loaded.ok()) << loaded.status();
    auto e = Engine::Compile(*loaded);
    ASSERT_TRUE(e.ok()) << e.status();
    engines.push_back(*e);
  }
  std::map<std::string, std::map<std::string, int>> decisions, grades, compliance;
  std::vector<double> shifts;
  std::map<std::string, int> hits_a, hits_b;
  std::vector<std::string> changed;
  for (const auto& req : population) {
    auto ra = engines[0]->Score(req), rb = engines[1]->Score(req);
    ASSERT_TRUE(ra.ok() && rb.ok());
    const auto da = Outcome(ra->decision().outcome()), db = Outcome(rb->decision().outcome());
    ++decisions[da][db];
    ++grades[ra->credit().available() ? ra->credit().grade() : "n/a"]
            [rb->credit().available() ? rb->credit().grade() : "n/a"];
    ++compliance[ra->compliance().grade()][rb->compliance().grade()];
    if (ra->credit().available() && rb->credit().available())
      shifts.push_back(rb->credit().score() - ra->credit().score());
    for (const auto& h : ra->rule_hits())
      if (!h.errored()) ++hits_a[h.rule_set() + "/" + h.rule_id()];
    for (const auto& h : rb->rule_hits())
      if (!h.errored()) ++hits_b[h.rule_set() + "/" + h.rule_id()];
    if (da != db) changed.push_back(ra->enterprise_id() + "|" + ra->request_id());
  }
  ASSERT_FALSE(changed.empty()) << "the variant should change some decisions";

  auto r =
      RunCli("diff --json --threads 3 --bundle " + a_dir + " --bundle " + b_dir + " --in " + in);
  ASSERT_EQ(r.exit_code, 0);
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["records"].get<int>(), 98);
  EXPECT_EQ(j["compared"].get<int>(), 96);
  EXPECT_EQ(j["unreadable"].get<int>(), 1);
  EXPECT_EQ(j["failedA"].get<int>(), 1);
  EXPECT_EQ(j["failedB"].get<int>(), 1);
  EXPECT_EQ(FromJson(j["decisions"]), decisions);
  EXPECT_EQ(FromJson(j["creditGrades"]), grades);
  EXPECT_EQ(FromJson(j["complianceGrades"]), compliance);
  // Shift quantiles by R type 7, computed here.
  std::sort(shifts.begin(), shifts.end());
  auto q7 = [&](double p) {
    const double h = (static_cast<double>(shifts.size()) - 1) * p;
    const auto lo = static_cast<std::size_t>(h);
    return lo + 1 < shifts.size()
               ? shifts[lo] + (h - static_cast<double>(lo)) * (shifts[lo + 1] - shifts[lo])
               : shifts[lo];
  };
  const auto& s = j["scoreShift"];
  EXPECT_EQ(s["count"].get<std::size_t>(), shifts.size());
  EXPECT_NEAR(s["p50"].get<double>(), q7(0.5), 1e-9);
  EXPECT_NEAR(s["p5"].get<double>(), q7(0.05), 1e-9);
  EXPECT_NEAR(s["p95"].get<double>(), q7(0.95), 1e-9);
  EXPECT_NEAR(s["min"].get<double>(), shifts.front(), 1e-9);
  EXPECT_NEAR(s["max"].get<double>(), shifts.back(), 1e-9);
  int hist_total = 0;
  for (const auto& c : s["histogram"]["counts"]) hist_total += c.get<int>();
  EXPECT_EQ(hist_total, static_cast<int>(shifts.size()));
  // Rule hit changes, largest first.
  long long previous = -1;
  bool first = true;
  for (const auto& rule : j["ruleHits"]) {
    const std::string name = rule["rule"];
    EXPECT_EQ(rule["a"].get<int>(), hits_a[name]) << name;
    EXPECT_EQ(rule["b"].get<int>(), hits_b[name]) << name;
    const long long delta = std::llabs(rule["change"].get<long long>());
    if (!first) {
      EXPECT_LE(delta, previous);
    }
    previous = delta;
    first = false;
  }
  EXPECT_EQ(j["ruleHits"][0]["rule"], "compliance/chargebacks");
  std::vector<std::string> got;
  for (const auto& c : j["decisionChanged"])
    got.push_back(c["enterpriseId"].get<std::string>() + "|" + c["requestId"].get<std::string>());
  EXPECT_EQ(got, changed);

  // The text form carries the same facts.
  auto text = RunCli("diff --bundle " + a_dir + " --bundle " + b_dir + " --in " + in);
  EXPECT_EQ(text.exit_code, 0);
  EXPECT_THAT(text.out, HasSubstr("Decision migration (rows: A, columns: B)"));
  EXPECT_THAT(text.out, HasSubstr("Decision changed for " + std::to_string(changed.size()) +
                                  " enterprise(s)"));
  EXPECT_THAT(text.out, HasSubstr("compliance/chargebacks"));
  // Outcomes from best to worst, grades in the grade scale's order.
  EXPECT_TRUE(std::regex_search(text.out, std::regex(R"(A \\ B +APPROVE +REVIEW +REJECT\n)")))
      << text.out;
  EXPECT_TRUE(std::regex_search(text.out, std::regex(R"(A \\ B +AAA +AA +A(?: +BBB)? +BB +B\b)")))
      << text.out;
  std::filesystem::remove(in);
  std::filesystem::remove_all(b_dir);
}

TEST(DiffTest, UsageAndHelp) {
  EXPECT_EQ(RunCli("diff --bundle " + SourcePath("models/starter") + " --in x").exit_code, 2);
  auto help = RunCli("diff --help");
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_THAT(help.out, HasSubstr("usage: credence diff"));
}

}  // namespace
}  // namespace credence
