// credence fit: develops a logistic regression or a WoE scorecard from a CSV training set
// (src/fit, docs/fit.md) and writes it as a credence.v1.Model in protobuf text format.
#include <google/protobuf/text_format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <iostream>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "command_line.h"
#include "commands.h"
#include "credence/v1/bundle.pb.h"
#include "fit/binning.h"
#include "fit/csv.h"
#include "fit/logistic_fit.h"
#include "fit/metrics.h"
#include "fit/scorecard_builder.h"
#include "fit/selection.h"
#include "fit_reference.h"
#include "output.h"
#include "score_stream.h"

namespace credence::cli {
namespace {

using Json = nlohmann::ordered_json;

constexpr const char* kDescription =
    R"(Fits a model on TRAIN.csv (a header row, one row per case; the label column holds 0 = good,
1 = bad) and writes a credence.v1.Model in protobuf text format.
)";

constexpr const char* kLogisticCaption =
    "Plain logistic regression (default): one term per numeric column except the label; a "
    "column with a non-numeric, non-empty cell (an id, a name) is skipped with a note on stderr";

constexpr const char* kScorecardCaption =
    "Scorecard (--scorecard): equal-frequency binning of every numeric column (missing cells "
    "get their own bin), merging to a monotonic WoE trend (--monotonic) or by ChiMerge "
    "(default), WoE and IV, selection by IV and correlation, logistic regression on the WoE "
    "columns, points with PDO scaling. Characteristics' `feature` is the CSV column name";

constexpr const char* kEpilog =
    R"(Features whose fitted coefficient has the wrong sign (positive: more WoE, more risk) are
dropped and the model refitted; the report says so.

Exit status: 0 on success, 1 on a data or fitting error, 2 on a usage error.
)";

using Json = nlohmann::ordered_json;

constexpr const char* kModelHeader =
    "# proto-file: credence/v1/bundle.proto\n"
    "# proto-message: credence.v1.Model\n";

struct FitArgs {
  std::string in, label, out, impute, model_id, exclude, report, categorical, logistic_out;
  std::string baseline = "neutral", reason_thresholds, bundle, owner, intended_use, sample_period;
  bool scorecard = false, monotonic = false, round = false;
  double l2 = 0, min_iv = 0.02, max_corr = 0.7, chi = 3.841, min_share = 0.05;
  double base_score = 600, base_odds = 50, pdo = 20;
  int bins = 10, initial_bins = 20;
};

void DeclareCommonOptions(CommandLine& cl, FitArgs& a) {
  cl.Text("in", "TRAIN.csv", "the training set (required)", &a.in)
      .Required()
      .Text("label", "COLUMN", "the label column, 0 = good, 1 = bad (required)", &a.label)
      .Required()
      .Text("out", "MODEL.textproto", "the model, in protobuf text format (required)", &a.out)
      .Required()
      .Flag("scorecard", "fit a WoE scorecard instead of a plain logistic regression", &a.scorecard)
      .Number("l2", "LAMBDA", "L2 penalty on the coefficients (not the intercept), >= 0; default 0",
              {.low = 0}, &a.l2)
      .Text("model-id", "ID", "Model.id; default \"logistic\" (\"scorecard\" with --scorecard)",
            &a.model_id)
      .Text("exclude", "A,B", "columns to leave out", &a.exclude)
      .Text("report", "FILE", "write a JSON report (coefficients, train AUC / KS / Gini, ...)",
            &a.report)
      .Text("owner", "TEXT", "governance: the team accountable for the model", &a.owner)
      .Text("intended-use", "TEXT", "governance: what the model may be used for", &a.intended_use)
      .Text("sample-period", "START/END",
            "governance: the period the training set describes, YYYY-MM-DD/YYYY-MM-DD (the "
            "file's SHA-256 is always recorded)",
            &a.sample_period)
      .Group(kLogisticCaption)
      .Choice("impute", "mean",
              "replace missing cells (empty or NaN) by the column mean and record it as the "
              "term's impute value; without it a missing cell is an error",
              {"mean"}, &a.impute);
}

