// `credence predict` as a user runs it: XGBoost models against XGBoost's own margins and
// SHAP values (the fixtures in tests/models/data were written by python3-xgboost), the
// hand-checked LightGBM model, and logistic / scorecard models with hand-computed outputs.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <numbers>
#include <ostream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

namespace {

using ::testing::HasSubstr;

struct CliResult {
  int exit_code;
  std::string out;  // stdout
  std::string err;  // stderr
};

std::string TempPath(const std::string& name) {
  return (std::filesystem::temp_directory_path() /
          ("credence_predict_test_" + std::to_string(getpid()) + "_" + name))
      .string();
}

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void Write(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

CliResult Predict(const std::string& args) {
  const std::string err = TempPath("stderr.txt");
  const std::string cmd = std::string(CREDENCE_CLI) + " predict " + args + " 2>" + err;
  FILE* p = popen(cmd.c_str(), "r");
  std::string out;
  char buf[4096];
  while (std::size_t n = fread(buf, 1, sizeof buf, p)) out.append(buf, n);
  const int status = pclose(p);
  CliResult r{WIFEXITED(status) ? WEXITSTATUS(status) : -1, out, Slurp(err)};
  std::filesystem::remove(err);
  return r;
}

std::vector<std::string> Split(const std::string& line, char sep = ',') {
  std::vector<std::string> cells;
  std::string cell;
  std::istringstream in(line);
  while (std::getline(in, cell, sep)) cells.push_back(cell);
  if (!line.empty() && line.back() == sep) cells.emplace_back();
  return cells;
}

std::vector<std::string> Lines(const std::string& s) {
  std::vector<std::string> lines;
  std::istringstream in(s);
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  return lines;
}

double Num(const std::string& s) { return std::strtod(s.c_str(), nullptr); }

std::string Data(const std::string& rel) {
  return std::string(CREDENCE_SOURCE_DIR) + "/tests/models/data/" + rel;
}

// A fixture's rows as a CSV for `predict` (header = the model's column names) and the
// expected margin, SHAP values and bias from XGBoost.
struct Fixture {
  std::string csv_path;
  std::vector<double> margin;
  std::vector<std::vector<double>> phi;  // features then bias
};

Fixture LoadFixture(const std::string& name, const std::string& column_prefix) {
  Fixture f;
  const auto lines = Lines(Slurp(Data(name + ".csv")));
  EXPECT_GT(lines.size(), 1u);
  constexpr int kFeatures = 8;
  std::ostringstream csv;
  for (int c = 0; c < kFeatures; ++c) csv << (c ? "," : "") << column_prefix << c;
  csv << ",unused\n";  // extra columns are ignored
  for (std::size_t i = 1; i < lines.size(); ++i) {
    const auto cells = Split(lines[i]);
    EXPECT_EQ(cells.size(), 2u * kFeatures + 2);
    for (int c = 0; c < kFeatures; ++c) {
      // XGBoost's fixtures write missing as "nan"; alternate with the empty cell.
      const std::string& v = cells[c];
      csv << (c ? "," : "") << (v == "nan" && i % 2 ? "" : v);
    }
    csv << ",x\n";
    f.margin.push_back(Num(cells[kFeatures]));
    std::vector<double> phi;
    for (int c = 0; c <= kFeatures; ++c) phi.push_back(Num(cells[kFeatures + 1 + c]));
    f.phi.push_back(phi);
  }
  f.csv_path = TempPath(name + ".csv");
  Write(f.csv_path, csv.str());
  return f;
}

struct XgbCase {
  const char* name;
  const char* prefix;  // the model's feature names, or XGBoost's default f0, f1, ...
  bool sigmoid;
};

void PrintTo(const XgbCase& c, std::ostream* os) { *os << c.name; }

class PredictXgboostTest : public ::testing::TestWithParam<XgbCase> {};

TEST_P(PredictXgboostTest, MarginsPredictionsAndContributionsMatchXgboost) {
  const XgbCase& c = GetParam();
  const Fixture f = LoadFixture(c.name, c.prefix);
  const std::string model = Data(std::string(c.name) + ".json");

  CliResult margin = Predict("--model " + model + " --in " + f.csv_path + " --margin");
  ASSERT_EQ(margin.exit_code, 0) << margin.err;
  auto lines = Lines(margin.out);
  ASSERT_EQ(lines.size(), f.margin.size() + 1);
  EXPECT_EQ(lines[0], "margin");
  for (std::size_t i = 0; i < f.margin.size(); ++i) {
    const double got = Num(lines[i + 1]);
    // The contract: within 1e-6 relative of XGBoost's own margin (output_margin=True).
    EXPECT_LE(std::abs(got - f.margin[i]), 1e-6 * std::max(1.0, std::abs(f.margin[i])))
        << "row " << i;
  }

  CliResult pred = Predict("--model " + model + " --in " + f.csv_path);
  ASSERT_EQ(pred.exit_code, 0) << pred.err;
  lines = Lines(pred.out);
  ASSERT_EQ(lines.size(), f.margin.size() + 1);
  EXPECT_EQ(lines[0], c.sigmoid ? "probability" : "prediction");
  for (std::size_t i = 0; i < f.margin.size(); ++i) {
    const double want = c.sigmoid ? 1 / (1 + std::exp(-f.margin[i])) : f.margin[i];
    EXPECT_NEAR(Num(lines[i + 1]), want, 1e-6 * std::max(1.0, std::abs(want))) << "row " << i;
  }

  CliResult contribs = Predict("--model " + model + " --in " + f.csv_path + " --contribs");
  ASSERT_EQ(contribs.exit_code, 0) << contribs.err;
  lines = Lines(contribs.out);
  ASSERT_EQ(lines.size(), f.margin.size() + 1);
  const auto header = Split(lines[0]);
  ASSERT_EQ(header.size(), 9u);
  EXPECT_EQ(header[0], std::string(c.prefix) + "0");
  EXPECT_EQ(header[8], "bias");
  for (std::size_t i = 0; i < f.phi.size(); ++i) {
    const auto cells = Split(lines[i + 1]);
    ASSERT_EQ(cells.size(), 9u);
    for (std::size_t k = 0; k < 9; ++k) {
      // XGBoost's pred_contribs=True, computed in float32.
      EXPECT_NEAR(Num(cells[k]), f.phi[i][k], 1e-5 * std::max(1.0, std::abs(f.phi[i][k])))
          << "row " << i << " column " << k;
    }
  }
  std::filesystem::remove(f.csv_path);
}

INSTANTIATE_TEST_SUITE_P(Fixtures, PredictXgboostTest,
                         ::testing::Values(XgbCase{"d2_logistic", "f", true},
                                           XgbCase{"d4_logistic_missing", "feat_", true},
                                           XgbCase{"d6_logitraw", "f", false},
                                           XgbCase{"d8_squarederror", "f", false}),
                         [](const auto& param_info) { return std::string(param_info.param.name); });

TEST(PredictTest, LightgbmHandCheckedModel) {
  // Rows and margins derived by hand in tests/models/lightgbm_text_test.cc: NaN with missing
  // type None reads as 0, zero with missing type Zero goes the default way, categorical
  // bitsets (3.9 truncates to category 3; 33 is in the second bitset word).
  const std::string csv = TempPath("lgb.csv");
  Write(csv,
        "country_code,amount_sum,days_late,ratio\n"
        "1,0,0,0\n"
        "2,NaN,5,\n"
        "3.9,1.5,-0.5,7\n"
        "33,2,,3\n");
  CliResult r = Predict("--model " + Data("lightgbm_hand.txt") + " --in " + csv + " --margin");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto m = Lines(r.out);
  ASSERT_EQ(m.size(), 5u);
  EXPECT_EQ(m[0], "margin");
  // Printed with 17 significant digits, so they read back exactly.
  EXPECT_EQ(Num(m[1]), 0.1 + 1.0 + 0.05);
  EXPECT_EQ(Num(m[2]), -0.2 + 2.0 + 0.05);
  EXPECT_EQ(Num(m[3]), 0.1 + 1.0 + 0.05);
  EXPECT_EQ(Num(m[4]), 0.3 + 1.0 + 0.05);
  CliResult p = Predict("--model " + Data("lightgbm_hand.txt") + " --in " + csv);
  ASSERT_EQ(p.exit_code, 0);
  EXPECT_EQ(Num(Lines(p.out)[1]), 1 / (1 + std::exp(-(0.1 + 1.0 + 0.05))));
  std::filesystem::remove(csv);
}

// What `credence fit --out` writes: a credence.v1.Model whose terms name CSV columns.
constexpr const char* kLogistic = R"pb(id: "pd"
                                       logistic {
                                         intercept: -2
                                         terms {
                                           feature: "util"
                                           coefficient: 1.5
                                           reference: 0.3
                                           transform {
                                             cap_upper: 1
                                             standardize { mean: 0.5 stddev: 0.25 }
                                           }
                                         }
                                         terms {
                                           feature: "late"
                                           coefficient: 0.7
                                           impute: 0
                                           transform {
                                             woe {
                                               bins {
                                                 interval { upper: 1 }
                                                 woe: -0.4
                                               }
                                               bins {
                                                 interval { lower: 1 lower_closed: true }
                                                 woe: 0.9
                                               }
                                             }
                                           }
                                         }
                                       }
)pb";

TEST(PredictTest, LogisticModelInTextAndJsonByHand) {
  const std::string model = TempPath("pd.textproto");
  Write(model, kLogistic);
  const std::string csv = TempPath("lr.csv");
  // util 0.75 -> (0.75-0.5)/0.25 = 1; late 3 -> 0.9. util 2 -> capped 1 -> 2; late missing
  // -> impute 0 -> -0.4. Quoted cells and CRLF line ends are accepted.
  Write(csv, "id,late,util\r\na,3,0.75\r\n\"b,c\",,\"2\"\r\n");
  const double m1 = -2 + 1.5 * 1 + 0.7 * 0.9, m2 = -2 + 1.5 * 2 + 0.7 * -0.4;
  for (const std::string& path : {model}) {
    CliResult r = Predict("--model " + path + " --in " + csv);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto lines = Lines(r.out);
    ASSERT_EQ(lines.size(), 3u);
    EXPECT_EQ(lines[0], "probability");
    EXPECT_NEAR(Num(lines[1]), 1 / (1 + std::exp(-m1)), 1e-15);
    EXPECT_NEAR(Num(lines[2]), 1 / (1 + std::exp(-m2)), 1e-15);
    r = Predict("--model " + path + " --in " + csv + " --margin");
    EXPECT_NEAR(Num(Lines(r.out)[1]), m1, 1e-15);
    r = Predict("--model " + path + " --in " + csv + " --contribs");
    lines = Lines(r.out);
    ASSERT_EQ(lines.size(), 3u);
    EXPECT_EQ(lines[0], "util,late,bias");
    auto cells = Split(lines[1]);
    ASSERT_EQ(cells.size(), 3u);
    EXPECT_NEAR(Num(cells[0]), 1.5 * (1 - 0.3), 1e-15);
    EXPECT_NEAR(Num(cells[1]), 0.7 * 0.9, 1e-15);
    // bias = intercept + coefficient * reference, so the row sums to the margin.
    EXPECT_NEAR(Num(cells[2]), -2 + 1.5 * 0.3, 1e-15);
  }
  // The same model in protobuf's JSON mapping.
  const std::string json = TempPath("pd.json");
  Write(json, R"({"id":"pd","logistic":{"intercept":-2,"terms":[
      {"feature":"util","coefficient":1.5,"reference":0.3,
       "transform":{"capUpper":1,"standardize":{"mean":0.5,"stddev":0.25}}},
      {"feature":"late","coefficient":0.7,"impute":0,
       "transform":{"woe":{"bins":[{"interval":{"upper":1},"woe":-0.4},
                                    {"interval":{"lower":1,"lowerClosed":true},"woe":0.9}]}}}]}})");
  CliResult r = Predict("--model " + json + " --in " + csv + " --margin");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NEAR(Num(Lines(r.out)[2]), m2, 1e-15);
  for (const auto& p : {model, csv, json}) std::filesystem::remove(p);
}

