// credence predict: runs one model over the rows of a CSV file. See docs/models.md.
#include <google/protobuf/io/tokenizer.h>
#include <google/protobuf/text_format.h>
#include <google/protobuf/util/json_util.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "command_line.h"
#include "commands.h"
#include "credence/bundle.h"
#include "fit/csv.h"
#include "io/file.h"
#include "models/model.h"
#include "models/tree_ensemble.h"
#include "output.h"

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
  return std::nullopt;
}

constexpr std::size_t kMaxModelBytes = std::size_t{512} << 20;

std::string Fmt(double v) {
  if (std::isnan(v)) return "NaN";
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

// The model to run, in one of two shapes: a raw tree file (XGBoost/LightGBM semantics,
// margins exactly as the tool computes them) or a compiled bundle model.
struct Loaded {
  std::optional<models::TreeEnsemble> trees;
  std::optional<models::BundleModel> model;
  std::vector<std::string> inputs;  // numeric columns, in model order
  std::string description;
};

bool StartsWithLine(std::string_view bytes, std::string_view word) {
  if (bytes.substr(0, word.size()) != word) return false;
  const std::string_view rest = bytes.substr(word.size());
  return rest.empty() || rest[0] == '\n' || rest[0] == '\r';
}

std::string_view TrimLeft(std::string_view s) {
  while (!s.empty() && (s[0] == ' ' || s[0] == '\t' || s[0] == '\r' || s[0] == '\n')) {
    s.remove_prefix(1);
  }
  return s;
}

Result<Loaded> FromTrees(Result<models::TreeEnsemble> trees, const std::string& kind,
                         const std::string& prefix) {
  if (!trees.ok()) {
    return Status(trees.status().code(), kind + " model: " + std::string(trees.status().message()));
  }
  Loaded out;
  out.trees = std::move(trees).value();
  out.inputs = out.trees->feature_names();
  if (out.inputs.size() != out.trees->num_features()) {
    out.inputs.clear();
    for (std::size_t i = 0; i < out.trees->num_features(); ++i) {
      out.inputs.push_back(prefix + std::to_string(i));
    }
  }
  out.description = kind;
  return out;
}

// Compiles a credence.v1.Model; its features become columns in first-use order. Tree files
// resolve against `dir`.
Result<Loaded> FromModel(const v1::Model& m, const std::string& dir, const std::string& path) {
  Loaded out;
  std::string file_bytes;
  if (m.has_tree_ensemble()) {
    CREDENCE_ASSIGN_OR_RETURN(std::string resolved,
                              io::ResolveInside(dir, m.tree_ensemble().file()));
    CREDENCE_ASSIGN_OR_RETURN(file_bytes, io::ReadFile(resolved, kMaxModelBytes));
  }
  std::unordered_map<std::string, int> index;
  auto feature_index = [&](std::string_view name) {
    auto [it, added] = index.emplace(std::string(name), static_cast<int>(out.inputs.size()));
    if (added) out.inputs.emplace_back(name);
    return it->second;
  };
  CREDENCE_ASSIGN_OR_RETURN(models::BundleModel compiled,
                            models::BundleModel::Compile(m, feature_index, file_bytes, path, {},
                                                         /*string_features=*/true));
  out.model = std::move(compiled);
  out.description = "model '" + m.id() + "'";
  return out;
}

Result<Loaded> FromBundle(const std::string& path, const std::string& model_id) {
  CREDENCE_ASSIGN_OR_RETURN(LoadedBundle loaded, LoadBundle(path));
  const v1::Bundle& b = loaded.bundle;
  std::string want = model_id;
  if (want.empty()) want = b.credit().model();
  if (want.empty() && b.models_size() == 1) want = b.models(0).id();
  std::string ids;
  for (int i = 0; i < b.models_size(); ++i) {
    if (b.models(i).id() == want) {
      return FromModel(b.models(i), loaded.directory, "models[" + std::to_string(i) + "]");
    }
    ids += (ids.empty() ? "" : ", ") + b.models(i).id();
  }
  return InvalidArgumentError(
      (want.empty() ? std::string("the bundle has no credit model; name one with --model-id")
                    : "the bundle has no model '" + want + "'") +
      " (models: " + (ids.empty() ? "none" : ids) + ")");
}

Result<Loaded> LoadModel(const std::string& path, const std::string& model_id) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) return FromBundle(path, model_id);
  CREDENCE_ASSIGN_OR_RETURN(std::string bytes, io::ReadFile(path, kMaxModelBytes));
  const std::string dir = std::filesystem::path(path).parent_path().string();
  const std::string_view body = TrimLeft(bytes);
  if (StartsWithLine(body, "tree")) {
    return FromTrees(models::LoadLightgbmText(bytes, {}), "LightGBM text", "Column_");
  }
  // Why the bytes are not a credence.v1.Model, for the error message.
  std::string model_error;
  if (!body.empty() && body[0] == '{') {
    if (body.find("\"learner\"") != std::string_view::npos) {
      return FromTrees(models::LoadXgboostJson(bytes, {}), "XGBoost JSON", "f");
    }
    v1::Model m;
    auto parsed = google::protobuf::util::JsonStringToMessage(std::string(body), &m);
    if (parsed.ok() && m.kind_case() != v1::Model::KIND_NOT_SET) {
      return FromModel(m, dir.empty() ? "." : dir, "model");
    }
    model_error = parsed.ok() ? "it has no logistic, scorecard or tree_ensemble"
                              : std::string(parsed.message());
  } else {
    v1::Model m;
    google::protobuf::TextFormat::Parser parser;
    parser.AllowPartialMessage(true);
    struct FirstError : google::protobuf::io::ErrorCollector {
      std::string text;
      void AddError(int line, int column, const std::string& message) override {
        if (text.empty()) {
          text = std::to_string(line + 1) + ":" + std::to_string(column + 1) + ": " + message;
        }
      }
    } first;
    parser.RecordErrorsTo(&first);
    if (parser.ParseFromString(bytes, &m) && m.kind_case() != v1::Model::KIND_NOT_SET) {
      return FromModel(m, dir.empty() ? "." : dir, "model");
    }
    model_error =
        first.text.empty() ? "it has no logistic, scorecard or tree_ensemble" : first.text;
  }
  // A bundle: named so, or a file that loads as one (text, JSON or binary).
  auto bundle = FromBundle(path, model_id);
  if (bundle.ok() || !model_id.empty() || body.find("models") != std::string_view::npos) {
    return bundle;
  }
  return InvalidArgumentError(
      "not an XGBoost JSON model, a LightGBM text model, a credence.v1.Model (text or JSON) "
      "or a bundle (as a credence.v1.Model: " +
      model_error + ")");
}

}  // namespace

