// What `credence fit --scorecard` stores with a model besides the card itself: the
// development sample's reference distributions (for `credence monitor`), the governance
// fields the fit knows (the sample's digest and period, owner, intended use), and the risk
// directions a bundle declares for its features (`--bundle`). See docs/fit.md and
// docs/governance.md.
#ifndef CREDENCE_TOOLS_CREDENCE_FIT_REFERENCE_H_
#define CREDENCE_TOOLS_CREDENCE_FIT_REFERENCE_H_

#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <string_view>

#include "credence/result.h"
#include "credence/v1/bundle.pb.h"

namespace credence::cli {

// The development sample as the fit read it: a numeric column's value at a row (NaN when
// missing), and a string column's cell. Both are asked only for columns the card reads.
struct DevelopmentSample {
  std::size_t rows = 0;
  std::function<double(std::size_t row, const std::string& column)> number;
  std::function<std::string(std::size_t row, const std::string& column)> text;
};

// Scores every row with the card (the engine's own scorecard) and sets model->reference:
// the deciles of the margin with the rows per decile bin, and the rows of each attribute.
// Errors: the card does not compile, or a row cannot be scored.
Status AddReference(const DevelopmentSample& sample, v1::Model* model);

// Sets the governance the fit knows: "sha256:<hex>" of the training file's bytes (read once by
// the caller, so a pipe works), and the owner, intended use and development period when given
// (`period` is "YYYY-MM-DD/YYYY-MM-DD"). Errors: a malformed period.
Status AddGovernance(std::string_view training_bytes, const std::string& owner,
                     const std::string& intended_use, const std::string& period, v1::Model* model);

// The risk direction of every feature of the bundle at `path` (a folder or file).
Result<std::map<std::string, v1::RiskDirection>> ReadRiskDirections(const std::string& path);

}  // namespace credence::cli

#endif  // CREDENCE_TOOLS_CREDENCE_FIT_REFERENCE_H_
