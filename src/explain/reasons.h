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

// Immutable once compiled.
class ReasonCatalog {
 public:
  // `feature_names` in feature-vector order. Errors: INVALID_ARGUMENT for an unknown feature,
  // an empty or duplicate code, or a feature mapped twice.
  static Result<ReasonCatalog> Compile(
      const google::protobuf::RepeatedPtrField<v1::ReasonCode>& codes,
      const std::vector<std::string>& feature_names);

  // Appends to `out` up to `max_reasons` reasons for the features with a positive
  // contribution (adverse: toward default), largest first; ties by feature order.
  // A feature without a mapping gets code "FEATURE:<name>" and no text.
  void TopAdverse(std::span<const double> contributions, std::span<const double> values,
                  int max_reasons, const std::string& model_id,
                  google::protobuf::RepeatedPtrField<v1::Reason>* out) const;

 private:
  std::vector<std::string> feature_names_;
  std::vector<int> by_feature_;  // index into codes_; -1 = no mapping
  std::vector<v1::ReasonCode> codes_;
};

}  // namespace credence::explain

#endif  // CREDENCE_EXPLAIN_REASONS_H_