int PredictCommand(int argc, char** argv) {
  PredictArgs args;
  if (std::optional<int> exit = ParsePredictArgs(argc, argv, args)) return *exit;
  const bool margin = args.margin, contribs = args.contribs;
  const std::string model_path = args.model;
  auto loaded = LoadModel(model_path, args.model_id);
  if (!loaded.ok()) {
    std::cerr << "credence predict: " << model_path << ": " << loaded.status() << "\n";
    return 2;
  }
  Loaded& m = *loaded;
  const models::Scorecard* card = m.model ? m.model->scorecard() : nullptr;
  const std::vector<std::string> no_strings;
  const std::vector<std::string>& string_inputs = m.model ? m.model->string_fields() : no_strings;

  const std::string in_path = args.in;
  auto text = fit::ReadCsvFile(in_path);
  if (!text.ok()) {
    std::cerr << "credence predict: " << text.status() << "\n";
    return 2;
  }
  auto csv = fit::CsvReader::Open(*text, in_path);
  if (!csv.ok()) {
    std::cerr << "credence predict: " << csv.status() << "\n";
    return 1;
  }
  std::size_t line_no = 1;
  auto fail = [&](const std::string& message) {
    std::cerr << "credence predict: " << in_path << ":" << line_no << ": " << message << "\n";
    return 1;
  };
  std::vector<std::string> cells;
  auto find_columns = [&](const std::vector<std::string>& names, std::vector<std::size_t>& out) {
    for (const std::string& n : names) {
      const int c = csv->ColumnIndex(n);
      if (c < 0) {
        fail("the header has no column '" + n + "', which the " + m.description + " reads");
        return false;
      }
      out.push_back(static_cast<std::size_t>(c));
    }
    return true;
  };
  std::vector<std::size_t> numeric_cols, string_cols;
  if (!find_columns(m.inputs, numeric_cols) || !find_columns(string_inputs, string_cols)) return 1;

  OutputFile out_file(args.out);
  if (!out_file.ok()) {
    std::cerr << "credence predict: " << out_file.error() << "\n";
    return 2;
  }
  std::ostream& out = out_file.stream();
  // Header.
  const bool probability =
      m.trees ? m.trees->output_transform() != models::TreeOutputTransform::kIdentity
              : m.model->outputs_probability();
  if (contribs) {
    const std::vector<std::string>& names = card ? card->characteristic_names() : m.inputs;
    for (const std::string& n : names) out << n << ",";
    out << "bias\n";
  } else if (card) {
    out << (margin || !card->has_scaling() ? "points" : "probability") << "\n";
  } else {
    out << (margin ? "margin" : probability ? "probability" : "prediction") << "\n";
  }

  std::vector<double> values(m.inputs.size());
  std::vector<std::string> strings(string_inputs.size());
  std::vector<double> phi(m.inputs.size() + 1);
  models::ModelOutput result;
  std::size_t rows = 0, unavailable = 0;
  while (true) {
    const Result<bool> more = csv->Next(cells);
    if (!more.ok()) {
      std::cerr << "credence predict: " << more.status() << "\n";
      return 1;
    }
    if (!*more) break;
    line_no = csv->line();
    for (std::size_t k = 0; k < numeric_cols.size(); ++k) {
      const std::string& cell = cells[numeric_cols[k]];
      // An empty cell or NaN is missing (NaN); the whole cell must be a number.
      if (!fit::ParseNumericField(cell, values[k])) {
        return fail("column '" + m.inputs[k] + "': '" + cell + "' is not a number");
      }
    }
    for (std::size_t k = 0; k < string_cols.size(); ++k) strings[k] = cells[string_cols[k]];
    ++rows;
    std::string row;
    if (m.trees) {
      const double mg = m.trees->PredictMargin(values);
      if (contribs) {
        if (!m.trees->has_covers()) {
          std::cerr << "credence predict: the model file has no node covers, so TreeSHAP "
                       "contributions cannot be computed\n";
          return 2;
        }
        Status s = m.trees->Contributions(values, phi);
        if (!s.ok()) return fail(std::string(s.message()));
        for (std::size_t k = 0; k < phi.size(); ++k) row += (k ? "," : "") + Fmt(phi[k]);
      } else {
        row = Fmt(margin ? mg : m.trees->Transform(mg));
      }
    } else {
      m.model->Predict(values, m.inputs, result, strings);
      if (!result.available) {
        ++unavailable;
        std::cerr << "credence predict: " << in_path << ":" << line_no
                  << ": warning: no output: " << result.unavailable_reason << "\n";
        const std::size_t n =
            contribs ? (card ? card->characteristic_names().size() : m.inputs.size()) + 1 : 1;
        for (std::size_t k = 0; k < n; ++k) row += k ? ",NaN" : "NaN";
      } else if (contribs && card) {
        for (double p : result.partial_scores) row += Fmt(p) + ",";
        row += Fmt(card->initial_score());
      } else if (contribs) {
        double sum = 0;
        for (double c : result.contributions) {
          row += Fmt(c) + ",";
          sum += c;
        }
        row += Fmt(result.margin - sum);  // intercept + sum(coefficient * reference)
      } else if (card) {
        row = Fmt(margin || !card->has_scaling() ? result.points : result.probability);
      } else {
        row = Fmt(margin ? result.margin : result.probability);
      }
    }
    out << row << "\n";
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
