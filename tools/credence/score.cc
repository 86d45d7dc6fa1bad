// credence score: scores JSON Lines ScoreRequests with a bundle.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "args.h"
#include "commands.h"
#include "credence/bundle.h"
#include "credence/engine.h"
#include "credence/thread_pool.h"
#include "output.h"
#include "score_stream.h"
#include "summary.h"

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
  --summary            print a readable summary instead of records: the first requests in
                       full, then decisions, grade distributions, top reasons and rule hits,
                       and throughput
  --summary-rows N     requests shown in full by --summary (default 10)
  --include-features   include every feature value in each response
  --max-reasons N      adverse reasons per response (default 4)

Memory stays bounded: records are read, scored and written in windows of 16 per thread
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
  std::size_t failed() const { return failed_; }

 private:
  // Counts a record; false asks the stream to stop.
  bool Done() {
    ++records_;
    progress_.Update(records_, reader_.bytes_read());
    return true;
  }

  // Counts a failed record; with --fail-fast says so and asks the stream to stop.
  bool Failed(std::size_t index, const std::string& request_id, const Status& error) {
    ++failed_;
    if (!fail_fast_) return Done();
    ++records_;
    std::cerr << "credence score: record " << index
              << (request_id.empty() ? "" : " (" + request_id + ")")
              << " failed: " << error.ToString() << "; stopping (--fail-fast)\n";
    stopped_ = true;
    return false;
  }

  RecordReader& reader_;
  std::ostream& out_;
  bool fail_fast_;
  Progress progress_;
  std::size_t records_ = 0, failed_ = 0;
  bool stopped_ = false;
};

}  // namespace

int ScoreCommand(int argc, char** argv) {
  Args args(
      argc, argv,
      {"bundle", "in", "out", "threads", "max-reasons", "format", "out-format", "summary-rows"},
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
  int summary_rows = 10;
  stream.score.include_features = args.Has("include-features");
  try {
    if (args.Has("max-reasons")) stream.score.max_reason_codes = std::stoi(args.Get("max-reasons"));
    if (args.Has("threads")) stream.threads = std::stoi(args.Get("threads"));
    if (args.Has("summary-rows")) summary_rows = std::stoi(args.Get("summary-rows"));
  } catch (const std::exception&) {
    std::cerr << "credence score: --threads, --max-reasons and --summary-rows take integers\n";
    return 2;
  }
  if (stream.threads < 0 || stream.threads > 256) {
    std::cerr << "credence score: --threads must be in [0, 256]\n";
    return 2;
  }
  if (summary_rows < 0) {
    std::cerr << "credence score: --summary-rows must be >= 0\n";
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
  const bool fail_fast = args.Has("fail-fast");
  std::unique_ptr<PopulationSummary> summary;
  if (args.Has("summary")) {
    // The engine compiled from this bundle already; loading it again only reads the file.
    auto loaded = LoadBundle(args.Get("bundle"));
    summary = std::make_unique<PopulationSummary>(loaded.ok() ? loaded->bundle : v1::Bundle(),
                                                  static_cast<std::size_t>(summary_rows));
    summary->PrintHeader(out.stream());
  }
  const auto start = std::chrono::steady_clock::now();

  RecordReader reader(*in, in_format);
  ScoreRun run(reader, out.stream(), fail_fast, InputSize(in_path));
  const Status streamed =
      summary ? run.Summarize(*engine, stream, *summary) : run.Write(*engine, stream, out_format);
  if (!streamed.ok()) {
    std::cerr << "credence score: " << streamed << "\n";
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
    std::cerr << "credence score: " << out.error() << "\n";
    return 2;
  }
  return run.failed() == 0 ? 0 : 1;
}

}  // namespace credence::cli
