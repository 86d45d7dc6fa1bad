// credence report: a self-contained HTML report on a scored population.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <unordered_map>
#include <vector>

#include "charts.h"
#include "command_line.h"
#include "commands.h"
#include "credence/engine.h"
#include "fit/csv.h"
#include "fit/metrics.h"
#include "labels.h"
#include "output.h"
#include "score_stream.h"

namespace credence::cli {
namespace {

constexpr const char* kDescription =
    R"(Scores every request of FILE and writes one self-contained HTML file (inline CSS and SVG
charts; no scripts, no external assets): population summary, decisions, credit and
compliance grade distributions, official × engine compliance grades (the reconciliation with
the official customs grade requests carry), a credit score histogram, compliance by dimension, the
most frequent rule hits and reasons, and breakdowns by zone and by sector. Statistics are
those of `credence metrics` (docs/fit.md): AUC, KS, Gini, and PSI / CSI over 10 bins cut at
the baseline's deciles (R type 7), NaN in an 11th "missing" bin, a zero share counted as
0.0001.
)";

constexpr const char* kEpilog =
    R"(Exit status: 0 when the report was written (requests that failed are counted in it), 2 on
a usage, input or bundle error.
)";

struct ReportArgs {
  std::string bundle, in, out, format, labels, label_column = "bad", baseline, title;
  StreamOptions stream;
};

std::optional<int> ParseReportArgs(int argc, char** argv, ReportArgs& a) {
  CommandLine cl("report", "report --bundle PATH --in FILE --out report.html [options]",
                 kDescription);
  cl.Bundle(&a.bundle)
      .Text("in", "FILE", "requests, JSON Lines or length-delimited binary (required; '-' = stdin)",
            &a.in)
      .Required()
      .Text("out", "FILE", "the HTML file (required); written to FILE.tmp.PID and renamed", &a.out)
      .Required()
      .Text("format", "F", "input format of --in and --baseline, jsonl or pb (default: detect)",
            &a.format)
      .Text("labels", "FILE",
            "CSV with a header naming the columns `request_id` and the label column (0/1, 1 = "
            "bad): adds ROC and KS curves with AUC, KS and Gini of the PD against the labels "
            "(requests without a label are left out)",
            &a.labels)
      .Text("label-column", "NAME", "the label column (default `bad`)", &a.label_column)
      .Text("baseline", "FILE",
            "a baseline population (requests), scored with the same bundle: adds the PSI of "
            "the credit score and the CSI of every feature",
            &a.baseline)
      .Text("title", "TEXT", "report title", &a.title)
      .Threads("scoring threads, 0 to 256 (default 0: all cores)", &a.stream.threads)
      .Epilog(kEpilog);
  if (std::optional<int> exit = cl.Parse(argc, argv)) return exit;
  if (std::string same = SameFileError({{"--in", &a.in}, {"--out", &a.out}}); !same.empty()) {
    return cl.UsageError(same);
  }
  for (const std::string* other : {&a.baseline, &a.labels}) {
    if (std::string same = SameFileError({{"--out", &a.out}, {"an input", other}}); !same.empty()) {
      return cl.UsageError(same);
    }
  }
  if (cl.Given("format")) {
    if (auto f = ParseRecordFormat(a.format); !f.ok()) {
      return cl.UsageError("--format: " + f.status().ToString());
    }
  }
  return std::nullopt;
}

struct Group {
  std::size_t n = 0, scored = 0;
  double score_sum = 0, pd_sum = 0;
  std::map<std::string, std::size_t> outcomes;
};

