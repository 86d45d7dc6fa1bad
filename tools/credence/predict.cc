// credence predict: runs one model over the rows of a CSV file. See docs/models.md.
#include <cmath>
#include <cstdio>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "command_line.h"
#include "commands.h"
#include "credence/predictor.h"
#include "fit/csv.h"
#include "output.h"
#include "score_stream.h"

namespace credence::cli {
namespace {

constexpr const char* kDescription =
    R"(Runs one model over every row of a CSV file and writes one output row per input row.
)";

constexpr const char* kEpilog =
    R"(Columns: the features the model reads, by name (XGBoost: the model's feature_names, else
f0, f1, ...; LightGBM: its feature_names, else Column_0, ...; scorecards: also a column
named after each enterprise field, e.g. sector). Other columns are ignored. An empty cell or
NaN is missing. Values are written with 17 significant digits; a row the model cannot score
gets NaN and a warning naming its line.

Exit status: 0 on success, 1 on bad input rows, 2 on a usage or model error.
)";

struct PredictArgs {
  std::string model, model_id, in, out;
  bool margin = false, contribs = false;
};

std::optional<int> ParsePredictArgs(int argc, char** argv, PredictArgs& a) {
  CommandLine cl("predict",
                 "predict --model FILE --in ROWS.csv [--out PREDS.csv] [--margin | --contribs]",
                 kDescription);
  cl.Text("model", "FILE",
          "an XGBoost JSON model, a LightGBM text model, a credence.v1.Model in protobuf text "
          "format or JSON (what `credence fit --out` writes), or a bundle file or folder (its "
          "credit model, or --model-id)",
          &a.model)
      .Required()
      .Text("model-id", "ID", "with a bundle: the model to run", &a.model_id)
      .Text("in", "FILE", "the rows: a CSV file with a header of column names (RFC 4180)", &a.in)
      .Required()
      .Text("out", "FILE", "output, default stdout; written to FILE.tmp and renamed when done",
            &a.out)
      .Flag("margin", "the margin instead of the prediction (scorecards: the points)", &a.margin)
      .Flag("contribs",
            "per-input contributions to the margin, then the bias (scorecards: the partial score "
            "of each characteristic, then the initial score)",
            &a.contribs)
      .Epilog(kEpilog);
  if (std::optional<int> exit = cl.Parse(argc, argv)) return exit;
  if (a.margin && a.contribs) return cl.UsageError("--margin and --contribs exclude each other");
  if (std::string same = SameFileError({{"--model", &a.model}, {"--in", &a.in}, {"--out", &a.out}});
      !same.empty()) {
    return cl.UsageError(same);
  }
  return std::nullopt;
}

std::string Fmt(double v) {
  if (std::isnan(v)) return "NaN";
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

// The model's inputs of one CSV row, by the binding; an error message, or "" when read.
std::string ReadRow(const Predictor& m, const ColumnBinding& binding,
                    const std::vector<std::string>& cells, std::vector<double>& values,
                    std::vector<std::string>& strings) {
  for (std::size_t k = 0; k < values.size(); ++k) {
    const std::string& cell = cells[binding.numeric_columns()[k]];
    // An empty cell or NaN is missing (NaN); the whole cell must be a number.
    if (!fit::ParseNumericField(cell, values[k])) {
      return "column '" + m.inputs()[k] + "': '" + Shortened(cell) + "' is not a number";
    }
  }
  for (std::size_t k = 0; k < strings.size(); ++k) strings[k] = cells[binding.string_columns()[k]];
  return "";
}

std::string Join(const std::vector<std::string>& cells) {
  std::string row;
  for (std::size_t k = 0; k < cells.size(); ++k) row += (k ? "," : "") + cells[k];
  return row;
}

std::string Row(const std::vector<double>& values) {
  std::string row;
  for (std::size_t k = 0; k < values.size(); ++k) row += (k ? "," : "") + Fmt(values[k]);
  return row;
}

// Runs the model over every row of `csv` into `out`. Returns the exit status (1: a bad row).
int PredictRows(const Predictor& m, PredictOutput output, fit::CsvReader& csv,
                const ColumnBinding& binding, std::ostream& out, std::size_t& rows) {
  const std::string& in_path = csv.file_name();
  auto fail = [&](const std::string& message) {
    PrintError("predict", in_path + ":" + std::to_string(csv.line()) + ": " + message);
    return 1;
  };
  std::vector<std::string> cells;
  std::vector<double> values(m.inputs().size());
  std::vector<std::string> strings(m.string_inputs().size());
  std::vector<double> result(m.OutputWidth(output));
  std::string unscored;
  std::size_t unavailable = 0;
  while (true) {
    const Result<bool> more = csv.Next(cells);
    if (!more.ok()) {
      PrintError("predict", more.status());
      return 1;
    }
    if (!*more) break;
    if (std::string bad = ReadRow(m, binding, cells, values, strings); !bad.empty()) {
      return fail(bad);
    }
    ++rows;
    if (Status s = m.PredictRow(values, strings, output, result, &unscored); !s.ok()) {
      if (s.code() != StatusCode::kFailedPrecondition) return fail(std::string(s.message()));
      PrintError("predict", s.message());
      return 2;
    }
    if (!unscored.empty()) {
      ++unavailable;
      PrintError("predict",
                 in_path + ":" + std::to_string(csv.line()) + ": warning: no output: " + unscored);
    }
    out << Row(result) << "\n";
    if (!out.good()) return 0;  // the caller's commit reports the write error
  }
  std::cerr << "credence predict: " << rows << " rows";
  if (unavailable > 0) std::cerr << ", " << unavailable << " without output";
  std::cerr << "\n";
  return 0;
}

}  // namespace

int PredictCommand(int argc, char** argv) {
  PredictArgs args;
  if (std::optional<int> exit = ParsePredictArgs(argc, argv, args)) return *exit;
  const PredictOutput output = args.margin     ? PredictOutput::kMargin
                               : args.contribs ? PredictOutput::kContributions
                                               : PredictOutput::kPrediction;
  if (!CheckInputs("predict",
                   {{"--model", &args.model, InputKind::kFileOrFolder}, {"--in", &args.in}})) {
    return 2;
  }
  OutputFile out_file(args.out);
  if (!Opened("predict", out_file)) return 2;
  auto loaded = Predictor::Load(args.model, {.model_id = args.model_id});
  if (!loaded.ok()) {
    PrintError("predict", loaded.status());
    return 2;
  }
  const Predictor& m = **loaded;

  auto text = fit::ReadCsvFile(args.in);
  if (!text.ok()) {
    PrintError("predict", text.status());
    return 2;
  }
  auto csv = fit::CsvReader::Open(*text, args.in);
  if (!csv.ok()) {
    PrintError("predict", csv.status());
    return 1;
  }
  auto binding = m.Bind(csv->header(), args.in);
  if (!binding.ok()) {
    const std::string message(binding.status().message());
    PrintError("predict", args.in + ":1: " +
                              (message.rfind("no column", 0) == 0 ? "the header has " + message
                                                                  : message + " in the header"));
    return 1;
  }
  out_file.stream() << Join(m.OutputNames(output)) << "\n";
  std::size_t rows = 0;
  const int status = PredictRows(m, output, *csv, *binding, out_file.stream(), rows);
  if (status != 0) return status;  // the temporary file is removed
  if (!out_file.Commit()) {
    PrintError("predict", out_file.error());
    return 2;
  }
  return 0;
}

}  // namespace credence::cli
