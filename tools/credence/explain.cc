// credence explain: one request, explained for a person.
#include <google/protobuf/util/time_util.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "command_line.h"
#include "commands.h"
#include "credence/engine.h"
#include "customs/lifecycle.h"
#include "output.h"
#include "rules/context.h"
#include "score_stream.h"

namespace credence::cli {
namespace {

constexpr const char* kDescription =
    R"(Scores one request and explains the result for a person:
  - the credit PD, score and grade, the compliance score, grade and dimensions;
  - the decision, what decided it, and how its limit was computed (the deciding table's
    limit expression with the values it read, and the bundle's limit cap);
  - the top reasons with the feature value behind each (adverse, not enough history, or
    key factors of an approval);
  - the shadow models' results and the champion/challenger assignment;
  - every rule hit with its condition and the values the condition read;
  - every grade cap in force (rule or dishonest information): when it started, when it ends
    or can be repaired, and why; the dishonest information found in the history; the
    official customs grade against the engine's;
  - each decision table's matched rows, with the inputs' values and the row's entries;
  - the bundle name, version and digest, and the credit model's governance.

FILE holds one request (a JSON object, possibly spread over several lines) or a stream of
requests (JSON Lines or length-delimited binary, as `credence score` reads); with several,
--request-id picks one ('-' reads stdin).
)";

constexpr const char* kEpilog =
    R"(Exit status: 0 when the request was scored, 1 when it failed (the error is printed), 2 on
a usage, input or bundle error.
)";

struct ExplainArgs {
  std::string bundle, in, request_id;
  int max_reasons = 4;
};

std::optional<int> ParseExplainArgs(int argc, char** argv, ExplainArgs& a) {
  CommandLine cl("explain", "explain --bundle PATH --in FILE [--request-id ID] [--max-reasons N]",
                 kDescription);
  cl.Bundle(&a.bundle)
      .Text("in", "FILE", "the request(s) (required)", &a.in)
      .Required()
      .Text("request-id", "ID", "which request, when FILE has several", &a.request_id)
      .Integer("max-reasons", "N", "adverse reasons to show, 0 to 64 (default 4)", 0,
               kMaxReasonCodes, &a.max_reasons)
      .Epilog(kEpilog);
  return cl.Parse(argc, argv);
}

std::string DimensionLabel(v1::Dimension d) {
  std::string name = v1::Dimension_Name(d);
  return name.rfind("DIMENSION_", 0) == 0 ? name.substr(10) : name;
}

std::string SeverityLabel(v1::Severity s) {
  std::string name = v1::Severity_Name(s);
  return name.rfind("SEVERITY_", 0) == 0 ? name.substr(9) : name;
}

std::string Money(const v1::Money& m) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.2f", static_cast<double>(m.minor_units()) / 100.0);
  return std::string(buf) + " " + m.currency_code();
}

const v1::Rule* FindRule(const v1::Bundle& b, const std::string& set, const std::string& id) {
  for (const auto& s : b.rule_sets()) {
    if (s.id() != set) continue;
    for (const auto& r : s.rules()) {
      if (r.id() == id) return &r;
    }
  }
  return nullptr;
}

const v1::DecisionTable* FindTable(const v1::Bundle& b, const std::string& id) {
  for (const auto& t : b.decision_tables()) {
    if (t.id() == id) return &t;
  }
  return nullptr;
}

// Every text below that comes from the request, the bundle or the response goes through
// P() (Printable, printable.h): a request cannot write escape sequences to the terminal.
std::string P(std::string_view s) { return Printable(s); }