struct Population {
  std::size_t records = 0, failed = 0, credit_available = 0, compliance_available = 0;
  std::map<std::string, std::size_t> outcomes, grades, compliance_grades, rule_hits, reasons,
      failures;
  std::map<std::string, std::pair<double, std::size_t>> dimension_scores;  // sum, count
  std::map<std::string, std::size_t> dimension_hits;
  std::map<std::string, Group> zones, sectors;
  std::vector<double> scores, compliance_scores;
  std::vector<std::string> request_ids;  // with a credit PD, parallel to pds
  std::vector<double> pds;
  std::vector<std::vector<double>> features;  // [feature][record], only with a baseline
  // Official customs grade ("(none)" when not given) x engine compliance grade.
  std::map<std::pair<std::string, std::string>, std::size_t> official_engine;
  std::map<std::string, std::size_t> differences;  // OfficialGradeCheck.difference
  std::size_t watch = 0;
};

// Counts one scored request into the reconciliation of official and engine grades.
void CountReconciliation(const v1::ScoreRequest& q, const v1::ComplianceResult& c,
                         Population& pop) {
  const std::string& official = q.enterprise().customs_grade().grade();
  ++pop.official_engine[{official.empty() ? "(none)" : official, c.grade()}];
  if (c.has_official()) ++pop.differences[c.official().difference()];
  if (c.watch()) ++pop.watch;
}

std::string Dim(v1::Dimension d) {
  std::string name = v1::Dimension_Name(d);
  return name.rfind("DIMENSION_", 0) == 0 ? name.substr(10) : name;
}

bool ScorePopulation(const std::string& option, const std::string& path, const std::string& format,
                     const Engine& engine, const StreamOptions& options, bool keep_features,
                     Population& pop) {
  auto in = OpenInput(option, path);
  if (!in.ok()) {
    PrintError("report", in.status().message());
    return false;
  }
  std::istream& input = **in;
  const RecordFormat f =
      format.empty() ? DetectRecordFormat(path, input) : *ParseRecordFormat(format);
  RecordReader reader(input, f);
  const std::size_t nf = engine.info().feature_names.size();
  if (keep_features) pop.features.assign(nf, {});
  const Engine* engines[] = {&engine};
  Progress progress(StderrIsTerminal(), InputSize(path));
  const Status streamed = ScoreStream(reader, engines, options, [&](const ScoredRecord& r) {
    ++pop.records;
    progress.Update(pop.records, reader.bytes_read());
    const Status* err = !r.input->request     ? &r.input->error
                        : !r.results[0]->ok() ? &r.results[0]->status()
                                              : nullptr;
    if (err != nullptr) {
      ++pop.failed;
      ++pop.failures[std::string(StatusCodeName(err->code()))];
      return true;
    }
    const v1::ScoreResponse& s = **r.results[0];
    const v1::ScoreRequest& q = *r.input->request;
    const std::string outcome = OutcomeLabel(s.decision().outcome());
    ++pop.outcomes[outcome];
    ++pop.grades[s.credit().available() ? s.credit().grade() : "n/a"];
    ++pop.compliance_grades[s.compliance().available() ? s.compliance().grade() : "n/a"];
    for (auto* g :
         {&pop.zones[q.enterprise().zone().empty() ? "(none)" : q.enterprise().zone()],
          &pop.sectors[q.enterprise().sector().empty() ? "(none)" : q.enterprise().sector()]}) {
      ++g->n;
      ++g->outcomes[outcome];
      if (s.credit().available()) {
        ++g->scored;
        g->score_sum += s.credit().score();
        g->pd_sum += s.credit().pd();
      }
    }
    if (s.credit().available()) {
      ++pop.credit_available;
      pop.scores.push_back(s.credit().score());
      pop.pds.push_back(s.credit().pd());
      pop.request_ids.push_back(s.request_id());
    }
    if (s.compliance().available()) {
      ++pop.compliance_available;
      CountReconciliation(q, s.compliance(), pop);
      pop.compliance_scores.push_back(s.compliance().score());
      for (const auto& d : s.compliance().dimensions()) {
        auto& [sum, n] = pop.dimension_scores[Dim(d.dimension())];
        sum += d.score();
        ++n;
        pop.dimension_hits[Dim(d.dimension())] += static_cast<std::size_t>(d.hits());
      }
    }
    for (const auto& h : s.rule_hits()) {
      if (!h.errored()) ++pop.rule_hits[h.rule_set() + "/" + h.rule_id()];
    }
    for (const auto& reason : s.reasons()) ++pop.reasons[reason.code() + " " + reason.text()];
    if (keep_features) {
      for (std::size_t i = 0; i < nf && i < static_cast<std::size_t>(s.features_size()); ++i) {
        pop.features[i].push_back(s.features(static_cast<int>(i)).value());
      }
    }
    return true;
  });
  if (!streamed.ok()) {
    PrintError("report", streamed);
    return false;
  }
  progress.Finish(pop.records, reader.bytes_read());
  return true;
}

