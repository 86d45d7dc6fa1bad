// credence features: the bundle's features of each request as CSV (a training set).
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "args.h"
#include "commands.h"
#include "credence/engine.h"
#include "credence/thread_pool.h"
#include "output.h"
#include "score_stream.h"

namespace credence::cli {
namespace {

constexpr const char* kUsage =
    R"(usage: credence features --bundle PATH --in FILE --out FILE [--labels FILE] [options]

Computes the bundle's features for every request (Engine::ComputeFeatures, exactly what the
rules and models see) and writes one CSV row per request:
  request_id,enterprise_id,<feature names in bundle order>[,<label columns>]
Values are printed with %.17g (they read back exactly); a missing feature is an empty cell.
With --labels, the numeric columns of the labels CSV (a header row, a request_id column)
are appended, joined by request_id; a request without a label row gets empty cells.

  --bundle PATH        bundle file or folder (required)
  --in FILE            requests (required): JSON Lines, or with --format pb length-delimited
                       binary ScoreRequests (as written by `credence simulate --format pb`)
  --out FILE           CSV output, default stdout; written to FILE.tmp and renamed when done
  --labels FILE        labels CSV, e.g. from `credence simulate --labels`
  --format F           jsonl (default) or pb
  --threads N          threads (default: all cores); output does not depend on it

Exit status: 0 when every request was read and computed, 1 when any failed (reported on
stderr with its record number; its row is left out), 2 on a usage or bundle error.
)";

constexpr std::size_t kChunk = 512;

std::vector<std::string> SplitCsv(const std::string& line) {
  std::vector<std::string> cells;
  std::string cell;
  for (char c : line) {
    if (c == ',') {
      cells.push_back(cell);
      cell.clear();
    } else if (c != '\r') {
      cell.push_back(c);
    }
  }
  cells.push_back(cell);
  return cells;
}

// A CSV cell, quoted (RFC 4180) when it holds a comma, a quote or a line break.
std::string CsvCell(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) {
    if (c == '"') q += '"';
    q += c;
  }
  return q + "\"";
}

bool IsNumber(const std::string& s) {
  if (s.empty()) return true;  // an empty cell is a missing number
  char* end = nullptr;
  std::strtod(s.c_str(), &end);
  return end == s.c_str() + s.size();
}

struct LabelTable {
  std::vector<std::string> columns;
  std::map<std::string, std::vector<std::string>> rows;  // request_id -> cells
};

// Reads a labels CSV, keeping its numeric columns other than request_id.
Status ReadLabels(const std::string& path, LabelTable* table) {
  std::ifstream in(path);
  if (!in) return Status(StatusCode::kNotFound, "cannot open labels file " + path);
  std::string line;
  if (!std::getline(in, line)) return InvalidArgumentError(path + ": empty labels file");
  const std::vector<std::string> header = SplitCsv(line);
  std::size_t id_col = header.size();
  for (std::size_t i = 0; i < header.size(); ++i) {
    if (header[i] == "request_id") id_col = i;
  }
  if (id_col == header.size()) return InvalidArgumentError(path + ": no request_id column");
  std::vector<std::vector<std::string>> data;
  std::vector<bool> numeric(header.size(), true);
  for (int lineno = 2; std::getline(in, line); ++lineno) {
    if (line.empty() || line == "\r") continue;
    std::vector<std::string> cells = SplitCsv(line);
    if (cells.size() != header.size()) {
      return InvalidArgumentError(path + ":" + std::to_string(lineno) + ": expected " +
                                  std::to_string(header.size()) + " cells, found " +
                                  std::to_string(cells.size()));
    }
    for (std::size_t i = 0; i < cells.size(); ++i) numeric[i] = numeric[i] && IsNumber(cells[i]);
    data.push_back(std::move(cells));
  }
  std::vector<std::size_t> keep;
  for (std::size_t i = 0; i < header.size(); ++i) {
    if (i != id_col && numeric[i] && header[i] != "enterprise_id") {
      keep.push_back(i);
      table->columns.push_back(header[i]);
    }
  }
  for (auto& cells : data) {
    std::vector<std::string> kept;
    for (std::size_t i : keep) kept.push_back(cells[i]);
    if (!table->rows.emplace(cells[id_col], std::move(kept)).second) {
      return InvalidArgumentError(path + ": duplicate request_id " + cells[id_col]);
    }
  }
  return Status();
}

// One CSV row: request_id,enterprise_id,<features>[,<labels>]; counts a missing label row.
std::string FeatureRow(const v1::ScoreRequest& request, const FeatureVector& features,
                       const LabelTable& labels, std::size_t& unlabelled) {
  std::string row = CsvCell(request.request_id());
  row += ',';
  row += CsvCell(request.enterprise().id());
  char buf[40];
  for (double v : features.values) {
    row += ',';
    if (!std::isnan(v)) {
      std::snprintf(buf, sizeof buf, "%.17g", v);
      row += buf;
    }
  }
  if (!labels.columns.empty()) {
    auto it = labels.rows.find(request.request_id());
    if (it == labels.rows.end()) ++unlabelled;
    for (std::size_t c = 0; c < labels.columns.size(); ++c) {
      row += ',';
      if (it != labels.rows.end()) row += it->second[c];
    }
  }
  row += '\n';
  return row;
}

