// The cross-border bundle's credit decisions on simulated populations of 2,000 enterprises
// (tests/credit/make_population.sh): reasons are true (no reason for a feature at or better
// than the population median, "not enough history" only without history, none on approvals,
// at most four on a decision) and not concentrated (no code the first reason of more than 30%
// of adverse decisions); limits never exceed three times the trailing-12-month completed
// sales; shadow results equal `credence predict` of the same model on the same features; and
// `credence monitor` flags a population drawn with --risk-shift 2 while staying silent on an
// unshifted one.
#include <gmock/gmock.h>
#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <unordered_map>
#include <vector>

#include "credence/bundle.h"
#include "credence/v1/score.pb.h"

namespace credence {
namespace {

const std::string kDir = CREDENCE_POPULATION_DIR;
const std::string kBundle = std::string(CREDENCE_SOURCE_DIR) + "/models/cross-border";

std::vector<v1::ScoreResponse> ReadResponses(const std::string& name) {
  std::ifstream in(kDir + "/" + name + ".jsonl");
  EXPECT_TRUE(in) << "run the fixture credit_population_setup first: " << kDir;
  std::vector<v1::ScoreResponse> out;
  for (std::string line; std::getline(in, line);) {
    v1::ScoreResponse r;
    EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(line, &r).ok()) << line.substr(0, 200);
    out.push_back(std::move(r));
  }
  return out;
}

const v1::Bundle& Bundle() {
  static const v1::Bundle bundle = [] {
    auto loaded = LoadBundle(kBundle);
    EXPECT_TRUE(loaded.ok()) << loaded.status();
    return loaded.ok() ? loaded->bundle : v1::Bundle();
  }();
  return bundle;
}

const v1::Feature* FeatureDef(const std::string& name) {
  for (const auto& f : Bundle().features()) {
    if (f.name() == name) return &f;
  }
  return nullptr;
}

double FeatureValue(const v1::ScoreResponse& r, const std::string& name) {
  for (const auto& f : r.features()) {
    if (f.name() == name) return f.value();
  }
  ADD_FAILURE() << "no feature " << name;
  return NAN;
}

// The population median of every feature (R type 7 over the non-missing values), computed
// here independently of the fit's baselines.
std::map<std::string, double> Medians(const std::vector<v1::ScoreResponse>& pop) {
  std::map<std::string, std::vector<double>> values;
  for (const auto& r : pop) {
    for (const auto& f : r.features()) {
      if (!std::isnan(f.value())) values[f.name()].push_back(f.value());
    }
  }
  std::map<std::string, double> out;
  for (auto& [name, v] : values) {
    std::sort(v.begin(), v.end());
    const double h = static_cast<double>(v.size() - 1) / 2;
    const auto lo = static_cast<std::size_t>(h);
    out[name] =
        lo + 1 < v.size() ? v[lo] + (h - static_cast<double>(lo)) * (v[lo + 1] - v[lo]) : v[lo];
  }
  return out;
}

bool Adverse(const v1::ScoreResponse& r) {
  return r.decision().outcome() == v1::OUTCOME_REVIEW ||
         r.decision().outcome() == v1::OUTCOME_REJECT;
}

TEST(CreditPopulationTest, NoReasonForAFeatureAtOrBetterThanTheMedian) {
  const auto pop = ReadResponses("pop");
  ASSERT_GE(pop.size(), 2000u);
  const auto median = Medians(pop);
  int checked = 0, insufficient = 0;
  for (const auto& r : pop) {
    EXPECT_LE(r.decision().reason_codes_size(), 4) << r.request_id();
    if (r.decision().outcome() == v1::OUTCOME_APPROVE) {
      EXPECT_EQ(r.reasons_size(), 0) << "an approval carries no adverse reason: " << r.request_id();
      EXPECT_EQ(r.decision().reason_codes_size(), 0) << r.request_id();
      continue;
    }
    for (const auto& reason : r.reasons()) {
      const v1::Feature* f = FeatureDef(reason.feature());
      ASSERT_NE(f, nullptr) << reason.feature();
      const double v = FeatureValue(r, reason.feature());
      if (reason.kind() == v1::REASON_KIND_INSUFFICIENT_DATA) {
        // Only when the history really is missing.
        const bool missing = std::isnan(v) || (f->has_data_requirement() &&
                                               FeatureValue(r, f->data_requirement().feature()) <
                                                   f->data_requirement().min_value());
        EXPECT_TRUE(missing) << r.request_id() << " " << reason.code() << " " << reason.feature();
        ++insufficient;
        continue;
      }
      ASSERT_EQ(reason.kind(), v1::REASON_KIND_ADVERSE);
      ASSERT_FALSE(std::isnan(v)) << "a reason computed on nothing: " << r.request_id() << " "
                                  << reason.code();
      const double m = median.at(reason.feature());
      switch (f->risk_direction()) {
        case v1::RISK_DIRECTION_INCREASING:
          EXPECT_GT(v, m) << r.request_id() << " " << reason.code() << " " << reason.feature();
          break;
        case v1::RISK_DIRECTION_DECREASING:
          EXPECT_LT(v, m) << r.request_id() << " " << reason.code() << " " << reason.feature();
          break;
        default:
          ADD_FAILURE() << reason.feature() << " gives reasons without a risk direction";
      }
      ++checked;
    }
  }
  EXPECT_GT(checked, 2000) << "too few reasons to say anything";
  std::printf("checked %d adverse reasons and %d not-enough-history reasons\n", checked,
              insufficient);
}

TEST(CreditPopulationTest, NoCodeIsTheFirstReasonOfMoreThan30PercentOfAdverseDecisions) {
  const auto pop = ReadResponses("pop");
  std::map<std::string, int> first;
  int adverse = 0;
  for (const auto& r : pop) {
    if (!Adverse(r) || r.reasons_size() == 0) continue;
    ++adverse;
    ++first[r.reasons(0).code()];
  }
  ASSERT_GT(adverse, 500);
  for (const auto& [code, n] : first) {
    EXPECT_LE(n, 0.30 * adverse) << code << " is the first reason of " << n << " of " << adverse;
    std::printf("%-6s %5d %5.1f%%\n", code.c_str(), n, 100.0 * n / adverse);
  }
}

TEST(CreditPopulationTest, LimitsNeverExceedThreeTimesTwelveMonthSales) {
  const auto pop = ReadResponses("pop");
  int limits = 0;
  double worst = 0;
  for (const auto& r : pop) {
    if (!r.decision().has_limit()) continue;
    ASSERT_EQ(r.decision().outcome(), v1::OUTCOME_APPROVE);
    ++limits;
    const double limit = static_cast<double>(r.decision().limit().minor_units()) / 100;
    const double sales = FeatureValue(r, "order_value_365d_cny");
    // Rounded to the fen, halves away from zero.
    EXPECT_LE(limit, 3 * sales + 0.005) << r.request_id();
    worst = std::max(worst, limit / sales);
    EXPECT_TRUE(r.decision().has_limit_cap()) << r.request_id();
  }
  EXPECT_GT(limits, 300) << "too few approvals to say anything";
  std::printf("%d limits, largest %.3f x 12-month completed sales\n", limits, worst);
}

int Shell(const std::string& command) { return std::system(command.c_str()); }

// request_id -> the column `column` of a CSV written by the CLI (request_id first).
std::unordered_map<std::string, double> ReadColumn(const std::string& path, std::size_t column,
                                                   const std::vector<std::string>& ids) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);  // header
  std::unordered_map<std::string, double> out;
  for (std::size_t i = 0; std::getline(in, line); ++i) {
    std::stringstream cells(line);
    std::string cell;
    for (std::size_t c = 0; c <= column && std::getline(cells, cell, ','); ++c) {
    }
    out[ids.at(i)] = std::stod(cell);
  }
  return out;
}