// --- HTML (charts.h) ---------------------------------------------------------------

std::string GroupTable(const std::string& id, const std::string& what,
                       const std::map<std::string, Group>& groups) {
  std::set<std::string> outcomes;
  for (const auto& [k, g] : groups) {
    for (const auto& [o, n] : g.outcomes) outcomes.insert(o);
  }
  std::ostringstream s;
  s << "<table id=\"" << id << "\"><tr><th>" << HtmlEscape(what)
    << "</th><th>requests</th><th>mean score</th><th>mean PD</th>";
  for (const auto& o : outcomes) s << "<th>" << HtmlEscape(o) << "</th>";
  s << "</tr>";
  for (const auto& [k, g] : groups) {
    s << "<tr><td>" << HtmlEscape(k) << "</td><td>" << g.n << "</td><td>"
      << (g.scored ? Fmt(g.score_sum / static_cast<double>(g.scored), "%.1f") : kNotDefined)
      << "</td><td>"
      << (g.scored ? Fmt(g.pd_sum / static_cast<double>(g.scored), "%.4f") : kNotDefined)
      << "</td>";
    for (const auto& o : outcomes) {
      auto it = g.outcomes.find(o);
      s << "<td>" << Pct(it == g.outcomes.end() ? 0 : it->second, g.n) << "</td>";
    }
    s << "</tr>";
  }
  s << "</table>";
  return s.str();
}

std::string EdgeText(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4g", x);
  return buf;
}

// The bins of a PSI: "(-inf, e1]", "(e1, e2]", ..., "(e9, +inf)", then "missing".
std::string PsiBinLabel(const fit::PsiResult& psi, std::size_t i) {
  const std::size_t bins = psi.edges.size() + 1;
  if (i >= bins) return "missing";
  return (i == 0 ? std::string("(-inf") : "(" + EdgeText(psi.edges[i - 1])) + ", " +
         (i + 1 == bins ? std::string("+inf)") : EdgeText(psi.edges[i]) + "]");
}

// One row per bin (shares after the zero-share replacement, as summed); the missing bin only
// when a sample had a missing value. data-psi holds the value at full precision.
std::string PsiTable(const std::string& id, const fit::PsiResult& psi) {
  char full[40];
  std::snprintf(full, sizeof full, "%.17g", psi.psi);
  std::ostringstream s;
  s << "<table id=\"" << id << "\" data-psi=\"" << full
    << "\"><tr><th>bin</th><th>baseline</th><th>current</th><th>(a − e) ln(a/e)</th></tr>";
  const std::size_t bins = psi.edges.size() + 1;
  for (std::size_t i = 0; i < psi.contributions.size(); ++i) {
    if (i >= bins && !psi.has_missing) continue;
    s << "<tr><td>" << HtmlEscape(PsiBinLabel(psi, i)) << "</td><td>"
      << Fmt(100 * psi.expected_share[i], "%.2f") << "%</td><td>"
      << Fmt(100 * psi.actual_share[i], "%.2f") << "%</td><td>" << Fmt(psi.contributions[i], "%.5f")
      << "</td></tr>";
  }
  s << "<tr><th>PSI</th><td></td><td></td><th>" << Fmt(psi.psi, "%.5f") << "</th></tr></table>";
  return s.str();
}

