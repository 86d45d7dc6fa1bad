// credence::Predictor against independent references: XGBoost's own margins and SHAP values
// (tests/models/data, written by python3-xgboost), the hand-checked LightGBM model, and
// logistic models computed by hand; plus loading by content and errors with locations.
#include "credence/predictor.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "tests/testing/status_matchers.h"

namespace credence {
namespace {

using ::credence::testing::IsOk;
using ::credence::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::string Data(const std::string& rel) {
  return std::string(CREDENCE_SOURCE_DIR) + "/tests/models/data/" + rel;
}

std::string Temp(const std::string& name, const std::string& text) {
  const std::string path = (std::filesystem::temp_directory_path() /
                            ("credence_predictor_test_" + std::to_string(getpid()) + "_" + name))
                               .string();
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

// A fixture: 8 feature columns, XGBoost's margin, then 8 SHAP values and the bias.
struct Fixture {
  std::vector<std::vector<double>> x, phi;
  std::vector<double> margin;
};

Fixture Load(const std::string& name) {
  Fixture f;
  std::ifstream in(Data(name + ".csv"));
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    std::vector<double> cells;
    std::stringstream ss(line);
    for (std::string cell; std::getline(ss, cell, ',');) {
      cells.push_back(cell == "nan" ? kNaN : std::strtod(cell.c_str(), nullptr));
    }
    EXPECT_EQ(cells.size(), 18u);
    f.x.emplace_back(cells.begin(), cells.begin() + 8);
    f.margin.push_back(cells[8]);
    f.phi.emplace_back(cells.begin() + 9, cells.end());
  }
  return f;
}

struct XgbCase {
  const char* name;
  const char* prefix;  // the model's feature names, or the generated f0, f1, ...
  bool named;
};

void PrintTo(const XgbCase& c, std::ostream* os) { *os << c.name; }

class PredictorXgboostTest : public ::testing::TestWithParam<XgbCase> {};

TEST_P(PredictorXgboostTest, MarginsAndContributionsEqualXgboostWithColumnsByName) {
  const XgbCase& c = GetParam();
  auto p = Predictor::Load(Data(std::string(c.name) + ".json"));
  ASSERT_THAT(p.status(), IsOk());
  EXPECT_EQ((*p)->named_inputs(), c.named);
  EXPECT_EQ((*p)->inputs()[0], std::string(c.prefix) + "0");
  const Fixture f = Load(c.name);
  // The table's columns in reverse order, plus one the model does not read.
  std::vector<std::string> columns = {"unused"};
  for (int k = 7; k >= 0; --k) columns.push_back(c.prefix + std::to_string(k));
  std::vector<double> table;
  for (const auto& row : f.x) {
    table.push_back(42);
    for (int k = 7; k >= 0; --k) table.push_back(row[static_cast<std::size_t>(k)]);
  }
  auto binding = (*p)->Bind(columns);
  ASSERT_THAT(binding.status(), IsOk());
  const std::size_t n = f.x.size();
  std::vector<double> margin(n);
  ASSERT_THAT((*p)->Predict(table, columns.size(), *binding, PredictOutput::kMargin, margin),
              IsOk());
  const std::size_t w = (*p)->OutputWidth(PredictOutput::kContributions);
  ASSERT_EQ(w, 9u);
  std::vector<double> phi(n * w);
  ASSERT_THAT((*p)->Predict(table, columns.size(), *binding, PredictOutput::kContributions, phi),
              IsOk());
  std::vector<double> row_out(w);
  for (std::size_t i = 0; i < n; ++i) {
    EXPECT_LE(std::abs(margin[i] - f.margin[i]), 1e-6 * std::max(1.0, std::abs(f.margin[i]))) << i;
    for (std::size_t k = 0; k < w; ++k) {
      EXPECT_NEAR(phi[i * w + k], f.phi[i][k], 1e-5 * std::max(1.0, std::abs(f.phi[i][k])));
    }
    // One row at a time gives the same values.
    ASSERT_THAT((*p)->PredictRow(f.x[i], {}, PredictOutput::kContributions, row_out), IsOk());
    for (std::size_t k = 0; k < w; ++k) EXPECT_EQ(row_out[k], phi[i * w + k]);
  }
  EXPECT_EQ((*p)->OutputNames(PredictOutput::kContributions).back(), "bias");
}

INSTANTIATE_TEST_SUITE_P(Fixtures, PredictorXgboostTest,
                         ::testing::Values(XgbCase{"d2_logistic", "f", false},
                                           XgbCase{"d4_logistic_missing", "feat_", true},
                                           XgbCase{"d8_squarederror", "f", false}),
                         [](const auto& param_info) { return std::string(param_info.param.name); });

TEST(PredictorTest, LightgbmByContentWithHandCheckedMargins) {
  auto p = Predictor::Load(Data("lightgbm_hand.txt"));
  ASSERT_THAT(p.status(), IsOk());
  EXPECT_EQ((*p)->description(), "LightGBM text");
  const std::vector<std::string> columns = {"country_code", "amount_sum", "days_late", "ratio"};
  const std::vector<double> table = {1, 0, 0, 0, 2, kNaN, 5, kNaN, 3.9, 1.5, -0.5, 7};
  auto binding = (*p)->Bind(columns);
  ASSERT_THAT(binding.status(), IsOk());
  std::vector<double> out(3);
  ASSERT_THAT((*p)->Predict(table, 4, *binding, PredictOutput::kMargin, out), IsOk());
  // By hand (tests/models/lightgbm_text_test.cc).
  EXPECT_THAT(out, ElementsAre(0.1 + 1.0 + 0.05, -0.2 + 2.0 + 0.05, 0.1 + 1.0 + 0.05));
  ASSERT_THAT((*p)->Predict(table, 4, *binding, PredictOutput::kPrediction, out), IsOk());
  EXPECT_DOUBLE_EQ(out[0], 1 / (1 + std::exp(-(0.1 + 1.0 + 0.05))));
  EXPECT_THAT((*p)->OutputNames(PredictOutput::kPrediction), ElementsAre("probability"));
}

TEST(PredictorTest, StandaloneModelInJsonOrTextWhateverTheFileName) {
  const std::string json = Temp("m.txt", R"({"id":"pd","logistic":{"intercept":-1,"terms":[
      {"feature":"late","coefficient":0.5},{"feature":"util","coefficient":2,"reference":0.25}]}})");
  const std::string text =
      Temp("m.json",
           "id: 'pd' logistic { intercept: -1 terms { feature: 'late' coefficient: 0.5 }"
           " terms { feature: 'util' coefficient: 2 reference: 0.25 } }");
  for (const std::string& path : {json, text}) {
    auto p = Predictor::Load(path);
    ASSERT_THAT(p.status(), IsOk()) << path;
    EXPECT_EQ((*p)->description(), "model 'pd'");
    EXPECT_THAT((*p)->inputs(), ElementsAre("late", "util"));
    std::vector<double> out(3);
    ASSERT_THAT(
        (*p)->PredictRow(std::vector<double>{2, 0.5}, {}, PredictOutput::kContributions, out),
        IsOk());
    // By hand: 0.5 * 2, 2 * (0.5 - 0.25), and the rest of the margin -1 + 2 * 0.5 - 0.5 = -0.5.
    EXPECT_THAT(out, ElementsAre(1.0, 0.5, -0.5));
    std::vector<double> margin(1);
    ASSERT_THAT((*p)->PredictRow(std::vector<double>{2, 0.5}, {}, PredictOutput::kMargin, margin),
                IsOk());
    EXPECT_DOUBLE_EQ(margin[0], -1 + 1.0 + 1.0);
    // A missing feature without an impute value: NaN and the reason, not an error.
    std::string why;
    ASSERT_THAT(
        (*p)->PredictRow(std::vector<double>{kNaN, 0.5}, {}, PredictOutput::kMargin, margin, &why),
        IsOk());
    EXPECT_TRUE(std::isnan(margin[0]));
    EXPECT_THAT(why, HasSubstr("late"));
  }
  // An explicit format overrides sniffing.
  EXPECT_THAT(Predictor::Load(json, {.format = ModelFormat::kXgboostJson}).status(),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("XGBoost JSON model")));
  std::filesystem::remove(json);
  std::filesystem::remove(text);
}

