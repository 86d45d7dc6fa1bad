// Streams of ScoreRequest / ScoreResponse records for the CLI: JSON Lines or length-delimited
// binary protobuf, read and scored in bounded windows, written back in input order.
//
// Binary streams ("pb") are what google::protobuf::util::SerializeDelimitedToOstream writes:
// each record is a base-128 varint byte length followed by that many bytes of the message.
// A record whose length prefix is malformed (more than 10 bytes, or cut off by the end of the
// stream), larger than kMaxRecordBytes, or whose bytes are cut off by the end of the stream
// cannot be resynchronised: it yields one error record (code DATA_LOSS or OUT_OF_RANGE) for the
// rest of the stream and reading stops. A record whose bytes are present but do not decode
// yields an error record and reading goes on with the next one.
#ifndef CREDENCE_TOOLS_CREDENCE_SCORE_STREAM_H_
#define CREDENCE_TOOLS_CREDENCE_SCORE_STREAM_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <istream>
#include <memory>
#include <optional>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "command_line.h"
#include "credence/engine.h"

namespace credence::cli {

enum class RecordFormat { kJsonl, kPb };

// Largest record (a JSON line or a binary record) read: RequestLimits::max_request_bytes.
inline constexpr std::size_t kMaxRecordBytes = RequestLimits{}.max_request_bytes;

// "jsonl" or "pb" (also "json", "binpb", "bin"). INVALID_ARGUMENT otherwise.
Result<RecordFormat> ParseRecordFormat(const std::string& name);
// The --format and --out-format options of a record-stream command, when given: parsed into
// `in` and `out`; and --in and --out (the paths) must not name the same file. Returns the
// usage error's exit status, else nullopt.
std::optional<int> ParseFormatOptions(const CommandLine& cl, const std::string& format,
                                      const std::string& out_format, const std::string& in_path,
                                      const std::string& out_path, std::optional<RecordFormat>* in,
                                      std::optional<RecordFormat>* out);
// The format of `path` by extension (.pb, .bin, .binpb: pb; .jsonl, .json, .ndjson: jsonl),
// else by the first byte of `in` ('{' or white space: JSON Lines; anything else: pb). An empty
// stream is JSON Lines.
RecordFormat DetectRecordFormat(const std::string& path, std::istream& in);

// One input record: the parsed request or why it could not be read.
struct InputRecord {
  std::size_t index = 0;
  std::optional<v1::ScoreRequest> request;
  Status error;  // set when !request
};

// One record's bytes as split from the stream, not yet parsed; or, when `error` is set, why
// it could not be split out (too long, a corrupt length prefix, truncated).
struct RawRecord {
  std::size_t index = 0;
  std::string bytes;
  Status error;
};

class RecordReader {
 public:
  RecordReader(std::istream& in, RecordFormat format,
               std::size_t max_record_bytes = kMaxRecordBytes);
  RecordReader(const RecordReader&) = delete;
  RecordReader& operator=(const RecordReader&) = delete;
  ~RecordReader();

  // The next record, or nullopt at the end of the stream (or after a record that ended it).
  // JSON Lines: blank lines are skipped.
  std::optional<InputRecord> Next();
  // The same, split but not parsed (ScoreStream parses on its worker threads).
  std::optional<RawRecord> NextRaw();
  // Parses a raw record of this reader's format.
  InputRecord Parse(RawRecord raw) const;
  std::uint64_t bytes_read() const { return consumed_; }
  // DATA_LOSS when reading the stream failed (an I/O error, a directory given as stdin):
  // the records after the failure were lost, not absent. OK otherwise.
  const Status& status() const { return status_; }
  RecordFormat format() const { return format_; }

 private:
  bool Fill();
  std::optional<RawRecord> NextLine();
  std::optional<RawRecord> NextBinary();

  std::istream& in_;
  RecordFormat format_;
  std::size_t max_bytes_;
  std::vector<char> buf_;
  std::size_t pos_ = 0, end_ = 0;
  bool eof_ = false, stopped_ = false;
  std::size_t next_index_ = 0;
  std::uint64_t consumed_ = 0;
  RequestLimits limits_;
  Status status_;
};

// Writes responses and error records in one format.
//   jsonl: one ScoreResponse JSON object per line; an error record is the line
//          {"error":{"index":N,"requestId":"...","code":"...","message":"...","location":"..."}}
//   pb:    length-delimited ScoreResponses; an error record is a ScoreResponse whose only
//          fields are request_id (when it was read) and `error` (credence.v1.RecordError).
class RecordWriter {
 public:
  RecordWriter(std::ostream& out, RecordFormat format) : out_(out), format_(format) {}
  void WriteResponse(std::size_t index, const v1::ScoreResponse& response);
  void WriteError(std::size_t index, const std::string& request_id, const Status& status);
  // Writes one record already serialized in this writer's format (a response or an error
  // record), adding the framing: a newline (jsonl) or a varint length prefix (pb).
  void WriteRecord(std::string_view bytes);
  WireFormat wire_format() const {
    return format_ == RecordFormat::kPb ? WireFormat::kBinary : WireFormat::kJson;
  }

