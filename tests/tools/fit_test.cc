// `credence fit` and `credence metrics` run as a user would, on a generated CSV.
#include <gmock/gmock.h>
#include <google/protobuf/text_format.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <sstream>
#include <string>

#include "cli_testing.h"
#include "credence/v1/bundle.pb.h"
#include "fit/csv.h"
#include "fit/logistic_fit.h"
#include "fit/metrics.h"

namespace {

using ::testing::HasSubstr;

using CliRun = ::credence::testing::CliResult;

CliRun Cli(const std::string& args, bool merge_stderr = false) {
  return ::credence::testing::RunCli(args, merge_stderr);
}

std::string TempPath(const std::string& name) {
  return (std::filesystem::temp_directory_path() /
          ("credence_fit_test_" + std::to_string(getpid()) + "_" + name))
      .string();
}

std::string ReadFile(const std::string& path) {
  std::ifstream f(path);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

// true model: logit = -2 + 0.8 a - 0.5 b + 1.5 c; `noise` is unrelated; `id` is a string.
// With `missing`, every 50th value of `a` is empty.
std::string WriteTrainingCsv(const std::string& name, int rows, bool missing) {
  std::mt19937 rng(2026);
  std::normal_distribution<double> z(0, 1);
  std::uniform_real_distribution<double> u(0, 1);
  const std::string path = TempPath(name);
  std::ofstream f(path);
  f << "id,a,b,c,noise,bad\n";
  for (int i = 0; i < rows; ++i) {
    const double a = z(rng), b = z(rng), c = u(rng), noise = z(rng);
    const int y = u(rng) < 1 / (1 + std::exp(-(-2 + 0.8 * a - 0.5 * b + 1.5 * c))) ? 1 : 0;
    f << "app-" << i << ",";
    if (!(missing && i % 50 == 7)) f << a;
    f << "," << b << "," << c << "," << noise << "," << y << "\n";
  }
  return path;
}

credence::v1::Model ReadModel(const std::string& path) {
  credence::v1::Model m;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(ReadFile(path), &m)) << path;
  return m;
}

TEST(FitCliTest, HelpAndUsageErrors) {
  EXPECT_EQ(Cli("fit --help").exit_code, 0);
  EXPECT_THAT(Cli("fit --help").out, HasSubstr("--scorecard"));
  EXPECT_EQ(Cli("metrics --help").exit_code, 0);
  EXPECT_THAT(Cli("help").out, HasSubstr("metrics"));
  CliRun r = Cli("fit --in x.csv --label y", true);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.out, HasSubstr("--out is required"));
  EXPECT_EQ(Cli("fit --in x.csv --label y --out z --bins 5").exit_code, 2);  // needs --scorecard
  EXPECT_EQ(Cli("metrics --in x.csv --score s").exit_code, 2);
}