void DeclareScorecardOptions(CommandLine& cl, FitArgs& a) {
  const NumberRange any;
  cl.Group(kScorecardCaption)
      .Integer("bins", "N", "at most N bins per feature after merging, 1 to 1000; default 10", 1,
               1000, &a.bins)
      .Integer("initial-bins", "N", "equal-frequency bins to start from, 2 to 1000; default 20", 2,
               1000, &a.initial_bins)
      .Flag("monotonic", "merge to a monotonic WoE trend (direction from the data)", &a.monotonic)
      .Number("chi-threshold", "X", "ChiMerge threshold; default 3.841 (95%, 1 df)", any, &a.chi)
      .Number("min-bin-share", "X",
              "smallest bin as a share of the rows, and the share below which a category is "
              "pooled into \"other\", in [0, 0.5]; default 0.05",
              {.low = 0, .high = 0.5}, &a.min_share)
      .Text("categorical", "A,B", "string columns to bin as categories (rare ones pooled)",
            &a.categorical)
      .Number("min-iv", "X", "drop features with IV below X; default 0.02", any, &a.min_iv)
      .Number("max-corr", "X",
              "of two features whose WoE columns have |r| > X drop the lower-IV one, in (0, 1]; "
              "default 0.7",
              {.low = 0, .high = 1, .low_open = true}, &a.max_corr)
      .Number("base-score", "S", "S points at good:bad odds O (--base-odds); default 600", any,
              &a.base_score)
      .Number("base-odds", "O", "good:bad odds at the base score, > 0; default 50",
              {.low = 0, .low_open = true}, &a.base_odds)
      .Number("pdo", "P", "points to double the odds, > 0; default 20",
              {.low = 0, .low_open = true}, &a.pdo)
      .Flag("round", "round every partial score to an integer", &a.round)
      .Choice("baseline", "METHOD",
              "how each characteristic's baseline score (the reference of adverse reasons) is "
              "chosen: neutral (default: the points at the population's median value), max "
              "(the best attribute), mean, median (of the partial scores), or other (the points "
              "at --baseline-values)",
              {"max", "mean", "median", "neutral", "other"}, &a.baseline)
      .Text("baseline-values", "A=X,B=Y",
            "--baseline other: the value of each named column whose points are its baseline "
            "(others: neutral)",
            &a.reason_thresholds)
      .Text("bundle", "PATH",
            "read the features' risk directions from this bundle: size measures (NONE) and "
            "two-sided features are not used, and --monotonic bins in the declared direction",
            &a.bundle)
      .Text("logistic-out", "FILE",
            "also write the same model as a logistic regression with WoE transforms (numeric "
            "features only), Model.id \"<ID>_logistic\"",
            &a.logistic_out)
      .Epilog(kEpilog);
}

std::optional<int> ParseFitArgs(int argc, char** argv, FitArgs& a) {
  CommandLine cl("fit", "fit --in TRAIN.csv --label COLUMN --out MODEL.textproto [options]",
                 kDescription);
  DeclareCommonOptions(cl, a);
  DeclareScorecardOptions(cl, a);
  if (std::optional<int> exit = cl.Parse(argc, argv)) return exit;
  if (cl.Given("impute") && a.scorecard) {
    return cl.UsageError(
        "--impute does not apply to --scorecard (missing values get their own bin)");
  }
  if (!a.scorecard) {
    for (const char* o : {"bins", "initial-bins", "monotonic", "chi-threshold", "min-bin-share",
                          "categorical", "min-iv", "max-corr", "base-score", "base-odds", "pdo",
                          "round", "logistic-out", "baseline", "baseline-values", "bundle"}) {
      if (cl.Given(o)) return cl.UsageError(std::string("--") + o + " needs --scorecard");
    }
  }
  if (cl.Given("baseline-values") && a.baseline != "other") {
    return cl.UsageError("--baseline-values needs --baseline other");
  }
  if (std::string same = SameFileError({{"--in", &a.in},
                                        {"--out", &a.out},
                                        {"--report", &a.report},
                                        {"--logistic-out", &a.logistic_out}});
      !same.empty()) {
    return cl.UsageError(same);
  }
  if (a.model_id.empty()) a.model_id = a.scorecard ? "scorecard" : "logistic";
  return std::nullopt;
}

struct Column {
  std::string name;
  std::size_t index;
  std::vector<double> values;
};

// The training set: the table, its labels, and the columns to fit.
struct TrainingData {
  std::string text;  // the file's bytes, read once (the development sample's digest)
  fit::CsvTable table;
  std::vector<int> labels;
  std::vector<Column> columns;                // numeric
  std::vector<std::size_t> categorical_cols;  // --categorical
};

