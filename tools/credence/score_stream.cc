#include "score_stream.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <tuple>

#include "credence/thread_pool.h"
#include "output.h"

namespace credence::cli {

Result<RecordFormat> ParseRecordFormat(const std::string& name) {
  if (name == "jsonl" || name == "json" || name == "ndjson") return RecordFormat::kJsonl;
  if (name == "pb" || name == "binpb" || name == "bin") return RecordFormat::kPb;
  return InvalidArgumentError("unknown record format '" + name + "' (jsonl or pb)");
}

namespace {

bool EndsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

std::optional<int> ParseFormatOptions(const CommandLine& cl, const std::string& format,
                                      const std::string& out_format, const std::string& in_path,
                                      const std::string& out_path, std::optional<RecordFormat>* in,
                                      std::optional<RecordFormat>* out) {
  for (auto [name, text, target] :
       {std::tuple{"format", &format, in}, std::tuple{"out-format", &out_format, out}}) {
    if (!cl.Given(name)) continue;
    auto f = ParseRecordFormat(*text);
    if (!f.ok()) return cl.UsageError("--" + std::string(name) + ": " + f.status().ToString());
    *target = *f;
  }
  if (std::string same = SameFileError({{"--in", &in_path}, {"--out", &out_path}}); !same.empty()) {
    return cl.UsageError(same);
  }
  return std::nullopt;
}

RecordFormat DetectRecordFormat(const std::string& path, std::istream& in) {
  for (const char* ext : {".pb", ".bin", ".binpb"}) {
    if (EndsWith(path, ext)) return RecordFormat::kPb;
  }
  for (const char* ext : {".jsonl", ".json", ".ndjson"}) {
    if (EndsWith(path, ext)) return RecordFormat::kJsonl;
  }
  const int c = in.peek();
  if (c == std::char_traits<char>::eof()) {
    in.clear();
    return RecordFormat::kJsonl;
  }
  return (c == '{' || c == ' ' || c == '\t' || c == '\r' || c == '\n') ? RecordFormat::kJsonl
                                                                       : RecordFormat::kPb;
}

RecordReader::RecordReader(std::istream& in, RecordFormat format, std::size_t max_record_bytes)
    : in_(in), format_(format), max_bytes_(max_record_bytes), buf_(1 << 16) {}

RecordReader::~RecordReader() = default;

bool RecordReader::Fill() {
  if (eof_) return false;
  if (pos_ > 0) {
    std::copy(buf_.begin() + static_cast<std::ptrdiff_t>(pos_),
              buf_.begin() + static_cast<std::ptrdiff_t>(end_), buf_.begin());
    end_ -= pos_;
    pos_ = 0;
  }
  if (end_ == buf_.size()) buf_.resize(buf_.size() * 2);
  in_.read(buf_.data() + end_, static_cast<std::streamsize>(buf_.size() - end_));
  const auto n = static_cast<std::size_t>(in_.gcount());
  if (n == 0) {
    eof_ = true;
    if (in_.bad()) {
      status_ = DataLossError("reading the input failed after " + std::to_string(consumed_ + end_) +
                              " bytes; the records after that point are lost");
    }
    return false;
  }
  end_ += n;
  return true;
}

std::optional<InputRecord> RecordReader::Next() {
  auto raw = NextRaw();
  if (!raw) return std::nullopt;
  return Parse(std::move(*raw));
}

std::optional<RawRecord> RecordReader::NextRaw() {
  if (stopped_) return std::nullopt;
  return format_ == RecordFormat::kJsonl ? NextLine() : NextBinary();
}

InputRecord RecordReader::Parse(RawRecord raw) const {
  InputRecord r;
  r.index = raw.index;
  if (!raw.error.ok()) {
    r.error = std::move(raw.error);
    return r;
  }
  auto parsed = ParseRequest(
      raw.bytes, format_ == RecordFormat::kJsonl ? WireFormat::kJson : WireFormat::kBinary,
      limits_);
  if (parsed.ok()) {
    r.request = std::move(parsed).value();
  } else {
    r.error = parsed.status();
  }
  return r;
}

std::optional<RawRecord> RecordReader::NextLine() {
  while (true) {
    // Find the end of the line, reading more as needed; a line longer than the limit is
    // skipped up to its newline and reported.
    std::size_t off = 0;  // bytes of this line already scanned, from pos_
    bool too_long = false;
    std::uint64_t skipped = 0;
    std::size_t nl = std::string::npos;
    while (true) {
      const void* hit = std::memchr(buf_.data() + pos_ + off, '\n', end_ - pos_ - off);
      if (hit != nullptr) {
        nl = static_cast<std::size_t>(static_cast<const char*>(hit) - buf_.data());
        break;
      }
      off = end_ - pos_;
      if (off > max_bytes_) {
        // Drop what we have of this line and keep looking for its end.
        too_long = true;
        skipped += off;
        consumed_ += off;
        pos_ = end_;
        off = 0;
      }
      if (!Fill()) break;
    }
    const std::size_t line_end = nl == std::string::npos ? end_ : nl;
    if (line_end == pos_ && nl == std::string::npos && !too_long) return std::nullopt;  // EOF
    std::string_view line(buf_.data() + pos_, line_end - pos_);
    const std::size_t advance = line_end - pos_ + (nl == std::string::npos ? 0 : 1);
    consumed_ += advance;
    pos_ += advance;
    if (too_long || line.size() > max_bytes_) {
      RawRecord r;
      r.index = next_index_++;
      r.error = OutOfRangeError("record is longer than " + std::to_string(max_bytes_) + " bytes (" +
                                std::to_string(skipped + line.size()) + ")");
      return r;
    }
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) {
      if (nl == std::string::npos) return std::nullopt;
      continue;  // blank line: not a record
    }
    RawRecord r;
    r.index = next_index_++;
    r.bytes.assign(line);
    return r;
  }
}

std::optional<RawRecord> RecordReader::NextBinary() {
  auto byte = [&](int* out) {
    if (pos_ == end_ && !Fill()) return false;
    *out = static_cast<unsigned char>(buf_[pos_++]);
    ++consumed_;
    return true;
  };
  auto fatal = [&](Status s) {
    stopped_ = true;
    RawRecord r;
    r.index = next_index_++;
    r.error = std::move(s);
    return r;
  };
  int b = 0;
  if (!byte(&b)) return std::nullopt;  // clean end at a record boundary
  std::uint64_t length = 0;
  int shift = 0;
  for (int i = 0;; ++i) {
    if (i >= 10) {
      return fatal(DataLossError("malformed length prefix (more than 10 bytes) at byte " +
                                 std::to_string(consumed_) +
                                 "; the rest of the stream cannot be read"));
    }
    if (shift < 64) length |= static_cast<std::uint64_t>(b & 0x7f) << shift;
    shift += 7;
    if ((b & 0x80) == 0) break;
    if (!byte(&b)) {
      return fatal(DataLossError("stream ends inside a length prefix; the record is truncated"));
    }
  }
  if (length > max_bytes_) {
    return fatal(OutOfRangeError("record length " + std::to_string(length) +
                                 " exceeds the maximum of " + std::to_string(max_bytes_) +
                                 " bytes; the rest of the stream cannot be read"));
  }
  while (end_ - pos_ < length) {
    if (!Fill()) {
      return fatal(DataLossError("truncated record: the length prefix says " +
                                 std::to_string(length) + " bytes, the stream has " +
                                 std::to_string(end_ - pos_)));
    }
  }
  RawRecord r;
  r.index = next_index_++;
  r.bytes.assign(buf_.data() + pos_, static_cast<std::size_t>(length));
  pos_ += static_cast<std::size_t>(length);
  consumed_ += length;
  return r;
}

namespace {

void AppendVarint(std::string& out, std::uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

}  // namespace

void RecordWriter::WriteResponse(std::size_t index, const v1::ScoreResponse& response) {
  auto bytes = SerializeResponse(
      response, format_ == RecordFormat::kPb ? WireFormat::kBinary : WireFormat::kJson);
  if (!bytes.ok()) {
    WriteError(index, response.request_id(), bytes.status());
    return;
  }
  WriteRecord(*bytes);
}

void RecordWriter::WriteError(std::size_t index, const std::string& request_id,
                              const Status& status) {
  WriteRecord(SerializeErrorRecord(index, request_id, status, wire_format()).value());
}

void RecordWriter::WriteRecord(std::string_view bytes) {
  if (format_ == RecordFormat::kJsonl) {
    out_ << bytes << '\n';
    return;
  }
  scratch_.clear();
  AppendVarint(scratch_, bytes.size());
  out_ << scratch_ << bytes;
}

Progress::Progress(bool enabled, std::uint64_t total_bytes)
    : enabled_(enabled),
      total_(total_bytes),
      start_(std::chrono::steady_clock::now()),
      last_(start_) {}

void Progress::Update(std::size_t records, std::uint64_t bytes, bool force) {
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  if (!force && now - last_ < std::chrono::milliseconds(250)) return;
  last_ = now;
  const double secs = std::chrono::duration<double>(now - start_).count();
  const double rate = secs > 0 ? static_cast<double>(records) / secs : 0;
  char line[160];
  int n = std::snprintf(line, sizeof line, "\r%zu records  %.0f/s", records, rate);
  if (total_ > 0 && bytes > 0 && bytes <= total_) {
    const double frac = static_cast<double>(bytes) / static_cast<double>(total_);
    const int width = 24, done = static_cast<int>(frac * width);
    std::string bar = "[" + std::string(static_cast<std::size_t>(done), '#') +
                      std::string(static_cast<std::size_t>(width - done), ' ') + "]";
    const double eta = frac > 0 ? secs * (1 - frac) / frac : 0;
    const long e = static_cast<long>(eta);
    n += std::snprintf(line + n, sizeof line - static_cast<std::size_t>(n),
                       "  %s %3.0f%%  ETA %ld:%02ld", bar.c_str(), frac * 100, e / 60, e % 60);
  }
  std::cerr << line << "   " << std::flush;
}

void Progress::Finish(std::size_t records, std::uint64_t bytes) {
  if (!enabled_) return;
  Update(records, bytes, true);
  std::cerr << "\n";
}

bool StderrIsTerminal() { return ::isatty(2) == 1; }

std::uint64_t InputSize(const std::string& path) {
  struct stat st {};
  if (path.empty() || path == "-" || ::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode))
    return 0;
  return static_cast<std::uint64_t>(st.st_size);
}

namespace {

// The pool a whole stream runs on and the number of records it reads at a time.
struct StreamPool {
  std::unique_ptr<ThreadPool> pool;
  std::size_t window = 0;
};

Result<StreamPool> StartPool(const StreamOptions& options) {
  StreamPool p;
  CREDENCE_ASSIGN_OR_RETURN(p.pool, ThreadPool::Create(options.threads));
  p.window = options.window > 0
                 ? options.window
                 : std::max<std::size_t>(64, 16 * static_cast<std::size_t>(p.pool->size()));
  return p;
}

}  // namespace

bool ReadWindow(RecordReader& reader, std::size_t window, std::vector<RawRecord>& raws) {
  raws.clear();
  while (raws.size() < window) {
    auto raw = reader.NextRaw();
    if (!raw) break;
    raws.push_back(std::move(*raw));
  }
  return !raws.empty();
}

Status ScoreStream(RecordReader& reader, std::span<const Engine* const> engines,
                   const StreamOptions& options,
                   const std::function<bool(const ScoredRecord&)>& sink) {
  CREDENCE_ASSIGN_OR_RETURN(StreamPool p, StartPool(options));
  struct Slot {
    InputRecord input;
    std::vector<std::optional<Result<v1::ScoreResponse>>> results;
  };
  std::vector<RawRecord> raws;
  std::vector<Slot> slots;
  ScoredRecord scored;
  while (ReadWindow(reader, p.window, raws)) {
    // Parse and score the window on the pool, each worker taking the next record, ...
    slots.assign(raws.size(), Slot{});
    CREDENCE_RETURN_IF_ERROR(p.pool->ParallelFor(raws.size(), [&](std::size_t i) {
      Slot& s = slots[i];
      s.input = reader.Parse(std::move(raws[i]));
      if (!s.input.request) return;
      s.results.resize(engines.size());
      for (std::size_t e = 0; e < engines.size(); ++e) {
        s.results[e].emplace(engines[e]->Score(*s.input.request, options.score));
      }
    }));
    // ... and hand them on in input order.
    for (Slot& s : slots) {
      scored.input = &s.input;
      scored.results.clear();
      for (auto& r : s.results) scored.results.push_back(&*r);
      if (!sink(scored)) return OkStatus();
    }
  }
  return reader.status();
}

Status ScoreStreamSerialized(RecordReader& reader, const Engine& engine,
                             const StreamOptions& options, WireFormat out_format,
                             const std::function<bool(const SerializedRecord&)>& sink) {
  CREDENCE_ASSIGN_OR_RETURN(StreamPool p, StartPool(options));
  const SerializedOptions serialized{.in_format = reader.format() == RecordFormat::kJsonl
                                                      ? WireFormat::kJson
                                                      : WireFormat::kBinary,
                                     .out_format = out_format,
                                     .score = options.score};
  std::vector<RawRecord> raws;
  std::vector<std::string_view> views;
  SerializedResult framing_error;
  while (ReadWindow(reader, p.window, raws)) {
    // Records that were split out whole are parsed, scored and serialized on the pool; ...
    views.clear();
    for (const RawRecord& raw : raws) {
      if (raw.error.ok()) views.push_back(raw.bytes);
    }
    CREDENCE_ASSIGN_OR_RETURN(std::vector<SerializedResult> results,
                              engine.ScoreSerialized(views, serialized, {.pool = p.pool.get()}));
    // ... a record that could not be split out fails alone, in its place.
    std::size_t next = 0;
    for (RawRecord& raw : raws) {
      const SerializedResult* result = &framing_error;
      if (raw.error.ok()) {
        result = &results[next++];
      } else {
        framing_error.status = std::move(raw.error);
      }
      if (!sink({raw.index, result})) return OkStatus();
    }
  }
  return reader.status();
}

namespace {

// "a directory", "a character device", ... for a file that is not a regular file or FIFO.
std::string FileKind(mode_t mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a regular file";
}

}  // namespace

Status CheckInput(const std::string& option, const std::string& path, InputKind kind) {
  struct stat st {};
  if (path.empty() || path == "-") {
    if (::fstat(0, &st) == 0 && S_ISDIR(st.st_mode)) {
      return InvalidArgumentError(option + " -: stdin is a directory, not a file");
    }
    return OkStatus();
  }
  if (::stat(path.c_str(), &st) != 0 || ::access(path.c_str(), R_OK) != 0) {
    return NotFoundError(option + " " + path + ": cannot open: " + std::strerror(errno));
  }
  if (S_ISREG(st.st_mode) || S_ISFIFO(st.st_mode)) return OkStatus();
  if (S_ISDIR(st.st_mode) && kind == InputKind::kFileOrFolder) return OkStatus();
  return InvalidArgumentError(option + " " + path + ": is " + FileKind(st.st_mode) +
                              ", not a file (give " +
                              (kind == InputKind::kFileOrFolder ? "a file, a folder" : "a file") +
                              ", a FIFO or '-' for stdin)");
}

bool CheckInputs(std::string_view command, std::initializer_list<InputPath> inputs) {
  for (const InputPath& input : inputs) {
    if (input.path->empty()) continue;
    if (Status s = CheckInput(input.option, *input.path, input.kind); !s.ok()) {
      PrintError(command, s.message());
      return false;
    }
  }
  return true;
}

Result<std::unique_ptr<std::istream>> OpenInput(const std::string& option,
                                                const std::string& path) {
  CREDENCE_RETURN_IF_ERROR(CheckInput(option, path));
  if (path.empty() || path == "-") {
    // A non-owning stream over std::cin's buffer.
    return std::make_unique<std::istream>(std::cin.rdbuf());
  }
  auto f = std::make_unique<std::ifstream>(path, std::ios::binary);
  if (!*f) {
    return NotFoundError(option + " " + path + ": cannot open: " + std::strerror(errno));
  }
  return std::unique_ptr<std::istream>(std::move(f));
}

std::shared_ptr<const Engine> LoadEngine(const std::string& command, const std::string& path,
                                         LoadedBundle* loaded_out, const std::string& option) {
  if (Status s = CheckInput(option, path, InputKind::kFileOrFolder); !s.ok()) {
    PrintError(command, s.message());
    return nullptr;
  }
  auto loaded = LoadBundle(path);
  if (!loaded.ok()) {
    PrintError(command, loaded.status());
    return nullptr;
  }
  auto engine = Engine::Compile(*loaded);
  if (!engine.ok()) {
    PrintError(command, engine.status());
    return nullptr;
  }
  if (loaded_out != nullptr) *loaded_out = std::move(loaded).value();
  return std::move(engine).value();
}

}  // namespace credence::cli