TEST(PredictTest, ScorecardWithStringColumnByHand) {
  const std::string model = TempPath("card.textproto");
  Write(model, R"pb(id: "card"
                    scorecard {
                      initial_score: 580
                      scaling { base_score: 600 base_odds: 50 pdo: 20 }
                      characteristics {
                        name: "years"
                        feature: "years_trading"
                        baseline_score: 20
                        reason_code: "YRS"
                        attributes { missing: true partial_score: 0 }
                        attributes {
                          interval { upper: 2 }
                          partial_score: 0
                        }
                        attributes {
                          interval { lower: 2 lower_closed: true }
                          partial_score: 30
                        }
                      }
                      characteristics {
                        name: "sector"
                        enterprise_field: "sector"
                        baseline_score: 10
                        reason_code: "SEC"
                        attributes {
                          categories { values: "apparel" values: "food, fresh" }
                          partial_score: 10
                        }
                        attributes { otherwise: true partial_score: -10 }
                      }
                    }
  )pb");
  const std::string csv = TempPath("card.csv");
  Write(csv, "sector,years_trading\n\"food, fresh\",5\nmining,1\n,\n");
  CliResult r = Predict("--model " + model + " --in " + csv + " --margin");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // 580 + 30 + 10 = 620; 580 + 0 - 10 = 570; 580 + 0 - 10 = 570.
  EXPECT_EQ(Lines(r.out), (std::vector<std::string>{"points", "620", "570", "570"}));
  r = Predict("--model " + model + " --in " + csv);
  auto lines = Lines(r.out);
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[0], "probability");
  EXPECT_NEAR(Num(lines[1]), 1.0 / 101, 1e-15);  // 620 points: odds 100
  const double odds570 = 50 * std::pow(2.0, -30.0 / 20);
  EXPECT_NEAR(Num(lines[2]), 1 / (1 + odds570), 1e-15);
  r = Predict("--model " + model + " --in " + csv + " --contribs");
  EXPECT_EQ(Lines(r.out),
            (std::vector<std::string>{"years,sector,bias", "30,10,580", "0,-10,580", "0,-10,580"}));
  for (const auto& p : {model, csv}) std::filesystem::remove(p);
}

