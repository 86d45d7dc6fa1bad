// credence report: a self-contained HTML report on a scored population.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <unordered_map>
#include <vector>

#include "args.h"
#include "commands.h"
#include "credence/engine.h"
#include "output.h"
#include "report_stats.h"
#include "score_stream.h"

namespace credence::cli {
namespace {

constexpr const char* kUsage =
    R"(usage: credence report --bundle PATH --in FILE --out report.html [options]

Scores every request of FILE and writes one self-contained HTML file (inline CSS and SVG
charts; no scripts, no external assets): population summary, decisions, credit and
compliance grade distributions, a credit score histogram, compliance by dimension, the
most frequent rule hits and reasons, and breakdowns by zone and by sector.

  --bundle PATH        bundle file or folder (required)
  --in FILE            requests, JSON Lines or length-delimited binary (required; '-' = stdin)
  --out FILE           the HTML file (required); written to FILE.tmp.PID and renamed
  --format F           input format of --in and --baseline, jsonl or pb (default: detect)
  --labels FILE        CSV with a header naming the columns `request_id` and the label
                       column (0/1, 1 = bad): adds ROC and KS curves with AUC, KS and Gini
                       of the PD against the labels (requests without a label are left out)
  --label-column NAME  the label column (default `bad`)
  --baseline FILE      a baseline population (requests), scored with the same bundle: adds
                       the PSI of the credit score and the CSI of every feature, over 10
                       bins cut at the baseline's deciles (R type 7), NaN in an 11th
                       "missing" bin, zero shares counted as 0.0001
  --title TEXT         report title
  --threads N          scoring threads (default: all cores)

Exit status: 0 when the report was written (requests that failed are counted in it), 2 on
a usage, input or bundle error.
)";

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
};

std::string Dim(v1::Dimension d) {
  std::string name = v1::Dimension_Name(d);
  return name.rfind("DIMENSION_", 0) == 0 ? name.substr(10) : name;
}

bool ScorePopulation(const std::string& what, const std::string& path, const std::string& format,
                     const Engine& engine, const StreamOptions& options, bool keep_features,
                     Population& pop) {
  std::string error;
  auto in = OpenInput(path, &error);
  if (in == nullptr) {
    std::cerr << "credence report: " << error << "\n";
    return false;
  }
  RecordFormat f = RecordFormat::kJsonl;
  if (!format.empty()) {
    auto parsed = ParseRecordFormat(format);
    if (!parsed.ok()) {
      std::cerr << "credence report: --format: " << parsed.status().message() << "\n";
      return false;
    }
    f = *parsed;
  } else {
    f = DetectRecordFormat(path, *in);
  }
  (void)what;
  RecordReader reader(*in, f);
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
    std::cerr << "credence report: " << streamed << "\n";
    return false;
  }
  progress.Finish(pop.records, reader.bytes_read());
  return true;
}

// Splits one CSV line (double-quoted fields with "" escapes).
std::vector<std::string> SplitCsv(const std::string& line) {
  std::vector<std::string> out(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        out.back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        out.back() += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      out.emplace_back();
    } else if (c != '\r') {
      out.back() += c;
    }
  }
  return out;
}

// request_id -> 0/1. Errors are printed; false on failure.
bool ReadLabels(const std::string& path, const std::string& column,
                std::unordered_map<std::string, int>& labels) {
  std::ifstream f(path);
  if (!f) {
    std::cerr << "credence report: cannot open " << path << "\n";
    return false;
  }
  std::string line;
  if (!std::getline(f, line)) {
    std::cerr << "credence report: " << path << " is empty\n";
    return false;
  }
  const auto header = SplitCsv(line);
  int id_col = -1, label_col = -1;
  for (std::size_t i = 0; i < header.size(); ++i) {
    if (header[i] == "request_id") id_col = static_cast<int>(i);
    if (header[i] == column) label_col = static_cast<int>(i);
  }
  if (id_col < 0 || label_col < 0) {
    std::cerr << "credence report: " << path << ":1: the header needs columns request_id and "
              << column << "\n";
    return false;
  }
  for (int n = 2; std::getline(f, line); ++n) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    const auto cells = SplitCsv(line);
    if (cells.size() <= static_cast<std::size_t>(std::max(id_col, label_col))) {
      std::cerr << "credence report: " << path << ":" << n << ": too few columns\n";
      return false;
    }
    const std::string& v = cells[static_cast<std::size_t>(label_col)];
    if (v != "0" && v != "1") {
      std::cerr << "credence report: " << path << ":" << n << ": label '" << v
                << "' is not 0 or 1\n";
      return false;
    }
    labels[cells[static_cast<std::size_t>(id_col)]] = v == "1" ? 1 : 0;
  }
  return true;
}

