// credence metrics: AUC, Gini, KS (and PSI against a baseline) of a score column.
#include <cmath>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "args.h"
#include "commands.h"
#include "fit/csv.h"
#include "fit/metrics.h"

namespace credence::cli {
namespace {

using Json = nlohmann::ordered_json;

constexpr const char* kUsage =
    R"(usage: credence metrics --in SCORES.csv --score COLUMN --label COLUMN [options]

Prints one JSON object: {"n", "bads", "auc", "gini", "ks"[, "psi"]}.
  auc   P(score of a bad > score of a good) + P(tie) / 2
  gini  2 auc - 1
  ks    max over thresholds t of |F_bad(t) - F_good(t)|
  psi   with --expected: PSI of this file's score column against BASELINE.csv's column of
        the same name, over 10 equal-frequency bins of the baseline (deciles by linear
        interpolation, R type 7; bins (e[i-1], e[i]]; a zero share counts as 0.0001)
Options:
  --expected BASELINE.csv   baseline sample for PSI
  --higher-is-better        the score is points-like (higher = safer): AUC is computed on the
                            negated score so that a good score has AUC > 0.5
  --bins N                  PSI bins; default 10
Scores must be numbers (an empty cell is an error); labels 0 (good) or 1 (bad).
Exit status: 0 on success, 1 on a data error, 2 on a usage error.
)";

int Fail(const Status& s) {
  std::cerr << "credence metrics: " << s.ToString() << "\n";
  return 1;
}

Result<std::vector<double>> ScoreColumn(const fit::CsvTable& t, const std::string& name) {
  const int c = t.ColumnIndex(name);
  if (c < 0) {
    return NotFoundError("no column '" + name + "' in the header",
                         {.file = t.file_name(), .line = 1});
  }
  std::vector<double> v;
  std::size_t bad = 0;
  const bool numeric = fit::NumericColumn(t, static_cast<std::size_t>(c), v, bad);
  if (numeric) {
    for (bad = 0; bad < v.size() && std::isfinite(v[bad]);) ++bad;
  }
  if (!numeric || bad < v.size()) {
    return InvalidArgumentError("score column '" + name + "' holds '" +
                                    std::string(t.Field(bad, static_cast<std::size_t>(c))) +
                                    "', not a finite number",
                                {.file = t.file_name(), .line = static_cast<int>(t.LineOf(bad))});
  }
  return v;
}

}  // namespace

int MetricsCommand(int argc, char** argv) {
  Args args(argc, argv, {"in", "score", "label", "expected", "bins"}, {"help", "higher-is-better"});
  if (args.Has("help")) {
    std::cout << kUsage;
    return 0;
  }
  auto usage = [](const std::string& msg) {
    std::cerr << "credence metrics: " << msg << "\n\n" << kUsage;
    return 2;
  };
  if (!args.ok()) return usage(args.error());
  if (!args.positional().empty())
    return usage("unexpected argument '" + args.positional()[0] + "'");
  for (const char* required : {"in", "score", "label"}) {
    if (!args.Has(required)) return usage(std::string("--") + required + " is required");
  }
  fit::PsiOptions psi_options;
  if (args.Has("bins")) {
    double b;
    if (!fit::ParseNumericField(args.Get("bins"), b) || b != std::floor(b) || b < 2 || b > 1000) {
      return usage("--bins needs a whole number in [2, 1000]");
    }
    psi_options.bins = static_cast<int>(b);
  }
  auto table = fit::CsvTable::Read(args.Get("in"));
  if (!table.ok()) return Fail(table.status());
  auto scores = ScoreColumn(*table, args.Get("score"));
  if (!scores.ok()) return Fail(scores.status());
  const int label_col = table->ColumnIndex(args.Get("label"));
  if (label_col < 0) {
    return Fail(NotFoundError("no column '" + args.Get("label") + "' in the header",
                              {.file = args.Get("in"), .line = 1}));
  }
  auto labels = fit::LabelColumn(*table, static_cast<std::size_t>(label_col));
  if (!labels.ok()) return Fail(labels.status());
  std::vector<double> oriented = *scores;
  if (args.Has("higher-is-better")) {
    for (double& v : oriented) v = -v;
  }
  auto auc = fit::Auc(oriented, *labels);
  if (!auc.ok()) return Fail(auc.status().WithLocation({.file = args.Get("in")}));
  auto ks = fit::Ks(oriented, *labels);
  if (!ks.ok()) return Fail(ks.status().WithLocation({.file = args.Get("in")}));
  std::int64_t bads = 0;
  for (int l : *labels) bads += l;
  Json out;
  out["n"] = labels->size();
  out["bads"] = bads;
  out["auc"] = *auc;
  out["gini"] = 2 * *auc - 1;
  out["ks"] = *ks;
  if (args.Has("expected")) {
    auto baseline = fit::CsvTable::Read(args.Get("expected"));
    if (!baseline.ok()) return Fail(baseline.status());
    auto expected = ScoreColumn(*baseline, args.Get("score"));
    if (!expected.ok()) return Fail(expected.status());
    auto psi = fit::Psi(*expected, *scores, psi_options);
    if (!psi.ok()) return Fail(psi.status());
    out["psi"] = psi->psi;
  }
  std::cout << out.dump() << "\n";
  return 0;
}

}  // namespace credence::cli