TEST(PredictTest, BundleFolderModelByIdWithTreeFile) {
  const std::string dir = TempPath("bundle");
  std::filesystem::create_directories(dir);
  std::filesystem::copy_file(Data("d2_logistic.json"), dir + "/trees.json",
                             std::filesystem::copy_options::overwrite_existing);
  Write(dir + "/bundle.textproto", R"pb(metadata { name: "b" }
                                        base_currency: "USD"
                                        models {
                                          id: "other"
                                          logistic { intercept: 1 }
                                        }
                                        models {
                                          id: "gbm"
                                          tree_ensemble {
                                            file: "trees.json"
                                            format: TREE_MODEL_FORMAT_XGBOOST_JSON
                                            features: [ "a", "b", "c", "d", "e", "f", "g", "h" ]
                                          }
                                        }
  )pb");
  const Fixture f = LoadFixture("d2_logistic", "f");
  std::string csv = Slurp(f.csv_path);
  csv.replace(0, csv.find('\n'), "a,b,c,d,e,f,g,h,unused");
  Write(f.csv_path, csv);
  CliResult r = Predict("--model " + dir + " --model-id gbm --in " + f.csv_path + " --margin");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto lines = Lines(r.out);
  ASSERT_EQ(lines.size(), f.margin.size() + 1);
  for (std::size_t i = 0; i < f.margin.size(); ++i) {
    EXPECT_LE(std::abs(Num(lines[i + 1]) - f.margin[i]),
              1e-6 * std::max(1.0, std::abs(f.margin[i])));
  }
  // Several models and no credit model: the id is required.
  r = Predict("--model " + dir + " --in " + f.csv_path);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("--model-id"));
  EXPECT_THAT(r.err, HasSubstr("other, gbm"));
  std::filesystem::remove_all(dir);
  std::filesystem::remove(f.csv_path);
}

