// Finding and compiling the model behind a credence::Predictor: the one place that tells an
// XGBoost JSON model, a LightGBM text model, a credence.v1.Model (text or JSON) and a bundle
// apart by their content.
#include <google/protobuf/io/tokenizer.h>
#include <google/protobuf/text_format.h>

#include <filesystem>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "credence/bundle.h"
#include "engine/predictor_impl.h"
#include "io/file.h"
#include "io/json_shape.h"

namespace credence::engine_internal {
namespace {

using Impl = PredictorModel;

constexpr std::size_t kMaxModelBytes = std::size_t{512} << 20;

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

Result<Impl> FromTrees(Result<models::TreeEnsemble> trees, const std::string& kind,
                       const std::string& prefix) {
  if (!trees.ok()) {
    const SourceLocation* at = trees.status().location();
    return Status(trees.status().code(), kind + " model: " + std::string(trees.status().message()),
                  at != nullptr ? *at : SourceLocation{});
  }
  Impl out;
  out.trees = std::move(trees).value();
  out.inputs = out.trees->feature_names();
  if (out.inputs.size() != out.trees->num_features()) {
    out.inputs.clear();
    out.named_inputs = false;
    for (std::size_t i = 0; i < out.trees->num_features(); ++i) {
      out.inputs.push_back(prefix + std::to_string(i));
    }
  }
  out.description = kind;
  return out;
}

Result<Impl> FromXgboost(std::string_view bytes) {
  return FromTrees(models::LoadXgboostJson(bytes, {}), "XGBoost JSON", "f");
}

Result<Impl> FromLightgbm(std::string_view bytes) {
  return FromTrees(models::LoadLightgbmText(bytes, {}), "LightGBM text", "Column_");
}

// Compiles a credence.v1.Model; its features become inputs in first-use order. Tree files
// resolve against `dir`.
Result<Impl> FromModel(const v1::Model& m, const std::string& dir, const std::string& path) {
  Impl out;
  std::string file_bytes;
  if (m.has_tree_ensemble()) {
    const SourceLocation field{.field_path = path + ".tree_ensemble.file"};
    auto resolved = io::ResolveInside(dir, m.tree_ensemble().file());
    if (!resolved.ok()) return resolved.status().WithLocation(field);
    auto bytes = io::ReadFile(*resolved, kMaxModelBytes);
    if (!bytes.ok()) return bytes.status().WithLocation(field);
    file_bytes = std::move(bytes).value();
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

Result<Impl> FromBundle(const std::string& path, const std::string& model_id) {
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
  const std::string models = " (models: " + (ids.empty() ? std::string("none") : ids) + ")";
  if (want.empty()) {
    return InvalidArgumentError("the bundle has no credit model; name one with --model-id" +
                                models);
  }
  return NotFoundError("the bundle has no model '" + want + "'" + models);
}

// The first text-format error, "line:col: message".
struct FirstError : google::protobuf::io::ErrorCollector {
  std::string text;
  void AddError(int line, int column, const std::string& message) override {
    if (text.empty()) {
      text = std::to_string(line + 1) + ":" + std::to_string(column + 1) + ": " + message;
    }
  }
};

// A credence.v1.Model in JSON (body starts with '{') or text format; otherwise why not, in
// `why` (for the message when the bytes are nothing else either).
std::optional<v1::Model> ParseModel(std::string_view bytes, std::string_view body,
                                    std::string& why) {
  v1::Model m;
  if (!body.empty() && body[0] == '{') {
    const Status parsed = io::ParseJsonMessage(body, &m, "invalid JSON");
    if (parsed.ok() && m.kind_case() != v1::Model::KIND_NOT_SET) return m;
    why = "it has no logistic, scorecard or tree_ensemble";
    if (!parsed.ok()) {
      const SourceLocation* at = parsed.location();
      why = (at != nullptr ? at->ToString() + ": " : "") + std::string(parsed.message());
    }
    return std::nullopt;
  }
  google::protobuf::TextFormat::Parser parser;
  parser.AllowPartialMessage(true);
  FirstError first;
  parser.RecordErrorsTo(&first);
  if (parser.ParseFromString(std::string(bytes), &m) && m.kind_case() != v1::Model::KIND_NOT_SET) {
    return m;
  }
  why = first.text.empty() ? "it has no logistic, scorecard or tree_ensemble" : first.text;
  return std::nullopt;
}

// A file of any kind, told apart by its content.
Result<Impl> Sniff(const std::string& path, const std::string& bytes, const std::string& dir,
                   const std::string& model_id) {
  const std::string_view body = TrimLeft(bytes);
  if (StartsWithLine(body, "tree")) return FromLightgbm(bytes);
  if (!body.empty() && body[0] == '{' && body.find("\"learner\"") != std::string_view::npos) {
    return FromXgboost(bytes);
  }
  std::string why;
  if (auto m = ParseModel(bytes, body, why)) return FromModel(*m, dir, "model");
  // A bundle: a file that loads as one (text, JSON or binary).
  auto bundle = FromBundle(path, model_id);
  if (bundle.ok() || !model_id.empty() || body.find("models") != std::string_view::npos) {
    return bundle;
  }
  return InvalidArgumentError(
      "not an XGBoost JSON model, a LightGBM text model, a credence.v1.Model (text or JSON) "
      "or a bundle (as a credence.v1.Model: " +
      why + ")");
}

Result<Impl> Load(const std::string& path, const PredictorOptions& options) {
  std::error_code ec;
  if (options.format == ModelFormat::kBundle || std::filesystem::is_directory(path, ec)) {
    return FromBundle(path, options.model_id);
  }
  CREDENCE_ASSIGN_OR_RETURN(std::string bytes, io::ReadFile(path, kMaxModelBytes));
  std::string dir = std::filesystem::path(path).parent_path().string();
  if (dir.empty()) dir = ".";
  switch (options.format) {
    case ModelFormat::kXgboostJson:
      return FromXgboost(bytes);
    case ModelFormat::kLightgbmText:
      return FromLightgbm(bytes);
    case ModelFormat::kModel: {
      std::string why;
      if (auto m = ParseModel(bytes, TrimLeft(bytes), why)) return FromModel(*m, dir, "model");
      return InvalidArgumentError("not a credence.v1.Model: " + why);
    }
    case ModelFormat::kAuto:
      return Sniff(path, bytes, dir, options.model_id);
    default:
      return InvalidArgumentError("unknown model format " +
                                  std::to_string(static_cast<int>(options.format)));
  }
}

}  // namespace

Result<PredictorModel> LoadPredictorModel(const std::string& path,
                                          const PredictorOptions& options) {
  Result<Impl> loaded = Load(path, options);
  if (!loaded.ok() && loaded.status().location() == nullptr) {
    return loaded.status().WithLocation({.file = path});
  }
  return loaded;
}

}  // namespace credence::engine_internal