const char* Stability(double psi) {
  if (std::isnan(psi)) return "n/a";
  return psi < 0.1 ? "stable" : psi < 0.25 ? "some shift" : "major shift";
}

// What the report shows besides the populations.
struct ReportInputs {
  const ReportArgs& args;
  const LoadedBundle& loaded;
  const BundleInfo& info;
  const std::unordered_map<std::string, int>& labels;
};

void WriteHead(std::ostream& h, const ReportInputs& r, const std::string& title) {
  h << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>"
    << HtmlEscape(title) << "</title><style>" << kCss << "</style></head><body>\n";
  h << "<h1>" << HtmlEscape(title) << "</h1>\n<p class=\"meta\">bundle " << HtmlEscape(r.info.name)
    << " " << HtmlEscape(r.info.version) << " · " << HtmlEscape(r.info.digest) << " · input "
    << HtmlEscape(r.args.in) << "</p>\n";
}

void WriteSummary(std::ostream& h, const Population& pop, const std::vector<double>& sorted) {
  h << "<h2 id=\"summary\">Population</h2><div class=\"cards\">";
  Card(h, "requests", std::to_string(pop.records));
  Card(h, "scored", std::to_string(pop.records - pop.failed));
  Card(h, "failed", std::to_string(pop.failed));
  Card(h, "with a credit score", std::to_string(pop.credit_available));
  Card(h, "median score",
       sorted.empty() ? kNotDefined : Fmt(fit::QuantileType7(sorted, 0.5), "%.1f"));
  double pd_sum = 0;
  for (double p : pop.pds) pd_sum += p;
  Card(h, "mean PD",
       pop.pds.empty() ? kNotDefined : Fmt(pd_sum / static_cast<double>(pop.pds.size()), "%.4f"));
  h << "</div>\n";
  if (sorted.empty()) {
    h << "<p class=\"undefined\">Median score and mean PD not defined: no request has a credit "
         "score.</p>\n";
  }
  if (!pop.failures.empty()) {
    h << "<p>Failed requests by code:";
    for (const auto& [code, n] : pop.failures) h << " " << HtmlEscape(code) << " " << n << ";";
    h << "</p>\n";
  }
}

// Grades in the bundle's order (best first).
void WriteGrades(std::ostream& h, const Population& pop, const v1::Bundle& bundle) {
  std::vector<std::string> grade_order, compliance_order;
  for (const auto& scale : bundle.grade_scales()) {
    if (scale.id() != bundle.credit().grade_scale()) continue;
    for (const auto& band : scale.bands()) grade_order.push_back(band.grade());
  }
  for (const auto& g : bundle.compliance().grades()) compliance_order.push_back(g.grade());
  h << "<h2 id=\"decisions\">Decisions</h2>"
    << BarChart("chart-decisions", All(pop.outcomes, {"APPROVE", "REVIEW", "REJECT"}));
  h << "<h2 id=\"grades\">Credit grades</h2>"
    << BarChart("chart-credit-grades", All(pop.grades, grade_order));
  h << "<h2 id=\"compliance-grades\">Compliance grades</h2>"
    << BarChart("chart-compliance-grades", All(pop.compliance_grades, compliance_order));
}