// --- HTML -----------------------------------------------------------------------------

std::string Fmt(double v, const char* spec = "%.4g") {
  if (std::isnan(v)) return "–";
  char buf[64];
  std::snprintf(buf, sizeof buf, spec, v);
  return buf;
}

std::string Pct(std::size_t n, std::size_t total) {
  return total == 0
             ? "–"
             : Fmt(100.0 * static_cast<double>(n) / static_cast<double>(total), "%.1f") + "%";
}

// Horizontal bar chart.
std::string BarChart(const std::string& id, const std::vector<std::pair<std::string, double>>& bars,
                     const char* value_spec = "%.0f") {
  const int row = 22, label_w = 230, bar_w = 360;
  const int h = std::max<int>(1, static_cast<int>(bars.size())) * row + 10;
  double peak = 0;
  for (const auto& [l, v] : bars) peak = std::max(peak, v);
  std::ostringstream s;
  s << "<svg class=\"chart\" id=\"" << id << "\" xmlns=\"http://www.w3.org/2000/svg\" width=\""
    << label_w + bar_w + 80 << "\" height=\"" << h << "\" role=\"img\">";
  int y = 5;
  for (const auto& [label, v] : bars) {
    const double w = peak > 0 ? v / peak * bar_w : 0;
    s << "<text x=\"" << label_w - 6 << "\" y=\"" << y + 15 << "\" text-anchor=\"end\">"
      << HtmlEscape(label.size() > 34 ? label.substr(0, 33) + "…" : label) << "</text>";
    s << "<rect x=\"" << label_w << "\" y=\"" << y + 3 << "\" width=\"" << Fmt(w, "%.1f")
      << "\" height=\"" << row - 6 << "\" class=\"bar\"/>";
    s << "<text x=\"" << label_w + w + 5 << "\" y=\"" << y + 15 << "\">"
      << HtmlEscape(Fmt(v, value_spec)) << "</text>";
    y += row;
  }
  s << "</svg>";
  return s.str();
}

// Vertical histogram.
std::string HistogramChart(const std::string& id, const Histogram& hist) {
  const int w = 640, h = 260, left = 50, bottom = 30, top = 10;
  std::ostringstream s;
  s << "<svg class=\"chart\" id=\"" << id << "\" xmlns=\"http://www.w3.org/2000/svg\" width=\"" << w
    << "\" height=\"" << h << "\" role=\"img\">";
  std::size_t peak = 1;
  for (std::size_t c : hist.counts) peak = std::max(peak, c);
  const double plot_w = w - left - 10, plot_h = h - bottom - top;
  const double bw = hist.counts.empty() ? 0 : plot_w / static_cast<double>(hist.counts.size());
  s << "<line x1=\"" << left << "\" y1=\"" << h - bottom << "\" x2=\"" << w - 10 << "\" y2=\""
    << h - bottom << "\" class=\"axis\"/>";
  for (std::size_t i = 0; i < hist.counts.size(); ++i) {
    const double bh = static_cast<double>(hist.counts[i]) / static_cast<double>(peak) * plot_h;
    s << "<rect class=\"bar\" x=\"" << Fmt(left + bw * static_cast<double>(i) + 1, "%.1f")
      << "\" y=\"" << Fmt(h - bottom - bh, "%.1f") << "\" width=\""
      << Fmt(std::max(bw - 2, 1.0), "%.1f") << "\" height=\"" << Fmt(bh, "%.1f") << "\"><title>"
      << hist.counts[i] << "</title></rect>";
  }
  s << "<text x=\"" << left << "\" y=\"" << h - 8 << "\">" << Fmt(hist.lo) << "</text>";
  s << "<text x=\"" << w - 10 << "\" y=\"" << h - 8 << "\" text-anchor=\"end\">" << Fmt(hist.hi)
    << "</text>";
  s << "<text x=\"" << left - 5 << "\" y=\"" << top + 10 << "\" text-anchor=\"end\">" << peak
    << "</text></svg>";
  return s.str();
}

