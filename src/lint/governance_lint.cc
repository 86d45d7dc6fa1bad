// Governance checks. See governance_lint.h.
#include "lint/governance_lint.h"

#include <string>

namespace credence::lint {
namespace {

void CheckModel(const v1::Model& m, const std::string& path, const std::string& role,
                std::vector<LintFinding>& out) {
  const std::string who = "model '" + m.id() + "' (" + role + ")";
  if (!m.has_governance()) {
    out.push_back({path + ".id", who + " has no governance (owner, validation, approval, "
                                       "intended use, development sample)"});
    return;
  }
  const v1::ModelGovernance& g = m.governance();
  const std::string gp = path + ".governance";
  auto missing = [&](bool absent, const char* field, const char* what) {
    if (absent) out.push_back({gp, who + " lacks governance." + field + " (" + what + ")"});
  };
  missing(g.owner().empty(), "owner", "who answers for it");
  missing(g.validation_status() == v1::VALIDATION_STATUS_UNSPECIFIED, "validation_status",
          "whether it was validated");
  missing(g.validation_date().empty(), "validation_date", "when");
  missing(g.approver().empty(), "approver", "who approved it");
  missing(g.intended_use().empty(), "intended_use", "what it may be used for");
  missing(g.development_sample_digest().empty(), "development_sample_digest",
          "what it was developed on");
  missing(g.development_period_start().empty() || g.development_period_end().empty(),
          "development_period_start/end", "the period of the development sample");
  const auto status = g.validation_status();
  if (status != v1::VALIDATION_STATUS_UNSPECIFIED && status != v1::VALIDATION_STATUS_VALIDATED &&
      status != v1::VALIDATION_STATUS_VALIDATED_WITH_CONDITIONS) {
    out.push_back({gp + ".validation_status", who +
                                                  " is in production use with validation status " +
                                                  v1::ValidationStatus_Name(status)});
  }
}

}  // namespace

std::vector<LintFinding> MissingGovernance(const v1::Bundle& bundle) {
  std::vector<LintFinding> out;
  for (int i = 0; i < bundle.models_size(); ++i) {
    const v1::Model& m = bundle.models(i);
    const std::string path = "models[" + std::to_string(i) + "]";
    if (bundle.has_credit() && m.id() == bundle.credit().model()) {
      CheckModel(m, path, "the credit model", out);
    } else if (bundle.has_champion_challenger() &&
               m.id() == bundle.champion_challenger().challenger_model()) {
      CheckModel(m, path, "the challenger", out);
    }
  }
  return out;
}

}  // namespace credence::lint