TEST(FitCliTest, LogisticRegressionOnEveryNumericColumn) {
  const std::string csv = WriteTrainingCsv("train.csv", 20000, false);
  const std::string out = TempPath("logistic.textproto");
  const std::string report = TempPath("logistic.json");
  CliRun r =
      Cli("fit --in " + csv + " --label bad --model-id pd_v1 --out " + out + " --report " + report,
          true);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_THAT(r.out, HasSubstr("skipping column 'id'"));
  credence::v1::Model m = ReadModel(out);
  EXPECT_EQ(m.id(), "pd_v1");
  ASSERT_TRUE(m.has_logistic());
  ASSERT_EQ(m.logistic().terms_size(), 4);
  const char* names[] = {"a", "b", "c", "noise"};
  const double truth[] = {0.8, -0.5, 1.5, 0};
  for (int j = 0; j < 4; ++j) {
    EXPECT_EQ(m.logistic().terms(j).feature(), names[j]);
    EXPECT_NEAR(m.logistic().terms(j).coefficient(), truth[j], 0.12) << names[j];
    EXPECT_FALSE(m.logistic().terms(j).has_impute());
  }
  EXPECT_NEAR(m.logistic().intercept(), -2, 0.15);

  // The same numbers as the library on the same columns.
  auto table = credence::fit::CsvTable::Read(csv);
  ASSERT_TRUE(table.ok());
  std::vector<std::vector<double>> cols(4);
  for (int j = 0; j < 4; ++j) {
    std::size_t bad_row;
    ASSERT_TRUE(credence::fit::NumericColumn(*table, j + 1, cols[j], bad_row));
  }
  auto labels = credence::fit::LabelColumn(*table, 5);
  ASSERT_TRUE(labels.ok());
  auto fit =
      credence::fit::FitLogistic({cols.begin(), cols.end()}, *labels, {"a", "b", "c", "noise"});
  ASSERT_TRUE(fit.ok());
  EXPECT_DOUBLE_EQ(m.logistic().intercept(), fit->intercept);
  for (int j = 0; j < 4; ++j)
    EXPECT_DOUBLE_EQ(m.logistic().terms(j).coefficient(), fit->coefficients[j]);

  // The report's train AUC is the AUC of the fitted margin.
  std::vector<double> margin(labels->size(), fit->intercept);
  for (int j = 0; j < 4; ++j) {
    for (std::size_t i = 0; i < margin.size(); ++i) margin[i] += fit->coefficients[j] * cols[j][i];
  }
  const nlohmann::json rep = nlohmann::json::parse(ReadFile(report));
  EXPECT_NEAR(rep["train"]["auc"].get<double>(), *credence::fit::Auc(margin, *labels), 1e-12);
  EXPECT_EQ(rep["train"]["n"].get<int>(), 20000);

  // L2 shrinks the coefficients.
  const std::string out_l2 = TempPath("logistic_l2.textproto");
  ASSERT_EQ(Cli("fit --in " + csv + " --label bad --l2 5000 --out " + out_l2).exit_code, 0);
  credence::v1::Model m2 = ReadModel(out_l2);
  EXPECT_LT(std::abs(m2.logistic().terms(0).coefficient()),
            std::abs(m.logistic().terms(0).coefficient()));
}

TEST(FitCliTest, MissingCellsNeedImpute) {
  const std::string csv = WriteTrainingCsv("missing.csv", 2000, true);
  const std::string out = TempPath("missing.textproto");
  CliRun r = Cli("fit --in " + csv + " --label bad --out " + out, true);
  EXPECT_EQ(r.exit_code, 1);
  // Row 7 (0-based) is on line 9 of the file.
  EXPECT_THAT(r.out, HasSubstr(csv + ":9: column 'a' has a missing value; use --impute mean"));
  r = Cli("fit --in " + csv + " --label bad --impute mean --out " + out, true);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  credence::v1::Model m = ReadModel(out);
  ASSERT_TRUE(m.logistic().terms(0).has_impute());
  EXPECT_NEAR(m.logistic().terms(0).impute(), 0, 0.1);  // mean of a N(0,1) sample
  EXPECT_FALSE(m.logistic().terms(1).has_impute());
}

TEST(FitCliTest, BadLabelIsAnErrorWithTheLine) {
  const std::string csv = TempPath("badlabel.csv");
  std::ofstream(csv) << "x,y\n1,0\n2,1\n3,yes\n";
  CliRun r = Cli("fit --in " + csv + " --label y --out " + TempPath("never.textproto"), true);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.out, HasSubstr(csv + ":4: label column 'y' holds 'yes'"));
  EXPECT_FALSE(std::filesystem::exists(TempPath("never.textproto")));
}

bool InInterval(const credence::v1::Interval& iv, double x) {
  if (iv.has_lower() && (iv.lower_closed() ? x < iv.lower() : x <= iv.lower())) return false;
  if (iv.has_upper() && (iv.upper_closed() ? x > iv.upper() : x >= iv.upper())) return false;
  return true;
}

