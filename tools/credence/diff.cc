// credence diff: scores a population with two bundles and reports what changed.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <map>
#include <set>
#include <string>
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
    R"(usage: credence diff --bundle A --bundle B --in FILE [--json] [options]

Scores every request of FILE with bundle A and with bundle B and reports what changed:
  - the decision migration matrix (rows: A's outcome, columns: B's),
  - the credit grade and compliance grade migration matrices ("n/a" when unavailable),
  - the distribution of the credit score shift B - A (count, mean, min, quantiles 5, 25,
    50, 75, 95 by R type 7, max, and a 10-bin histogram) over requests with a score from
    both,
  - the rules whose hit counts changed most (by |B - A|, then name),
  - the enterprises whose decision changed (enterprise id, request id, A -> B).
Requests that fail with either bundle are counted, not compared.

  --bundle PATH   twice: the old bundle (A), then the new one (B)
  --in FILE       requests, JSON Lines or length-delimited binary ('-' = stdin)
  --format F      input format, jsonl or pb (default: detect, as `credence score`)
  --json          one JSON object instead of text
  --top N         rules to list (default 20; all with --json)
  --threads N     scoring threads (default: all cores)

Exit status: 0 when done (whatever changed), 2 on a usage, input or bundle error.
)";

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

// Credit grades (the credit grade scale's bands) and compliance grades in bundle order.
void AppendGradeOrder(const v1::Bundle& b, std::vector<std::string>& credit,
                      std::vector<std::string>& compliance) {
  for (const auto& scale : b.grade_scales()) {
    if (scale.id() != b.credit().grade_scale()) continue;
    for (const auto& band : scale.bands()) credit.push_back(band.grade());
  }
  for (const auto& g : b.compliance().grades()) compliance.push_back(g.grade());
}

void PrintMatrix(std::ostream& o, const std::string& title, const Matrix& m,
                 const std::vector<std::string>& order) {
  o << title << " (rows: A, columns: B)\n";
  const auto labels = Labels(m, order);
  if (labels.empty()) {
    o << "  (nothing compared)\n\n";
    return;
  }
  std::size_t w = 8;
  for (const auto& l : labels) w = std::max(w, l.size() + 1);
  auto pad = [&](const std::string& s) {
    return s + std::string(w > s.size() ? w - s.size() : 1, ' ');
  };
  auto rpad = [&](const std::string& s) {
    return std::string(w > s.size() ? w - s.size() : 1, ' ') + s;
  };
  o << "  " << pad("A \\ B");
  for (const auto& c : labels) o << rpad(c);
  o << "\n";
  for (const auto& r : labels) {
    o << "  " << pad(r);
    for (const auto& c : labels) {
      std::size_t n = 0;
      if (auto it = m.find(r); it != m.end()) {
        if (auto jt = it->second.find(c); jt != it->second.end()) n = jt->second;
      }
      o << rpad(std::to_string(n));
    }
    o << "\n";
  }
  o << "\n";
}

std::string MatrixJson(const Matrix& m, const std::vector<std::string>& order) {
  const auto labels = Labels(m, order);
  std::string out = "{\"labels\":[";
  for (std::size_t i = 0; i < labels.size(); ++i) out += (i ? "," : "") + JsonQuote(labels[i]);
  out += "],\"counts\":[";
  for (std::size_t i = 0; i < labels.size(); ++i) {
    out += i ? ",[" : "[";
    for (std::size_t j = 0; j < labels.size(); ++j) {
      std::size_t n = 0;
      if (auto it = m.find(labels[i]); it != m.end()) {
        if (auto jt = it->second.find(labels[j]); jt != it->second.end()) n = jt->second;
      }
      out += (j ? "," : "") + std::to_string(n);
    }
    out += "]";
  }
  return out + "]}";
}

std::string Num(double v) {
  if (!std::isfinite(v)) return "null";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

std::string Grade(const v1::ScoreResponse& r) {
  return r.credit().available() ? r.credit().grade() : "n/a";
}
std::string ComplianceGrade(const v1::ScoreResponse& r) {
  return r.compliance().available() ? r.compliance().grade() : "n/a";
}

}  // namespace