// Official customs grade (rows) x engine grade (columns), in the bundle's grade order; the
// diagonal is where they agree.
void WriteReconciliation(std::ostream& h, const Population& pop, const v1::Bundle& bundle) {
  std::vector<std::string> rows, cols;
  for (const auto& g : bundle.compliance().grades()) rows.push_back(g.grade());
  cols = rows;
  for (const auto& [key, n] : pop.official_engine) {
    if (std::find(rows.begin(), rows.end(), key.first) == rows.end()) rows.push_back(key.first);
    if (std::find(cols.begin(), cols.end(), key.second) == cols.end()) cols.push_back(key.second);
  }
  h << "<h2 id=\"reconciliation\">Official × engine compliance grade</h2><p>";
  std::size_t checked = 0;
  for (const auto& [d, n] : pop.differences) checked += n;
  h << checked << " requests carry an official customs grade";
  for (const auto& [d, n] : pop.differences) h << "; " << HtmlEscape(d) << " " << Pct(n, checked);
  h << ". " << pop.watch
    << " on watch (the composite alone would reach a statutory grade).</p><table "
       "id=\"table-reconciliation\"><tr><th>official \\ engine</th>";
  for (const auto& c : cols) h << "<th>" << HtmlEscape(c) << "</th>";
  h << "</tr>";
  for (const auto& r : rows) {
    h << "<tr><td>" << HtmlEscape(r) << "</td>";
    for (const auto& c : cols) {
      const auto it = pop.official_engine.find({r, c});
      const std::size_t n = it == pop.official_engine.end() ? 0 : it->second;
      h << (r == c ? "<td class=\"agree\">" : "<td>") << n << "</td>";
    }
    h << "</tr>";
  }
  h << "</table>\n";
}

void WriteScoreDistribution(std::ostream& h, const std::vector<double>& sorted) {
  h << "<h2 id=\"scores\">Credit score distribution</h2>";
  if (!sorted.empty()) {
    h << "<p>" << sorted.size() << " scores; min " << Fmt(sorted.front(), "%.1f") << ", quartiles "
      << Fmt(fit::QuantileType7(sorted, 0.25), "%.1f") << " / "
      << Fmt(fit::QuantileType7(sorted, 0.5), "%.1f") << " / "
      << Fmt(fit::QuantileType7(sorted, 0.75), "%.1f") << ", max " << Fmt(sorted.back(), "%.1f")
      << "</p>";
  }
  h << HistogramChart("chart-score-histogram", fit::EqualWidthHistogram(sorted, 20));
}

void WriteDimensions(std::ostream& h, const Population& pop) {
  h << "<h2 id=\"dimensions\">Compliance by dimension</h2>";
  std::vector<std::pair<std::string, double>> means;
  for (const auto& [d, sn] : pop.dimension_scores) {
    means.emplace_back(d, sn.second ? sn.first / static_cast<double>(sn.second) : 0);
  }
  h << "<p>Mean dimension score over " << pop.compliance_available
    << " requests with a compliance score.</p>" << BarChart("chart-dimensions", means, "%.1f");
  h << "<table id=\"table-dimensions\"><tr><th>dimension</th><th>mean score</th><th>rule "
       "hits</th></tr>";
  for (const auto& [d, mean] : means) {
    const auto hits = pop.dimension_hits.find(d);
    h << "<tr><td>" << HtmlEscape(d) << "</td><td>" << Fmt(mean, "%.2f") << "</td><td>"
      << (hits == pop.dimension_hits.end() ? 0 : hits->second) << "</td></tr>";
  }
  h << "</table>";
}