int Fail(const Status& s) {
  PrintError("fit", s);
  return 1;
}

std::set<std::string> SplitList(const std::string& s) {
  std::set<std::string> out;
  std::stringstream in(s);
  for (std::string item; std::getline(in, item, ',');) {
    if (!item.empty()) out.insert(item);
  }
  return out;
}

Json Metrics(const std::vector<double>& margin, const std::vector<int>& labels) {
  Json j;
  const auto auc = fit::Auc(margin, labels);
  const auto ks = fit::Ks(margin, labels);
  std::int64_t bads = 0;
  for (int l : labels) bads += l;
  j["n"] = labels.size();
  j["bads"] = bads;
  if (auc.ok()) {
    j["auc"] = *auc;
    j["gini"] = 2 * *auc - 1;
  }
  if (ks.ok()) j["ks"] = *ks;
  return j;
}

// The model in protobuf text format, with its header.
Result<std::string> ModelText(const v1::Model& model) {
  std::string text;
  google::protobuf::TextFormat::Printer printer;
  if (!printer.PrintToString(model, &text)) return InternalError("cannot print the model");
  return kModelHeader + text;
}

// The outputs of one run (--out, --report, --logistic-out), opened before any work so that
// an unwritable one fails the run at once, and committed together: all of them or none.
struct FitOutputs {
  OutputFile model;
  std::unique_ptr<OutputFile> report, logistic;
  std::string logistic_text;  // set by FitScorecardModel with --logistic-out

  explicit FitOutputs(const FitArgs& a) : model(a.out, "--out") {
    if (!a.report.empty()) report = std::make_unique<OutputFile>(a.report, "--report");
    if (!a.logistic_out.empty()) {
      logistic = std::make_unique<OutputFile>(a.logistic_out, "--logistic-out");
    }
  }
  // The first output that could not be opened, or "".
  std::string OpenError() {
    for (OutputFile* o : {&model, report.get(), logistic.get()}) {
      if (o != nullptr && !o->ok()) return o->error();
    }
    return "";
  }
};

double Sigmoid(double m) {
  return m >= 0 ? 1 / (1 + std::exp(-m)) : std::exp(m) / (1 + std::exp(m));
}

// The numeric column `c`, or nullopt (with a note on stderr) when a cell is not numeric.
Result<std::optional<Column>> NumericColumn(const FitArgs& args, const fit::CsvTable& table,
                                            std::size_t c) {
  const std::string& name = table.header()[c];
  Column col{name, c, {}};
  std::size_t bad_row = 0;
  if (!fit::NumericColumn(table, c, col.values, bad_row)) {
    PrintError("fit", "note: skipping column '" + name + "': non-numeric value '" +
                          Shortened(table.Field(bad_row, c)) + "' at " + args.in + ":" +
                          std::to_string(table.LineOf(bad_row)));
    return std::optional<Column>();
  }
  for (std::size_t r = 0; r < col.values.size(); ++r) {
    if (std::isinf(col.values[r])) {
      return InvalidArgumentError("column '" + name + "' holds an infinite value",
                                  {.file = args.in, .line = static_cast<int>(table.LineOf(r))});
    }
  }
  return std::optional<Column>(std::move(col));
}

// Reads the CSV, its labels, and the columns to fit (every column but the label and
// --exclude; --categorical ones as categories, the others numeric when they are).
Result<TrainingData> LoadTrainingData(const FitArgs& args) {
  CREDENCE_ASSIGN_OR_RETURN(std::string text, fit::ReadCsvFile(args.in));
  CREDENCE_ASSIGN_OR_RETURN(fit::CsvTable table, fit::CsvTable::Parse(text, args.in));
  if (table.rows() == 0) {
    return InvalidArgumentError("no rows to fit: the file holds only its header",
                                {.file = args.in, .line = 1});
  }
  TrainingData d{std::move(text), std::move(table), {}, {}, {}};
  const int label_col = d.table.ColumnIndex(args.label);
  if (label_col < 0) {
    return NotFoundError("no column '" + args.label + "' in the header",
                         {.file = args.in, .line = 1});
  }
  CREDENCE_ASSIGN_OR_RETURN(d.labels,
                            fit::LabelColumn(d.table, static_cast<std::size_t>(label_col)));
  const std::set<std::string> exclude = SplitList(args.exclude);
  const std::set<std::string> categorical = SplitList(args.categorical);
  for (const std::string& c : categorical) {
    if (d.table.ColumnIndex(c) < 0) return NotFoundError("no column '" + c + "' (--categorical)");
  }
  for (std::size_t c = 0; c < d.table.cols(); ++c) {
    const std::string& name = d.table.header()[c];
    if (static_cast<int>(c) == label_col || exclude.count(name)) continue;
    if (categorical.count(name)) {
      d.categorical_cols.push_back(c);
      continue;
    }
    CREDENCE_ASSIGN_OR_RETURN(std::optional<Column> col, NumericColumn(args, d.table, c));
    if (col) d.columns.push_back(std::move(*col));
  }
  if (d.columns.empty() && d.categorical_cols.empty()) {
    return InvalidArgumentError("no numeric column to fit besides the label");
  }
  return d;
}