// Line chart in the unit square; each series is a list of (x, y) in [0, 1].
std::string UnitLineChart(
    const std::string& id,
    const std::vector<std::pair<std::string, std::vector<std::pair<double, double>>>>& series,
    const std::string& x_label, const std::string& y_label) {
  const int size = 300, pad = 40;
  std::ostringstream s;
  s << "<svg class=\"chart\" id=\"" << id << "\" xmlns=\"http://www.w3.org/2000/svg\" width=\""
    << size + 2 * pad + 120 << "\" height=\"" << size + 2 * pad << "\" role=\"img\">";
  s << "<rect x=\"" << pad << "\" y=\"" << pad << "\" width=\"" << size << "\" height=\"" << size
    << "\" class=\"frame\"/>";
  s << "<line x1=\"" << pad << "\" y1=\"" << pad + size << "\" x2=\"" << pad + size << "\" y2=\""
    << pad << "\" class=\"diag\"/>";
  const char* colors[] = {"#1f5fa8", "#c0392b", "#27864a"};
  for (std::size_t k = 0; k < series.size(); ++k) {
    s << "<polyline fill=\"none\" stroke=\"" << colors[k % 3] << "\" stroke-width=\"2\" points=\"";
    for (const auto& [x, y] : series[k].second) {
      s << Fmt(pad + x * size, "%.2f") << "," << Fmt(pad + (1 - y) * size, "%.2f") << " ";
    }
    s << "\"/>";
    s << "<text x=\"" << pad + size + 10 << "\" y=\"" << pad + 15 + 18 * static_cast<int>(k)
      << "\" fill=\"" << colors[k % 3] << "\">" << HtmlEscape(series[k].first) << "</text>";
  }
  s << "<text x=\"" << pad + size / 2 << "\" y=\"" << size + 2 * pad - 8
    << "\" text-anchor=\"middle\">" << HtmlEscape(x_label) << "</text>";
  s << "<text x=\"12\" y=\"" << pad + size / 2 << "\" transform=\"rotate(-90 12 " << pad + size / 2
    << ")\" text-anchor=\"middle\">" << HtmlEscape(y_label) << "</text></svg>";
  return s.str();
}

std::vector<std::pair<std::string, double>> Top(const std::map<std::string, std::size_t>& m,
                                                std::size_t n) {
  std::vector<std::pair<std::string, double>> v;
  for (const auto& [k, c] : m) v.emplace_back(k, static_cast<double>(c));
  std::stable_sort(v.begin(), v.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  if (v.size() > n) v.resize(n);
  return v;
}

// Every entry of `m`: first those named in `order` (in that order), then the rest by name.
std::vector<std::pair<std::string, double>> All(const std::map<std::string, std::size_t>& m,
                                                const std::vector<std::string>& order = {}) {
  std::vector<std::pair<std::string, double>> v;
  for (const auto& name : order) {
    if (auto it = m.find(name); it != m.end())
      v.emplace_back(name, static_cast<double>(it->second));
  }
  for (const auto& [k, c] : m) {
    if (std::find(order.begin(), order.end(), k) == order.end())
      v.emplace_back(k, static_cast<double>(c));
  }
  return v;
}

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
      << (g.scored ? Fmt(g.score_sum / static_cast<double>(g.scored), "%.1f") : "–") << "</td><td>"
      << (g.scored ? Fmt(g.pd_sum / static_cast<double>(g.scored), "%.4f") : "–") << "</td>";
    for (const auto& o : outcomes) {
      auto it = g.outcomes.find(o);
      s << "<td>" << Pct(it == g.outcomes.end() ? 0 : it->second, g.n) << "</td>";
    }
    s << "</tr>";
  }
  s << "</table>";
  return s.str();
}