// The first attribute of a numeric characteristic (missing or interval) that holds x, or -1;
// written here from the PMML rule, independently of the engine's scorecard.
int MatchedAttribute(const credence::v1::ScorecardCharacteristic& ch, double x) {
  for (int a = 0; a < ch.attributes_size(); ++a) {
    const auto& attr = ch.attributes(a);
    if ((attr.has_missing() && std::isnan(x)) ||
        (attr.has_interval() && !std::isnan(x) && InInterval(attr.interval(), x))) {
      return a;
    }
  }
  return -1;
}

// The card's points for one row of a numeric training table (-inf when a row is unmatched).
double CardPoints(const credence::v1::Scorecard& card, const credence::fit::CsvTable& table,
                  std::size_t row) {
  double points = card.initial_score();
  for (const auto& ch : card.characteristics()) {
    double x = NAN;
    credence::fit::ParseNumericField(table.Field(row, table.ColumnIndex(ch.feature())), x);
    const int a = MatchedAttribute(ch, x);
    if (a < 0) return -INFINITY;
    points += ch.attributes(a).partial_score();
  }
  return points;
}

TEST(FitCliTest, ScorecardWithReport) {
  const std::string csv = WriteTrainingCsv("sc.csv", 20000, true);
  const std::string out = TempPath("scorecard.textproto");
  const std::string report = TempPath("scorecard.json");
  const std::string logistic_out = TempPath("scorecard_logistic.textproto");
  CliRun r = Cli("fit --scorecard --monotonic --in " + csv + " --label bad --out " + out +
                     " --report " + report + " --base-score 600 --base-odds 50 --pdo 20" +
                     " --logistic-out " + logistic_out,
                 true);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  credence::v1::Model m = ReadModel(out);
  EXPECT_EQ(m.id(), "scorecard");
  ASSERT_TRUE(m.has_scorecard());
  const credence::v1::Scorecard& card = m.scorecard();
  EXPECT_EQ(card.scaling().pdo(), 20);
  std::set<std::string> features;
  for (const auto& ch : card.characteristics()) features.insert(ch.feature());
  EXPECT_EQ(features, (std::set<std::string>{"a", "b", "c"}));  // noise has no IV

  const nlohmann::json rep = nlohmann::json::parse(ReadFile(report));
  bool saw_noise = false;
  for (const auto& f : rep["features"]) {
    if (f["name"] == "noise") {
      saw_noise = true;
      EXPECT_FALSE(f["selected"].get<bool>());
      EXPECT_EQ(f["dropped"], "iv below min_iv");
    } else {
      EXPECT_TRUE(f["selected"].get<bool>());
      EXPECT_LT(f["coefficient"].get<double>(), 0);
      EXPECT_GT(f["iv"].get<double>(), 0.02);
    }
  }
  EXPECT_TRUE(saw_noise);

  // Score the training rows with the scorecard read back from the file (first matching
  // attribute per characteristic), turn points into PD through the scaling, and check that
  // the points rank the rows exactly like the report's train AUC says.
  auto table = credence::fit::CsvTable::Read(csv);
  ASSERT_TRUE(table.ok());
  auto labels = credence::fit::LabelColumn(*table, 5);
  const credence::v1::Model equivalent = ReadModel(logistic_out);
  EXPECT_EQ(equivalent.id(), "scorecard_logistic");
  ASSERT_EQ(equivalent.logistic().terms_size(), card.characteristics_size());
  std::vector<double> neg_points;
  const double factor = 20 / std::log(2.0), offset = 600 - factor * std::log(50.0);
  for (std::size_t row = 0; row < table->rows(); ++row) {
    const double points = CardPoints(card, *table, row);
    ASSERT_TRUE(std::isfinite(points)) << "row " << row << " matches no attribute";
    const double pd = 1 / (1 + std::exp((points - offset) / factor));
    ASSERT_GT(pd, 0);
    ASSERT_LT(pd, 1);
    neg_points.push_back(-points);
    // The equivalent WoE logistic model gives the same PD.
    double margin = equivalent.logistic().intercept();
    for (const auto& term : equivalent.logistic().terms()) {
      double x;
      ASSERT_TRUE(credence::fit::ParseNumericField(
          table->Field(row, table->ColumnIndex(term.feature())), x));
      double woe = NAN;
      if (std::isnan(x)) {
        woe = term.transform().woe().missing_woe();
      } else {
        for (const auto& bin : term.transform().woe().bins()) {
          if (InInterval(bin.interval(), x)) woe = bin.woe();
        }
      }
      margin += term.coefficient() * woe;
    }
    EXPECT_NEAR(pd, 1 / (1 + std::exp(-margin)), 1e-12);
  }
  EXPECT_NEAR(*credence::fit::Auc(neg_points, *labels), rep["train"]["auc"].get<double>(), 1e-9);
  EXPECT_GT(rep["train"]["auc"].get<double>(), 0.65);
  EXPECT_NEAR(rep["train"]["gini"].get<double>(), 2 * rep["train"]["auc"].get<double>() - 1, 1e-12);
}