// AUC, Gini, KS and the ROC / KS curves of the PD against the labels (fit::).
void WritePerformance(std::ostream& h, const Population& pop, const ReportInputs& r) {
  std::vector<double> risk;
  std::vector<int> bad;
  for (std::size_t i = 0; i < pop.pds.size(); ++i) {
    auto it = r.labels.find(pop.request_ids[i]);
    if (it == r.labels.end()) continue;
    risk.push_back(pop.pds[i]);
    bad.push_back(it->second);
  }
  const std::size_t bads = static_cast<std::size_t>(std::count(bad.begin(), bad.end(), 1));
  const std::size_t goods = bad.size() - bads;
  h << "<h2 id=\"performance\">Performance against labels</h2>";
  h << "<p>Label column <code>" << HtmlEscape(r.args.label_column) << "</code>: " << risk.size()
    << " scored requests with a label (" << bads << " bad, " << goods << " good). Risk = PD.</p>";
  const auto auc = fit::Auc(risk, bad);
  const auto ks = fit::Ks(risk, bad);
  auto roc = fit::RocCurve(risk, bad);
  if (!roc.ok()) {
    h << "<p class=\"undefined\">AUC, Gini, KS and KS at PD not defined: "
      << HtmlEscape(std::string(roc.status().message())) << ".</p>";
  }
  h << "<div class=\"cards\">";
  Card(h, "AUC", auc.ok() ? Fmt(*auc, "%.4f") : kNotDefined);
  Card(h, "Gini", auc.ok() ? Fmt(2 * *auc - 1, "%.4f") : kNotDefined);
  Card(h, "KS", ks.ok() ? Fmt(*ks, "%.4f") : kNotDefined);
  Card(h, "KS at PD", roc.ok() ? Fmt(fit::KsThreshold(*roc), "%.4g") : kNotDefined);
  h << "</div>";
  std::vector<std::pair<double, double>> roc_line, ks_bad, ks_good;
  const double n = static_cast<double>(bad.size());
  for (const fit::RocPoint& p : roc.ok() ? *roc : std::vector<fit::RocPoint>{}) {
    roc_line.emplace_back(p.fpr, p.tpr);
    const double x = (p.tpr * static_cast<double>(bads) + p.fpr * static_cast<double>(goods)) / n;
    ks_bad.emplace_back(x, p.tpr);
    ks_good.emplace_back(x, p.fpr);
  }
  h << UnitLineChart("chart-roc", {{"ROC", roc_line}}, "false positive rate", "true positive rate");
  h << UnitLineChart("chart-ks", {{"bads", ks_bad}, {"goods", ks_good}},
                     "share of population, riskiest first", "cumulative share");
}

// The credit score's PSI and every feature's CSI against the baseline (fit::Psi, fit::Csi).
void WriteDrift(std::ostream& h, const Population& pop, const Population& base,
                const ReportInputs& r) {
  h << "<h2 id=\"drift\">Drift against the baseline</h2>";
  h << "<p>Baseline " << HtmlEscape(r.args.baseline) << ": " << base.records
    << " requests. Bins at the baseline's deciles (R type 7); missing values in their own bin; "
       "zero shares count as 0.0001. PSI &lt; 0.1 stable, &lt; 0.25 some shift, else major "
       "shift.</p>";
  const auto score_psi = fit::Psi(base.scores, pop.scores);
  if (score_psi.ok()) {
    h << "<h3>Credit score PSI: " << Fmt(score_psi->psi, "%.4f") << " ("
      << Stability(score_psi->psi) << ")</h3>" << PsiTable("table-psi-score", *score_psi);
  } else {
    const std::string why = base.scores.empty()
                                ? "no baseline request has a credit score (" +
                                      std::to_string(base.records) + " baseline requests, " +
                                      std::to_string(base.failed) + " failed)"
                            : pop.scores.empty() ? "no request has a credit score"
                                                 : std::string(score_psi.status().message());
    h << "<h3>Credit score PSI: " << kNotDefined << "</h3><p class=\"undefined\">"
      << HtmlEscape(why) << "</p>";
  }
  h << "<h3>Feature CSI</h3><table id=\"table-csi\"><tr><th>feature</th><th>CSI</th><th></th></tr>";
  struct Row {
    double csi;
    std::string name, why;  // why: the reason when the CSI is not defined
  };
  std::vector<Row> csi;
  const auto& names = r.info.feature_names;
  for (std::size_t i = 0; i < names.size() && i < pop.features.size() && i < base.features.size();
       ++i) {
    const auto v = fit::Csi(base.features[i], pop.features[i]);
    csi.push_back(
        {v.ok() ? v->psi : NAN, names[i], v.ok() ? "" : std::string(v.status().message())});
  }
  // Largest first; a feature without a CSI (no baseline value) last.
  std::stable_sort(csi.begin(), csi.end(), [](const Row& a, const Row& b) {
    return !std::isnan(a.csi) && (std::isnan(b.csi) || a.csi > b.csi);
  });
  for (const Row& row : csi) {
    h << "<tr><td>" << HtmlEscape(row.name) << "</td><td>"
      << (row.why.empty() ? Fmt(row.csi, "%.5f") : kNotDefined) << "</td><td>"
      << (row.why.empty() ? Stability(row.csi) : HtmlEscape(row.why)) << "</td></tr>";
  }
  h << "</table>";
}

