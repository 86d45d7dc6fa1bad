// credence metrics: AUC, Gini, KS (and PSI against a baseline) of a score column.
#include <cmath>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "command_line.h"
#include "commands.h"
#include "fit/csv.h"
#include "fit/metrics.h"
#include "output.h"
#include "score_stream.h"

namespace credence::cli {
namespace {

using Json = nlohmann::ordered_json;

constexpr const char* kDescription =
    R"(Prints one JSON object: {"n", "bads", "auc", "gini", "ks"[, "psi"]}.
  auc   P(score of a bad > score of a good) + P(tie) / 2
  gini  2 auc - 1
  ks    max over thresholds t of |F_bad(t) - F_good(t)|
  psi   with --expected: PSI of this file's score column against BASELINE.csv's column of
        the same name, over 10 equal-frequency bins of the baseline (deciles by linear
        interpolation, R type 7; bins (e[i-1], e[i]]; a zero share counts as 0.0001)
)";

constexpr const char* kEpilog =
    R"(Scores must be numbers (an empty cell is an error); labels 0 (good) or 1 (bad).
Exit status: 0 on success, 1 on a data error, 2 on a usage error.
)";

struct MetricsArgs {
  std::string in, score, label, expected;
  bool higher_is_better = false;
  int bins = 10;
};

int Fail(const Status& s) {
  PrintError("metrics", s);
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
                                    Shortened(t.Field(bad, static_cast<std::size_t>(c))) +
                                    "', not a finite number",
                                {.file = t.file_name(), .line = static_cast<int>(t.LineOf(bad))});
  }
  return v;
}

}  // namespace

int MetricsCommand(int argc, char** argv) {
  MetricsArgs a;
  CommandLine cl("metrics", "metrics --in SCORES.csv --score COLUMN --label COLUMN [options]",
                 kDescription);
  cl.Text("in", "SCORES.csv", "the scored sample (a header row, one row per case)", &a.in)
      .Required()
      .Text("score", "COLUMN", "the score column", &a.score)
      .Required()
      .Text("label", "COLUMN", "the label column", &a.label)
      .Required()
      .Text("expected", "BASELINE.csv", "baseline sample for PSI", &a.expected)
      .Flag("higher-is-better",
            "the score is points-like (higher = safer): AUC is computed on the negated score so "
            "that a good score has AUC > 0.5",
            &a.higher_is_better)
      .Integer("bins", "N", "PSI bins, 2 to 1000; default 10", 2, 1000, &a.bins)
      .Epilog(kEpilog);
  if (std::optional<int> exit = cl.Parse(argc, argv)) return *exit;
  if (!CheckInputs("metrics", {{"--in", &a.in}, {"--expected", &a.expected}})) return 2;
  fit::PsiOptions psi_options;
  psi_options.bins = a.bins;
  auto table = fit::CsvTable::Read(a.in);
  if (!table.ok()) return Fail(table.status());
  auto scores = ScoreColumn(*table, a.score);
  if (!scores.ok()) return Fail(scores.status());
  const int label_col = table->ColumnIndex(a.label);
  if (label_col < 0) {
    return Fail(
        NotFoundError("no column '" + a.label + "' in the header", {.file = a.in, .line = 1}));
  }
  auto labels = fit::LabelColumn(*table, static_cast<std::size_t>(label_col));
  if (!labels.ok()) return Fail(labels.status());
  std::vector<double> oriented = *scores;
  if (a.higher_is_better) {
    for (double& v : oriented) v = -v;
  }
  auto auc = fit::Auc(oriented, *labels);
  if (!auc.ok()) return Fail(auc.status().WithLocation({.file = a.in}));
  auto ks = fit::Ks(oriented, *labels);
  if (!ks.ok()) return Fail(ks.status().WithLocation({.file = a.in}));
  std::int64_t bads = 0;
  for (int l : *labels) bads += l;
  Json out;
  out["n"] = labels->size();
  out["bads"] = bads;
  out["auc"] = *auc;
  out["gini"] = 2 * *auc - 1;
  out["ks"] = *ks;
  if (cl.Given("expected")) {
    auto baseline = fit::CsvTable::Read(a.expected);
    if (!baseline.ok()) return Fail(baseline.status());
    auto expected = ScoreColumn(*baseline, a.score);
    if (!expected.ok()) return Fail(expected.status());
    auto psi = fit::Psi(*expected, *scores, psi_options);
    if (!psi.ok()) {
      return Fail(psi.status().WithLocation({.file = expected->empty() ? a.expected : a.in}));
    }
    out["psi"] = psi->psi;
  }
  std::cout << DumpJson(out) << "\n";
  return 0;
}

}  // namespace credence::cli