// The reference distributions, baselines and governance stored with a fitted card, checked
// against the training file read here: attribute counts by matching each row, the median of
// each column, and the file's SHA-256 from the system's sha256sum.
TEST(FitCliTest, ScorecardStoresReferenceBaselinesAndGovernance) {
  const std::string csv = WriteTrainingCsv("ref.csv", 4000, true);
  const std::string out = TempPath("ref.textproto");
  CliRun r = Cli("fit --scorecard --monotonic --in " + csv + " --label bad --out " + out +
                     " --owner risk --intended-use demo --sample-period 2025-01-01/2025-12-31",
                 true);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const credence::v1::Model m = ReadModel(out);
  auto table = credence::fit::CsvTable::Read(csv);
  ASSERT_TRUE(table.ok());
  const auto& card = m.scorecard();
  EXPECT_EQ(card.baseline_method(), credence::v1::BASELINE_METHOD_NEUTRAL);
  ASSERT_EQ(m.reference().characteristics_size(), card.characteristics_size());
  EXPECT_EQ(m.reference().count(), 4000);
  for (int c = 0; c < card.characteristics_size(); ++c) {
    const auto& ch = card.characteristics(c);
    std::vector<std::int64_t> counts(static_cast<std::size_t>(ch.attributes_size()), 0);
    std::vector<double> present;
    for (std::size_t row = 0; row < table->rows(); ++row) {
      double x;
      ASSERT_TRUE(
          credence::fit::ParseNumericField(table->Field(row, table->ColumnIndex(ch.feature())), x));
      if (!std::isnan(x)) present.push_back(x);
      if (const int a = MatchedAttribute(ch, x); a >= 0) ++counts[static_cast<std::size_t>(a)];
    }
    const auto& stored = m.reference().characteristics(c);
    EXPECT_EQ(stored.name(), ch.name());
    EXPECT_EQ(std::vector<std::int64_t>(stored.attribute_counts().begin(),
                                        stored.attribute_counts().end()),
              counts)
        << ch.name();
    // Neutral: the baseline score is the points of the column's median; the reason threshold
    // its 60th percentile in the direction risk rises (points falling from bin to bin: up).
    std::sort(present.begin(), present.end());
    auto quantile = [&](double q) {  // R type 7
      const double h = static_cast<double>(present.size() - 1) * q;
      const auto lo = static_cast<std::size_t>(h);
      return present[lo] + (h - static_cast<double>(lo)) * (present[lo + 1] - present[lo]);
    };
    const double median = quantile(0.5);
    const bool risk_rises = ch.attributes(1).partial_score() > ch.attributes(2).partial_score();
    EXPECT_NEAR(ch.reason_threshold(), quantile(risk_rises ? 0.6 : 0.4), 1e-12) << ch.name();
    for (const auto& attr : ch.attributes()) {
      if (attr.has_interval() && InInterval(attr.interval(), median)) {
        EXPECT_EQ(ch.baseline_score(), attr.partial_score()) << ch.name();
      }
    }
  }
  // The margin of every row from its points (initial score plus the partial scores, in
  // characteristic order), counted into the stored bins (e_i, e_i+1].
  const double factor = 20 / std::log(2.0), offset = 600 - factor * std::log(50.0);
  const std::vector<double> edges(m.reference().margin_edges().begin(),
                                  m.reference().margin_edges().end());
  ASSERT_EQ(edges.size(), 9u);
  std::vector<std::int64_t> bins(10, 0);
  for (std::size_t row = 0; row < table->rows(); ++row) {
    const double margin = -(CardPoints(card, *table, row) - offset) / factor;
    ++bins[static_cast<std::size_t>(std::lower_bound(edges.begin(), edges.end(), margin) -
                                    edges.begin())];
  }
  EXPECT_EQ(std::vector<std::int64_t>(m.reference().margin_counts().begin(),
                                      m.reference().margin_counts().end()),
            bins);
  const auto& g = m.governance();
  EXPECT_EQ(g.owner(), "risk");
  EXPECT_EQ(g.intended_use(), "demo");
  EXPECT_EQ(g.development_period_start(), "2025-01-01");
  EXPECT_EQ(g.development_period_end(), "2025-12-31");
  FILE* p = popen(("sha256sum " + csv).c_str(), "r");
  char hex[65] = {};
  ASSERT_EQ(fread(hex, 1, 64, p), 64u);
  pclose(p);
  EXPECT_EQ(g.development_sample_digest(), "sha256:" + std::string(hex));
}