std::string PsiTable(const std::string& id, const Psi& psi) {
  std::ostringstream s;
  s << "<table id=\"" << id << "\"><tr><th>bin</th><th>baseline</th><th>current</th>"
    << "<th>(a − e) ln(a/e)</th></tr>";
  for (const auto& b : psi.bins) {
    s << "<tr><td>" << HtmlEscape(b.label) << "</td><td>" << Fmt(100 * b.expected_share, "%.2f")
      << "%</td><td>" << Fmt(100 * b.actual_share, "%.2f") << "%</td><td>"
      << Fmt(b.contribution, "%.5f") << "</td></tr>";
  }
  s << "<tr><th>PSI</th><td></td><td></td><th>" << Fmt(psi.value, "%.5f") << "</th></tr></table>";
  return s.str();
}

const char* Stability(double psi) {
  return psi < 0.1 ? "stable" : psi < 0.25 ? "some shift" : "major shift";
}

constexpr const char* kCss = R"(
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px;color:#222;max-width:1100px}
h1{font-size:1.6em;margin-bottom:0}h2{border-bottom:1px solid #ccc;padding-bottom:4px;margin-top:32px}
.meta{color:#666;font-size:.9em}table{border-collapse:collapse;margin:8px 0;font-size:.9em}
td,th{border:1px solid #ddd;padding:3px 8px;text-align:right}td:first-child,th:first-child{text-align:left}
.chart text{font-size:12px;fill:#333}.bar{fill:#4a7ab8}.axis{stroke:#444}
.frame{fill:none;stroke:#999}.diag{stroke:#bbb;stroke-dasharray:4 4}
.cards{display:flex;flex-wrap:wrap;gap:12px}.card{border:1px solid #ddd;border-radius:6px;padding:8px 14px}
.card b{display:block;font-size:1.4em}
)";

}  // namespace

int ReportCommand(int argc, char** argv) {
  Args args(
      argc, argv,
      {"bundle", "in", "out", "format", "labels", "label-column", "baseline", "title", "threads"},
      {"help"});
  if (args.Has("help")) {
    std::cout << kUsage;
    return 0;
  }
  if (!args.ok() || !args.Has("bundle") || !args.Has("in") || !args.Has("out") ||
      !args.positional().empty()) {
    std::cerr << "credence report: "
              << (args.ok() ? "--bundle, --in and --out are required" : args.error()) << "\n\n"
              << kUsage;
    return 2;
  }
  StreamOptions stream;
  try {
    if (args.Has("threads")) stream.threads = std::stoi(args.Get("threads"));
  } catch (const std::exception&) {
    std::cerr << "credence report: --threads takes an integer\n";
    return 2;
  }
  LoadedBundle loaded;
  auto engine = LoadEngine("report", args.Get("bundle"), &loaded);
  if (engine == nullptr) return 2;
  // Grades in the bundle's order (best first), decisions from best to worst.
  std::vector<std::string> grade_order, compliance_order;
  for (const auto& scale : loaded.bundle.grade_scales()) {
    if (scale.id() != loaded.bundle.credit().grade_scale()) continue;
    for (const auto& band : scale.bands()) grade_order.push_back(band.grade());
  }
  for (const auto& g : loaded.bundle.compliance().grades()) compliance_order.push_back(g.grade());
  std::unordered_map<std::string, int> labels;
  const std::string label_column = args.Get("label-column", "bad");
  if (args.Has("labels") && !ReadLabels(args.Get("labels"), label_column, labels)) return 2;
  const bool baseline = args.Has("baseline");
  stream.score.include_features = baseline;
  Population pop, base;
  if (!ScorePopulation("requests", args.Get("in"), args.Get("format"), *engine, stream, baseline,
                       pop))
    return 2;
  if (baseline && !ScorePopulation("baseline", args.Get("baseline"), args.Get("format"), *engine,
                                   stream, true, base))
    return 2;

  const BundleInfo& info = engine->info();
  const std::string title = args.Get("title", "credence report: " + info.name + " " + info.version);
  std::ostringstream h;
  h << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>"
    << HtmlEscape(title) << "</title><style>" << kCss << "</style></head><body>\n";
  h << "<h1>" << HtmlEscape(title) << "</h1>\n<p class=\"meta\">bundle " << HtmlEscape(info.name)
    << " " << HtmlEscape(info.version) << " · " << HtmlEscape(info.digest) << " · input "
    << HtmlEscape(args.Get("in")) << "</p>\n";

  // Summary.
  std::vector<double> sorted_scores = pop.scores;
  std::sort(sorted_scores.begin(), sorted_scores.end());
  h << "<h2 id=\"summary\">Population</h2><div class=\"cards\">";
  auto card = [&](const std::string& label, const std::string& value) {
    h << "<div class=\"card\">" << HtmlEscape(label) << "<b>" << HtmlEscape(value) << "</b></div>";
  };
  card("requests", std::to_string(pop.records));
  card("scored", std::to_string(pop.records - pop.failed));
  card("failed", std::to_string(pop.failed));
  card("with a credit score", std::to_string(pop.credit_available));
  card("median score", Fmt(QuantileType7(sorted_scores, 0.5), "%.1f"));
  {
    double pd_sum = 0;
    for (double p : pop.pds) pd_sum += p;
    card("mean PD",
         pop.pds.empty() ? "–" : Fmt(pd_sum / static_cast<double>(pop.pds.size()), "%.4f"));
  }
  h << "</div>\n";
  if (!pop.failures.empty()) {
    h << "<p>Failed requests by code:";
    for (const auto& [code, n] : pop.failures) h << " " << HtmlEscape(code) << " " << n << ";";
    h << "</p>\n";
  }
  h << "<h2 id=\"decisions\">Decisions</h2>"
    << BarChart("chart-decisions", All(pop.outcomes, {"APPROVE", "REVIEW", "REJECT"}));
  h << "<h2 id=\"grades\">Credit grades</h2>"
    << BarChart("chart-credit-grades", All(pop.grades, grade_order));
  h << "<h2 id=\"compliance-grades\">Compliance grades</h2>"
    << BarChart("chart-compliance-grades", All(pop.compliance_grades, compliance_order));
  h << "<h2 id=\"scores\">Credit score distribution</h2>";
  if (!sorted_scores.empty()) {
    h << "<p>" << sorted_scores.size() << " scores; min " << Fmt(sorted_scores.front(), "%.1f")
      << ", quartiles " << Fmt(QuantileType7(sorted_scores, 0.25), "%.1f") << " / "
      << Fmt(QuantileType7(sorted_scores, 0.5), "%.1f") << " / "
      << Fmt(QuantileType7(sorted_scores, 0.75), "%.1f") << ", max "
      << Fmt(sorted_scores.back(), "%.1f") << "</p>";
  }
  h << HistogramChart("chart-score-histogram", MakeHistogram(sorted_scores, 20));
  h << "<h2 id=\"dimensions\">Compliance by dimension</h2>";
  {
    std::vector<std::pair<std::string, double>> means;
    for (const auto& [d, sn] : pop.dimension_scores) {
      means.emplace_back(d, sn.second ? sn.first / static_cast<double>(sn.second) : 0);
    }
    h << "<p>Mean dimension score over " << pop.compliance_available
      << " requests with a compliance score.</p>" << BarChart("chart-dimensions", means, "%.1f");
    h << "<table id=\"table-dimensions\"><tr><th>dimension</th><th>mean score</th><th>rule "
         "hits</th></tr>";
    for (const auto& [d, sn] : pop.dimension_scores) {
      h << "<tr><td>" << HtmlEscape(d) << "</td><td>"
        << Fmt(sn.second ? sn.first / static_cast<double>(sn.second) : 0, "%.2f") << "</td><td>"
        << pop.dimension_hits[d] << "</td></tr>";
    }
    h << "</table>";
  }
  h << "<h2 id=\"rules\">Top rule hits</h2>" << BarChart("chart-rule-hits", Top(pop.rule_hits, 15));
  h << "<h2 id=\"reasons\">Top adverse reasons</h2>"
    << BarChart("chart-reasons", Top(pop.reasons, 15));
  h << "<h2 id=\"zones\">By zone</h2>" << GroupTable("table-zones", "zone", pop.zones);
  h << "<h2 id=\"sectors\">By sector</h2>" << GroupTable("table-sectors", "sector", pop.sectors);

  if (args.Has("labels")) {
    std::vector<double> risk;
    std::vector<int> bad;
    for (std::size_t i = 0; i < pop.pds.size(); ++i) {
      auto it = labels.find(pop.request_ids[i]);
      if (it == labels.end()) continue;
      risk.push_back(pop.pds[i]);
      bad.push_back(it->second);
    }
    const Discrimination d = Discriminate(risk, bad);
    h << "<h2 id=\"performance\">Performance against labels</h2>";
    h << "<p>Label column <code>" << HtmlEscape(label_column) << "</code>: " << risk.size()
      << " scored requests with a label (" << d.bads << " bad, " << d.goods
      << " good). Risk = PD.</p><div class=\"cards\">";
    card("AUC", Fmt(d.auc, "%.4f"));
    card("Gini", Fmt(d.gini, "%.4f"));
    card("KS", Fmt(d.ks, "%.4f"));
    card("KS at PD", Fmt(d.ks_threshold, "%.4g"));
    h << "</div>";
    std::vector<std::pair<double, double>> roc, ks_bad, ks_good;
    const double n = static_cast<double>(d.bads + d.goods);
    for (const auto& p : d.roc) {
      roc.emplace_back(p.fpr, p.tpr);
      const double x =
          n > 0 ? (p.tpr * static_cast<double>(d.bads) + p.fpr * static_cast<double>(d.goods)) / n
                : 0;
      ks_bad.emplace_back(x, p.tpr);
      ks_good.emplace_back(x, p.fpr);
    }
    h << UnitLineChart("chart-roc", {{"ROC", roc}}, "false positive rate", "true positive rate");
    h << UnitLineChart("chart-ks", {{"bads", ks_bad}, {"goods", ks_good}},
                       "share of population, riskiest first", "cumulative share");
  }
  if (baseline) {
    h << "<h2 id=\"drift\">Drift against the baseline</h2>";
    h << "<p>Baseline " << HtmlEscape(args.Get("baseline")) << ": " << base.records
      << " requests. Bins at the baseline's deciles (R type 7); missing values in their own bin; "
         "zero shares count as 0.0001. PSI &lt; 0.1 stable, &lt; 0.25 some shift, else major "
         "shift.</p>";
    const Psi score_psi = PopulationStability(base.scores, pop.scores);
    h << "<h3>Credit score PSI: " << Fmt(score_psi.value, "%.4f") << " ("
      << Stability(score_psi.value) << ")</h3>" << PsiTable("table-psi-score", score_psi);
    h << "<h3>Feature CSI</h3><table "
         "id=\"table-csi\"><tr><th>feature</th><th>CSI</th><th></th></tr>";
    std::vector<std::pair<double, std::string>> csi;
    for (std::size_t i = 0;
         i < info.feature_names.size() && i < pop.features.size() && i < base.features.size();
         ++i) {
      csi.emplace_back(PopulationStability(base.features[i], pop.features[i]).value,
                       info.feature_names[i]);
    }
    std::stable_sort(csi.begin(), csi.end(),
                     [](const auto& a, const auto& b) { return a.first > b.first; });
    for (const auto& [v, name] : csi) {
      h << "<tr><td>" << HtmlEscape(name) << "</td><td>" << Fmt(v, "%.5f") << "</td><td>"
        << Stability(v) << "</td></tr>";
    }
    h << "</table>";
  }
  h << "<p class=\"meta\">generated by credence " << HtmlEscape(std::string(Version()))
    << "</p>\n</body></html>\n";

  OutputFile out(args.Get("out"));
  if (!out.ok()) {
    std::cerr << "credence report: " << out.error() << "\n";
    return 2;
  }
  out.stream() << h.str();
  if (!out.Commit()) {
    std::cerr << "credence report: " << out.error() << "\n";
    return 2;
  }
  std::cerr << "credence report: " << pop.records << " requests (" << pop.failed << " failed) -> "
            << args.Get("out") << "\n";
  return 0;
}

}  // namespace credence::cli
