// Adverse reasons: the features that pushed a score toward default, largest first.
#ifndef CREDENCE_EXPLAIN_REASONS_H_
#define CREDENCE_EXPLAIN_REASONS_H_

#include <google/protobuf/repeated_field.h>

#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "credence/result.h"
#include "credence/v1/bundle.pb.h"
#include "credence/v1/score.pb.h"

namespace credence::explain {

// A reason a model names itself (a scorecard characteristic): its code (may be empty), the
// feature or enterprise field it reads, that input's numeric value (NaN when missing or a
// string) and its adverse weight (positive pushes toward default).
struct ReasonCandidate {
  std::string_view code;
  std::string_view input;
  double value;
  double weight;
};

// Immutable once compiled.
class ReasonCatalog {
 public:
  // `feature_names` in feature-vector order. A code with an empty feature only gives the text
  // of a code that a scorecard names. Errors: INVALID_ARGUMENT for an unknown feature, an
  // empty or duplicate code, or a feature mapped twice.
  static Result<ReasonCatalog> Compile(
      const google::protobuf::RepeatedPtrField<v1::ReasonCode>& codes,
      const std::vector<std::string>& feature_names);

  // Appends to `out` up to `max_reasons` reasons for the features with a positive
  // contribution (adverse: toward default), largest first; ties by feature order.
  // A feature without a mapping gets code "FEATURE:<name>" and no text.
  void TopAdverse(std::span<const double> contributions, std::span<const double> values,
                  int max_reasons, const std::string& model_id,
                  google::protobuf::RepeatedPtrField<v1::Reason>* out) const;

  // Scorecards (PMML reason codes): candidates with the same non-empty code are one reason
  // whose weight is the sum of theirs (feature and value: its heaviest candidate); a
  // candidate without a code uses the catalog's code for its feature, else
  // "FEATURE:<input>". Appends up to `max_reasons` reasons with a positive weight, largest
  // first, ties in candidate order; Reason.contribution is the weight. Text: the catalog's
  // text for the code.
  void TopAdverse(std::span<const ReasonCandidate> candidates, int max_reasons,
                  const std::string& model_id,
                  google::protobuf::RepeatedPtrField<v1::Reason>* out) const;

 private:
  std::vector<std::string> feature_names_;
  std::vector<int> by_feature_;  // index into codes_; -1 = no mapping
  std::vector<v1::ReasonCode> codes_;
  std::unordered_map<std::string, int> by_code_;  // code -> index into codes_
};

}  // namespace credence::explain

#endif  // CREDENCE_EXPLAIN_REASONS_H_
