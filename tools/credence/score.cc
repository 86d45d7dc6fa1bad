// credence score: scores JSON Lines ScoreRequests with a bundle.
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "args.h"
#include "commands.h"
#include "credence/engine.h"
#include "output.h"

namespace credence::cli {
namespace {

constexpr const char* kUsage =
    R"(usage: credence score --bundle PATH [--in FILE] [--out FILE] [options]

Scores credence.v1.ScoreRequest records, one JSON object per line (protobuf's JSON
mapping), and writes one record per input record, in input order: the ScoreResponse as
one JSON line, or an error record {"error": {"index", "requestId", "code", "message",
"location"}} when the record cannot be read or fails validation. Blank lines are skipped.

  --bundle PATH        bundle file or folder (required)
  --in FILE            input, default '-' (stdin)
  --out FILE           output, default stdout; written to FILE.tmp and renamed when done
  --threads N          scoring threads (default: all cores); output does not depend on it
  --summary            print a readable table instead of JSON
  --include-features   include every feature value in each response
  --max-reasons N      adverse reasons per response (default 4)

Exit status: 0 when every record was scored, 1 when any record failed, 2 on a usage or
bundle error.
)";

constexpr std::size_t kChunk = 512;

struct Counts {
  std::size_t records = 0, scored = 0, failed = 0;
  std::map<std::string, int> outcomes, grades, compliance_grades;
};

std::string OutcomeName(v1::Outcome o) {
  std::string name = v1::Outcome_Name(o);
  return name.rfind("OUTCOME_", 0) == 0 ? name.substr(8) : name;
}

void PrintSummaryHeader(std::ostream& out) {
  char line[256];
  std::snprintf(line, sizeof line, "%-10s %-18s %7s %8s %6s %-5s %-20s %-8s %s\n", "request",
                "enterprise", "events", "PD", "score", "grade", "compliance", "decision",
                "top reasons");
  out << line;
}

void PrintSummaryRow(std::ostream& out, const v1::ScoreResponse& r) {
  std::string reasons;
  for (const auto& reason : r.reasons()) {
    if (!reasons.empty()) reasons += ", ";
    reasons += reason.code() + " " + reason.feature();
  }
  char pd[32] = "-", score[32] = "-";
  if (r.credit().available()) {
    std::snprintf(pd, sizeof pd, "%.4f", r.credit().pd());
    std::snprintf(score, sizeof score, "%.0f", r.credit().score());
  }
  char compliance[64] = "-";
  if (r.compliance().available()) {
    std::snprintf(compliance, sizeof compliance, "%.0f %s", r.compliance().score(),
                  r.compliance().grade().c_str());
  }
  char line[1024];
  std::snprintf(line, sizeof line, "%-10s %-18s %7d %8s %6s %-5s %-20s %-8s %s\n",
                r.request_id().c_str(), r.enterprise_id().c_str(), r.ingest().events_used(), pd,
                score, r.credit().grade().c_str(), compliance,
                OutcomeName(r.decision().outcome()).c_str(), reasons.c_str());
  out << line;
  for (const auto& h : r.rule_hits()) {
    out << "           rule " << h.rule_set() << "/" << h.rule_id();
    if (h.errored()) {
      out << ": could not be evaluated: " << h.error() << "\n";
      continue;
    }
    if (!h.reason_code().empty()) out << " [" << h.reason_code() << "]";
    if (!h.message().empty()) out << ": " << h.message();
    if (h.outcome() != v1::OUTCOME_UNSPECIFIED) out << " -> " << OutcomeName(h.outcome());
    if (!h.grade_cap().empty()) out << " (caps compliance at " << h.grade_cap() << ")";
    out << "\n";
  }
  out << "           decided by " << r.decision().source() << "\n";
  if (r.ingest().events_after_as_of() > 0 || r.ingest().duplicates_dropped() > 0) {
    out << "           note: " << r.ingest().events_after_as_of() << " events after as_of ignored, "
        << r.ingest().duplicates_dropped() << " duplicate events dropped\n";
  }
  for (const auto& w : r.warnings()) out << "           warning: " << w << "\n";
}

}  // namespace

