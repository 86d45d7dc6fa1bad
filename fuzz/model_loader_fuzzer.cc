// libFuzzer target: feeds arbitrary bytes to both tree-model loaders and, when a model
// loads, predicts (single row, batch) and explains a few rows. Any crash, sanitizer report,
// hang or leak is a bug: hostile model files must only ever produce a Status.
//
// Build and run: docs/models.md, "Fuzzing the model loaders".
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string_view>
#include <vector>

#include "models/tree_ensemble.h"

namespace {

void Exercise(const credence::models::TreeEnsemble& model) {
  const std::size_t nf = model.num_features();
  if (nf > 4096) return;  // keep each input cheap
  const double specials[] = {0.0, -0.0, 1.0, -1.0, 0.5, 1e-36, 3.0, 64.0, 1e300, -1e300,
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
  return 0;
}