TEST(PredictorTest, BundleModelByIdCreditOrOnly) {
  const std::string starter = std::string(CREDENCE_SOURCE_DIR) + "/models/starter";
  auto credit = Predictor::Load(starter);
  ASSERT_THAT(credit.status(), IsOk());
  EXPECT_EQ((*credit)->description(), "model 'starter_pd'");
  EXPECT_THAT(Predictor::Load(starter, {.model_id = "nope"}).status(),
              StatusIs(StatusCode::kNotFound, HasSubstr("no model 'nope'")));
  const std::string only =
      Temp("only.textproto",
           "metadata { name: 'b' } base_currency: 'USD' models { id: 'solo' logistic { "
           "intercept: 1 terms { feature: 'a' coefficient: 1 } } }");
  auto solo = Predictor::Load(only);
  ASSERT_THAT(solo.status(), IsOk());
  EXPECT_EQ((*solo)->description(), "model 'solo'");
  std::filesystem::remove(only);
}

TEST(PredictorTest, ErrorsNameTheFileAndTheColumn) {
  const std::string junk = Temp("junk.txt", "this is not a model");
  auto bad = Predictor::Load(junk);
  EXPECT_THAT(bad.status(), StatusIs(StatusCode::kInvalidArgument,
                                     HasSubstr("not an XGBoost JSON model, a LightGBM text")));
  ASSERT_NE(bad.status().location(), nullptr);
  EXPECT_EQ(bad.status().location()->file, junk);
  std::filesystem::remove(junk);

  auto p = Predictor::Load(Data("d4_logistic_missing.json"));
  ASSERT_THAT(p.status(), IsOk());
  std::vector<std::string> columns = {"feat_0", "feat_1"};
  auto binding = (*p)->Bind(columns, "rows.csv");
  EXPECT_THAT(binding.status(),
              StatusIs(StatusCode::kInvalidArgument,
                       HasSubstr("no column 'feat_2', which the XGBoost JSON reads")));
  ASSERT_NE(binding.status().location(), nullptr);
  EXPECT_EQ(binding.status().location()->file, "rows.csv");
  EXPECT_EQ(binding.status().location()->field_path, "feat_2");
  columns = {"feat_0", "feat_0"};
  EXPECT_THAT((*p)->Bind(columns).status(),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("'feat_0' appears twice")));
  std::vector<double> out(2);
  EXPECT_THAT((*p)->PredictRow(std::vector<double>(3), {}, PredictOutput::kMargin, out),
              StatusIs(StatusCode::kInvalidArgument, ::testing::_));
}

}  // namespace
}  // namespace credence
