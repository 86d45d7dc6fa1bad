// credence score: scores JSON Lines ScoreRequests with a bundle.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "command_line.h"
#include "commands.h"
#include "credence/bundle.h"
#include "credence/engine.h"
#include "credence/thread_pool.h"
#include "output.h"
#include "score_stream.h"
#include "summary.h"

namespace credence::cli {
namespace {

constexpr const char* kDescription =
    R"(Scores a stream of credence.v1.ScoreRequest records and writes one record per input
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
)";

constexpr const char* kEpilog =
    R"(Memory stays bounded: records are read, scored and written in windows of 16 per thread
(at least 64). A progress line (records, records/s, ETA for files) goes to stderr when
stderr is a terminal.

Exit status: 0 when every record was scored, 1 when any record failed, 2 on a usage,
input or bundle error.
)";

// One pass over the input: streams records through the engine and writes each outcome (a
// response, an error record or a summary line) in input order, counting failures.
class ScoreRun {
 public:
  ScoreRun(RecordReader& reader, std::ostream& out, bool fail_fast, std::uint64_t input_size)
      : reader_(reader),
        out_(out),
        fail_fast_(fail_fast),
        progress_(StderrIsTerminal(), input_size) {}

  // Records in `out_format`, serialized on the stream's threads.
  Status Write(const Engine& engine, const StreamOptions& stream, RecordFormat out_format) {
    RecordWriter writer(out_, out_format);
    return ScoreStreamSerialized(reader_, engine, stream, writer.wire_format(),
                                 [&](const SerializedRecord& r) {
                                   const SerializedResult& result = *r.result;
                                   if (!result.status.ok()) {
                                     writer.WriteError(r.index, result.request_id, result.status);
                                     return Failed(r.index, result.request_id, result.status);
                                   }
                                   writer.WriteRecord(result.bytes);
                                   return Done();
                                 });
  }

  // The --summary lines, from the response objects.
  Status Summarize(const Engine& engine, const StreamOptions& stream, PopulationSummary& summary) {
    const Engine* engines[] = {&engine};
    return ScoreStream(reader_, engines, stream, [&](const ScoredRecord& r) {
      const std::size_t index = r.input->index;
      const std::string request_id = r.input->request ? r.input->request->request_id() : "";
      const Status& error = !r.input->request ? r.input->error : r.results[0]->status();
      if (!error.ok()) {
        summary.AddError(out_, index, request_id, error);
        return Failed(index, request_id, error);
      }
      summary.AddResponse(out_, **r.results[0]);
      return Done();
    });
  }

  void Finish() { progress_.Finish(records_, reader_.bytes_read()); }
  bool stopped() const { return stopped_; }
  std::size_t records() const { return records_; }
  std::size_t failed() const { return failed_; }
  // "record 3 (req-7): INVALID_ARGUMENT: as_of: as_of is required" for the first failure.
  const std::string& first_error() const { return first_error_; }

 private:
  // Counts a record; false asks the stream to stop (also when the output can no longer be
  // written: scoring on would only lose the results).
  bool Done() {
    ++records_;
    progress_.Update(records_, reader_.bytes_read());
    return out_.good();
  }

  // Counts a failed record; with --fail-fast says so and asks the stream to stop.
  bool Failed(std::size_t index, const std::string& request_id, const Status& error) {
    ++failed_;
    if (first_error_.empty()) {
      first_error_ = "record " + std::to_string(index) +
                     (request_id.empty() ? "" : " (" + Printable(request_id) + ")") + ": " +
                     error.ToString();
    }
    if (!fail_fast_) return Done();
    ++records_;
    PrintError("score", first_error_ + "; stopping (--fail-fast)");
    stopped_ = true;
    return false;
  }

  RecordReader& reader_;
  std::ostream& out_;
  bool fail_fast_;
  Progress progress_;
  std::size_t records_ = 0, failed_ = 0;
  bool stopped_ = false;
  std::string first_error_;
};

struct ScoreArgs {
  std::string bundle, in = "-", out, format, out_format;
  bool fail_fast = false, summary = false;
  int summary_rows = 10;
  StreamOptions stream;
  std::optional<RecordFormat> in_format, out_format_given;  // when --format / --out-format
};

