// libFuzzer target: feeds arbitrary bytes to both tree-model loaders and, when a model
// loads, predicts (single row, batch) and explains a few rows. The same bytes, read as a
// credence.v1.Model in protobuf text format, go through the scorecard / logistic compiler
// and a few predictions. Any crash, sanitizer report, hang or leak is a bug: hostile model
// files must only ever produce a Status.
//
// Build and run: docs/models.md, "Fuzzing the model loaders".
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string_view>
#include <vector>

#include <google/protobuf/io/tokenizer.h>
#include <google/protobuf/text_format.h>

#include <string>
#include <unordered_map>

#include "models/model.h"
#include "models/tree_ensemble.h"

namespace {

void Exercise(const credence::models::TreeEnsemble& model) {
  const std::size_t nf = model.num_features();
  if (nf > 4096) return;  // keep each input cheap
  const double specials[] = {0.0,
                             -0.0,
                             1.0,
                             -1.0,
                             0.5,
                             1e-36,
                             3.0,
                             64.0,
                             1e300,
                             -1e300,
                             std::numeric_limits<double>::quiet_NaN(),
                             std::numeric_limits<double>::infinity()};
  constexpr std::size_t kRows = 3;
  std::vector<double> rows(kRows * nf);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    rows[i] = specials[(i * 7 + i / nf) % (sizeof(specials) / sizeof(specials[0]))];
  }
  std::vector<double> out(kRows);
  model.PredictMarginBatch(rows.data(), kRows, nf, out.data());
  std::vector<double> phi(nf + 1);
  for (std::size_t r = 0; r < kRows; ++r) {
    const std::span<const double> row(rows.data() + r * nf, nf);
    const double margin = model.PredictMargin(row);
    if (!(margin == out[r]) && !(std::isnan(margin) && std::isnan(out[r]))) __builtin_trap();
    (void)model.Transform(margin);
    if (model.max_depth() <= 16) (void)model.Contributions(row, phi);
  }
}

// Scorecards and logistic models from text format: compile, then predict on special values.
// A scorecard's points must be its initial score plus the partial scores, in order.
void ExerciseBundleModel(std::string_view text) {
  credence::v1::Model m;
  google::protobuf::TextFormat::Parser parser;
  struct Quiet : google::protobuf::io::ErrorCollector {
    void AddError(int, int, const std::string&) override {}
  } quiet;
  parser.RecordErrorsTo(&quiet);
  if (!parser.ParseFromString(std::string(text), &m)) return;
  if (!m.has_scorecard() && !m.has_logistic()) return;  // tree files are read from disk
  std::vector<std::string> names;
  std::unordered_map<std::string, int> index;
  auto feature_index = [&](std::string_view name) {
    if (names.size() >= 256) return -1;
    auto [it, added] = index.emplace(std::string(name), static_cast<int>(names.size()));
    if (added) names.emplace_back(name);
    return it->second;
  };
  auto model = credence::models::BundleModel::Compile(m, feature_index, "", "model");
  if (!model.ok()) return;
  const double specials[] = {0.0,
                             -1.0,
                             1.0,
                             2.5,
                             1e300,
                             -1e300,
                             std::numeric_limits<double>::quiet_NaN(),
                             std::numeric_limits<double>::infinity()};
  const std::string strings[] = {"", "a", "retail"};
  std::vector<double> row(names.size());
  std::vector<std::string> fields(model->string_fields().size());
  credence::models::ModelOutput out;
  for (std::size_t k = 0; k < 8; ++k) {
    for (std::size_t i = 0; i < row.size(); ++i) row[i] = specials[(i + k * 3) % 8];
    for (std::size_t i = 0; i < fields.size(); ++i) fields[i] = strings[(i + k) % 3];
    model->Predict(row, names, out, fields);
    if (out.available && model->scorecard() != nullptr) {
      double points = model->scorecard()->initial_score();
      for (double p : out.partial_scores) points += p;
      if (!(points == out.points)) __builtin_trap();
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  credence::models::TreeLoadOptions options;
  options.max_trees = 1000;  // bounded work per input; the limits themselves are tested
  options.max_nodes_per_tree = 1 << 12;
  options.max_total_nodes = 1 << 16;
  options.max_features = 1 << 12;
  if (auto model = credence::models::LoadXgboostJson(text, options); model.ok()) {
    Exercise(*model);
  }
  if (auto model = credence::models::LoadLightgbmText(text, options); model.ok()) {
    Exercise(*model);
  }
  ExerciseBundleModel(text);
  return 0;
}