int DiffCommand(int argc, char** argv) {
  Args args(argc, argv, {"bundle", "in", "format", "top", "threads"}, {"json", "help"});
  if (args.Has("help")) {
    std::cout << kUsage;
    return 0;
  }
  const auto bundles = args.GetAll("bundle");
  if (!args.ok() || bundles.size() != 2 || !args.Has("in") || !args.positional().empty()) {
    std::cerr << "credence diff: "
              << (args.ok() ? "two --bundle and one --in are required" : args.error()) << "\n\n"
              << kUsage;
    return 2;
  }
  StreamOptions stream;
  std::size_t top = 20;
  try {
    if (args.Has("threads")) stream.threads = std::stoi(args.Get("threads"));
    if (args.Has("top")) top = static_cast<std::size_t>(std::stoul(args.Get("top")));
  } catch (const std::exception&) {
    std::cerr << "credence diff: --threads and --top take integers\n";
    return 2;
  }
  LoadedBundle la, lb;
  auto a = LoadEngine("diff", bundles[0], &la);
  if (a == nullptr) return 2;
  auto b = LoadEngine("diff", bundles[1], &lb);
  if (b == nullptr) return 2;
  const std::vector<std::string> outcome_order = {"APPROVE", "REVIEW", "REJECT", "none"};
  std::vector<std::string> grade_order, compliance_order;
  AppendGradeOrder(la.bundle, grade_order, compliance_order);
  AppendGradeOrder(lb.bundle, grade_order, compliance_order);
  std::string open_error;
  auto in = OpenInput(args.Get("in"), &open_error);
  if (in == nullptr) {
    std::cerr << "credence diff: " << open_error << "\n";
    return 2;
  }
  RecordFormat format = RecordFormat::kJsonl;
  if (args.Has("format")) {
    auto f = ParseRecordFormat(args.Get("format"));
    if (!f.ok()) {
      std::cerr << "credence diff: --format: " << f.status().message() << "\n";
      return 2;
    }
    format = *f;
  } else {
    format = DetectRecordFormat(args.Get("in"), *in);
  }
  RecordReader reader(*in, format);
  DiffState st;
  const Engine* engines[] = {a.get(), b.get()};
  const Status streamed = ScoreStream(reader, engines, stream, [&](const ScoredRecord& r) {
    ++st.records;
    if (!r.input->request) {
      ++st.unreadable;
      return true;
    }
    const bool ok_a = r.results[0]->ok(), ok_b = r.results[1]->ok();
    if (!ok_a) ++st.failed_a;
    if (!ok_b) ++st.failed_b;
    if (!ok_a || !ok_b) return true;
    const v1::ScoreResponse& ra = **r.results[0];
    const v1::ScoreResponse& rb = **r.results[1];
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
    if (da != db) {
      st.changed.push_back({ra.enterprise_id(), ra.request_id(), da, db});
    }
    return true;
  });
  if (!streamed.ok()) {
    std::cerr << "credence diff: " << streamed << "\n";
    return 2;
  }

  std::vector<double> sorted = st.shifts;
  std::sort(sorted.begin(), sorted.end());
  double mean = 0;
  for (double s : sorted) mean += s;
  if (!sorted.empty()) mean /= static_cast<double>(sorted.size());
  const double qs[] = {0.05, 0.25, 0.5, 0.75, 0.95};
  const Histogram hist = MakeHistogram(sorted, 10);
  struct RuleDelta {
    std::string rule;
    std::size_t a, b;
    long long delta;
  };
  std::vector<RuleDelta> rules;
  for (const auto& [name, ab] : st.rule_hits) {
    rules.push_back({name, ab.first, ab.second,
                     static_cast<long long>(ab.second) - static_cast<long long>(ab.first)});
  }
  std::stable_sort(rules.begin(), rules.end(), [](const RuleDelta& x, const RuleDelta& y) {
    return std::llabs(x.delta) > std::llabs(y.delta);
  });
  const BundleInfo& ia = a->info();
  const BundleInfo& ib = b->info();

  std::ostream& o = std::cout;
  if (args.Has("json")) {
    o << "{\"records\":" << st.records << ",\"compared\":" << st.compared
      << ",\"unreadable\":" << st.unreadable << ",\"failedA\":" << st.failed_a
      << ",\"failedB\":" << st.failed_b;
    o << ",\"bundleA\":{\"name\":" << JsonQuote(ia.name) << ",\"version\":" << JsonQuote(ia.version)
      << ",\"digest\":" << JsonQuote(ia.digest) << "}";
    o << ",\"bundleB\":{\"name\":" << JsonQuote(ib.name) << ",\"version\":" << JsonQuote(ib.version)
      << ",\"digest\":" << JsonQuote(ib.digest) << "}";
    o << ",\"decisions\":" << MatrixJson(st.decisions, outcome_order)
      << ",\"creditGrades\":" << MatrixJson(st.credit_grades, grade_order)
      << ",\"complianceGrades\":" << MatrixJson(st.compliance_grades, compliance_order);
    o << ",\"scoreShift\":{\"count\":" << sorted.size()
      << ",\"mean\":" << (sorted.empty() ? "null" : Num(mean))
      << ",\"min\":" << (sorted.empty() ? "null" : Num(sorted.front()));
    for (double q : qs) {
      o << ",\"p" << static_cast<int>(q * 100 + 0.5) << "\":" << Num(QuantileType7(sorted, q));
    }
    o << ",\"max\":" << (sorted.empty() ? "null" : Num(sorted.back()));
    o << ",\"histogram\":{\"lo\":" << Num(hist.lo) << ",\"hi\":" << Num(hist.hi) << ",\"counts\":[";
    for (std::size_t i = 0; i < hist.counts.size(); ++i) o << (i ? "," : "") << hist.counts[i];
    o << "]}}";
    o << ",\"ruleHits\":[";
    for (std::size_t i = 0; i < rules.size(); ++i) {
      o << (i ? "," : "") << "{\"rule\":" << JsonQuote(rules[i].rule) << ",\"a\":" << rules[i].a
        << ",\"b\":" << rules[i].b << ",\"change\":" << rules[i].delta << "}";
    }
    o << "],\"decisionChanged\":[";
    for (std::size_t i = 0; i < st.changed.size(); ++i) {
      const Changed& c = st.changed[i];
      o << (i ? "," : "") << "{\"enterpriseId\":" << JsonQuote(c.enterprise_id)
        << ",\"requestId\":" << JsonQuote(c.request_id) << ",\"a\":" << JsonQuote(c.from)
        << ",\"b\":" << JsonQuote(c.to) << "}";
    }
    o << "]}\n";
    return 0;
  }
  o << "A: " << ia.name << " " << ia.version << " " << ia.digest << "\n";
  o << "B: " << ib.name << " " << ib.version << " " << ib.digest << "\n";
  o << st.records << " records: " << st.compared << " compared, " << st.unreadable
    << " unreadable, " << st.failed_a << " failed with A, " << st.failed_b << " failed with B\n\n";
  PrintMatrix(o, "Decision migration", st.decisions, outcome_order);
  PrintMatrix(o, "Credit grade migration", st.credit_grades, grade_order);
  PrintMatrix(o, "Compliance grade migration", st.compliance_grades, compliance_order);
  o << "Credit score shift (B - A) over " << sorted.size() << " requests scored by both\n";
  if (!sorted.empty()) {
    o << "  mean " << FormatNumber(mean) << "  min " << FormatNumber(sorted.front());
    for (double q : qs) {
      o << "  p" << static_cast<int>(q * 100 + 0.5) << " "
        << FormatNumber(QuantileType7(sorted, q));
    }
    o << "  max " << FormatNumber(sorted.back()) << "\n";
    const double width =
        hist.counts.empty() ? 0 : (hist.hi - hist.lo) / static_cast<double>(hist.counts.size());
    std::size_t peak = 1;
    for (std::size_t c : hist.counts) peak = std::max(peak, c);
    for (std::size_t i = 0; i < hist.counts.size(); ++i) {
      char line[128];
      std::snprintf(line, sizeof line, "  [%10.4g, %10.4g%c %7zu ", hist.lo + width * i,
                    i + 1 == hist.counts.size() ? hist.hi : hist.lo + width * (i + 1),
                    i + 1 == hist.counts.size() ? ']' : ')', hist.counts[i]);
      o << line << std::string(hist.counts[i] * 40 / peak, '#') << "\n";
    }
  }
  o << "\nRule hit counts that changed most\n";
  std::size_t shown = 0;
  for (const auto& r : rules) {
    if (r.delta == 0 || shown++ >= top) break;
    char line[512];
    std::snprintf(line, sizeof line, "  %-40s %8zu -> %8zu  (%+lld)\n", r.rule.c_str(), r.a, r.b,
                  r.delta);
    o << line;
  }
  if (shown == 0) o << "  none changed\n";
  o << "\nDecision changed for " << st.changed.size() << " enterprise(s)\n";
  for (const Changed& c : st.changed) {
    o << "  " << c.enterprise_id << " (request " << c.request_id << "): " << c.from << " -> "
      << c.to << "\n";
  }
  return 0;
}

}  // namespace credence::cli
