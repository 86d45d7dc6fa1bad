// Reference distributions, governance and risk directions for `credence fit`. See
// fit_reference.h.
#include "fit_reference.h"

#include <cmath>
#include <regex>
#include <unordered_map>
#include <vector>

#include "core/sha256.h"
#include "credence/bundle.h"
#include "fit/metrics.h"
#include "models/scorecard.h"

namespace credence::cli {

Status AddReference(const DevelopmentSample& sample, v1::Model* model) {
  const v1::Scorecard& card = model->scorecard();
  // Numeric inputs in first-use order; string inputs are the card's string_fields().
  std::vector<std::string> numeric;
  std::unordered_map<std::string, int> index;
  auto feature_index = [&](std::string_view name) {
    auto [it, added] = index.emplace(std::string(name), static_cast<int>(numeric.size()));
    if (added) numeric.emplace_back(name);
    return it->second;
  };
  CREDENCE_ASSIGN_OR_RETURN(models::Scorecard compiled,
                            models::Scorecard::Compile(card, feature_index, "scorecard",
                                                       /*string_features=*/true));
  v1::ReferenceDistribution* ref = model->mutable_reference();
  ref->Clear();
  std::vector<std::vector<std::int64_t>> counts(compiled.characteristic_names().size());
  for (int c = 0; c < card.characteristics_size(); ++c) {
    counts[static_cast<std::size_t>(c)].assign(
        static_cast<std::size_t>(card.characteristics(c).attributes_size()), 0);
  }
  std::vector<double> margins, row(numeric.size());
  std::vector<std::string> strings(compiled.string_fields().size());
  models::ModelOutput out;
  for (std::size_t r = 0; r < sample.rows; ++r) {
    for (std::size_t i = 0; i < numeric.size(); ++i) row[i] = sample.number(r, numeric[i]);
    for (std::size_t i = 0; i < strings.size(); ++i) {
      strings[i] = sample.text(r, compiled.string_fields()[i]);
    }
    compiled.Predict(row, strings, out);
    if (!out.available) {
      return InvalidArgumentError(
          "row " + std::to_string(r + 1) +
          " of the development sample cannot be scored: " + out.unavailable_reason);
    }
    margins.push_back(out.margin);
    for (std::size_t c = 0; c < counts.size(); ++c) {
      const std::string& input = compiled.input(c);
      const bool numeric_input = compiled.numeric_input(c);
      const int a = compiled.MatchAttribute(
          c, numeric_input ? row[static_cast<std::size_t>(index[input])] : NAN,
          numeric_input ? std::string() : sample.text(r, input));
      if (a >= 0) ++counts[c][static_cast<std::size_t>(a)];
    }
  }
  ref->set_count(static_cast<std::int64_t>(sample.rows));
  if (compiled.has_scaling()) {
    const std::vector<double> edges = fit::QuantileEdges(margins, 10);
    for (double e : edges) ref->add_margin_edges(e);
    for (std::int64_t n : fit::CountByEdges(edges, margins)) {
      ref->add_margin_counts(n);
    }
  }
  for (std::size_t c = 0; c < counts.size(); ++c) {
    v1::CharacteristicReference* cr = ref->add_characteristics();
    cr->set_name(compiled.characteristic_names()[c]);
    for (std::int64_t n : counts[c]) cr->add_attribute_counts(n);
  }
  return OkStatus();
}

Status AddGovernance(std::string_view training_bytes, const std::string& owner,
                     const std::string& intended_use, const std::string& period, v1::Model* model) {
  v1::ModelGovernance* g = model->mutable_governance();
  if (!period.empty()) {
    static const std::regex kPeriod(R"((\d{4}-\d{2}-\d{2})/(\d{4}-\d{2}-\d{2}))");
    std::smatch m;
    if (!std::regex_match(period, m, kPeriod) || m[1].str() > m[2].str()) {
      return InvalidArgumentError(
          "--sample-period must be START/END, YYYY-MM-DD/YYYY-MM-DD with "
          "START <= END, not '" +
          period + "'");
    }
    g->set_development_period_start(m[1].str());
    g->set_development_period_end(m[2].str());
  }
  core::Sha256 sha;
  sha.Update(training_bytes);
  g->set_development_sample_digest("sha256:" + sha.FinishHex());
  if (!owner.empty()) g->set_owner(owner);
  if (!intended_use.empty()) g->set_intended_use(intended_use);
  return OkStatus();
}

Result<std::map<std::string, v1::RiskDirection>> ReadRiskDirections(const std::string& path) {
  CREDENCE_ASSIGN_OR_RETURN(LoadedBundle loaded, LoadBundle(path));
  std::map<std::string, v1::RiskDirection> out;
  for (const v1::Feature& f : loaded.bundle.features()) out[f.name()] = f.risk_direction();
  return out;
}

}  // namespace credence::cli