// --- Plain logistic regression -------------------------------------------------------------

// Replaces the missing cells of `col` by its mean (--impute mean); the mean, or NaN when the
// column has no missing cell. Without --impute a missing cell is an error at its line.
Result<double> ImputeMissing(const FitArgs& args, const fit::CsvTable& table, Column& col) {
  double sum = 0;
  std::size_t present = 0, first_missing = col.values.size();
  for (std::size_t r = 0; r < col.values.size(); ++r) {
    if (std::isnan(col.values[r])) {
      first_missing = std::min(first_missing, r);
    } else {
      sum += col.values[r];
      ++present;
    }
  }
  if (first_missing == col.values.size()) return NAN;
  if (args.impute.empty()) {
    return InvalidArgumentError(
        "column '" + col.name + "' has a missing value; use --impute mean or fix the data",
        {.file = args.in, .line = static_cast<int>(table.LineOf(first_missing))});
  }
  if (present == 0) return InvalidArgumentError("column '" + col.name + "' has no value at all");
  const double mean = sum / static_cast<double>(present);
  for (double& v : col.values) {
    if (std::isnan(v)) v = mean;
  }
  return mean;
}

Status FitLogisticModel(const FitArgs& args, TrainingData& d, v1::Model& model, Json& report) {
  std::vector<std::span<const double>> spans;
  std::vector<std::string> names;
  std::vector<double> means;
  for (Column& col : d.columns) {
    CREDENCE_ASSIGN_OR_RETURN(double mean, ImputeMissing(args, d.table, col));
    means.push_back(mean);
    spans.push_back(col.values);
    names.push_back(col.name);
  }
  CREDENCE_ASSIGN_OR_RETURN(fit::LogisticFit fitted,
                            fit::FitLogistic(spans, d.labels, names, {.l2 = args.l2}));
  v1::LogisticModel* lm = model.mutable_logistic();
  lm->set_intercept(fitted.intercept);
  Json coefs = Json::object();
  std::vector<double> margin(d.table.rows(), fitted.intercept);
  for (std::size_t j = 0; j < d.columns.size(); ++j) {
    v1::LogisticTerm* t = lm->add_terms();
    t->set_feature(d.columns[j].name);
    t->set_coefficient(fitted.coefficients[j]);
    if (!std::isnan(means[j])) t->set_impute(means[j]);
    coefs[d.columns[j].name] = fitted.coefficients[j];
    for (std::size_t r = 0; r < margin.size(); ++r) {
      margin[r] += fitted.coefficients[j] * d.columns[j].values[r];
    }
  }
  model.set_description("logistic regression fitted by credence fit on " + args.in);
  report["model"] = "logistic";
  report["l2"] = args.l2;
  report["iterations"] = fitted.iterations;
  report["log_likelihood"] = fitted.log_likelihood;
  report["intercept"] = fitted.intercept;
  report["coefficients"] = coefs;
  report["train"] = Metrics(margin, d.labels);
  return OkStatus();
}

// --- Scorecard -----------------------------------------------------------------------------

// One candidate characteristic: its binning and the WoE of every row.
struct Feature {
  std::string name;
  bool is_categorical = false;
  fit::NumericBinning numeric;
  fit::CategoricalBinning categorical;
  std::vector<double> woe;
};

// With --bundle: the binning trend of a declared direction (risk rising with the value means
// WoE falling), or why the feature is not used.
struct DirectionPolicy {
  std::map<std::string, v1::RiskDirection> directions;
  std::map<std::string, std::string> dropped;  // feature -> why

