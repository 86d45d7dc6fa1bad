#include "summary.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <utility>

#include "printable.h"

namespace credence::cli {
namespace {

std::string OutcomeName(v1::Outcome o) {
  std::string name = v1::Outcome_Name(o);
  return name.rfind("OUTCOME_", 0) == 0 ? name.substr(8) : name;
}

// "  AAA          412  20.6%  ######"
void PrintDistribution(std::ostream& out, const char* title,
                       const std::map<std::string, std::size_t>& counts,
                       const std::vector<std::string>& order, std::size_t total) {
  if (counts.empty() || total == 0) return;
  out << title << "\n";
  std::vector<std::string> keys = order;
  for (const auto& [k, v] : counts) {
    if (std::find(keys.begin(), keys.end(), k) == keys.end()) keys.push_back(k);
  }
  std::size_t width = 4;
  for (const std::string& k : keys) width = std::max(width, k.size());
  for (const std::string& k : keys) {
    auto it = counts.find(k);
    const std::size_t n = it == counts.end() ? 0 : it->second;
    const double share = static_cast<double>(n) / static_cast<double>(total);
    char line[256];
    std::snprintf(line, sizeof line, "  %-*s %8zu %6.1f%%  ", static_cast<int>(width), k.c_str(), n,
                  100 * share);
    out << line << std::string(static_cast<std::size_t>(std::lround(share * 40)), '#') << "\n";
  }
}

}  // namespace

PopulationSummary::PopulationSummary(const v1::Bundle& bundle, std::size_t detail_rows)
    : detail_rows_(detail_rows) {
  // Every text from the bundle and the responses is kept in its printable form (printable.h).
  for (const auto& scale : bundle.grade_scales()) {
    if (scale.id() != bundle.credit().grade_scale()) continue;
    for (const auto& band : scale.bands()) credit_order_.push_back(Printable(band.grade()));
  }
  for (const auto& g : bundle.compliance().grades()) {
    compliance_order_.push_back(Printable(g.grade()));
  }
  for (const auto& rc : bundle.reason_codes())
    reasons_[Printable(rc.code())].text = Printable(rc.text());
  for (const auto& rs : bundle.rule_sets()) {
    for (const auto& rule : rs.rules())
      rule_hits_[Printable(rs.id() + "/" + rule.id())].text = Printable(rule.description());
  }
}

void PopulationSummary::PrintHeader(std::ostream& out) const {
  if (detail_rows_ == 0) return;
  char line[256];
  std::snprintf(line, sizeof line, "%-10s %-18s %7s %8s %6s %-5s %-24s %-8s %s\n", "request",
                "enterprise", "events", "PD", "score", "grade", "compliance", "decision",
                "top reasons");
  out << line;
}

void PopulationSummary::AddError(std::ostream& out, std::size_t index,
                                 const std::string& request_id, const Status& error) {
  ++records_;
  ++failed_;
  if (printed_errors_ < 20) {
    ++printed_errors_;
    out << "record " << index << (request_id.empty() ? "" : " (" + Printable(request_id) + ")")
        << ": error: " << Printable(error.ToString()) << "\n";
  }
}

void PopulationSummary::AddResponse(std::ostream& out, const v1::ScoreResponse& r) {
  ++records_;
  ++scored_;
  events_ += static_cast<std::size_t>(r.ingest().events_used());
  ++outcomes_[OutcomeName(r.decision().outcome())];
  ++credit_grades_[r.credit().available() ? Printable(r.credit().grade()) : "n/a"];
  if (r.compliance().available()) ++compliance_grades_[Printable(r.compliance().grade())];
  if (r.credit().available()) pds_.push_back(r.credit().pd());
  for (const auto& reason : r.reasons()) {
    Tally& t = reasons_[Printable(reason.code())];
    ++t.count;
    if (t.text.empty()) t.text = Printable(reason.text());
  }
  for (const auto& h : r.rule_hits()) {
    Tally& t = rule_hits_[Printable(h.rule_set() + "/" + h.rule_id())];
    ++t.count;
    if (t.text.empty()) t.text = h.errored() ? "(could not be evaluated)" : Printable(h.message());
  }
  if (scored_ > detail_rows_) return;

  std::string reasons;
  for (const auto& reason : r.reasons()) {
    if (!reasons.empty()) reasons += ", ";
    reasons += Printable(reason.code() + " " + reason.feature());
  }
  char pd[32] = "-", score[32] = "-";
  if (r.credit().available()) {
    std::snprintf(pd, sizeof pd, "%.4f", r.credit().pd());
    std::snprintf(score, sizeof score, "%.0f", r.credit().score());
  }
  char compliance[64] = "-";
  if (r.compliance().available()) {
    std::snprintf(compliance, sizeof compliance, "%.0f %s", r.compliance().score(),
                  Printable(r.compliance().grade()).c_str());
  }
  char line[1024];
  std::snprintf(line, sizeof line, "%-10s %-18s %7d %8s %6s %-5s %-24s %-8s %s\n",
                Printable(r.request_id()).c_str(), Printable(r.enterprise_id()).c_str(),
                r.ingest().events_used(), pd, score, Printable(r.credit().grade()).c_str(),
                compliance, OutcomeName(r.decision().outcome()).c_str(), reasons.c_str());
  out << line;
  for (const auto& h : r.rule_hits()) {
    out << "           rule " << Printable(h.rule_set() + "/" + h.rule_id());
    if (h.errored()) {
      out << ": could not be evaluated: " << Printable(h.error()) << "\n";
      continue;
    }
    if (!h.reason_code().empty()) out << " [" << Printable(h.reason_code()) << "]";
    if (!h.message().empty()) out << ": " << Printable(h.message());
    if (h.outcome() != v1::OUTCOME_UNSPECIFIED) out << " -> " << OutcomeName(h.outcome());
    if (!h.grade_cap().empty()) out << " (caps compliance at " << Printable(h.grade_cap()) << ")";
    out << "\n";
  }
  out << "           decided by " << Printable(r.decision().source()) << "\n";
  if (r.ingest().events_after_as_of() > 0 || r.ingest().duplicates_dropped() > 0) {
    out << "           note: " << r.ingest().events_after_as_of() << " events after as_of ignored, "
        << r.ingest().duplicates_dropped() << " duplicate events dropped\n";
  }
  for (const auto& w : r.warnings()) out << "           warning: " << Printable(w) << "\n";
}

void PopulationSummary::PrintTotals(std::ostream& out, const BundleInfo& info, double seconds,
                                    int threads) const {
  if (scored_ > detail_rows_ && detail_rows_ > 0) {
    out << "... " << (scored_ - detail_rows_) << " more requests not shown\n";
  }
  out << "\n" << records_ << " records: " << scored_ << " scored, " << failed_ << " failed\n";
  PrintDistribution(out, "decisions:", outcomes_, {"APPROVE", "REVIEW", "REJECT"}, scored_);
  PrintDistribution(out, "credit grades:", credit_grades_, credit_order_, scored_);
  PrintDistribution(out, "compliance grades:", compliance_grades_, compliance_order_, scored_);
  if (!pds_.empty()) {
    std::vector<double> pds = pds_;
    std::sort(pds.begin(), pds.end());
    double mean = 0;
    for (double p : pds) mean += p;
    mean /= static_cast<double>(pds.size());
    char line[160];
    std::snprintf(line, sizeof line, "PD: mean %.4f, median %.4f, 90th percentile %.4f\n", mean,
                  pds[pds.size() / 2], pds[std::min(pds.size() - 1, pds.size() * 9 / 10)]);
    out << line;
  }
  auto top = [&](const char* title, const std::map<std::string, Tally>& tallies) {
    std::vector<std::pair<std::string, const Tally*>> rows;
    for (const auto& [k, t] : tallies) {
      if (t.count > 0) rows.emplace_back(k, &t);
    }
    if (rows.empty()) return;
    std::stable_sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
      return a.second->count > b.second->count;
    });
    if (rows.size() > 10) rows.resize(10);
    out << title << "\n";
    for (const auto& [k, t] : rows) {
      char line[512];
      std::snprintf(line, sizeof line, "  %-36s %8zu %6.1f%%  %s\n", k.c_str(), t->count,
                    100.0 * static_cast<double>(t->count) / static_cast<double>(scored_),
                    t->text.c_str());
      out << line;
    }
  };
  top("top adverse reasons (share of requests):", reasons_);
  top("top rule hits (share of requests):", rule_hits_);
  if (seconds > 0 && records_ > 0) {
    char line[200];
    std::snprintf(line, sizeof line,
                  "throughput: %zu requests (%zu events) in %.2f s on %d thread%s: %.0f "
                  "requests/s, %.0f events/s (decode + score + write)\n",
                  records_, events_, seconds, threads, threads == 1 ? "" : "s",
                  static_cast<double>(records_) / seconds, static_cast<double>(events_) / seconds);
    out << line;
  }
  out << "bundle: " << Printable(info.name + " " + info.version + " " + info.digest) << "\n";
}

}  // namespace credence::cli