// How the limit came about: the deciding table's limit entry of the chosen row (the values it
// read and its result), then the limit cap.
void ExplainLimit(std::ostream& o, const LoadedBundle& loaded, const v1::ScoreRequest& request,
                  const v1::ScoreResponse& r) {
  const v1::Decision& d = r.decision();
  if (d.outcome() != v1::OUTCOME_APPROVE) return;
  const std::string& table_id = loaded.bundle.decision().table();
  const v1::DecisionTable* table = FindTable(loaded.bundle, table_id);
  for (const auto& t : r.decision_tables()) {
    if (table == nullptr || t.table_id() != table_id || t.errored() || t.matched_rows_size() != 1) {
      continue;
    }
    const int row = t.matched_rows(0);
    for (int i = 0; i < table->outputs_size() && row >= 0 && row < table->rows_size(); ++i) {
      if (table->outputs(i).name() != "limit") continue;
      const std::string& entry = table->rows(row).output_entries(i);
      o << "  limit from " << P(table_id) << " row " << row << ": " << P(entry) << "\n";
      const std::string read = rules::DescribeReads(entry, request, r);
      if (!read.empty()) o << "    read:   " << P(read) << "\n";
      for (const auto& v : t.outputs()) {
        if (v.name() == "limit") o << "    result: " << P(v.value()) << "\n";
      }
    }
  }
  const std::string& cap = loaded.bundle.decision().limit_cap();
  if (cap.empty()) return;
  o << "  limit cap: " << P(cap) << "\n";
  const std::string read = rules::DescribeReads(cap, request, r);
  if (!read.empty()) o << "    read:   " << P(read) << "\n";
  if (d.has_limit_cap()) {
    o << "    result: " << P(Money(d.limit_cap()))
      << (d.limit_capped() ? " (the limit was lowered to it)" : " (not reached)") << "\n";
  } else {
    o << "    could not be evaluated: no limit is given\n";
  }
}

std::string KindLabel(v1::ReasonKind kind) {
  switch (kind) {
    case v1::REASON_KIND_INSUFFICIENT_DATA:
      return " [not enough history]";
    case v1::REASON_KIND_KEY_FACTOR:
      return " [key factor]";
    default:
      return "";
  }
}

// The shadow models, the assignment and the credit model's governance.
void ExplainModels(std::ostream& o, const v1::ScoreResponse& r) {
  o << "\nSHADOW MODELS\n";
  if (r.shadow_size() == 0) o << "  none\n";
  for (const auto& s : r.shadow()) {
    o << "  " << P(s.model_id()) << ": ";
    if (!s.available()) {
      o << "unavailable: " << P(s.unavailable_reason()) << "\n";
      continue;
    }
    o << "PD " << FormatNumber(s.pd()) << "  score " << FormatNumber(s.score()) << "  grade "
      << P(s.grade()) << "  (margin " << FormatNumber(s.margin()) << ")\n";
  }
  const v1::Audit& a = r.audit();
  if (a.has_assignment()) {
    o << "  assignment: " << P(a.assignment().arm()) << " (bucket "
      << FormatNumber(a.assignment().bucket()) << ", experiment " << P(a.assignment().salt_digest())
      << ")\n";
  }
  if (a.has_model_governance()) {
    const auto& g = a.model_governance();
    std::string status = v1::ValidationStatus_Name(g.validation_status());
    if (status.rfind("VALIDATION_STATUS_", 0) == 0) status = status.substr(18);
    o << "\nGOVERNANCE of " << P(r.credit().model_id()) << "\n  owner " << P(g.owner())
      << "; validation " << status << " " << P(g.validation_date()) << " by " << P(g.approver())
      << "\n  intended use: " << P(g.intended_use()) << "\n  development sample "
      << P(g.development_sample_digest()) << " (" << P(g.development_period_start()) << " to "
      << P(g.development_period_end()) << ")\n";
    if (!g.validation_notes().empty()) o << "  notes: " << P(g.validation_notes()) << "\n";
  }
}

std::string Time(const google::protobuf::Timestamp& t) {
  return google::protobuf::util::TimeUtil::ToString(t);
}

const v1::CreditInformation* FindInformation(const v1::ComplianceResult& c,
                                             const std::string& source) {
  for (const auto& info : c.information()) {
    if ("lifecycle:" + info.cause() + "/" + info.event_id() == source) return &info;
  }
  return nullptr;
}

// When a piece of dishonest information started, ends or can be repaired.
void ExplainLifetime(std::ostream& o, const v1::CreditInformation& info, const char* indent) {
  o << indent << "started " << Time(info.identified_at()) << " (" << P(info.cause()) << ", "
    << customs::DishonestClassName(info.dishonest_class()) << ", class from "
    << P(info.class_source()) << ")";
  if (info.state() == v1::CREDIT_INFORMATION_STATE_TOLERATED) {
    o << "; tolerated as a first minor violation: it never counted\n";
    return;
  }
  if (!info.has_cleared_at()) {
    o << "; not cleared: counts until a clearing event, then for its duration";
  } else if (info.has_repaired_at()) {
    o << "; repaired " << Time(info.repaired_at());
  } else {
    o << "; ends " << Time(info.ends_at()) << " unless repaired";
  }
  if (!info.repairable()) {
    o << "; not repairable";
  } else if (info.has_repairable_from() && !info.has_repaired_at()) {
    o << "; repairable from " << Time(info.repairable_from());
  }
  if (!info.repair_status().empty()) o << "; repair " << P(info.repair_status());
  o << "\n";
}

