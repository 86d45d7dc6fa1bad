// credence diff: scores a population with two bundles and reports what changed.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "command_line.h"
#include "commands.h"
#include "credence/engine.h"
#include "fit/metrics.h"
#include "output.h"
#include "score_stream.h"

namespace credence::cli {
namespace {

constexpr const char* kDescription =
    R"(Scores every request of FILE with bundle A and with bundle B and reports what changed:
  - the decision migration matrix (rows: A's outcome, columns: B's),
  - the credit grade and compliance grade migration matrices ("n/a" when unavailable),
  - the distribution of the credit score shift B - A (count, mean, min, quantiles 5, 25,
    50, 75, 95 by R type 7, max, and a 10-bin histogram) over requests with a score from
    both,
  - the rules whose hit counts changed most (by |B - A|, then name),
  - the enterprises whose decision changed (enterprise id, request id, A -> B).
Requests that fail with either bundle are counted, not compared.
)";

constexpr const char* kEpilog =
    "Exit status: 0 when done (whatever changed), 2 on a usage, input or bundle error.\n";

using Json = nlohmann::ordered_json;

struct DiffArgs {
  std::vector<std::string> bundles;
  std::string in, format;
  std::optional<RecordFormat> format_given;  // when --format
  bool json = false;
  std::size_t top = 20;
  StreamOptions stream;
};

std::optional<int> ParseDiffArgs(int argc, char** argv, DiffArgs& a) {
  CommandLine cl("diff", "diff --bundle A --bundle B --in FILE [--json] [options]", kDescription);
  cl.TextList("bundle", "PATH", "twice: the old bundle (A), then the new one (B)", &a.bundles)
      .Text("in", "FILE", "requests, JSON Lines or length-delimited binary ('-' = stdin)", &a.in)
      .Required()
      .Text("format", "F", "input format, jsonl or pb (default: detect, as `credence score`)",
            &a.format)
      .Flag("json", "one JSON object instead of text", &a.json)
      .Integer<std::size_t>("top", "N", "rules to list (default 20; all with --json)", 0,
                            std::numeric_limits<std::size_t>::max(), &a.top)
      .Threads("scoring threads, 0 to 256 (default 0: all cores)", &a.stream.threads)
      .Epilog(kEpilog);
  if (std::optional<int> exit = cl.Parse(argc, argv)) return exit;
  if (a.bundles.size() != 2) return cl.UsageError("--bundle must be given twice (A, then B)");
  if (cl.Given("format")) {
    auto f = ParseRecordFormat(a.format);
    if (!f.ok()) return cl.UsageError("--format: " + f.status().ToString());
    a.format_given = *f;
  }
  return std::nullopt;
}

using Matrix = std::map<std::string, std::map<std::string, std::size_t>>;

struct Changed {
  std::string enterprise_id, request_id, from, to;
};

struct DiffState {
  std::size_t records = 0, compared = 0, failed_a = 0, failed_b = 0, unreadable = 0;
  Matrix decisions, credit_grades, compliance_grades;
  std::vector<double> shifts;
  std::map<std::string, std::pair<std::size_t, std::size_t>> rule_hits;  // A, B
  std::vector<Changed> changed;
};

// The labels of `m`: those in `order` first (in that order), then the rest by name.
std::vector<std::string> Labels(const Matrix& m, const std::vector<std::string>& order) {
  std::set<std::string> all;
  for (const auto& [row, cols] : m) {
    all.insert(row);
    for (const auto& [col, n] : cols) all.insert(col);
  }
  std::vector<std::string> out;
  for (const auto& l : order) {
    if (all.count(l) && std::find(out.begin(), out.end(), l) == out.end()) out.push_back(l);
  }
  for (const auto& l : all) {
    if (std::find(out.begin(), out.end(), l) == out.end()) out.push_back(l);
  }
  return out;
}

// The order of labels in the matrices: outcomes best first, then each bundle's grades.
struct GradeOrders {
  std::vector<std::string> outcomes = {"APPROVE", "REVIEW", "REJECT", "none"};
  std::vector<std::string> credit, compliance;
};

// Credit grades (the credit grade scale's bands) and compliance grades in bundle order.
void AppendGradeOrder(const v1::Bundle& b, std::vector<std::string>& credit,
                      std::vector<std::string>& compliance) {
  for (const auto& scale : b.grade_scales()) {
    if (scale.id() != b.credit().grade_scale()) continue;
    for (const auto& band : scale.bands()) credit.push_back(band.grade());
  }
  for (const auto& g : b.compliance().grades()) compliance.push_back(g.grade());
}

std::size_t Count(const Matrix& m, const std::string& row, const std::string& col) {
  if (auto it = m.find(row); it != m.end()) {
    if (auto jt = it->second.find(col); jt != it->second.end()) return jt->second;
  }
  return 0;
}

void PrintMatrix(std::ostream& o, const std::string& title, const Matrix& m,
                 const std::vector<std::string>& order) {
  o << title << " (rows: A, columns: B)\n";
  const std::vector<std::string> labels = Labels(m, order);
  if (labels.empty()) {
    o << "  (nothing compared)\n\n";
    return;
  }
  std::vector<std::string> shown;  // grades come from bundles and responses: printable form
  std::size_t w = 8;
  for (const auto& l : labels) {
    shown.push_back(Printable(l));
    w = std::max(w, shown.back().size() + 1);
  }
  auto pad = [&](const std::string& s) {
    return s + std::string(w > s.size() ? w - s.size() : 1, ' ');
  };
  auto rpad = [&](const std::string& s) {
    return std::string(w > s.size() ? w - s.size() : 1, ' ') + s;
  };
  o << "  " << pad("A \\ B");
  for (const auto& c : shown) o << rpad(c);
  o << "\n";
  for (std::size_t r = 0; r < labels.size(); ++r) {
    o << "  " << pad(shown[r]);
    for (const auto& c : labels) o << rpad(std::to_string(Count(m, labels[r], c)));
    o << "\n";
  }
  o << "\n";
}

Json MatrixJson(const Matrix& m, const std::vector<std::string>& order) {
  const auto labels = Labels(m, order);
  Json counts = Json::array();
  for (const auto& row : labels) {
    Json cells = Json::array();
    for (const auto& col : labels) cells.push_back(Count(m, row, col));
    counts.push_back(std::move(cells));
  }
  return Json{{"labels", labels}, {"counts", std::move(counts)}};
}

// A JSON number, or null when `v` is NaN or infinite.
Json Number(double v) { return std::isfinite(v) ? Json(v) : Json(nullptr); }

std::string Grade(const v1::ScoreResponse& r) {
  return r.credit().available() ? r.credit().grade() : "n/a";
}
std::string ComplianceGrade(const v1::ScoreResponse& r) {
  return r.compliance().available() ? r.compliance().grade() : "n/a";
}

// Counts one record scored by both bundles into `st`.
void Compare(const v1::ScoreResponse& ra, const v1::ScoreResponse& rb, DiffState& st) {
  ++st.compared;
  const std::string da = OutcomeLabel(ra.decision().outcome());
  const std::string db = OutcomeLabel(rb.decision().outcome());
  ++st.decisions[da][db];
  ++st.credit_grades[Grade(ra)][Grade(rb)];
  ++st.compliance_grades[ComplianceGrade(ra)][ComplianceGrade(rb)];
  if (ra.credit().available() && rb.credit().available()) {
    st.shifts.push_back(rb.credit().score() - ra.credit().score());
  }
  for (const auto& h : ra.rule_hits()) {
    if (!h.errored()) ++st.rule_hits[h.rule_set() + "/" + h.rule_id()].first;
  }
  for (const auto& h : rb.rule_hits()) {
    if (!h.errored()) ++st.rule_hits[h.rule_set() + "/" + h.rule_id()].second;
  }
  if (da != db) st.changed.push_back({ra.enterprise_id(), ra.request_id(), da, db});
}

// Scores every record of `in` with both engines. False (after printing why) on an input error.
bool ScoreBoth(const DiffArgs& args, const Engine& a, const Engine& b, DiffState& st) {
  auto in = OpenInput("--in", args.in);
  if (!in.ok()) {
    PrintError("diff", in.status().message());
    return false;
  }
  std::istream& input = **in;
  RecordReader reader(input,
                      args.format_given ? *args.format_given : DetectRecordFormat(args.in, input));
  const Engine* engines[] = {&a, &b};
  const Status streamed = ScoreStream(reader, engines, args.stream, [&](const ScoredRecord& r) {
    ++st.records;
    if (!r.input->request) {
      ++st.unreadable;
      return true;
    }
    const bool ok_a = r.results[0]->ok(), ok_b = r.results[1]->ok();
    if (!ok_a) ++st.failed_a;
    if (!ok_b) ++st.failed_b;
    if (ok_a && ok_b) Compare(**r.results[0], **r.results[1], st);
    return true;
  });
  if (!streamed.ok()) {
    PrintError("diff", streamed);
    return false;
  }
  return true;
}

struct RuleDelta {
  std::string rule;
  std::size_t a, b;
  long long delta;
};

// The score shift's distribution and the rules by |change|, for either output.
struct DiffSummary {
  std::vector<double> sorted;  // score shifts, ascending
  double mean = NAN;
  fit::Histogram histogram;
  std::vector<RuleDelta> rules;
};

constexpr double kShiftQuantiles[] = {0.05, 0.25, 0.5, 0.75, 0.95};

DiffSummary Summarize(const DiffState& st) {
  DiffSummary d;
  d.sorted = st.shifts;
  std::sort(d.sorted.begin(), d.sorted.end());
  if (!d.sorted.empty()) {
    d.mean = 0;
    for (double s : d.sorted) d.mean += s;
    d.mean /= static_cast<double>(d.sorted.size());
  }
  d.histogram = fit::EqualWidthHistogram(d.sorted, 10);
  for (const auto& [name, ab] : st.rule_hits) {
    d.rules.push_back({name, ab.first, ab.second,
                       static_cast<long long>(ab.second) - static_cast<long long>(ab.first)});
  }
  std::stable_sort(d.rules.begin(), d.rules.end(), [](const RuleDelta& x, const RuleDelta& y) {
    return std::llabs(x.delta) > std::llabs(y.delta);
  });
  return d;
}

Json BundleJson(const BundleInfo& info) {
  return Json{{"name", info.name}, {"version", info.version}, {"digest", info.digest}};
}

Json ShiftJson(const DiffSummary& d) {
  const bool any = !d.sorted.empty();
  Json shift = {{"count", d.sorted.size()},
                {"mean", Number(d.mean)},
                {"min", any ? Number(d.sorted.front()) : Json(nullptr)}};
  for (double q : kShiftQuantiles) {
    shift["p" + std::to_string(static_cast<int>(q * 100 + 0.5))] =
        Number(fit::QuantileType7(d.sorted, q));
  }
  shift["max"] = any ? Number(d.sorted.back()) : Json(nullptr);
  shift["histogram"] = {{"lo", Number(d.histogram.lo)},
                        {"hi", Number(d.histogram.hi)},
                        {"counts", d.histogram.counts}};
  return shift;
}

// The --json output: one object (docs/cli.md#diff).
Json DiffJson(const DiffState& st, const DiffSummary& d, const BundleInfo& ia, const BundleInfo& ib,
              const GradeOrders& order) {
  Json rules = Json::array();
  for (const RuleDelta& r : d.rules) {
    rules.push_back({{"rule", r.rule}, {"a", r.a}, {"b", r.b}, {"change", r.delta}});
  }
  Json changed = Json::array();
  for (const Changed& c : st.changed) {
    changed.push_back({{"enterpriseId", c.enterprise_id},
                       {"requestId", c.request_id},
                       {"a", c.from},
                       {"b", c.to}});
  }
  return Json{{"records", st.records},
              {"compared", st.compared},
              {"unreadable", st.unreadable},
              {"failedA", st.failed_a},
              {"failedB", st.failed_b},
              {"bundleA", BundleJson(ia)},
              {"bundleB", BundleJson(ib)},
              {"decisions", MatrixJson(st.decisions, order.outcomes)},
              {"creditGrades", MatrixJson(st.credit_grades, order.credit)},
              {"complianceGrades", MatrixJson(st.compliance_grades, order.compliance)},
              {"scoreShift", ShiftJson(d)},
              {"ruleHits", std::move(rules)},
              {"decisionChanged", std::move(changed)}};
}

void PrintShift(std::ostream& o, const DiffSummary& d) {
  o << "Credit score shift (B - A) over " << d.sorted.size() << " requests scored by both\n";
  if (d.sorted.empty()) return;
  o << "  mean " << FormatNumber(d.mean) << "  min " << FormatNumber(d.sorted.front());
  for (double q : kShiftQuantiles) {
    o << "  p" << static_cast<int>(q * 100 + 0.5) << " "
      << FormatNumber(fit::QuantileType7(d.sorted, q));
  }
  o << "  max " << FormatNumber(d.sorted.back()) << "\n";
  const fit::Histogram& hist = d.histogram;
  const double width =
      hist.counts.empty() ? 0 : (hist.hi - hist.lo) / static_cast<double>(hist.counts.size());
  std::int64_t peak = 1;
  for (std::int64_t c : hist.counts) peak = std::max(peak, c);
  for (std::size_t i = 0; i < hist.counts.size(); ++i) {
    const bool last = i + 1 == hist.counts.size();
    char line[128];
    std::snprintf(line, sizeof line, "  [%10.4g, %10.4g%c %7lld ",
                  hist.lo + width * static_cast<double>(i),
                  last ? hist.hi : hist.lo + width * static_cast<double>(i + 1), last ? ']' : ')',
                  static_cast<long long>(hist.counts[i]));
    o << line << std::string(static_cast<std::size_t>(hist.counts[i] * 40 / peak), '#') << "\n";
  }
}

// The text output.
void PrintText(std::ostream& o, const DiffState& st, const DiffSummary& d, const BundleInfo& ia,
               const BundleInfo& ib, const GradeOrders& order, std::size_t top) {
  o << "A: " << Printable(ia.name + " " + ia.version + " " + ia.digest) << "\n";
  o << "B: " << Printable(ib.name + " " + ib.version + " " + ib.digest) << "\n";
  o << st.records << " records: " << st.compared << " compared, " << st.unreadable
    << " unreadable, " << st.failed_a << " failed with A, " << st.failed_b << " failed with B\n\n";
  PrintMatrix(o, "Decision migration", st.decisions, order.outcomes);
  PrintMatrix(o, "Credit grade migration", st.credit_grades, order.credit);
  PrintMatrix(o, "Compliance grade migration", st.compliance_grades, order.compliance);
  PrintShift(o, d);
  o << "\nRule hit counts that changed most\n";
  std::size_t shown = 0;
  for (const auto& r : d.rules) {
    if (r.delta == 0 || shown++ >= top) break;
    char line[512];
    std::snprintf(line, sizeof line, "  %-40s %8zu -> %8zu  (%+lld)\n", Printable(r.rule).c_str(),
                  r.a, r.b, r.delta);
    o << line;
  }
  if (shown == 0) o << "  none changed\n";
  o << "\nDecision changed for " << st.changed.size() << " enterprise(s)\n";
  for (const Changed& c : st.changed) {
    o << "  " << Printable(c.enterprise_id) << " (request " << Printable(c.request_id)
      << "): " << c.from << " -> " << c.to << "\n";
  }
}

}  // namespace

int DiffCommand(int argc, char** argv) {
  DiffArgs args;
  if (std::optional<int> exit = ParseDiffArgs(argc, argv, args)) return *exit;
  LoadedBundle la, lb;
  auto a = LoadEngine("diff", args.bundles[0], &la);
  if (a == nullptr) return 2;
  auto b = LoadEngine("diff", args.bundles[1], &lb);
  if (b == nullptr) return 2;
  GradeOrders order;
  AppendGradeOrder(la.bundle, order.credit, order.compliance);
  AppendGradeOrder(lb.bundle, order.credit, order.compliance);
  DiffState st;
  if (!ScoreBoth(args, *a, *b, st)) return 2;
  const DiffSummary summary = Summarize(st);
  if (args.json) {
    std::cout << DumpJson(DiffJson(st, summary, a->info(), b->info(), order)) << "\n";
  } else {
    PrintText(std::cout, st, summary, a->info(), b->info(), order, args.top);
  }
  return 0;
}

}  // namespace credence::cli