  // False (and the reason recorded) when `name` must not be a characteristic.
  bool Use(const std::string& name, fit::Trend& trend) {
    auto it = directions.find(name);
    if (it == directions.end()) return true;
    switch (it->second) {
      case v1::RISK_DIRECTION_INCREASING:
        trend = fit::Trend::kDecreasing;
        return true;
      case v1::RISK_DIRECTION_DECREASING:
        trend = fit::Trend::kIncreasing;
        return true;
      case v1::RISK_DIRECTION_NONE:
        dropped[name] = "a size measure (risk direction NONE in the bundle): not a risk of its own";
        return false;
      case v1::RISK_DIRECTION_TWO_SIDED:
        dropped[name] =
            "two-sided risk (in the bundle): a monotonic characteristic cannot express it and "
            "its reasons would have no direction";
        return false;
      default:
        return true;
    }
  }
};

// One candidate per numeric and categorical column (less those --bundle rules out).
Result<std::vector<Feature>> BinFeatures(const FitArgs& args, const TrainingData& d,
                                         DirectionPolicy& policy) {
  fit::BinningOptions bo;
  bo.max_bins = args.bins;
  bo.initial_bins = args.initial_bins;
  bo.method = args.monotonic ? fit::MergeMethod::kMonotonic : fit::MergeMethod::kChiMerge;
  bo.chi_threshold = args.chi;
  bo.min_bin_share = args.min_share;
  fit::CategoricalOptions co;
  co.max_bins = args.bins;
  co.chi_threshold = args.chi;
  co.rare_share = args.min_share;
  std::vector<Feature> features;
  for (const Column& col : d.columns) {
    bo.trend = fit::Trend::kAuto;
    if (!policy.Use(col.name, bo.trend)) continue;
    auto b = fit::BinNumeric(col.values, d.labels, bo);
    if (!b.ok()) return b.status().WithPrefix("binning '" + col.name + "'");
    Feature f{col.name, false, std::move(*b), {}, {}};
    f.woe.reserve(col.values.size());
    for (double v : col.values) f.woe.push_back(f.numeric.Woe(v));
    features.push_back(std::move(f));
  }
  for (std::size_t c : d.categorical_cols) {
    fit::Trend unused;
    if (!policy.Use(d.table.header()[c], unused)) continue;
    std::vector<std::string> values(d.table.rows());
    for (std::size_t r = 0; r < d.table.rows(); ++r) values[r] = d.table.Field(r, c);
    auto b = fit::BinCategorical(values, d.labels, co);
    if (!b.ok()) return b.status().WithPrefix("binning '" + d.table.header()[c] + "'");
    Feature f{d.table.header()[c], true, {}, std::move(*b), {}};
    for (const std::string& v : values) f.woe.push_back(f.categorical.Woe(v));
    features.push_back(std::move(f));
  }
  return features;
}

const Feature& FeatureNamed(const std::vector<Feature>& features, const std::string& name) {
  for (const Feature& f : features) {
    if (f.name == name) return f;
  }
  return features.front();  // unreachable: selection decisions name candidates
}

// The joint fit on the selected features' WoE after dropping, one at a time, the feature with
// the most positive coefficient (WoE = ln(good/bad) should lower the log-odds of default).
struct SignedFit {
  fit::LogisticFit fitted;
  std::vector<std::string> selected;
  std::map<std::string, std::string> sign_dropped;  // feature -> why
};

Result<SignedFit> FitWithNegativeSigns(const FitArgs& args, const std::vector<Feature>& features,
                                       const std::vector<int>& labels,
                                       std::vector<std::string> selected) {
  SignedFit out;
  while (true) {
    if (selected.empty()) {
      return FailedPreconditionError(
          "no feature left after selection (IV >= " + std::to_string(args.min_iv) +
          ", |r| <= " + std::to_string(args.max_corr) + ", coefficient sign); lower --min-iv");
    }
    std::vector<std::span<const double>> spans;
    for (const std::string& n : selected) spans.push_back(FeatureNamed(features, n).woe);
    CREDENCE_ASSIGN_OR_RETURN(out.fitted,
                              fit::FitLogistic(spans, labels, selected, {.l2 = args.l2}));
    const std::vector<double>& beta = out.fitted.coefficients;
    std::size_t worst = selected.size();
    for (std::size_t j = 0; j < selected.size(); ++j) {
      if (beta[j] >= 0 && (worst == selected.size() || beta[j] > beta[worst])) worst = j;
    }
    if (worst == selected.size()) break;
    out.sign_dropped[selected[worst]] =
        "coefficient " + std::to_string(beta[worst]) + " >= 0 (wrong sign) in a joint fit";
    selected.erase(selected.begin() + static_cast<std::ptrdiff_t>(worst));
  }
  out.selected = std::move(selected);
  return out;
}