// Every grade cap in force, the dishonest information of the history and the official grade.
void ExplainCaps(std::ostream& o, const LoadedBundle& loaded, const v1::ScoreRequest& request,
                 const v1::ScoreResponse& r) {
  const auto& k = r.compliance();
  o << "\nGRADE CAPS IN FORCE (* decides the grade)\n";
  if (k.triggers_size() == 0) o << "  none\n";
  for (const auto& t : k.triggers()) {
    o << "  " << (t.binding() ? "* " : "  ") << P(t.source()) << " caps at " << P(t.grade_cap())
      << "\n";
    if (const v1::CreditInformation* info = FindInformation(k, t.source())) {
      ExplainLifetime(o, *info, "      ");
      o << "      why: " << P(info->explanation()) << "\n";
      continue;
    }
    const std::string id = t.source().substr(t.source().find('/') + 1);
    const std::string set = t.source().substr(5, t.source().find('/') - 5);
    o << "      a condition on the history as of as_of: it holds now and ends when the "
         "condition no longer holds; no repair by application\n";
    if (const v1::Rule* rule = FindRule(loaded.bundle, set, id)) {
      o << "      why: " << P(rule->description()) << "\n";
      const std::string read = rules::DescribeReads(rule->condition(), request, r);
      if (!read.empty()) o << "      read: " << P(read) << "\n";
    }
  }
  o << "\nDISHONEST INFORMATION\n";
  if (k.information_size() == 0) o << "  none\n";
  for (const auto& info : k.information()) {
    std::string state = v1::CreditInformationState_Name(info.state());
    state = state.substr(state.rfind('_') + 1);
    o << "  " << P(info.event_id()) << " " << state;
    if (!info.grade_cap().empty()) o << ", caps at " << P(info.grade_cap());
    if (info.points() != 0) o << ", " << FormatNumber(info.points()) << " points";
    o << "\n";
    ExplainLifetime(o, info, "    ");
  }
  if (k.has_official()) {
    const auto& c = k.official();
    o << "\nOFFICIAL CUSTOMS GRADE\n  " << P(c.official_grade()) << " effective "
      << Time(c.effective_at()) << ": " << P(c.difference()) << " (engine " << P(k.grade())
      << ")\n";
    for (const auto& why : c.reasons()) o << "    " << P(why) << "\n";
  }
}

// Each decision table's policy, inputs with the values they read, matched rows and result.
void ExplainTables(std::ostream& o, const LoadedBundle& loaded, const v1::ScoreRequest& request,
                   const v1::ScoreResponse& r) {
  o << "\nDECISION TABLES\n";
  if (r.decision_tables_size() == 0) o << "  none\n";
  for (const auto& t : r.decision_tables()) {
    const v1::DecisionTable* table = FindTable(loaded.bundle, t.table_id());
    o << "  " << P(t.table_id());
    if (table != nullptr) {
      std::string policy = v1::DecisionHitPolicy_Name(table->hit_policy());
      if (policy.rfind("DECISION_HIT_POLICY_", 0) == 0) policy = policy.substr(20);
      o << " (" << policy << ")";
    }
    if (t.errored()) o << ": could not decide: " << P(t.error());
    o << "\n";
    if (table != nullptr) {
      for (const auto& in : table->inputs()) {
        o << "    input " << P(in.name()) << " = " << P(in.expression());
        const std::string read = rules::DescribeReads(in.expression(), request, r);
        if (!read.empty()) o << "   [" << P(read) << "]";
        o << "\n";
      }
    }
    for (int row : t.matched_rows()) {
      o << "    matched row " << row;
      if (table != nullptr && row >= 0 && row < table->rows_size()) {
        const auto& rw = table->rows(row);
        if (!rw.description().empty()) o << " (" << P(rw.description()) << ")";
        o << ":";
        for (int i = 0; i < rw.input_entries_size(); ++i) {
          o << (i ? ", " : " ")
            << (i < table->inputs_size() ? P(table->inputs(i).name()) : std::to_string(i)) << " "
            << P(rw.input_entries(i));
        }
        o << " ->";
        for (int i = 0; i < rw.output_entries_size(); ++i) {
          o << (i ? ", " : " ")
            << (i < table->outputs_size() ? P(table->outputs(i).name()) : std::to_string(i))
            << " = " << P(rw.output_entries(i));
        }
      }
      o << "\n";
    }
    if (!t.errored() && t.outputs_size() > 0) {
      o << "    result:";
      for (const auto& v : t.outputs()) o << " " << P(v.name()) << " = " << P(v.value());
      o << "\n";
    }
  }
}