std::optional<int> ParseScoreArgs(int argc, char** argv, ScoreArgs& a) {
  CommandLine cl("score", "score --bundle PATH [--in FILE] [--out FILE] [options]", kDescription);
  cl.Bundle(&a.bundle)
      .Text("in", "FILE", "input, default '-' (stdin)", &a.in)
      .Text("format", "F",
            "input format, jsonl or pb; default: from the extension (.pb, .bin, .binpb: pb; "
            ".jsonl, .json: jsonl), else from the first byte ('{' or white space: jsonl)",
            &a.format)
      .Text("out", "FILE",
            "output, default stdout; written to a temporary FILE.tmp.PID and renamed to FILE "
            "only when every record was processed (SIGINT/SIGTERM remove the temporary file)",
            &a.out)
      .Text("out-format", "F", "output format, jsonl or pb (default: the input's)", &a.out_format)
      .Threads("scoring threads, 0 to 256 (default 0: all cores); output bytes do not depend on it",
               &a.stream.threads)
      .Flag("fail-fast",
            "stop at the first record that fails: the records before it and its error record "
            "are written to stdout; with --out nothing is renamed",
            &a.fail_fast)
      .Flag("summary",
            "print a readable summary instead of records: the first requests in full, then "
            "decisions, grade distributions, top reasons and rule hits, and throughput",
            &a.summary)
      .Integer("summary-rows", "N", "requests shown in full by --summary (default 10)", 0,
               std::numeric_limits<int>::max(), &a.summary_rows)
      .Flag("include-features", "include every feature value in each response",
            &a.stream.score.include_features)
      .Integer("max-reasons", "N", "adverse reasons per response, 0 to 64 (default 4)", 0,
               kMaxReasonCodes, &a.stream.score.max_reason_codes)
      .Epilog(kEpilog);
  if (std::optional<int> exit = cl.Parse(argc, argv)) return exit;
  return ParseFormatOptions(cl, a.format, a.out_format, a.in, a.out, &a.in_format,
                            &a.out_format_given);
}

// The opened input and the record formats.
struct ScoreIo {
  std::unique_ptr<std::istream> in;
  RecordFormat in_format = RecordFormat::kJsonl, out_format = RecordFormat::kJsonl;
};

// Opens --in and detects the formats; the exit status on failure.
std::optional<int> OpenScoreIo(const ScoreArgs& args, ScoreIo& io) {
  auto in = OpenInput("--in", args.in);
  if (!in.ok()) {
    PrintError("score", in.status().message());
    return 2;
  }
  io.in = std::move(in).value();
  io.in_format = args.in_format ? *args.in_format : DetectRecordFormat(args.in, *io.in);
  io.out_format = args.out_format_given.value_or(io.in_format);
  return std::nullopt;
}

}  // namespace

int ScoreCommand(int argc, char** argv) {
  ScoreArgs args;
  if (std::optional<int> exit = ParseScoreArgs(argc, argv, args)) return *exit;
  ScoreIo io;
  if (std::optional<int> exit = OpenScoreIo(args, io)) return *exit;
  OutputFile out(args.out);
  if (!Opened("score", out)) return 2;
  LoadedBundle loaded;
  auto engine = LoadEngine("score", args.bundle, &loaded);
  if (engine == nullptr) return 2;
  const StreamOptions stream = args.stream;
  std::unique_ptr<PopulationSummary> summary;
  if (args.summary) {
    summary = std::make_unique<PopulationSummary>(loaded.bundle,
                                                  static_cast<std::size_t>(args.summary_rows));
    summary->PrintHeader(out.stream());
  }
  const auto start = std::chrono::steady_clock::now();

  RecordReader reader(*io.in, io.in_format);
  ScoreRun run(reader, out.stream(), args.fail_fast, InputSize(args.in));
  const Status streamed = summary ? run.Summarize(*engine, stream, *summary)
                                  : run.Write(*engine, stream, io.out_format);
  if (!streamed.ok()) {
    PrintError("score", streamed);
    return 2;
  }
  run.Finish();
  if (summary) {
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    summary->PrintTotals(out.stream(), engine->info(), seconds,
                         ResolveThreads(stream.threads).value());
  }
  if (run.stopped()) {
    out.stream().flush();
    return 1;  // OutputFile's destructor removes the temporary file
  }
  if (!out.Commit()) {
    PrintError("score", out.error());
    return 2;
  }
  if (run.failed() == 0) return 0;
  PrintError("score", std::to_string(run.failed()) + " of " + std::to_string(run.records()) +
                          " records failed; the first: " + run.first_error());
  return 1;
}

}  // namespace credence::cli