Json BinJson(Json bin, const fit::BinStats& stats, double woe) {
  return {{"bin", std::move(bin)}, {"goods", stats.goods}, {"bads", stats.bads}, {"woe", woe}};
}

// The feature's bins, then its missing bin.
Json BinsJson(const Feature& f) {
  Json jb = Json::array();
  if (!f.is_categorical) {
    for (const fit::NumericBin& b : f.numeric.bins) {
      jb.push_back(BinJson(fit::IntervalText(b.lower, b.upper), b.stats, b.woe));
    }
    jb.push_back(BinJson("missing", f.numeric.missing, f.numeric.missing_woe));
    return jb;
  }
  for (const fit::CategoryBin& b : f.categorical.bins) {
    jb.push_back(BinJson(b.other ? Json("other") : Json(b.categories), b.stats, b.woe));
  }
  jb.push_back(BinJson("missing", f.categorical.missing, f.categorical.missing_woe));
  return jb;
}

// Every candidate: IV, selected with its coefficient or why it was dropped, and its bins;
// then the columns --bundle ruled out.
Json FeaturesJson(const std::vector<Feature>& features,
                  const std::vector<fit::SelectionDecision>& decisions, const SignedFit& s,
                  const DirectionPolicy& policy) {
  Json feats = Json::array();
  for (const auto& [name, why] : policy.dropped) {
    feats.push_back({{"name", name}, {"selected", false}, {"dropped", why}});
  }
  for (const fit::SelectionDecision& d : decisions) {
    const Feature& f = FeatureNamed(features, d.name);
    Json jf;
    jf["name"] = d.name;
    jf["type"] = f.is_categorical ? "categorical" : "numeric";
    jf["iv"] = d.iv;
    const auto pos = std::find(s.selected.begin(), s.selected.end(), d.name);
    jf["selected"] = pos != s.selected.end();
    if (pos != s.selected.end()) {
      jf["coefficient"] = s.fitted.coefficients[static_cast<std::size_t>(pos - s.selected.begin())];
    } else if (!d.reason.empty()) {
      jf["dropped"] = d.reason;
      if (!d.correlated_with.empty()) jf["correlation"] = d.correlation;
    } else {
      const auto why = s.sign_dropped.find(d.name);
      jf["dropped"] = why == s.sign_dropped.end() ? std::string() : why->second;
    }
    jf["bins"] = BinsJson(f);
    feats.push_back(jf);
  }
  return feats;
}

// --logistic-out: the scorecard as a WoE logistic regression, in protobuf text format.
Result<std::string> LogisticTwin(const v1::Model& model, const fit::BuiltScorecard& built) {
  if (!built.has_logistic) {
    return InvalidArgumentError(
        "--logistic-out: a categorical characteristic has no WoE-logistic form");
  }
  v1::Model lm;
  lm.set_id(model.id() + "_logistic");
  lm.set_description("WoE logistic regression equivalent to scorecard '" + model.id() + "'");
  *lm.mutable_logistic() = built.logistic;
  return ModelText(lm);
}