// The request, the bundle, and the credit, compliance and decision sections.
void ExplainScores(std::ostream& o, const LoadedBundle& loaded, const BundleInfo& info,
                   const v1::ScoreRequest& request, const v1::ScoreResponse& r) {
  const auto& e = request.enterprise();
  o << "request " << P(r.request_id()) << "  enterprise " << P(r.enterprise_id());
  if (!e.name().empty()) o << " (" << P(e.name()) << ")";
  o << "\n  zone " << (e.zone().empty() ? "-" : P(e.zone())) << ", sector "
    << (e.sector().empty() ? "-" : P(e.sector())) << ", country "
    << (e.country().empty() ? "-" : P(e.country())) << "\n";
  o << "  as of " << google::protobuf::util::TimeUtil::ToString(request.as_of()) << "; "
    << r.ingest().events_used() << " of " << r.ingest().events_received() << " events used\n";
  o << "bundle " << P(info.name) << " " << P(info.version) << " " << P(info.digest) << "\n\n";

  const auto& c = r.credit();
  o << "CREDIT\n";
  if (c.available()) {
    o << "  PD " << FormatNumber(c.pd()) << "  score " << FormatNumber(c.score()) << "  grade "
      << P(c.grade()) << "  (model " << P(c.model_id()) << ", margin " << FormatNumber(c.margin())
      << ")\n";
  } else {
    o << "  unavailable: " << P(c.unavailable_reason()) << "\n";
  }
  const auto& k = r.compliance();
  o << "COMPLIANCE\n";
  if (k.available()) {
    o << "  score " << FormatNumber(k.score()) << "  grade " << P(k.grade());
    if (!k.points_grade().empty() && k.points_grade() != k.grade()) {
      o << "  (the composite alone: " << P(k.points_grade()) << ")";
    }
    o << "\n";
    if (k.watch()) {
      o << "  ON WATCH: the composite alone reaches " << P(k.points_grade())
        << ", a statutory grade that only a trigger can give; the costliest hits:\n";
      for (const auto& w : k.watch_reasons()) o << "    " << P(w) << "\n";
    }
    for (const auto& d : k.dimensions()) {
      o << "    " << DimensionLabel(d.dimension()) << ": score " << FormatNumber(d.score())
        << ", points " << FormatNumber(d.points()) << ", " << d.hits() << " hit(s)\n";
    }
  } else {
    o << "  unavailable\n";
  }
  const auto& d = r.decision();
  o << "DECISION\n  " << OutcomeLabel(d.outcome());
  if (d.has_limit()) o << "  limit " << P(Money(d.limit()));
  o << "\n  decided by " << P(d.source()) << "\n";
  ExplainLimit(o, loaded, request, r);
  if (d.reason_codes_size() > 0) {
    o << "  reason codes:";
    for (const auto& code : d.reason_codes()) o << " " << P(code);
    o << "\n";
  }
}

void Explain(std::ostream& o, const LoadedBundle& loaded, const BundleInfo& info,
             const v1::ScoreRequest& request, const v1::ScoreResponse& r) {
  ExplainScores(o, loaded, info, request, r);
  o << "\nTOP REASONS (largest first)\n";
  if (r.reasons_size() == 0) o << "  none\n";
  int n = 0;
  for (const auto& reason : r.reasons()) {
    o << "  " << ++n << ". " << P(reason.code()) << " " << P(reason.text())
      << KindLabel(reason.kind()) << "\n     " << P(reason.feature()) << " = "
      << FormatNumber(reason.value()) << "  (contribution "
      << (reason.contribution() >= 0 ? "+" : "") << FormatNumber(reason.contribution())
      << " log-odds, model " << P(reason.model_id()) << ")\n";
  }

  o << "\nRULE HITS\n";
  if (r.rule_hits_size() == 0) o << "  none\n";
  for (const auto& h : r.rule_hits()) {
    o << "  " << P(h.rule_set()) << "/" << P(h.rule_id());
    if (h.errored()) {
      o << "  could not be evaluated: " << P(h.error()) << "\n";
    } else {
      o << "  " << DimensionLabel(h.dimension()) << ", " << SeverityLabel(h.severity());
      if (h.points() != 0) o << ", " << FormatNumber(h.points()) << " points";
      if (!h.reason_code().empty()) o << ", reason " << P(h.reason_code());
      if (!h.flag().empty()) o << ", flag " << P(h.flag());
      if (h.outcome() != v1::OUTCOME_UNSPECIFIED) o << ", outcome " << OutcomeLabel(h.outcome());
      if (!h.grade_cap().empty()) o << ", caps compliance at " << P(h.grade_cap());
      o << "\n";
      if (!h.message().empty()) o << "    message:   " << P(h.message()) << "\n";
    }
    if (const v1::Rule* rule = FindRule(loaded.bundle, h.rule_set(), h.rule_id())) {
      o << "    condition: " << P(rule->condition()) << "\n";
      const std::string read = rules::DescribeReads(rule->condition(), request, r);
      if (!read.empty()) o << "    read:      " << P(read) << "\n";
    }
  }

  ExplainCaps(o, loaded, request, r);
  ExplainTables(o, loaded, request, r);
  ExplainModels(o, r);
  for (const auto& w : r.warnings()) o << "\nwarning: " << P(w) << "\n";
}