TEST(CreditPopulationTest, ShadowResultsEqualPredictOnTheSameFeatures) {
  const auto pop = ReadResponses("pop");
  const std::string cli = CREDENCE_CLI;
  const std::string features = kDir + "/pop_features.csv";
  ASSERT_EQ(Shell(cli + " features --bundle " + kBundle + " --format pb --in " + kDir +
                  "/pop.pb --out " + features + " 2>/dev/null"),
            0);
  std::vector<std::string> ids;
  for (const auto& r : pop) ids.push_back(r.request_id());
  int compared = 0;
  for (const std::string model : {"cb_challenger_xgb", "cb_pd_placeholder"}) {
    const std::string margin = kDir + "/" + model + "_margin.csv";
    const std::string pd = kDir + "/" + model + "_pd.csv";
    const std::string base =
        cli + " predict --model " + kBundle + " --model-id " + model + " --in " + features;
    ASSERT_EQ(Shell(base + " --margin --out " + margin + " 2>/dev/null"), 0);
    ASSERT_EQ(Shell(base + " --out " + pd + " 2>/dev/null"), 0);
    const auto margins = ReadColumn(margin, 0, ids), pds = ReadColumn(pd, 0, ids);
    for (const auto& r : pop) {
      const v1::CreditResult* s = nullptr;
      for (const auto& x : r.shadow()) {
        if (x.model_id() == model) s = &x;
      }
      ASSERT_NE(s, nullptr) << r.request_id() << " has no shadow result of " << model;
      ASSERT_TRUE(s->available());
      EXPECT_EQ(s->margin(), margins.at(r.request_id())) << r.request_id() << " " << model;
      EXPECT_EQ(s->pd(), pds.at(r.request_id())) << r.request_id() << " " << model;
      // Scaled like the credit score: 600 points at 50:1, 20 to double the odds, [300, 850].
      const double factor = 20 / std::log(2.0), offset = 600 - factor * std::log(50.0);
      EXPECT_NEAR(s->score(), std::clamp(offset - factor * s->margin(), 300.0, 850.0), 1e-9);
      ++compared;
    }
  }
  EXPECT_EQ(compared, 2 * static_cast<int>(pop.size()));
}

