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

#include "command_line.h"
#include "commands.h"
#include "credence/engine.h"
#include "credence/thread_pool.h"
#include "fit/csv.h"
#include "output.h"
#include "score_stream.h"

namespace credence::cli {
namespace {

constexpr const char* kDescription =
    R"(Computes the bundle's features for every request (Engine::ComputeFeatures, exactly what the
rules and models see) and writes one CSV row per request:
  request_id,enterprise_id,<feature names in bundle order>[,<label columns>]
Values are printed with %.17g (they read back exactly); a missing feature is an empty cell.
With --labels, the numeric columns of the labels CSV (a header row, a request_id column)
are appended, joined by request_id; a request without a label row gets empty cells.
)";

constexpr const char* kEpilog =
    R"(Exit status: 0 when every request was read and computed, 1 when any failed (reported on
stderr with its record number; its row is left out), 2 on a usage or bundle error.
)";

struct FeaturesArgs {
  std::string bundle, in, out, labels, format = "jsonl";
  int threads = 0;
};

std::optional<int> ParseFeaturesArgs(int argc, char** argv, FeaturesArgs& a) {
  CommandLine cl("features",
                 "features --bundle PATH --in FILE --out FILE [--labels FILE] [options]",
                 kDescription);
  cl.Bundle(&a.bundle)
      .Text("in", "FILE",
            "requests (required): JSON Lines, or with --format pb length-delimited binary "
            "ScoreRequests (as written by `credence simulate --format pb`)",
            &a.in)
      .Required()
      .Text("out", "FILE", "CSV output, default stdout; written to FILE.tmp and renamed when done",
            &a.out)
      .Text("labels", "FILE", "labels CSV, e.g. from `credence simulate --labels`", &a.labels)
      .Choice("format", "F", "jsonl (default) or pb", {"jsonl", "pb"}, &a.format)
      .Threads("threads, 0 to 256 (default 0: all cores); output does not depend on it", &a.threads)
      .Epilog(kEpilog);
  if (std::optional<int> exit = cl.Parse(argc, argv)) return exit;
  if (std::string same =
          SameFileError({{"--in", &a.in}, {"--labels", &a.labels}, {"--out", &a.out}});
      !same.empty()) {
    return cl.UsageError(same);
  }
  return std::nullopt;
}

constexpr std::size_t kChunk = 512;

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

struct LabelTable {
  std::vector<std::string> columns;
  std::map<std::string, std::vector<std::string>> rows;  // request_id -> cells
};

// Reads a labels CSV, keeping its numeric columns (fit::ParseNumericField; an empty cell is a
// missing number) other than request_id and enterprise_id.
Status ReadLabels(const std::string& path, LabelTable* table) {
  CREDENCE_ASSIGN_OR_RETURN(fit::CsvTable csv, fit::CsvTable::Read(path));
  const int id_col = csv.ColumnIndex("request_id");
  if (id_col < 0) {
    return InvalidArgumentError("no request_id column", {.file = path, .line = 1});
  }
  std::vector<std::size_t> keep;
  for (std::size_t c = 0; c < csv.cols(); ++c) {
    if (static_cast<int>(c) == id_col || csv.header()[c] == "enterprise_id") continue;
    double v = 0;
    bool numeric = true;
    for (std::size_t r = 0; r < csv.rows() && numeric; ++r) {
      numeric = fit::ParseNumericField(csv.Field(r, c), v);
    }
    if (!numeric) continue;
    keep.push_back(c);
    table->columns.push_back(csv.header()[c]);
  }
  for (std::size_t r = 0; r < csv.rows(); ++r) {
    std::vector<std::string> kept;
    for (std::size_t c : keep) kept.emplace_back(csv.Field(r, c));
    const std::string id(csv.Field(r, static_cast<std::size_t>(id_col)));
    if (!table->rows.emplace(id, std::move(kept)).second) {
      return InvalidArgumentError("duplicate request_id " + id,
                                  {.file = path, .line = static_cast<int>(csv.LineOf(r))});
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
        PrintError("features", "record " + std::to_string(in.index) + ": " + in.error.ToString());
      } else if (!results[i]->ok()) {
        ++counts.failed;
        PrintError("features", "record " + std::to_string(in.index) + " (" +
                                   Printable(in.request->request_id()) +
                                   "): " + results[i]->status().ToString());
      } else {
        os << FeatureRow(*in.request, **results[i], labels, counts.unlabelled);
      }
    }
    if (!os.good()) break;  // the commit reports the write error
  }
  return reader.status();
}

}  // namespace

int FeaturesCommand(int argc, char** argv) {
  FeaturesArgs a;
  if (std::optional<int> exit = ParseFeaturesArgs(argc, argv, a)) return *exit;
  const bool binary = a.format == "pb";
  auto pool = ThreadPool::Create(a.threads);
  if (!pool.ok()) {
    PrintError("features", "--threads: " + std::string(pool.status().message()));
    return 2;
  }
  auto in = OpenInput("--in", a.in);
  if (!in.ok()) {
    PrintError("features", in.status().message());
    return 2;
  }
  if (!CheckInputs("features", {{"--labels", &a.labels}})) return 2;
  OutputFile out(a.out);
  if (!Opened("features", out)) return 2;
  auto engine = LoadEngine("features", a.bundle);
  if (engine == nullptr) return 2;
  LabelTable labels;
  if (!a.labels.empty()) {
    if (Status s = ReadLabels(a.labels, &labels); !s.ok()) {
      PrintError("features", s);
      return 2;
    }
  }
  std::ostream& os = out.stream();
  os << "request_id,enterprise_id";
  for (const std::string& name : engine->info().feature_names) os << ',' << CsvCell(name);
  for (const std::string& c : labels.columns) os << ',' << CsvCell(c);
  os << '\n';

  RecordReader reader(**in, binary ? RecordFormat::kPb : RecordFormat::kJsonl);
  FeatureCounts counts;
  if (Status s = WriteFeatureRows(reader, *engine, labels, **pool, os, counts); !s.ok()) {
    PrintError("features", s);
    return 2;
  }
  if (!out.Commit()) {
    PrintError("features", out.error());
    return 2;
  }
  std::cerr << "credence features: " << counts.records << " records, "
            << (counts.records - counts.failed) << " rows, " << counts.failed << " failed";
  if (!labels.columns.empty()) std::cerr << ", " << counts.unlabelled << " without labels";
  std::cerr << "\n";
  return counts.failed == 0 ? 0 : 1;
}

}  // namespace credence::cli