// True when `text` reads as JSON Lines rather than one pretty-printed object: its first
// non-blank line, or a later line that starts with '{', is a JSON document by itself.
bool LooksLikeJsonLines(std::string_view text) {
  bool first = true;
  for (std::size_t begin = 0; begin < text.size();) {
    std::size_t end = text.find('\n', begin);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = text.substr(begin, end - begin);
    begin = end + 1;
    const std::size_t start = line.find_first_not_of(" \t\r");
    if (start == std::string_view::npos) continue;
    if ((first || line[start] == '{') && nlohmann::json::accept(line)) return true;
    first = false;
  }
  return false;
}

// The request of `text` that `wanted` names (the only one when `wanted` is empty). Errors
// name the record (index, or line:col in a pretty-printed object) or say what is missing.
Result<v1::ScoreRequest> FindRequest(const std::string& text, const std::string& path,
                                     const std::string& wanted) {
  // A single JSON object (possibly pretty-printed) ...
  const std::size_t first = text.find_first_not_of(" \t\r\n");
  if (first != std::string::npos && text[first] == '{') {
    auto one = ParseRequest(text, WireFormat::kJson);
    if (one.ok() && (wanted.empty() || one->request_id() == wanted)) return one;
    if (one.ok() || !LooksLikeJsonLines(text)) {
      if (!one.ok()) return one.status().WithLocation({.file = path});
      return NotFoundError("no request with id '" + wanted + "' in " + path);
    }
  }
  // ... or a stream of them.
  std::istringstream stream(text);
  RecordReader reader(stream, DetectRecordFormat(path, stream));
  std::size_t count = 0;
  std::optional<v1::ScoreRequest> found;
  while (auto rec = reader.Next()) {
    ++count;
    if (!rec->request) {
      if (wanted.empty()) return rec->error.WithPrefix("record " + std::to_string(rec->index));
      continue;
    }
    if (wanted.empty() ? count == 1 : rec->request->request_id() == wanted) {
      found = std::move(*rec->request);
      if (!wanted.empty()) break;
    }
  }
  if (wanted.empty() && count > 1) {
    return InvalidArgumentError(path + " holds " + std::to_string(count) +
                                " requests; choose one with --request-id");
  }
  if (!found) {
    return NotFoundError(wanted.empty() ? "no request in " + path
                                        : "no request with id '" + wanted + "' in " + path);
  }
  return *std::move(found);
}

}  // namespace

int ExplainCommand(int argc, char** argv) {
  ExplainArgs args;
  if (std::optional<int> exit = ParseExplainArgs(argc, argv, args)) return *exit;
  auto in = OpenInput("--in", args.in);
  if (!in.ok()) {
    PrintError("explain", in.status().message());
    return 2;
  }
  LoadedBundle loaded;
  auto engine = LoadEngine("explain", args.bundle, &loaded);
  if (engine == nullptr) return 2;
  ScoreOptions options;
  options.include_features = true;
  options.max_reason_codes = args.max_reasons;

  std::ostringstream all;
  all << (*in)->rdbuf();
  auto request = FindRequest(all.str(), args.in, args.request_id);
  if (!request.ok()) {
    PrintError("explain", request.status());
    return 2;
  }
  auto response = engine->Score(*request, options);
  if (!response.ok()) {
    PrintError("explain", "request " + Printable(request->request_id()) +
                              " failed: " + response.status().ToString());
    return 1;
  }
  Explain(std::cout, loaded, engine->info(), *request, *response);
  return 0;
}

}  // namespace credence::cli
