// Scorecards with the semantics of the PMML 4.4 Scorecard model. See docs/models.md.
#ifndef CREDENCE_MODELS_SCORECARD_H_
#define CREDENCE_MODELS_SCORECARD_H_

#include <functional>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "credence/result.h"
#include "credence/v1/bundle.pb.h"
#include "credence/v1/event.pb.h"
#include "models/interval.h"
#include "models/logistic.h"

namespace credence::models {

// Immutable once compiled; Predict is const and thread-safe.
//
// Each characteristic awards the partial score of its first matching attribute; the total is
// initial_score + the partial scores. With a scaling, ln(good:bad odds) = (points - offset) /
// factor, factor = pdo / ln 2, offset = base_score - factor ln(base_odds), and
// PD = 1 / (1 + odds).
class Scorecard {
 public:
  // `feature_index` maps a bundle feature name to its index (-1 = unknown). `path` prefixes
  // field paths ("models[0].scorecard"). Errors (INVALID_ARGUMENT, with the field path):
  // unknown feature or enterprise field; a characteristic without input or attributes; an
  // attribute without predicate; NaN or infinite numbers; an empty interval; intervals that
  // overlap (numeric categories count as one-point intervals); without `otherwise`,
  // intervals that leave numbers uncovered; an attribute after `otherwise`; a second
  // `missing` attribute; a category listed twice or an empty category set; string
  // categories on a feature or numeric ones / intervals on an enterprise field; when any
  // reason code is given, a characteristic without baseline_score or an attribute with no
  // code of its own or its characteristic's; a scaling with base_odds or pdo not positive,
  // or combined with POINTS_ABOVE (a scaling reads higher points as lower risk).
  //
  // With `string_features` (credence predict over a CSV), a `feature` characteristic with
  // string categories (what `credence fit --categorical` writes) reads a string column of
  // that name: it is listed in string_fields() and feature_index is not asked for it.
  static Result<Scorecard> Compile(const v1::Scorecard& card,
                                   const std::function<int(std::string_view)>& feature_index,
                                   const std::string& path, bool string_features = false);

  // The enterprise fields (and string features) the characteristics read, each once, in
  // first-use order. Predict's `strings` holds their values in this order.
  const std::vector<std::string>& string_fields() const { return string_fields_; }
  const std::vector<std::string>& characteristic_names() const { return names_; }
  bool has_scaling() const { return has_scaling_; }
  double initial_score() const { return initial_score_; }

  // Fills `out` (points, partial_scores, reason_candidates; margin, probability and
  // per-feature contributions when scaled). An unmatched characteristic makes the output
  // unavailable, naming it, unless zero_when_unmatched. An empty string is a missing field.
  // REQUIRES: strings.size() >= string_fields().size(); features covers every index the
  // feature_index of Compile returned.
  void Predict(std::span<const double> features, std::span<const std::string> strings,
               ModelOutput& out) const;

  // The index of the attribute of characteristic `c` that input `x` (numeric features) or
  // `s` (string inputs) matches, or -1. REQUIRES: c < characteristic_names().size().
  int MatchAttribute(std::size_t c, double x, std::string_view s) const;
  // Whether characteristic `c` reads a numeric feature (else a string field).
  bool numeric_input(std::size_t c) const { return chars_[c].feature >= 0; }
  // The feature or field characteristic `c` reads.
  const std::string& input(std::size_t c) const { return chars_[c].input; }

 private:
  enum class Kind { kInterval, kNumbers, kStrings, kMissing, kOtherwise };
  struct Attribute {
    Kind kind;
    NumericInterval interval;
    std::vector<double> numbers;
    std::vector<std::string> strings;
    double partial_score;
    std::string reason_code;  // resolved: the attribute's or the characteristic's
  };
  struct Characteristic {
    int feature = -1;       // numeric input, or
    int string_field = -1;  // index into string_fields_
    std::string input;      // feature or field name
    std::string reason_code;
    std::optional<double> baseline;
    double reason_threshold = std::numeric_limits<double>::quiet_NaN();
    std::vector<Attribute> attributes;
  };
  struct CompileState;   // what compiling one card tracks across characteristics
  struct AttributeScan;  // what compiling one characteristic tracks across attributes
  Status CompileHeader(const v1::Scorecard& card, const std::string& path);
  Status CompileScaling(const v1::ScoreScaling& scaling, const std::string& path);
  Status CompileCharacteristic(const v1::ScorecardCharacteristic& c, const std::string& cp,
                               CompileState& state);
  Status BindInput(const v1::ScorecardCharacteristic& c, const std::string& cp, CompileState& state,
                   Characteristic& ch);
  static Status CompileReasonFields(const v1::ScorecardCharacteristic& c, const std::string& cp,
                                    bool uses_codes, Characteristic& ch);
  static Status CompileAttribute(const v1::ScorecardAttribute& a, const std::string& ap,
                                 const Characteristic& ch, AttributeScan& scan, Attribute& attr);
  static Status CompileCategories(const v1::CategorySet& set, const std::string& ap,
                                  const Characteristic& ch, AttributeScan& scan, Attribute& attr);

  double initial_score_ = 0;
  bool points_above_ = false;
  bool zero_when_unmatched_ = false;
  bool has_scaling_ = false;
  double factor_ = 0, offset_ = 0;
  std::vector<Characteristic> chars_;
  std::vector<std::string> names_;
  std::vector<std::string> string_fields_;
};

// The value of an enterprise field a scorecard may read: "zone", "sector", "country", or
// "attributes.<key>" (a string attribute; any other type or an absent key reads as missing,
// ""). REQUIRES: ValidEnterpriseField(field).
std::string EnterpriseField(const v1::Enterprise& enterprise, std::string_view field);
bool ValidEnterpriseField(std::string_view field);

}  // namespace credence::models

#endif  // CREDENCE_MODELS_SCORECARD_H_
