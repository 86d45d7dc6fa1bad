// credence fit: develops a logistic regression or a WoE scorecard from a CSV training set
// (src/fit, docs/fit.md) and writes it as a credence.v1.Model in protobuf text format.
#include <google/protobuf/text_format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "args.h"
#include "commands.h"
#include "credence/v1/bundle.pb.h"
#include "fit/binning.h"
#include "fit/csv.h"
#include "fit/logistic_fit.h"
#include "fit/metrics.h"
#include "fit/scorecard_builder.h"
#include "fit/selection.h"
#include "output.h"

namespace credence::cli {
namespace {

using Json = nlohmann::ordered_json;

constexpr const char* kUsage =
    R"(usage: credence fit --in TRAIN.csv --label COLUMN --out MODEL.textproto [options]

Fits a model on TRAIN.csv (a header row, one row per case; the label column holds 0 = good,
1 = bad) and writes a credence.v1.Model in protobuf text format.

Plain logistic regression (default): one term per numeric column except the label; a column
with a non-numeric, non-empty cell (an id, a name) is skipped with a note on stderr.
  --l2 LAMBDA         L2 penalty on the coefficients (not the intercept); default 0
  --impute mean       replace missing cells (empty or NaN) by the column mean and record it
                      as the term's impute value; without it a missing cell is an error
  --model-id ID       Model.id; default "logistic" ("scorecard" with --scorecard)
  --exclude A,B       columns to leave out
  --report FILE       write a JSON report (coefficients, train AUC / KS / Gini, ...)

Scorecard (--scorecard): equal-frequency binning of every numeric column (missing cells get
their own bin), merging to a monotonic WoE trend (--monotonic) or by ChiMerge (default),
WoE and IV, selection by IV and correlation, logistic regression on the WoE columns, points
with PDO scaling. Characteristics' `feature` is the CSV column name.
  --bins N            at most N bins per feature after merging; default 10
  --initial-bins N    equal-frequency bins to start from; default 20
  --monotonic         merge to a monotonic WoE trend (direction from the data)
  --chi-threshold X   ChiMerge threshold; default 3.841 (95%, 1 df)
  --min-bin-share X   smallest bin as a share of the rows, and the share below which a
                      category is pooled into "other"; default 0.05
  --categorical A,B   string columns to bin as categories (rare ones pooled)
  --min-iv X          drop features with IV below X; default 0.02
  --max-corr X        of two features whose WoE columns have |r| > X drop the lower-IV one;
                      default 0.7
  --base-score S --base-odds O --pdo P
                      scaling: S points at good:bad odds O, P points to double the odds;
                      default 600, 50, 20
  --round             round every partial score to an integer
  --logistic-out FILE also write the same model as a logistic regression with WoE
                      transforms (numeric features only), Model.id "<ID>_logistic"
Features whose fitted coefficient has the wrong sign (positive: more WoE, more risk) are
dropped and the model refitted; the report says so.

Exit status: 0 on success, 1 on a data or fitting error, 2 on a usage error.
)";

struct Column {
  std::string name;
  std::size_t index;
  std::vector<double> values;
};

int Fail(const Status& s) {
  std::cerr << "credence fit: " << s.ToString() << "\n";
  return 1;
}

bool ParseDouble(const std::string& text, double& out) {
  return fit::ParseNumericField(text, out) && std::isfinite(out);
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

Status WriteText(const std::string& path, const std::string& text) {
  OutputFile out(path);
  if (!out.ok()) return InvalidArgumentError(out.error());
  out.stream() << text;
  if (!out.Commit()) return DataLossError(out.error());
  return OkStatus();
}

double Sigmoid(double m) {
  return m >= 0 ? 1 / (1 + std::exp(-m)) : std::exp(m) / (1 + std::exp(m));
}

}  // namespace

int FitCommand(int argc, char** argv) {
  Args args(argc, argv,
            {"in", "label", "out", "l2", "impute", "model-id", "exclude", "report", "bins",
             "initial-bins", "chi-threshold", "min-bin-share", "categorical", "min-iv", "max-corr",
             "base-score", "base-odds", "pdo", "logistic-out"},
            {"help", "scorecard", "monotonic", "round"});
  if (args.Has("help")) {
    std::cout << kUsage;
    return 0;
  }
  auto usage = [](const std::string& msg) {
    std::cerr << "credence fit: " << msg << "\n\n" << kUsage;
    return 2;
  };
  if (!args.ok()) return usage(args.error());
  if (!args.positional().empty())
    return usage("unexpected argument '" + args.positional()[0] + "'");
  for (const char* required : {"in", "label", "out"}) {
    if (!args.Has(required)) return usage(std::string("--") + required + " is required");
  }
  const bool scorecard = args.Has("scorecard");
  // Numeric options.
  double l2 = 0, min_iv = 0.02, max_corr = 0.7, chi = 3.841, min_share = 0.05;
  double base_score = 600, base_odds = 50, pdo = 20, bins = 10, initial_bins = 20;
  struct NumOpt {
    const char* name;
    double* target;
  };
  for (NumOpt o : {NumOpt{"l2", &l2},
                   {"min-iv", &min_iv},
                   {"max-corr", &max_corr},
                   {"chi-threshold", &chi},
                   {"min-bin-share", &min_share},
                   {"base-score", &base_score},
                   {"base-odds", &base_odds},
                   {"pdo", &pdo},
                   {"bins", &bins},
                   {"initial-bins", &initial_bins}}) {
    if (args.Has(o.name) && !ParseDouble(args.Get(o.name), *o.target)) {
      return usage(std::string("--") + o.name + " needs a number, not '" + args.Get(o.name) + "'");
    }
  }
  if (args.Has("impute") && args.Get("impute") != "mean") {
    return usage("--impute supports only 'mean'");
  }
  if (args.Has("impute") && scorecard) {
    return usage("--impute does not apply to --scorecard (missing values get their own bin)");
  }
  if (!scorecard) {
    for (const char* o :
         {"bins", "initial-bins", "monotonic", "chi-threshold", "min-bin-share", "categorical",
          "min-iv", "max-corr", "base-score", "base-odds", "pdo", "round", "logistic-out"}) {
      if (args.Has(o)) return usage(std::string("--") + o + " needs --scorecard");
    }
  }
  if (bins != std::floor(bins) || initial_bins != std::floor(initial_bins) || bins < 1 ||
      bins > 1000 || initial_bins < 2 || initial_bins > 1000) {
    return usage("--bins needs a whole number in [1, 1000], --initial-bins one in [2, 1000]");
  }

  const auto started = std::chrono::steady_clock::now();
  auto table = fit::CsvTable::Read(args.Get("in"));
  if (!table.ok()) return Fail(table.status());
  const int label_col = table->ColumnIndex(args.Get("label"));
  if (label_col < 0) {
    return Fail(NotFoundError("no column '" + args.Get("label") + "' in the header",
                              {.file = args.Get("in"), .line = 1}));
  }
  auto labels = fit::LabelColumn(*table, static_cast<std::size_t>(label_col));
  if (!labels.ok()) return Fail(labels.status());

  const std::set<std::string> exclude = SplitList(args.Get("exclude"));
  const std::set<std::string> categorical = SplitList(args.Get("categorical"));
  for (const std::string& c : categorical) {
    if (table->ColumnIndex(c) < 0)
      return Fail(NotFoundError("no column '" + c + "' (--categorical)"));
  }
  std::vector<Column> columns;
  std::vector<std::size_t> categorical_cols;
  for (std::size_t c = 0; c < table->cols(); ++c) {
    const std::string& name = table->header()[c];
    if (static_cast<int>(c) == label_col || exclude.count(name)) continue;
    if (categorical.count(name)) {
      categorical_cols.push_back(c);
      continue;
    }
    Column col{name, c, {}};
    std::size_t bad_row = 0;
    if (!fit::NumericColumn(*table, c, col.values, bad_row)) {
      std::cerr << "credence fit: note: skipping column '" << name << "': non-numeric value '"
                << table->Field(bad_row, c) << "' at " << args.Get("in") << ":"
                << table->LineOf(bad_row) << "\n";
      continue;
    }
    for (std::size_t r = 0; r < col.values.size(); ++r) {
      if (std::isinf(col.values[r])) {
        return Fail(InvalidArgumentError(
            "column '" + name + "' holds an infinite value",
            {.file = args.Get("in"), .line = static_cast<int>(table->LineOf(r))}));
      }
    }
    columns.push_back(std::move(col));
  }
  if (columns.empty() && categorical_cols.empty()) {
    return Fail(InvalidArgumentError("no numeric column to fit besides the label"));
  }

  v1::Model model;
  Json report;
  report["input"] = args.Get("in");
  report["rows"] = table->rows();
  report["label"] = args.Get("label");

  if (!scorecard) {
    model.set_id(args.Get("model-id", "logistic"));
    std::vector<std::span<const double>> spans;
    std::vector<std::string> names;
    std::vector<double> means(columns.size(), NAN);
    for (std::size_t j = 0; j < columns.size(); ++j) {
      Column& col = columns[j];
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
      if (first_missing < col.values.size()) {
        if (!args.Has("impute")) {
          return Fail(InvalidArgumentError(
              "column '" + col.name + "' has a missing value; use --impute mean or fix the data",
              {.file = args.Get("in"), .line = static_cast<int>(table->LineOf(first_missing))}));
        }
        if (present == 0) {
          return Fail(InvalidArgumentError("column '" + col.name + "' has no value at all"));
        }
        means[j] = sum / static_cast<double>(present);
        for (double& v : col.values) {
          if (std::isnan(v)) v = means[j];
        }
      }
      spans.push_back(col.values);
      names.push_back(col.name);
    }
    auto fitted = fit::FitLogistic(spans, *labels, names, {.l2 = l2});
    if (!fitted.ok()) return Fail(fitted.status());
    v1::LogisticModel* lm = model.mutable_logistic();
    lm->set_intercept(fitted->intercept);
    Json coefs = Json::object();
    for (std::size_t j = 0; j < columns.size(); ++j) {
      v1::LogisticTerm* t = lm->add_terms();
      t->set_feature(columns[j].name);
      t->set_coefficient(fitted->coefficients[j]);
      if (!std::isnan(means[j])) t->set_impute(means[j]);
      coefs[columns[j].name] = fitted->coefficients[j];
    }
    std::vector<double> margin(table->rows(), fitted->intercept);
    for (std::size_t j = 0; j < columns.size(); ++j) {
      for (std::size_t r = 0; r < margin.size(); ++r) {
        margin[r] += fitted->coefficients[j] * columns[j].values[r];
      }
    }
    model.set_description("logistic regression fitted by credence fit on " + args.Get("in"));
    report["model"] = "logistic";
    report["l2"] = l2;
    report["iterations"] = fitted->iterations;
    report["log_likelihood"] = fitted->log_likelihood;
    report["intercept"] = fitted->intercept;
    report["coefficients"] = coefs;
    report["train"] = Metrics(margin, *labels);
  } else {
    model.set_id(args.Get("model-id", "scorecard"));
    fit::BinningOptions bo;
    bo.max_bins = static_cast<int>(bins);
    bo.initial_bins = static_cast<int>(initial_bins);
    bo.method = args.Has("monotonic") ? fit::MergeMethod::kMonotonic : fit::MergeMethod::kChiMerge;
    bo.chi_threshold = chi;
    bo.min_bin_share = min_share;
    fit::CategoricalOptions co;
    co.max_bins = static_cast<int>(bins);
    co.chi_threshold = chi;
    co.rare_share = min_share;

    // One candidate per numeric and categorical column.
    struct Feature {
      std::string name;
      bool is_categorical = false;
      fit::NumericBinning numeric;
      fit::CategoricalBinning categorical;
      std::vector<double> woe;
    };
    std::vector<Feature> features;
    for (const Column& col : columns) {
      auto b = fit::BinNumeric(col.values, *labels, bo);
      if (!b.ok()) return Fail(b.status().WithPrefix("binning '" + col.name + "'"));
      Feature f{col.name, false, std::move(*b), {}, {}};
      f.woe.reserve(col.values.size());
      for (double v : col.values) f.woe.push_back(f.numeric.Woe(v));
      features.push_back(std::move(f));
    }
    for (std::size_t c : categorical_cols) {
      std::vector<std::string> values(table->rows());
      for (std::size_t r = 0; r < table->rows(); ++r) values[r] = table->Field(r, c);
      auto b = fit::BinCategorical(values, *labels, co);
      if (!b.ok()) return Fail(b.status().WithPrefix("binning '" + table->header()[c] + "'"));
      Feature f{table->header()[c], true, {}, std::move(*b), {}};
      for (const std::string& v : values) f.woe.push_back(f.categorical.Woe(v));
      features.push_back(std::move(f));
    }
    std::vector<fit::Candidate> candidates;
    for (const Feature& f : features) {
      candidates.push_back({f.name, f.is_categorical ? f.categorical.iv : f.numeric.iv, f.woe});
    }
    auto decisions = fit::SelectFeatures(candidates, min_iv, max_corr);
    if (!decisions.ok()) return Fail(decisions.status());
    auto feature_of = [&](const std::string& name) -> Feature& {
      for (Feature& f : features) {
        if (f.name == name) return f;
      }
      return features.front();  // unreachable: decisions name candidates
    };
    std::vector<std::string> selected;
    for (const fit::SelectionDecision& d : *decisions) {
      if (d.selected) selected.push_back(d.name);
    }
    std::map<std::string, std::string> sign_dropped;
    fit::LogisticFit fitted;
    while (true) {
      if (selected.empty()) {
        return Fail(FailedPreconditionError(
            "no feature left after selection (IV >= " + std::to_string(min_iv) +
            ", |r| <= " + std::to_string(max_corr) + ", coefficient sign); lower --min-iv"));
      }
      std::vector<std::span<const double>> spans;
      for (const std::string& n : selected) spans.push_back(feature_of(n).woe);
      auto r = fit::FitLogistic(spans, *labels, selected, {.l2 = l2});
      if (!r.ok()) return Fail(r.status());
      fitted = *r;
      // Drop the feature with the most positive coefficient (WoE = ln(good/bad) should lower
      // the log-odds of default), then refit.
      std::size_t worst = selected.size();
      for (std::size_t j = 0; j < selected.size(); ++j) {
        if (fitted.coefficients[j] >= 0 &&
            (worst == selected.size() || fitted.coefficients[j] > fitted.coefficients[worst])) {
          worst = j;
        }
      }
      if (worst == selected.size()) break;
      sign_dropped[selected[worst]] = "coefficient " + std::to_string(fitted.coefficients[worst]) +
                                      " >= 0 (wrong sign) in a joint fit";
      selected.erase(selected.begin() + static_cast<std::ptrdiff_t>(worst));
    }
    std::vector<fit::ScorecardTerm> terms;
    for (std::size_t j = 0; j < selected.size(); ++j) {
      Feature& f = feature_of(selected[j]);
      terms.push_back({f.name, f.is_categorical ? nullptr : &f.numeric,
                       f.is_categorical ? &f.categorical : nullptr, fitted.coefficients[j]});
    }
    fit::ScalingOptions so{.base_score = base_score,
                           .base_odds = base_odds,
                           .pdo = pdo,
                           .round_points = args.Has("round")};
    auto built = fit::BuildScorecard(terms, fitted.intercept, so);
    if (!built.ok()) return Fail(built.status());
    *model.mutable_scorecard() = built->scorecard;
    if (args.Has("logistic-out")) {
      if (!built->has_logistic) {
        return Fail(InvalidArgumentError(
            "--logistic-out: a categorical characteristic has no WoE-logistic form"));
      }
      v1::Model lm;
      lm.set_id(model.id() + "_logistic");
      lm.set_description("WoE logistic regression equivalent to scorecard '" + model.id() + "'");
      *lm.mutable_logistic() = built->logistic;
      std::string text;
      google::protobuf::TextFormat::PrintToString(lm, &text);
      Status s = WriteText(args.Get("logistic-out"),
                           "# proto-file: credence/v1/bundle.proto\n"
                           "# proto-message: credence.v1.Model\n" +
                               text);
      if (!s.ok()) return Fail(s);
    }
    model.set_description("WoE scorecard fitted by credence fit on " + args.Get("in"));

    // Train metrics from the model's margin (higher = riskier) and from the points.
    std::vector<double> margin(table->rows(), fitted.intercept);
    for (std::size_t j = 0; j < selected.size(); ++j) {
      const Feature& f = feature_of(selected[j]);
      for (std::size_t r = 0; r < margin.size(); ++r)
        margin[r] += fitted.coefficients[j] * f.woe[r];
    }
    report["model"] = "scorecard";
    report["options"] = {{"bins", bins},
                         {"initial_bins", initial_bins},
                         {"merge", args.Has("monotonic") ? "monotonic" : "chimerge"},
                         {"chi_threshold", chi},
                         {"min_bin_share", min_share},
                         {"min_iv", min_iv},
                         {"max_corr", max_corr},
                         {"l2", l2},
                         {"round", args.Has("round")}};
    report["scaling"] = {{"base_score", base_score},
                         {"base_odds", base_odds},
                         {"pdo", pdo},
                         {"factor", pdo / std::log(2.0)},
                         {"offset", base_score - pdo / std::log(2.0) * std::log(base_odds)}};
    report["intercept"] = fitted.intercept;
    report["iterations"] = fitted.iterations;
    Json feats = Json::array();
    for (const fit::SelectionDecision& d : *decisions) {
      const Feature& f = feature_of(d.name);
      Json jf;
      jf["name"] = d.name;
      jf["type"] = f.is_categorical ? "categorical" : "numeric";
      jf["iv"] = d.iv;
      const auto pos = std::find(selected.begin(), selected.end(), d.name);
      jf["selected"] = pos != selected.end();
      if (pos != selected.end()) {
        jf["coefficient"] = fitted.coefficients[static_cast<std::size_t>(pos - selected.begin())];
      } else if (!d.reason.empty()) {
        jf["dropped"] = d.reason;
        if (!d.correlated_with.empty()) jf["correlation"] = d.correlation;
      } else {
        jf["dropped"] = sign_dropped[d.name];
      }
      Json jb = Json::array();
      if (!f.is_categorical) {
        for (const fit::NumericBin& b : f.numeric.bins) {
          jb.push_back({{"bin", fit::IntervalText(b.lower, b.upper)},
                        {"goods", b.stats.goods},
                        {"bads", b.stats.bads},
                        {"woe", b.woe}});
        }
        jb.push_back({{"bin", "missing"},
                      {"goods", f.numeric.missing.goods},
                      {"bads", f.numeric.missing.bads},
                      {"woe", f.numeric.missing_woe}});
      } else {
        for (const fit::CategoryBin& b : f.categorical.bins) {
          jb.push_back({{"bin", b.other ? Json("other") : Json(b.categories)},
                        {"goods", b.stats.goods},
                        {"bads", b.stats.bads},
                        {"woe", b.woe}});
        }
        jb.push_back({{"bin", "missing"},
                      {"goods", f.categorical.missing.goods},
                      {"bads", f.categorical.missing.bads},
                      {"woe", f.categorical.missing_woe}});
      }
      jf["bins"] = jb;
      feats.push_back(jf);
    }
    report["features"] = feats;
    report["train"] = Metrics(margin, *labels);
    // Calibration by score decile on the training set.
    std::vector<double> pd(margin.size());
    for (std::size_t r = 0; r < margin.size(); ++r) pd[r] = Sigmoid(margin[r]);
    auto cal = fit::CalibrationTable(margin, pd, *labels, 10);
    if (cal.ok()) {
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
  report["seconds"] =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

  std::string text;
  google::protobuf::TextFormat::Printer printer;
  if (!printer.PrintToString(model, &text)) return Fail(InternalError("cannot print the model"));
  Status s = WriteText(args.Get("out"),
                       "# proto-file: credence/v1/bundle.proto\n"
                       "# proto-message: credence.v1.Model\n" +
                           text);
  if (!s.ok()) return Fail(s);
  if (args.Has("report")) {
    s = WriteText(args.Get("report"), report.dump(2) + "\n");
    if (!s.ok()) return Fail(s);
  }
  return 0;
}

}  // namespace credence::cli