void ScorecardReport(const FitArgs& args, const std::vector<Feature>& features,
                     const std::vector<fit::SelectionDecision>& decisions, const SignedFit& s,
                     const DirectionPolicy& policy, const std::vector<int>& labels, Json& report) {
  report["model"] = "scorecard";
  report["options"] = {{"bins", static_cast<double>(args.bins)},
                       {"initial_bins", static_cast<double>(args.initial_bins)},
                       {"merge", args.monotonic ? "monotonic" : "chimerge"},
                       {"chi_threshold", args.chi},
                       {"min_bin_share", args.min_share},
                       {"min_iv", args.min_iv},
                       {"max_corr", args.max_corr},
                       {"l2", args.l2},
                       {"round", args.round},
                       {"baseline", args.baseline}};
  const double factor = args.pdo / std::log(2.0);
  report["scaling"] = {{"base_score", args.base_score},
                       {"base_odds", args.base_odds},
                       {"pdo", args.pdo},
                       {"factor", factor},
                       {"offset", args.base_score - factor * std::log(args.base_odds)}};
  report["intercept"] = s.fitted.intercept;
  report["iterations"] = s.fitted.iterations;
  report["features"] = FeaturesJson(features, decisions, s, policy);
  // Train metrics from the model's margin (higher = riskier), and calibration by its decile.
  std::vector<double> margin(labels.size(), s.fitted.intercept);
  for (std::size_t j = 0; j < s.selected.size(); ++j) {
    const Feature& f = FeatureNamed(features, s.selected[j]);
    for (std::size_t r = 0; r < margin.size(); ++r)
      margin[r] += s.fitted.coefficients[j] * f.woe[r];
  }
  report["train"] = Metrics(margin, labels);
  std::vector<double> pd(margin.size());
  for (std::size_t r = 0; r < margin.size(); ++r) pd[r] = Sigmoid(margin[r]);
  if (auto cal = fit::CalibrationTable(margin, pd, labels, 10); cal.ok()) {
    Json jc = Json::array();
    for (const fit::CalibrationBand& b : *cal) {
      jc.push_back({{"count", b.count},
                    {"bads", b.bads},
                    {"observed_rate", b.observed_rate},
                    {"mean_pd", b.mean_pd}});
    }
    report["train"]["calibration_by_margin_decile"] = jc;
  }
}

// How far beyond the typical value (the median) a value must lie, in quantiles of the
// development sample, before a characteristic may give a reason: 0.1, the 60th percentile on
// the risky side (docs/fit.md, "Baselines").
constexpr double kReasonQuantileMargin = 0.1;

// The characteristics: binnings, coefficients, the typical value of each numeric column (its
// median), its reason threshold (the 60th percentile in the direction risk rises, as the
// monotonic binning found it; the median when it has no direction) and, for --baseline
// other, the values given.
Result<std::vector<fit::ScorecardTerm>> MakeTerms(const FitArgs& args, const TrainingData& d,
                                                  const std::vector<Feature>& features,
                                                  const SignedFit& s) {
  std::map<std::string, double> given;
  for (const std::string& item : SplitList(args.reason_thresholds)) {
    const auto eq = item.find('=');
    const std::optional<double> v =
        eq == std::string::npos ? std::nullopt : ParseFiniteNumber(item.substr(eq + 1));
    if (!v) return InvalidArgumentError("--baseline-values: '" + item + "' is not NAME=NUMBER");
    given[item.substr(0, eq)] = *v;
  }
  std::vector<fit::ScorecardTerm> terms;
  for (std::size_t j = 0; j < s.selected.size(); ++j) {
    const Feature& f = FeatureNamed(features, s.selected[j]);
    fit::ScorecardTerm t{f.name, f.is_categorical ? nullptr : &f.numeric,
                         f.is_categorical ? &f.categorical : nullptr, s.fitted.coefficients[j]};
    for (const Column& col : d.columns) {
      if (col.name != f.name) continue;
      std::vector<double> present;
      for (double v : col.values) {
        if (!std::isnan(v)) present.push_back(v);
      }
      std::sort(present.begin(), present.end());
      t.typical_value = fit::QuantileType7(present, 0.5);
      const double margin = f.numeric.trend == fit::Trend::kDecreasing   ? kReasonQuantileMargin
                            : f.numeric.trend == fit::Trend::kIncreasing ? -kReasonQuantileMargin
                                                                         : 0.0;
      t.reason_threshold = fit::QuantileType7(present, 0.5 + margin);
    }
    if (auto it = given.find(f.name); it != given.end()) {
      t.baseline_at = it->second;
      given.erase(it);
    }
    terms.push_back(t);
  }
  if (!given.empty()) {
    return InvalidArgumentError("--baseline-values: '" + given.begin()->first +
                                "' is not a characteristic of the card");
  }
  return terms;
}

// The training set as fit_reference.h reads it.
DevelopmentSample SampleOf(const TrainingData& d) {
  DevelopmentSample sample;
  sample.rows = d.table.rows();
  sample.number = [&d](std::size_t r, const std::string& name) {
    for (const Column& col : d.columns) {
      if (col.name == name) return col.values[r];
    }
    return std::numeric_limits<double>::quiet_NaN();
  };
  sample.text = [&d](std::size_t r, const std::string& name) {
    const int c = d.table.ColumnIndex(name);
    return c < 0 ? std::string() : std::string(d.table.Field(r, static_cast<std::size_t>(c)));
  };
  return sample;
}