 private:
  std::ostream& out_;
  RecordFormat format_;
  std::string scratch_;
};

// A progress line on stderr ("\r12345 records  2345/s  ETA 0:42"), updated at most 4 times a
// second; does nothing unless enabled. ETA needs the input's size in bytes (0: unknown).
class Progress {
 public:
  Progress(bool enabled, std::uint64_t total_bytes);
  void Update(std::size_t records, std::uint64_t bytes, bool force = false);
  void Finish(std::size_t records, std::uint64_t bytes);

 private:
  bool enabled_;
  std::uint64_t total_;
  std::chrono::steady_clock::time_point start_, last_;
};

// True when file descriptor 2 is a terminal.
bool StderrIsTerminal();
// The size of a regular file at `path`, 0 otherwise (stdin, pipes).
std::uint64_t InputSize(const std::string& path);

// Splits up to `window` records from `reader` into `raws` (cleared first); false when none
// is left.
bool ReadWindow(RecordReader& reader, std::size_t window, std::vector<RawRecord>& raws);

// One record after scoring with every engine.
struct ScoredRecord {
  const InputRecord* input = nullptr;
  // One per engine; empty when the input could not be read.
  std::vector<Result<v1::ScoreResponse>*> results;
};

struct StreamOptions {
  ScoreOptions score;
  int threads = 0;  // 0: all cores
  // Records read, held and scored at a time; 0: 16 per thread, at least 64.
  std::size_t window = 0;
};

// Reads every record of `reader`, parses and scores windows of them with each of `engines` on
// one pool of `options.threads` threads started for the whole stream, and calls `sink` for
// each record in input order. Stops early when `sink` returns false. Memory is bounded by the
// window, whatever the input size. Errors: OUT_OF_RANGE for a thread count outside
// [0, kMaxThreads] (before anything is read); a failure of the pool itself.
Status ScoreStream(RecordReader& reader, std::span<const Engine* const> engines,
                   const StreamOptions& options,
                   const std::function<bool(const ScoredRecord&)>& sink);

// One record of ScoreStreamSerialized: its index in the stream and its outcome (the response
// bytes, or the status and request id of a record that failed).
struct SerializedRecord {
  std::size_t index = 0;
  const SerializedResult* result = nullptr;
};

// The same with one engine, through Engine::ScoreSerialized: records are parsed, scored and
// serialized in `out_format` on the pool, and handed to `sink` as bytes.
Status ScoreStreamSerialized(RecordReader& reader, const Engine& engine,
                             const StreamOptions& options, WireFormat out_format,
                             const std::function<bool(const SerializedRecord&)>& sink);

// What an input option accepts.
enum class InputKind {
  kFile,          // a regular file, a FIFO, or "-" (stdin)
  kFileOrFolder,  // the same, or a folder (a bundle)
};

// OK when `path` can be read as the input of `option`: "-" (stdin, unless stdin is a
// directory), a regular file, a FIFO (a pipe, `<(command)`), and a folder for kFileOrFolder.
// Anything else is refused before it is read, naming the option, the path and the reason:
//   INVALID_ARGUMENT "--in data/: is a directory, not a file (give a file, a FIFO or '-' for
//   stdin)", and the same for a character or block device or a socket (`/dev/zero` would
//   never end);
//   NOT_FOUND "--in x.jsonl: cannot open: No such file or directory" (or the system's other
//   reason: Permission denied, Not a directory, ...).
Status CheckInput(const std::string& option, const std::string& path,
                  InputKind kind = InputKind::kFile);

// One input option of a command and its value, for CheckInputs.
struct InputPath {
  std::string option;
  const std::string* path;  // "" when the option was not given: nothing to check
  InputKind kind = InputKind::kFile;
};

// CheckInput for every given input; false, after printing "credence COMMAND: message" for the
// first one that cannot be read, when any cannot.
bool CheckInputs(std::string_view command, std::initializer_list<InputPath> inputs);

// Opens `path` ("-" = stdin) for reading as the input of `option`, after CheckInput.
Result<std::unique_ptr<std::istream>> OpenInput(const std::string& option, const std::string& path);

// Checks the path (CheckInput, a file or folder), loads and compiles a bundle; on failure
// prints "credence CMD: <status>" and returns null. `option` names the path in messages.
std::shared_ptr<const Engine> LoadEngine(const std::string& command, const std::string& path,
                                         LoadedBundle* loaded = nullptr,
                                         const std::string& option = "--bundle");

}  // namespace credence::cli

#endif  // CREDENCE_TOOLS_CREDENCE_SCORE_STREAM_H_