struct FeatureCounts {
  std::size_t records = 0, failed = 0, unlabelled = 0;
};

// Reads every record, computes its features on `pool` a chunk at a time (parsing on the
// workers too) and writes the rows in input order; failures go to stderr.
Status WriteFeatureRows(RecordReader& reader, const Engine& engine, const LabelTable& labels,
                        ThreadPool& pool, std::ostream& os, FeatureCounts& counts) {
  std::vector<RawRecord> raws;
  std::vector<InputRecord> inputs;
  std::vector<std::optional<Result<FeatureVector>>> results;
  while (ReadWindow(reader, kChunk, raws)) {
    inputs.assign(raws.size(), InputRecord{});
    results.assign(raws.size(), std::nullopt);
    CREDENCE_RETURN_IF_ERROR(pool.ParallelFor(raws.size(), [&](std::size_t i) {
      inputs[i] = reader.Parse(std::move(raws[i]));
      if (inputs[i].request) results[i].emplace(engine.ComputeFeatures(*inputs[i].request));
    }));
    for (std::size_t i = 0; i < inputs.size(); ++i) {
      ++counts.records;
      const InputRecord& in = inputs[i];
      if (!in.request) {
        ++counts.failed;
        std::cerr << "credence features: record " << in.index << ": " << in.error << "\n";
      } else if (!results[i]->ok()) {
        ++counts.failed;
        std::cerr << "credence features: record " << in.index << " (" << in.request->request_id()
                  << "): " << results[i]->status() << "\n";
      } else {
        os << FeatureRow(*in.request, **results[i], labels, counts.unlabelled);
      }
    }
  }
  return OkStatus();
}

}  // namespace

int FeaturesCommand(int argc, char** argv) {
  Args args(argc, argv, {"bundle", "in", "out", "labels", "format", "threads"}, {"help"});
  if (args.Has("help")) {
    std::cout << kUsage;
    return 0;
  }
  auto usage = [](const std::string& message) {
    std::cerr << "credence features: " << message << "\n\n" << kUsage;
    return 2;
  };
  if (!args.ok()) return usage(args.error());
  if (!args.positional().empty()) return usage("unexpected argument " + args.positional()[0]);
  if (!args.Has("bundle")) return usage("--bundle is required");
  if (!args.Has("in")) return usage("--in is required");
  const std::string format = args.Get("format", "jsonl");
  if (format != "jsonl" && format != "pb") return usage("--format must be jsonl or pb");
  const bool binary = format == "pb";
  BatchOptions batch;
  if (args.Has("threads")) {
    try {
      batch.threads = std::stoi(args.Get("threads"));
    } catch (const std::exception&) {
      return usage("--threads takes an integer");
    }
  }

  auto pool = ThreadPool::Create(batch.threads);
  if (!pool.ok()) return usage("--threads: " + std::string(pool.status().message()));

  auto loaded = LoadBundle(args.Get("bundle"));
  if (!loaded.ok()) {
    std::cerr << "credence features: " << loaded.status() << "\n";
    return 2;
  }
  auto engine = Engine::Compile(*loaded);
  if (!engine.ok()) {
    std::cerr << "credence features: " << engine.status() << "\n";
    return 2;
  }
  LabelTable labels;
  if (args.Has("labels")) {
    if (Status s = ReadLabels(args.Get("labels"), &labels); !s.ok()) {
      std::cerr << "credence features: " << s << "\n";
      return 2;
    }
  }
  std::ifstream in(args.Get("in"), std::ios::binary);
  if (!in) {
    std::cerr << "credence features: cannot open " << args.Get("in") << "\n";
    return 2;
  }
  OutputFile out(args.Get("out"));
  if (!out.ok()) {
    std::cerr << "credence features: " << out.error() << "\n";
    return 2;
  }
  std::ostream& os = out.stream();
  os << "request_id,enterprise_id";
  for (const std::string& name : (*engine)->info().feature_names) os << ',' << name;
  for (const std::string& c : labels.columns) os << ',' << c;
  os << '\n';

  RecordReader reader(in, binary ? RecordFormat::kPb : RecordFormat::kJsonl);
  FeatureCounts counts;
  if (Status s = WriteFeatureRows(reader, **engine, labels, **pool, os, counts); !s.ok()) {
    std::cerr << "credence features: " << s << "\n";
    return 2;
  }
  const std::size_t records = counts.records, failed = counts.failed,
                    unlabelled = counts.unlabelled;
  if (!out.Commit()) {
    std::cerr << "credence features: " << out.error() << "\n";
    return 1;
  }
  std::cerr << "credence features: " << records << " records, " << (records - failed) << " rows, "
            << failed << " failed";
  if (!labels.columns.empty()) std::cerr << ", " << unlabelled << " without labels";
  std::cerr << "\n";
  return failed == 0 ? 0 : 1;
}

}  // namespace credence::cli