Status FitScorecardModel(const FitArgs& args, TrainingData& d, v1::Model& model, Json& report,
                         std::string& logistic_text) {
  DirectionPolicy policy;
  if (!args.bundle.empty()) {
    CREDENCE_ASSIGN_OR_RETURN(policy.directions, ReadRiskDirections(args.bundle));
  }
  CREDENCE_ASSIGN_OR_RETURN(std::vector<Feature> features, BinFeatures(args, d, policy));
  std::vector<fit::Candidate> candidates;
  for (const Feature& f : features) {
    candidates.push_back({f.name, f.is_categorical ? f.categorical.iv : f.numeric.iv, f.woe});
  }
  CREDENCE_ASSIGN_OR_RETURN(std::vector<fit::SelectionDecision> decisions,
                            fit::SelectFeatures(candidates, args.min_iv, args.max_corr));
  std::vector<std::string> selected;
  for (const fit::SelectionDecision& dec : decisions) {
    if (dec.selected) selected.push_back(dec.name);
  }
  CREDENCE_ASSIGN_OR_RETURN(SignedFit s,
                            FitWithNegativeSigns(args, features, d.labels, std::move(selected)));
  CREDENCE_ASSIGN_OR_RETURN(std::vector<fit::ScorecardTerm> terms, MakeTerms(args, d, features, s));
  const fit::ScalingOptions so{.base_score = args.base_score,
                               .base_odds = args.base_odds,
                               .pdo = args.pdo,
                               .round_points = args.round};
  CREDENCE_ASSIGN_OR_RETURN(
      fit::BuiltScorecard built,
      fit::BuildScorecard(terms, s.fitted.intercept, so, *fit::ParseBaselineMethod(args.baseline)));
  *model.mutable_scorecard() = built.scorecard;
  if (!args.logistic_out.empty()) {
    CREDENCE_ASSIGN_OR_RETURN(logistic_text, LogisticTwin(model, built));
  }
  model.set_description("WoE scorecard fitted by credence fit on " + args.in);
  CREDENCE_RETURN_IF_ERROR(AddReference(SampleOf(d), &model));
  ScorecardReport(args, features, decisions, s, policy, d.labels, report);
  return OkStatus();
}

// Writes the model, the report and the logistic twin, all or none; the exit status.
int WriteOutputs(FitOutputs& outputs, const v1::Model& model, const Json& report) {
  auto text = ModelText(model);
  if (!text.ok()) return Fail(text.status());
  outputs.model.stream() << *text;
  if (outputs.report) outputs.report->stream() << DumpJson(report, 2) << "\n";
  if (outputs.logistic) outputs.logistic->stream() << outputs.logistic_text;
  std::string error;
  if (!CommitAll({&outputs.model, outputs.report.get(), outputs.logistic.get()}, &error)) {
    PrintError("fit", error);
    return 2;
  }
  return 0;
}

}  // namespace

int FitCommand(int argc, char** argv) {
  FitArgs args;
  if (std::optional<int> exit = ParseFitArgs(argc, argv, args)) return *exit;
  if (!CheckInputs("fit", {{"--in", &args.in}})) return 2;
  FitOutputs outputs(args);
  if (std::string error = outputs.OpenError(); !error.empty()) {
    PrintError("fit", error);
    return 2;
  }
  const auto started = std::chrono::steady_clock::now();
  auto data = LoadTrainingData(args);
  if (!data.ok()) return Fail(data.status());
  v1::Model model;
  model.set_id(args.model_id);
  Json report;
  report["input"] = args.in;
  report["rows"] = data->table.rows();
  report["label"] = args.label;
  const Status fitted = args.scorecard
                            ? FitScorecardModel(args, *data, model, report, outputs.logistic_text)
                            : FitLogisticModel(args, *data, model, report);
  if (!fitted.ok()) return Fail(fitted.WithLocation({.file = args.in}));  // the data's file
  const Status governed =
      AddGovernance(data->text, args.owner, args.intended_use, args.sample_period, &model);
  if (!governed.ok()) return Fail(governed);
  report["seconds"] =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return WriteOutputs(outputs, model, report);
}

}  // namespace credence::cli
