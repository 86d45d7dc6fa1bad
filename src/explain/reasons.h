// Adverse reasons: the features that pushed a score toward default, largest first, given only
// where they are true: a feature whose underlying data do not exist (its value is missing or
// its DataRequirement is not met) never gives its own reason, only the "not enough history"
// code its requirement names; a size measure (RISK_DIRECTION_NONE) gives none; and a
// scorecard characteristic with a baseline value gives one only when the value lies on the
// risky side of it. See docs/models.md ("Reasons").
#ifndef CREDENCE_EXPLAIN_REASONS_H_
#define CREDENCE_EXPLAIN_REASONS_H_

#include <google/protobuf/repeated_field.h>

#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "credence/result.h"
#include "credence/v1/bundle.pb.h"
#include "credence/v1/score.pb.h"

namespace credence::explain {

// A reason a model names itself (a scorecard characteristic): its code (may be empty), the
// feature or enterprise field it reads, that input's numeric value (NaN when missing or a
// string), its adverse weight (positive pushes toward default) and the characteristic's
// baseline value (NaN when it has none).
struct ReasonCandidate {
  std::string_view code;
  std::string_view input;
  double value;
  double weight;
  double reason_threshold = std::numeric_limits<double>::quiet_NaN();
};

// Immutable once compiled.
class ReasonCatalog {
 public:
  // `feature_names` in feature-vector order. A code with an empty feature only gives the text
  // of a code that a scorecard or a data requirement names. `features` (the bundle's
  // feature definitions, may be null) gives each feature's data requirement and risk
  // direction. Errors: INVALID_ARGUMENT for an unknown feature, an empty or duplicate code,
  // a feature with two codes without from_value or two with the same one, a non-finite
  // from_value, a requirement naming an unknown feature or code or with a non-finite minimum.
  static Result<ReasonCatalog> Compile(
      const google::protobuf::RepeatedPtrField<v1::ReasonCode>& codes,
      const std::vector<std::string>& feature_names,
      const google::protobuf::RepeatedPtrField<v1::Feature>* features = nullptr);

  // Appends to `out` up to `max_reasons` reasons for the features with a positive
  // contribution (adverse: toward default), largest first; ties by feature order. `values`
  // is the feature vector. A feature without a mapping gets code "FEATURE:<name>" and no
  // text. A feature without its data gives its requirement's code (kind INSUFFICIENT_DATA)
  // or nothing; a size measure gives nothing.
  void TopAdverse(std::span<const double> contributions, std::span<const double> values,
                  int max_reasons, const std::string& model_id,
                  google::protobuf::RepeatedPtrField<v1::Reason>* out) const;

  // Scorecards (PMML reason codes): candidates with the same non-empty code are one reason
  // whose weight is the sum of theirs (feature and value: its heaviest candidate); a
  // candidate without a code uses the catalog's code for its feature, else
  // "FEATURE:<input>". The truthfulness rules above drop or recode candidates first (a
  // numeric feature with a direction and a baseline value must lie strictly on the risky
  // side of it). Appends up to `max_reasons` reasons with a positive weight, largest first,
  // ties in candidate order; Reason.contribution is the weight. Text: the catalog's text for
  // the code. `values` is the feature vector (for data requirements).
  void TopAdverse(std::span<const ReasonCandidate> candidates, std::span<const double> values,
                  int max_reasons, const std::string& model_id,
                  google::protobuf::RepeatedPtrField<v1::Reason>* out) const;

 private:
  // What the catalogue knows about one feature.
  struct FeatureInfo {
    int code = -1;  // index into codes_ of the code without from_value; -1 = none
    // Codes with a from_value: (from_value, index into codes_), ascending.
    std::vector<std::pair<double, int>> levels;
    int required = -1;  // feature index of the data requirement; -1 = none
    double min_value = 0;
    std::string insufficient_code;  // the requirement's code; may be empty
    v1::RiskDirection direction = v1::RISK_DIRECTION_UNSPECIFIED;
  };
  // How one candidate is reported, or nullopt when it gives no reason.
  struct Verdict {
    std::string code;
    v1::ReasonKind kind;
  };
  std::optional<Verdict> Judge(int feature, double value, double reason_threshold,
                               std::span<const double> values) const;
  int FeatureIndex(std::string_view name) const;
  // The code of `feature` for `value`: its most severe level reached, else its plain code.
  std::string CodeFor(int feature, double value) const;
  void SetText(const std::string& code, v1::Reason* r) const;

  std::vector<std::string> feature_names_;
  std::unordered_map<std::string, int> feature_index_;
  std::vector<FeatureInfo> features_;
  std::vector<v1::ReasonCode> codes_;
  std::unordered_map<std::string, int> by_code_;  // code -> index into codes_
};

}  // namespace credence::explain

#endif  // CREDENCE_EXPLAIN_REASONS_H_