// End to end with `credence fit`: the scorecard it writes and its equivalent WoE logistic
// model (two different model kinds, the same PD by construction) agree row by row, and a
// categorical characteristic reads its string column.
TEST(PredictTest, FitScorecardAndItsLogisticTwinAgree) {
  const std::string csv = TempPath("fit.csv");
  {
    std::mt19937 rng(2026);
    std::normal_distribution<double> z(0, 1);
    std::uniform_real_distribution<double> u(0, 1);
    const char* segments[] = {"retail", "wholesale", "marketplace"};
    std::ofstream f(csv);
    f << "id,a,b,segment,bad\n";
    for (int i = 0; i < 6000; ++i) {
      const double a = z(rng), b = u(rng);
      const int s = static_cast<int>(u(rng) * 3);
      const int y =
          u(rng) < 1 / (1 + std::exp(-(-2 + 0.8 * a + 1.5 * b + (s == 2 ? 0.8 : 0)))) ? 1 : 0;
      f << "r" << i << "," << (i % 40 == 3 ? std::string() : std::to_string(a)) << "," << b << ","
        << segments[s] << "," << y << "\n";
    }
  }
  const std::string card = TempPath("fit_card.textproto");
  const std::string twin = TempPath("fit_twin.textproto");
  const std::string cli = std::string(CREDENCE_CLI);
  ASSERT_EQ(std::system((cli + " fit --scorecard --in " + csv + " --label bad --out " + card +
                         " --logistic-out " + twin + " >/dev/null 2>&1")
                            .c_str()),
            0);
  CliResult p1 = Predict("--model " + card + " --in " + csv);
  CliResult p2 = Predict("--model " + twin + " --in " + csv);
  ASSERT_EQ(p1.exit_code, 0) << p1.err;
  ASSERT_EQ(p2.exit_code, 0) << p2.err;
  const auto l1 = Lines(p1.out), l2 = Lines(p2.out);
  ASSERT_EQ(l1.size(), 6001u);
  ASSERT_EQ(l2.size(), 6001u);
  for (std::size_t i = 1; i < l1.size(); ++i) {
    ASSERT_NEAR(Num(l1[i]), Num(l2[i]), 1e-12) << "row " << i;
  }

  const std::string cat = TempPath("fit_cat.textproto");
  ASSERT_EQ(std::system((cli + " fit --scorecard --categorical segment --in " + csv +
                         " --label bad --out " + cat + " >/dev/null 2>&1")
                            .c_str()),
            0);
  CliResult p3 = Predict("--model " + cat + " --in " + csv + " --contribs");
  ASSERT_EQ(p3.exit_code, 0) << p3.err;
  const auto l3 = Lines(p3.out);
  ASSERT_EQ(l3.size(), 6001u);
  EXPECT_THAT(l3[0], HasSubstr("segment"));
  // Without the segment column the string input is missing from the header.
  const std::string no_segment = TempPath("fit_noseg.csv");
  Write(no_segment, "id,a,b\nx,1,0.5\n");
  CliResult p4 = Predict("--model " + cat + " --in " + no_segment);
  EXPECT_EQ(p4.exit_code, 1);
  EXPECT_THAT(p4.err, HasSubstr("no column 'segment'"));
  for (const auto& p : {csv, card, twin, cat, no_segment}) std::filesystem::remove(p);
}