TEST(FitCliTest, BaselineMethodsAndTheirUsageErrors) {
  const std::string csv = WriteTrainingCsv("baselines.csv", 4000, true);
  const std::string out = TempPath("baselines.textproto");
  // --baseline max: the best attribute; other: the points at the value given.
  ASSERT_EQ(
      Cli("fit --scorecard --monotonic --baseline max --in " + csv + " --label bad --out " + out)
          .exit_code,
      0);
  const credence::v1::Model max = ReadModel(out);
  for (const auto& ch : max.scorecard().characteristics()) {
    double best = -1e300;
    for (const auto& a : ch.attributes()) best = std::max(best, a.partial_score());
    EXPECT_EQ(ch.baseline_score(), best);
    EXPECT_TRUE(ch.has_reason_threshold()) << "every method keeps the threshold";
  }
  ASSERT_EQ(Cli("fit --scorecard --monotonic --baseline other --baseline-values a=-5 --in " + csv +
                " --label bad --out " + out)
                .exit_code,
            0);
  const credence::v1::Model other = ReadModel(out);
  for (const auto& ch : other.scorecard().characteristics()) {
    if (ch.feature() != "a") continue;
    EXPECT_EQ(ch.reason_threshold(), -5);
    EXPECT_EQ(ch.baseline_score(), ch.attributes(1).partial_score()) << "the lowest bin";
  }
  EXPECT_EQ(Cli("fit --scorecard --baseline-values a=1 --in " + csv + " --label bad --out " + out)
                .exit_code,
            2);
  EXPECT_EQ(Cli("fit --scorecard --baseline other --baseline-values zz=1 --in " + csv +
                " --label bad --out " + out)
                .exit_code,
            1);
  EXPECT_EQ(Cli("fit --in " + csv + " --label bad --impute mean --sample-period 2025 --out " + out)
                .exit_code,
            1);
}