int ScoreCommand(int argc, char** argv) {
  Args args(argc, argv, {"bundle", "in", "out", "threads", "max-reasons"},
            {"summary", "include-features", "help"});
  if (args.Has("help")) {
    std::cout << kUsage;
    return 0;
  }
  if (!args.ok() || !args.Has("bundle") || !args.positional().empty()) {
    std::cerr << "credence score: "
              << (args.ok()
                      ? (args.Has("bundle") ? "unexpected argument " + (args.positional().empty()
                                                                            ? std::string()
                                                                            : args.positional()[0])
                                            : "--bundle is required")
                      : args.error())
              << "\n\n"
              << kUsage;
    return 2;
  }
  auto loaded = LoadBundle(args.Get("bundle"));
  if (!loaded.ok()) {
    std::cerr << "credence score: " << loaded.status() << "\n";
    return 2;
  }
  auto engine = Engine::Compile(*loaded);
  if (!engine.ok()) {
    std::cerr << "credence score: " << engine.status() << "\n";
    return 2;
  }
  ScoreOptions options;
  options.include_features = args.Has("include-features");
  BatchOptions batch;
  try {
    if (args.Has("max-reasons")) options.max_reason_codes = std::stoi(args.Get("max-reasons"));
    if (args.Has("threads")) batch.threads = std::stoi(args.Get("threads"));
  } catch (const std::exception&) {
    std::cerr << "credence score: --threads and --max-reasons take integers\n";
    return 2;
  }

  std::ifstream file;
  std::istream* in = &std::cin;
  const std::string in_path = args.Get("in", "-");
  if (in_path != "-") {
    file.open(in_path, std::ios::binary);
    if (!file) {
      std::cerr << "credence score: cannot open " << in_path << "\n";
      return 2;
    }
    in = &file;
  }
  OutputFile out(args.Get("out"));
  if (!out.ok()) {
    std::cerr << "credence score: " << out.error() << "\n";
    return 2;
  }
  const bool summary = args.Has("summary");
  if (summary) PrintSummaryHeader(out.stream());

  Counts counts;
  std::string line;
  bool eof = false;
  const RequestLimits limits;
  while (!eof) {
    // Read a chunk of records, then score it in parallel.
    std::vector<std::size_t> indices;
    std::vector<Result<v1::ScoreRequest>> parsed;
    while (parsed.size() < kChunk) {
      if (!std::getline(*in, line)) {
        eof = true;
        break;
      }
      if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
      indices.push_back(counts.records++);
      parsed.push_back(ParseRequest(line, WireFormat::kJson, limits));
    }
    std::vector<v1::ScoreRequest> requests;
    std::vector<std::size_t> slot(parsed.size(), SIZE_MAX);
    for (std::size_t i = 0; i < parsed.size(); ++i) {
      if (parsed[i].ok()) {
        slot[i] = requests.size();
        requests.push_back(std::move(parsed[i]).value());
      }
    }
    auto results = (*engine)->ScoreBatch(requests, options, batch);
    for (std::size_t i = 0; i < parsed.size(); ++i) {
      const Status* error = nullptr;
      std::string request_id;
      if (slot[i] == SIZE_MAX) {
        error = &parsed[i].status();
      } else {
        request_id = requests[slot[i]].request_id();
        if (!results[slot[i]].ok()) error = &results[slot[i]].status();
      }
      if (error != nullptr) {
        ++counts.failed;
        if (summary) {
          out.stream() << "record " << indices[i]
                       << (request_id.empty() ? "" : " (" + request_id + ")")
                       << ": error: " << error->ToString() << "\n";
        } else {
          out.stream() << ErrorRecordJson(indices[i], request_id, *error) << "\n";
        }
        continue;
      }
      const v1::ScoreResponse& response = *results[slot[i]];
      ++counts.scored;
      ++counts.outcomes[OutcomeName(response.decision().outcome())];
      ++counts.grades[response.credit().available() ? response.credit().grade() : "n/a"];
      if (response.compliance().available()) ++counts.compliance_grades[response.compliance().grade()];
      if (summary) {
        PrintSummaryRow(out.stream(), response);
      } else {
        auto json = SerializeResponse(response, WireFormat::kJson);
        out.stream() << (json.ok() ? *json : ErrorRecordJson(indices[i], request_id, json.status()))
                     << "\n";
      }
    }
  }
  if (summary) {
    std::ostream& s = out.stream();
    s << "\n"
      << counts.records << " records: " << counts.scored << " scored, " << counts.failed
      << " failed\n";
    s << "decisions:";
    for (const auto& [k, v] : counts.outcomes) s << " " << k << " " << v;
    s << "\ngrades:   ";
    for (const auto& [k, v] : counts.grades) s << " " << k << " " << v;
    if (!counts.compliance_grades.empty()) {
      s << "\ncompliance:";
      for (const auto& [k, v] : counts.compliance_grades) s << " " << k << " " << v;
    }
    const BundleInfo& info = (*engine)->info();
    s << "\nbundle:    " << info.name << " " << info.version << " " << info.digest << "\n";
  }
  if (!out.Commit()) {
    std::cerr << "credence score: " << out.error() << "\n";
    return 2;
  }
  return counts.failed == 0 ? 0 : 1;
}

}  // namespace credence::cli
