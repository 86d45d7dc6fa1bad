// credence screen: screens a stream of ScreenRequests against durable per-enterprise states.
#include <deque>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "command_line.h"
#include "commands.h"
#include "credence/screener.h"
#include "credence/state_store.h"
#include "credence/thread_pool.h"
#include "output.h"
#include "score_stream.h"

namespace credence::cli {
namespace {

constexpr const char* kDescription =
    R"(Screens a stream of credence.v1.ScreenRequest records (one event each) and writes one
ScreenResponse per input record, in input order: ALLOW / REVIEW / BLOCK with the rule hits,
or an error record when the record cannot be read or screened (as `credence score` writes
them). Each enterprise's state (its features, kept up to date event by event) lives in a
RocksDB database in --state; events of one enterprise are applied in input order, different
enterprises in parallel, and the output bytes do not depend on --threads.

Durability (docs/screening.md): records are screened in windows; each window's states and
the responses of the events it applied are committed to the store in one atomic write
(write-ahead log synced) before its responses are written. Killed at any moment, the command
can be run again on the same input and state: the events already applied are answered from
the decision log (same response) and not applied twice, so the output equals an
uninterrupted run's.
)";

constexpr const char* kEpilog =
    R"(Formats as for `credence score` (docs/cli.md): jsonl or pb, detected from --in's
extension or first byte. A progress line goes to stderr when stderr is a terminal.

Exit status: 0 when every record was screened, 1 when any record failed, 2 on a usage,
input, bundle or state-store error (then the output is not written).
)";

struct ScreenArgs {
  std::string bundle, state, in = "-", out, format, out_format;
  int threads = 0;
  std::size_t window = 16384;
  bool no_sync = false;
  std::optional<RecordFormat> in_format, out_format_given;
};

std::optional<int> ParseScreenArgs(int argc, char** argv, ScreenArgs& a) {
  CommandLine cl("screen", "screen --bundle PATH --state DIR [--in FILE] [--out FILE] [options]",
                 kDescription);
  cl.Bundle(&a.bundle)
      .Text("state", "DIR", "the state store (a RocksDB folder, created when missing; required)",
            &a.state)
      .Required()
      .Text("in", "FILE", "input, default '-' (stdin)", &a.in)
      .Text("format", "F",
            "input format, jsonl or pb; default: from the extension, else the first byte",
            &a.format)
      .Text("out", "FILE",
            "output, default stdout; written to FILE.tmp.PID and renamed to FILE when every record "
            "was processed",
            &a.out)
      .Text("out-format", "F", "output format, jsonl or pb (default: the input's)", &a.out_format)
      .Threads("threads, 0 to 256 (default 0: all cores); output bytes do not depend on it",
               &a.threads)
      .Integer("window", "N",
               "records per commit (default 16384): larger windows commit less often (each commit "
               "writes the whole state of every enterprise it touched) and hold more in memory",
               std::size_t{1}, std::size_t{1} << 20, &a.window)
      .Flag("no-sync",
            "commit without syncing the write-ahead log: survives a killed process, not a power "
            "loss (faster)",
            &a.no_sync)
      .Epilog(kEpilog);
  if (std::optional<int> exit = cl.Parse(argc, argv)) return exit;
  return ParseFormatOptions(cl, a.format, a.out_format, a.in, a.out, &a.in_format,
                            &a.out_format_given);
}

// Streams every window of `reader` through the screener (Screener::ScreenStream: a window's
// commit overlaps the next window's screening) and writes the records in order. Returns the
// number of failed records, or the error that stopped the stream.
Result<std::size_t> ScreenStream(RecordReader& reader, Screener& screener, ThreadPool& pool,
                                 std::size_t window, RecordWriter& writer, Progress& progress) {
  const SerializedOptions options{.in_format = reader.format() == RecordFormat::kJsonl
                                                   ? WireFormat::kJson
                                                   : WireFormat::kBinary,
                                  .out_format = writer.wire_format()};
  // The windows read and not yet written: screened, or being committed.
  std::deque<std::vector<RawRecord>> windows;
  std::size_t records = 0, failed = 0;
  auto next = [&](std::vector<std::string_view>& views) -> Result<bool> {
    std::vector<RawRecord> raws;
    if (!ReadWindow(reader, window, raws)) return false;
    for (const RawRecord& raw : raws) {
      if (raw.error.ok()) views.push_back(raw.bytes);
    }
    windows.push_back(std::move(raws));
    return true;
  };
  auto emit = [&](std::vector<SerializedResult> results) -> Status {
    std::size_t at = 0;
    for (const RawRecord& raw : windows.front()) {
      ++records;
      const SerializedResult* r = raw.error.ok() ? &results[at++] : nullptr;
      const Status& error = r != nullptr ? r->status : raw.error;
      if (!error.ok()) {
        writer.WriteError(raw.index, r != nullptr ? r->request_id : "", error);
        ++failed;
      } else {
        writer.WriteRecord(r->bytes);
      }
    }
    windows.pop_front();
    progress.Update(records, reader.bytes_read());
    return OkStatus();
  };
  CREDENCE_RETURN_IF_ERROR(screener.ScreenStream(next, emit, options, {.pool = &pool}));
  progress.Finish(records, reader.bytes_read());
  return failed;
}

}  // namespace

int ScreenCommand(int argc, char** argv) {
  ScreenArgs args;
  if (std::optional<int> exit = ParseScreenArgs(argc, argv, args)) return *exit;
  auto engine = LoadEngine("screen", args.bundle);
  if (engine == nullptr) return 2;
  auto store = OpenRocksDbStateStore(args.state, {.sync = !args.no_sync});
  if (!store.ok()) {
    std::cerr << "credence screen: " << store.status() << "\n";
    return 2;
  }
  auto pool = ThreadPool::Create(args.threads);
  if (!pool.ok()) {
    std::cerr << "credence screen: " << pool.status() << "\n";
    return 2;
  }
  auto opened = OpenInput("--in", args.in);
  if (!opened.ok()) {
    PrintError("screen", opened.status().message());
    return 2;
  }
  std::unique_ptr<std::istream> in = std::move(opened).value();
  const RecordFormat in_format =
      args.in_format ? *args.in_format : DetectRecordFormat(args.in, *in);
  OutputFile out(args.out);
  if (!Opened("screen", out)) return 2;
  Screener screener(engine, *store);
  RecordReader reader(*in, in_format);
  RecordWriter writer(out.stream(), args.out_format_given.value_or(in_format));
  Progress progress(StderrIsTerminal(), InputSize(args.in));
  const Result<std::size_t> failed =
      ScreenStream(reader, screener, **pool, args.window, writer, progress);
  if (!failed.ok()) {
    std::cerr << "credence screen: " << failed.status()
              << " (the records screened before were committed; run again to resume)\n";
    return 2;
  }
  if (!out.Commit()) {
    std::cerr << "credence screen: " << out.error() << "\n";
    return 2;
  }
  return *failed == 0 ? 0 : 1;
}

}  // namespace credence::cli