// --bundle: size measures and two-sided features are not used; declared directions bin.
TEST(FitCliTest, BundleRiskDirectionsChooseAndOrientCharacteristics) {
  const std::string csv = WriteTrainingCsv("dir.csv", 4000, false);
  const std::string bundle = TempPath("dir_bundle.textproto");
  std::ofstream(bundle) << R"(metadata { name: "dir" } base_currency: "USD"
features { name: "a" aggregate { op: AGGREGATE_OP_COUNT } risk_direction: RISK_DIRECTION_INCREASING }
features { name: "b" aggregate { op: AGGREGATE_OP_COUNT } risk_direction: RISK_DIRECTION_NONE }
features { name: "c" aggregate { op: AGGREGATE_OP_COUNT } risk_direction: RISK_DIRECTION_TWO_SIDED }
)";
  const std::string out = TempPath("dir.textproto"), report = TempPath("dir.json");
  CliRun r = Cli("fit --scorecard --monotonic --bundle " + bundle + " --exclude id,noise --in " +
                     csv + " --label bad --out " + out + " --report " + report,
                 true);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const auto card = ReadModel(out).scorecard();
  ASSERT_EQ(card.characteristics_size(), 1);
  EXPECT_EQ(card.characteristics(0).feature(), "a");
  // Risk rises with a: points fall from bin to bin.
  for (int i = 2; i < card.characteristics(0).attributes_size(); ++i) {
    EXPECT_LT(card.characteristics(0).attributes(i).partial_score(),
              card.characteristics(0).attributes(i - 1).partial_score());
  }
  const nlohmann::json rep = nlohmann::json::parse(ReadFile(report));
  std::map<std::string, std::string> dropped;
  for (const auto& f : rep["features"]) {
    if (f.contains("dropped")) dropped[f["name"]] = f["dropped"];
  }
  EXPECT_THAT(dropped["b"], HasSubstr("size measure"));
  EXPECT_THAT(dropped["c"], HasSubstr("two-sided"));
}

TEST(FitCliTest, MonotonicPointsAndCategoricalCharacteristics) {
  std::mt19937 rng(77);
  std::normal_distribution<double> z(0, 1);
  std::uniform_real_distribution<double> u(0, 1);
  const std::string csv = TempPath("cat.csv");
  {
    std::ofstream f(csv);
    f << "id,segment,utilisation,bad\n";
    const char* segments[] = {"retail", "wholesale", "marketplace", "rare"};
    const double shift[] = {0, -0.8, 0.9, 0};
    for (int i = 0; i < 8000; ++i) {
      const int s = i % 100 == 0 ? 3 : static_cast<int>(u(rng) * 3);
      const double x = z(rng);
      const int y = u(rng) < 1 / (1 + std::exp(-(-1.8 + shift[s] + 0.7 * x))) ? 1 : 0;
      f << "r" << i << "," << (i % 97 == 5 ? "" : segments[s]) << "," << x << "," << y << "\n";
    }
  }
  const std::string out = TempPath("cat.textproto");
  CliRun r = Cli("fit --scorecard --monotonic --round --baseline max --categorical segment --in " +
                     csv + " --label bad --out " + out,
                 true);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  credence::v1::Model m = ReadModel(out);
  ASSERT_EQ(m.scorecard().characteristics_size(), 2);
  for (const auto& ch : m.scorecard().characteristics()) {
    ASSERT_TRUE(ch.attributes(0).has_missing()) << ch.name();
    double best = -1e300;
    for (const auto& a : ch.attributes()) {
      EXPECT_EQ(a.partial_score(), std::round(a.partial_score()));
      best = std::max(best, a.partial_score());
    }
    EXPECT_EQ(ch.baseline_score(), best);
    if (ch.feature() == "utilisation") {
      // Risk rises with utilisation: points fall strictly from one interval to the next.
      ASSERT_GE(ch.attributes_size(), 4);
      for (int i = 2; i < ch.attributes_size(); ++i) {
        EXPECT_LT(ch.attributes(i).partial_score(), ch.attributes(i - 1).partial_score());
      }
    } else {
      EXPECT_EQ(ch.feature(), "segment");
      EXPECT_TRUE(ch.attributes(ch.attributes_size() - 1).has_otherwise());  // rare, unseen
      std::set<std::string> named;
      for (const auto& a : ch.attributes()) {
        for (const auto& v : a.categories().values()) named.insert(v);
      }
      EXPECT_EQ(named, (std::set<std::string>{"marketplace", "rare", "retail", "wholesale"}));
    }
  }
  // No WoE-logistic form for a categorical characteristic.
  r = Cli("fit --scorecard --categorical segment --in " + csv + " --label bad --out " + out +
              " --logistic-out " + TempPath("never2.textproto"),
          true);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.out, HasSubstr("no WoE-logistic form"));
  EXPECT_EQ(Cli("fit --scorecard --bins 1e20 --in " + csv + " --label bad --out " + out).exit_code,
            2);
}