nlohmann::json Monitor(const std::string& name, int* exit_status) {
  const std::string out = kDir + "/" + name + "_monitor.json";
  const int status =
      Shell(std::string(CREDENCE_CLI) + " monitor --bundle " + kBundle + " --in " + kDir + "/" +
            name + ".jsonl --labels " + kDir + "/" + name + "_labels.csv --json --out " + out);
  *exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::ifstream in(out);
  return nlohmann::json::parse(in, nullptr, false);
}

TEST(CreditPopulationTest, MonitorFlagsARiskShiftedCohortAndNotAnUnshiftedOne) {
  int status = 0;
  const nlohmann::json shifted = Monitor("shifted", &status);
  ASSERT_TRUE(shifted.is_object());
  EXPECT_EQ(status, 1);
  bool portfolio_under = false;
  for (const auto& flag : shifted["flags"]) {
    const std::string f = flag.get<std::string>();
    portfolio_under = portfolio_under || (f.rfind("portfolio", 0) == 0 &&
                                          f.find("under-predicts") != std::string::npos);
  }
  EXPECT_TRUE(portfolio_under) << shifted["flags"].dump(1);
  EXPECT_EQ(shifted["portfolio"]["jeffreys"]["flag"], "under-predicts");

  const nlohmann::json second = Monitor("second", &status);
  ASSERT_TRUE(second.is_object());
  EXPECT_EQ(status, 0) << second["flags"].dump(1);
  EXPECT_TRUE(second["flags"].empty()) << second["flags"].dump(1);
  // Both cohorts come from the same simulator at the development date: no drift either.
  EXPECT_LT(second["drift"]["score_psi"].get<double>(), 0.1);
  EXPECT_LT(shifted["drift"]["score_psi"].get<double>(), 0.1);
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// A decision log with overrides and an error record appended, a baseline, the HTML page and
// a malformed line.
TEST(CreditPopulationTest, MonitorReadsOverridesBaselinesAndWritesHtml) {
  const std::string log = kDir + "/log_with_overrides.jsonl";
  {
    std::ofstream out(log);
    out << ReadAll(kDir + "/second.jsonl");
    out << R"({"override": {"requestId": "sim-13-1", "who": "officer-1", "when": "2026-10-02T09:00:00Z", "why": "collateral", "before": {"outcome": "OUTCOME_REJECT"}, "after": {"outcome": "OUTCOME_APPROVE"}}})"
        << "\n"
        << R"({"override": {"requestId": "sim-13-2", "who": "officer-2", "before": {"outcome": "OUTCOME_REVIEW"}, "after": {"outcome": "OUTCOME_REJECT"}}})"
        << "\n"
        << R"({"error": {"index": "7", "code": "INVALID_ARGUMENT", "message": "bad"}})"
        << "\n";
  }
  const std::string cli = std::string(CREDENCE_CLI) + " monitor --bundle " + kBundle +
                          " --labels " + kDir + "/second_labels.csv";
  const std::string json = kDir + "/overrides_monitor.json";
  // Two overrides in 2,000 decisions (0.1%): flagged above 0.05%, not at the default 10%.
  int status = Shell(cli + " --in " + log + " --baseline " + kDir + "/pop.jsonl --json --out " +
                     json + " --override-flag 0.0005");
  EXPECT_EQ(WEXITSTATUS(status), 1);
  nlohmann::json m = nlohmann::json::parse(ReadAll(json), nullptr, false);
  ASSERT_TRUE(m.is_object());
  EXPECT_EQ(m["records"], 2000);
  EXPECT_EQ(m["failed"], 1);
  EXPECT_EQ(m["overrides"]["count"], 2);
  ASSERT_EQ(m["overrides"]["by_change"].size(), 2u);
  EXPECT_EQ(m["overrides"]["by_change"][0]["count"], 1);
  ASSERT_EQ(m["flags"].size(), 1u) << m["flags"].dump(1);
  EXPECT_THAT(m["flags"][0].get<std::string>(), ::testing::HasSubstr("override rate 0.10%"));
  EXPECT_EQ(m["drift"]["reference"], "baseline " + kDir + "/pop.jsonl");
  EXPECT_LT(m["drift"]["score_psi"].get<double>(), 0.1);
  EXPECT_GT(m["drift"]["characteristics"].size(), 10u);
  // Grades in the master scale's order, the portfolio's counts add up.
  std::int64_t labelled = 0;
  for (const auto& g : m["grades"]) labelled += g["labelled"].get<std::int64_t>();
  EXPECT_EQ(labelled, m["portfolio"]["labelled"].get<std::int64_t>());
  EXPECT_EQ(m["grades"][0]["grade"], "AAA");

  const std::string html = kDir + "/monitor.html";
  ASSERT_EQ(WEXITSTATUS(Shell(std::string(CREDENCE_CLI) + " monitor --bundle " + kBundle +
                              " --labels " + kDir + "/shifted_labels.csv --in " + kDir +
                              "/shifted.jsonl --out " + html)),
            1);
  const std::string page = ReadAll(html);
  for (const char* id : {"chart-calibration", "table-calibration", "chart-csi",
                         "chart-first-reasons", "chart-decisions", "list-flags"}) {
    EXPECT_NE(page.find(std::string("id=\"") + id + "\""), std::string::npos) << id;
  }
  EXPECT_NE(page.find("under-predicts"), std::string::npos);

  std::ofstream(kDir + "/broken.jsonl") << "{\"requestId\": \"x\"}\nnot json\n";
  EXPECT_EQ(WEXITSTATUS(Shell(cli + " --in " + kDir + "/broken.jsonl --json 2>" + kDir +
                              "/broken.err >/dev/null")),
            2);
  EXPECT_NE(ReadAll(kDir + "/broken.err").find("broken.jsonl:2"), std::string::npos)
      << ReadAll(kDir + "/broken.err");
  EXPECT_EQ(WEXITSTATUS(Shell(cli + " --in " + log + " 2>/dev/null")), 2) << "HTML needs --out";
}

}  // namespace
}  // namespace credence
