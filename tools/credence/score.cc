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
#include "score_stream.h"

namespace credence::cli {
namespace {

constexpr const char* kUsage =
    R"(usage: credence score --bundle PATH [--in FILE] [--out FILE] [options]

Scores a stream of credence.v1.ScoreRequest records and writes one record per input
record, in input order: the ScoreResponse, or an error record when the record cannot be
read or fails validation (it carries the record's 0-based index, its request id when it
could be read, a status code, the message and the location).

Formats (see docs/cli.md):
  jsonl  one JSON object per line (protobuf's JSON mapping); blank lines are skipped; an
         error record is the line {"error":{"index","requestId","code","message","location"}}
  pb     length-delimited binary records (varint length + bytes, as protobuf's
         SerializeDelimitedToOstream); an error record is a ScoreResponse whose `error`
         field (credence.v1.RecordError) is set. A corrupt length prefix, a length above
         256 MiB or a truncated record cannot be resynchronised: it yields one error record
         for the rest of the stream, which is counted as one failed record.

  --bundle PATH        bundle file or folder (required)
  --in FILE            input, default '-' (stdin)
  --format F           input format, jsonl or pb; default: from the extension (.pb, .bin,
                       .binpb: pb; .jsonl, .json: jsonl), else from the first byte ('{' or
                       white space: jsonl)
  --out FILE           output, default stdout; written to a temporary FILE.tmp.PID and
                       renamed to FILE only when every record was processed (SIGINT/SIGTERM
                       remove the temporary file)
  --out-format F       output format, jsonl or pb (default: the input's)
  --threads N          scoring threads (default: all cores); output bytes do not depend on it
  --fail-fast          stop at the first record that fails: the records before it and its
                       error record are written to stdout; with --out nothing is renamed
  --summary            print a readable table instead of records
  --include-features   include every feature value in each response
  --max-reasons N      adverse reasons per response (default 4)

Memory stays bounded: records are read, scored and written in windows of 16 per thread
(at least 64). A progress line (records, records/s, ETA for files) goes to stderr when
stderr is a terminal.

Exit status: 0 when every record was scored, 1 when any record failed, 2 on a usage,
input or bundle error.
)";

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
  Args args(argc, argv, {"bundle", "in", "out", "threads", "max-reasons", "format", "out-format"},
            {"summary", "include-features", "fail-fast", "help"});
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
  auto engine = LoadEngine("score", args.Get("bundle"));
  if (engine == nullptr) return 2;
  StreamOptions stream;
  stream.score.include_features = args.Has("include-features");
  try {
    if (args.Has("max-reasons")) stream.score.max_reason_codes = std::stoi(args.Get("max-reasons"));
    if (args.Has("threads")) stream.threads = std::stoi(args.Get("threads"));
  } catch (const std::exception&) {
    std::cerr << "credence score: --threads and --max-reasons take integers\n";
    return 2;
  }
  if (stream.threads < 0 || stream.threads > 256) {
    std::cerr << "credence score: --threads must be in [0, 256]\n";
    return 2;
  }

  const std::string in_path = args.Get("in", "-");
  std::string open_error;
  auto in = OpenInput(in_path, &open_error);
  if (in == nullptr) {
    std::cerr << "credence score: " << open_error << "\n";
    return 2;
  }
  RecordFormat in_format;
  if (args.Has("format")) {
    auto f = ParseRecordFormat(args.Get("format"));
    if (!f.ok()) {
      std::cerr << "credence score: --format: " << f.status().message() << "\n";
      return 2;
    }
    in_format = *f;
  } else {
    in_format = DetectRecordFormat(in_path, *in);
  }
  RecordFormat out_format = in_format;
  if (args.Has("out-format")) {
    auto f = ParseRecordFormat(args.Get("out-format"));
    if (!f.ok()) {
      std::cerr << "credence score: --out-format: " << f.status().message() << "\n";
      return 2;
    }
    out_format = *f;
  }
  OutputFile out(args.Get("out"));
  if (!out.ok()) {
    std::cerr << "credence score: " << out.error() << "\n";
    return 2;
  }
  const bool summary = args.Has("summary");
  const bool fail_fast = args.Has("fail-fast");
  if (summary) PrintSummaryHeader(out.stream());

  RecordReader reader(*in, in_format);
  RecordWriter writer(out.stream(), out_format);
  Progress progress(StderrIsTerminal(), InputSize(in_path));
  Counts counts;
  bool stopped = false;
  const Engine* engines[] = {engine.get()};
  ScoreStream(reader, engines, stream, [&](const ScoredRecord& r) {
    ++counts.records;
    const std::size_t index = r.input->index;
    const Status* error = nullptr;
    std::string request_id;
    if (!r.input->request) {
      error = &r.input->error;
    } else {
      request_id = r.input->request->request_id();
      if (!r.results[0]->ok()) error = &r.results[0]->status();
    }
    if (error != nullptr) {
      ++counts.failed;
      if (summary) {
        out.stream() << "record " << index << (request_id.empty() ? "" : " (" + request_id + ")")
                     << ": error: " << error->ToString() << "\n";
      } else {
        writer.WriteError(index, request_id, *error);
      }
      if (fail_fast) {
        std::cerr << "credence score: record " << index
                  << (request_id.empty() ? "" : " (" + request_id + ")")
                  << " failed: " << error->ToString() << "; stopping (--fail-fast)\n";
        stopped = true;
        return false;
      }
    } else {
      const v1::ScoreResponse& response = **r.results[0];
      ++counts.scored;
      ++counts.outcomes[OutcomeName(response.decision().outcome())];
      ++counts.grades[response.credit().available() ? response.credit().grade() : "n/a"];
      if (response.compliance().available())
        ++counts.compliance_grades[response.compliance().grade()];
      if (summary) {
        PrintSummaryRow(out.stream(), response);
      } else {
        writer.WriteResponse(index, response);
      }
    }
    progress.Update(counts.records, reader.bytes_read());
    return true;
  });
  progress.Finish(counts.records, reader.bytes_read());
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
    const BundleInfo& info = engine->info();
    s << "\nbundle:    " << info.name << " " << info.version << " " << info.digest << "\n";
  }
  if (stopped) {
    out.stream().flush();
    return 1;  // OutputFile's destructor removes the temporary file
  }
  if (!out.Commit()) {
    std::cerr << "credence score: " << out.error() << "\n";
    return 2;
  }
  return counts.failed == 0 ? 0 : 1;
}

}  // namespace credence::cli