TEST(FitCliTest, MetricsMatchBruteForce) {
  std::mt19937 rng(9);
  std::uniform_int_distribution<int> level(0, 30);
  std::uniform_real_distribution<double> u(0, 1);
  const std::string scores = TempPath("scores.csv"), baseline = TempPath("baseline.csv");
  std::vector<double> s, e;
  std::vector<int> y;
  {
    std::ofstream f(scores), g(baseline);
    f << "id,pd,bad\n";
    g << "pd\n";
    for (int i = 0; i < 600; ++i) {
      s.push_back(level(rng) / 30.0);
      y.push_back(u(rng) < s.back() ? 1 : 0);
      f << "r" << i << "," << s.back() << "," << y.back() << "\n";
      e.push_back(level(rng) / 40.0);
      g << e.back() << "\n";
    }
  }
  CliRun r = Cli("metrics --in " + scores + " --score pd --label bad --expected " + baseline);
  ASSERT_EQ(r.exit_code, 0);
  const nlohmann::json j = nlohmann::json::parse(r.out);
  double wins = 0, pairs = 0, bads = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    bads += y[i];
    for (std::size_t k = 0; k < s.size(); ++k) {
      if (y[i] == 1 && y[k] == 0) {
        pairs += 1;
        wins += s[i] > s[k] ? 1 : s[i] == s[k] ? 0.5 : 0;
      }
    }
  }
  double ks = 0;
  for (double t : s) {
    double fb = 0, fg = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
      if (s[i] <= t) (y[i] ? fb : fg) += 1;
    }
    ks = std::max(ks, std::abs(fb / bads - fg / (s.size() - bads)));
  }
  EXPECT_EQ(j["n"].get<int>(), 600);
  EXPECT_EQ(j["bads"].get<double>(), bads);
  EXPECT_NEAR(j["auc"].get<double>(), wins / pairs, 1e-12);
  EXPECT_NEAR(j["gini"].get<double>(), 2 * wins / pairs - 1, 1e-12);
  EXPECT_NEAR(j["ks"].get<double>(), ks, 1e-12);
  EXPECT_NEAR(j["psi"].get<double>(), credence::fit::Psi(e, s)->psi, 1e-12);
  EXPECT_GT(j["psi"].get<double>(), 0.05);

  // Points-like scores: --higher-is-better flips the AUC.
  CliRun flipped = Cli("metrics --in " + scores + " --score pd --label bad --higher-is-better");
  ASSERT_EQ(flipped.exit_code, 0);
  EXPECT_NEAR(nlohmann::json::parse(flipped.out)["auc"].get<double>(), 1 - wins / pairs, 1e-12);

  CliRun missing = Cli("metrics --in " + scores + " --score nope --label bad", true);
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_THAT(missing.out, HasSubstr("no column 'nope'"));
  CliRun id = Cli("metrics --in " + scores + " --score id --label bad", true);
  EXPECT_EQ(id.exit_code, 1);
  EXPECT_THAT(id.out, HasSubstr(":2: score column 'id' holds 'r0'"));
}

}  // namespace