std::string RenderReport(const ReportInputs& r, const Population& pop, const Population* base) {
  const std::string title = r.args.title.empty()
                                ? "credence report: " + r.info.name + " " + r.info.version
                                : r.args.title;
  std::vector<double> sorted = pop.scores;
  std::sort(sorted.begin(), sorted.end());
  std::ostringstream h;
  WriteHead(h, r, title);
  WriteSummary(h, pop, sorted);
  WriteGrades(h, pop, r.loaded.bundle);
  if (pop.compliance_available > 0) WriteReconciliation(h, pop, r.loaded.bundle);
  WriteScoreDistribution(h, sorted);
  WriteDimensions(h, pop);
  h << "<h2 id=\"rules\">Top rule hits</h2>" << BarChart("chart-rule-hits", Top(pop.rule_hits, 15));
  h << "<h2 id=\"reasons\">Top adverse reasons</h2>"
    << BarChart("chart-reasons", Top(pop.reasons, 15));
  h << "<h2 id=\"zones\">By zone</h2>" << GroupTable("table-zones", "zone", pop.zones);
  h << "<h2 id=\"sectors\">By sector</h2>" << GroupTable("table-sectors", "sector", pop.sectors);
  if (!r.args.labels.empty()) WritePerformance(h, pop, r);
  if (base != nullptr) WriteDrift(h, pop, *base, r);
  h << "<p class=\"meta\">generated by credence " << HtmlEscape(std::string(Version()))
    << "</p>\n</body></html>\n";
  return h.str();
}

}  // namespace

int ReportCommand(int argc, char** argv) {
  ReportArgs args;
  if (std::optional<int> exit = ParseReportArgs(argc, argv, args)) return *exit;
  if (!CheckInputs(
          "report",
          {{"--in", &args.in}, {"--labels", &args.labels}, {"--baseline", &args.baseline}})) {
    return 2;
  }
  OutputFile out(args.out);
  if (!Opened("report", out)) return 2;
  LoadedBundle loaded;
  auto engine = LoadEngine("report", args.bundle, &loaded);
  if (engine == nullptr) return 2;
  std::unordered_map<std::string, int> labels;
  if (!args.labels.empty()) {
    auto read = ReadLabels(args.labels, args.label_column);
    if (!read.ok()) {
      PrintError("report", read.status());
      return 2;
    }
    labels = std::move(read).value();
  }
  const bool baseline = !args.baseline.empty();
  args.stream.score.include_features = baseline;
  Population pop, base;
  if (!ScorePopulation("--in", args.in, args.format, *engine, args.stream, baseline, pop)) return 2;
  if (baseline && !ScorePopulation("--baseline", args.baseline, args.format, *engine, args.stream,
                                   true, base)) {
    return 2;
  }
  const ReportInputs inputs{args, loaded, engine->info(), labels};
  out.stream() << RenderReport(inputs, pop, baseline ? &base : nullptr);
  if (!out.Commit()) {
    PrintError("report", out.error());
    return 2;
  }
  std::cerr << "credence report: " << pop.records << " requests (" << pop.failed << " failed) -> "
            << Printable(args.out) << "\n";
  return 0;
}

}  // namespace credence::cli