TEST(PredictTest, BadInputIsReportedWithItsLineAndNoOutputFileIsLeft) {
  const std::string model = TempPath("err.textproto");
  Write(model, kLogistic);
  const std::string csv = TempPath("err.csv");
  const std::string out = TempPath("err_out.csv");
  struct Case {
    const char* csv;
    const char* message;
  };
  for (const Case& c : {
           Case{"util\n0.5\n", "err.csv:1: the header has no column 'late'"},
           Case{"util,late\n0.5,1\n0.5,abc\n", "err.csv:3: column 'late': 'abc' is not a number"},
           Case{"util,late\n0.5,1\n0.5,1,2\n",
                "err.csv:3: expected 2 cells like the header, found 3"},
           Case{"util,late\n0.5\n", "err.csv:2: expected 2 cells"},
           Case{"util,late\n\"0.5,1\n", "err.csv:2: unterminated quoted cell"},
           Case{"util,late,util\n", "column 'util' appears twice"},
           Case{"", "the file is empty"},
       }) {
    Write(csv, c.csv);
    CliResult r = Predict("--model " + model + " --in " + csv + " --out " + out);
    EXPECT_EQ(r.exit_code, 1) << c.csv;
    EXPECT_THAT(r.err, HasSubstr(c.message)) << c.csv;
    EXPECT_FALSE(std::filesystem::exists(out)) << c.csv;
  }
  for (const auto& e :
       std::filesystem::directory_iterator(std::filesystem::temp_directory_path())) {
    EXPECT_THAT(e.path().filename().string(), ::testing::Not(HasSubstr("err_out.csv.tmp")));
  }
  // A row the model cannot score: NaN and a warning with its line; the others are written.
  Write(model, "logistic { terms { feature: 'late' coefficient: 1 } }");
  Write(csv, "late\n1\n\n2\n");
  CliResult r = Predict("--model " + model + " --in " + csv + " --out " + out + " --margin");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Slurp(out), "margin\n1\n2\n");  // blank lines are skipped
  Write(csv, "late\n1\nNaN\n");
  r = Predict("--model " + model + " --in " + csv + " --out " + out + " --margin");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(Slurp(out), "margin\n1\nNaN\n");
  EXPECT_THAT(r.err, HasSubstr("err.csv:3: warning: no output: feature 'late' is missing"));

  // Usage and model errors exit 2.
  Write(model, "this is not a model");
  r = Predict("--model " + model + " --in " + csv);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("not an XGBoost JSON model, a LightGBM text model"));
  // A Model with a typo: the text-format error says where.
  Write(model, "id: 'x'\nlogistic { intercept: 1 termz { } }\n");
  r = Predict("--model " + model + " --in " + csv);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("as a credence.v1.Model: 2:"));
  EXPECT_THAT(r.err, HasSubstr("termz"));
  Write(model, "tree\nversion=v4\n");
  r = Predict("--model " + model + " --in " + csv);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("LightGBM text model:"));
  r = Predict("--model " + model + " --in " + csv + " --margin --contribs");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("exclude each other"));
  r = Predict("--in " + csv);
  EXPECT_EQ(r.exit_code, 2);
  for (const auto& p : {model, csv, out}) std::filesystem::remove(p);
}

}  // namespace
