// credence predict: runs one model over the rows of a CSV file. See docs/models.md.
#include <charconv>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "args.h"
#include "commands.h"
#include "credence/predictor.h"
#include "io/file.h"
#include "output.h"

namespace credence::cli {
namespace {

constexpr const char* kUsage =
    R"(usage: credence predict --model FILE --in ROWS.csv [--out PREDS.csv] [--margin | --contribs]

Runs one model over every row of a CSV file and writes one output row per input row.

  --model FILE     an XGBoost JSON model, a LightGBM text model, a credence.v1.Model in
                   protobuf text format or JSON (what `credence fit --out` writes), or a
                   bundle file or folder (its credit model, or --model-id)
  --model-id ID    with a bundle: the model to run
  --in FILE        the rows: a header of column names, then one row per line
  --out FILE       output, default stdout; written to FILE.tmp and renamed when done
  --margin         the margin instead of the prediction (scorecards: the points)
  --contribs       per-input contributions to the margin, then the bias (scorecards: the
                   partial score of each characteristic, then the initial score)

Columns: the features the model reads, by name (XGBoost: the model's feature_names, else
f0, f1, ...; LightGBM: its feature_names, else Column_0, ...; scorecards: also a column
named after each enterprise field, e.g. sector). Other columns are ignored. An empty cell or
NaN is missing. Values are written with 17 significant digits; a row the model cannot score
gets NaN and a warning naming its line.

Exit status: 0 on success, 1 on bad input rows, 2 on a usage or model error.
)";

constexpr std::size_t kMaxCsvBytes = std::size_t{4} << 30;

std::string Fmt(double v) {
  if (std::isnan(v)) return "NaN";
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

// One CSV line split into cells: commas separate; a cell may be "quoted" with "" for a quote.
bool SplitCsv(std::string_view line, std::vector<std::string>& cells, std::string& error) {
  cells.clear();
  std::string cell;
  std::size_t i = 0;
  while (true) {
    cell.clear();
    if (i < line.size() && line[i] == '"') {
      ++i;
      while (true) {
        if (i >= line.size()) {
          error = "unterminated quoted cell";
          return false;
        }
        if (line[i] == '"') {
          if (i + 1 < line.size() && line[i + 1] == '"') {
            cell += '"';
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        cell += line[i++];
      }
      if (i < line.size() && line[i] != ',') {
        error = "text after a closing quote";
        return false;
      }
    } else {
      while (i < line.size() && line[i] != ',') cell += line[i++];
    }
    cells.push_back(cell);
    if (i >= line.size()) return true;
    ++i;  // the comma
  }
}

bool IsMissing(std::string_view s) { return s.empty() || s == "NaN" || s == "nan" || s == "NAN"; }

// A finite or infinite number; the whole cell must be the number.
std::optional<double> ParseNumber(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  double v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

// The model's inputs of one CSV row, by the binding; an error message, or "" when read.
std::string ReadRow(const Predictor& m, const ColumnBinding& binding,
                    const std::vector<std::string>& cells, std::vector<double>& values,
                    std::vector<std::string>& strings) {
  for (std::size_t k = 0; k < values.size(); ++k) {
    const std::string& cell = cells[binding.numeric_columns()[k]];
    if (IsMissing(cell)) {
      values[k] = std::nan("");
      continue;
    }
    std::optional<double> v = ParseNumber(cell);
    if (!v) return "column '" + m.inputs()[k] + "': '" + cell + "' is not a number";
    values[k] = *v;
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

}  // namespace

int PredictCommand(int argc, char** argv) {
  Args args(argc, argv, {"model", "model-id", "in", "out"}, {"margin", "contribs", "help"});
  if (args.Has("help")) {
    std::cout << kUsage;
    return 0;
  }
  if (!args.ok() || !args.positional().empty() || !args.Has("model") || !args.Has("in")) {
    std::cerr << "credence predict: "
              << (!args.ok() ? args.error()
                  : !args.positional().empty()
                      ? "unexpected argument '" + args.positional()[0] + "'"
                      : std::string("--model and --in are required"))
              << "\n\n"
              << kUsage;
    return 2;
  }
  const bool margin = args.Has("margin"), contribs = args.Has("contribs");
  if (margin && contribs) {
    std::cerr << "credence predict: --margin and --contribs exclude each other\n";
    return 2;
  }
  const PredictOutput output = margin     ? PredictOutput::kMargin
                               : contribs ? PredictOutput::kContributions
                                          : PredictOutput::kPrediction;
  auto loaded = Predictor::Load(args.Get("model"), {.model_id = args.Get("model-id")});
  if (!loaded.ok()) {
    std::cerr << "credence predict: " << loaded.status() << "\n";
    return 2;
  }
  const Predictor& m = **loaded;

  const std::string in_path = args.Get("in");
  auto text = io::ReadFile(in_path, kMaxCsvBytes);
  if (!text.ok()) {
    std::cerr << "credence predict: " << text.status() << "\n";
    return 2;
  }
  std::string_view rest = *text;
  if (rest.substr(0, 3) == "\xEF\xBB\xBF") rest.remove_prefix(3);  // UTF-8 BOM
  std::size_t line_no = 0;
  auto next_line = [&](std::string_view& line) {
    if (rest.empty()) return false;
    const std::size_t nl = rest.find('\n');
    line = rest.substr(0, nl);
    rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    ++line_no;
    return true;
  };
  auto fail = [&](const std::string& message) {
    std::cerr << "credence predict: " << in_path << ":" << line_no << ": " << message << "\n";
    return 1;
  };

  std::string_view line;
  std::vector<std::string> header, cells;
  std::string error;
  if (!next_line(line)) return fail("the file is empty: it needs a header row");
  if (!SplitCsv(line, header, error)) return fail(error);
  auto binding = m.Bind(header, in_path);
  if (!binding.ok()) {
    const std::string message(binding.status().message());
    return fail(message.rfind("no column", 0) == 0 ? "the header has " + message
                                                   : message + " in the header");
  }

  OutputFile out_file(args.Get("out"));
  if (!out_file.ok()) {
    std::cerr << "credence predict: " << out_file.error() << "\n";
    return 2;
  }
  std::ostream& out = out_file.stream();
  out << Join(m.OutputNames(output)) << "\n";

  std::vector<double> values(m.inputs().size());
  std::vector<std::string> strings(m.string_inputs().size());
  std::vector<double> result(m.OutputWidth(output));
  std::string unscored;
  std::size_t rows = 0, unavailable = 0;
  while (next_line(line)) {
    if (line.empty()) continue;
    if (!SplitCsv(line, cells, error)) return fail(error);
    if (cells.size() != header.size()) {
      return fail("expected " + std::to_string(header.size()) + " cells like the header, found " +
                  std::to_string(cells.size()));
    }
    if (std::string bad = ReadRow(m, *binding, cells, values, strings); !bad.empty()) {
      return fail(bad);
    }
    ++rows;
    if (Status s = m.PredictRow(values, strings, output, result, &unscored); !s.ok()) {
      if (s.code() != StatusCode::kFailedPrecondition) return fail(std::string(s.message()));
      std::cerr << "credence predict: " << s.message() << "\n";
      return 2;
    }
    if (!unscored.empty()) {
      ++unavailable;
      std::cerr << "credence predict: " << in_path << ":" << line_no
                << ": warning: no output: " << unscored << "\n";
    }
    out << Row(result) << "\n";
  }
  if (!out_file.Commit()) {
    std::cerr << "credence predict: " << out_file.error() << "\n";
    return 2;
  }
  std::cerr << "credence predict: " << rows << " rows";
  if (unavailable > 0) std::cerr << ", " << unavailable << " without output";
  std::cerr << "\n";
  return 0;
}

}  // namespace credence::cli
