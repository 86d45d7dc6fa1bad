// FeaturePlan: the bundle's feature definitions compiled against nothing but themselves,
// evaluated over one request's EventTable into a dense vector of doubles (NaN = missing).
#ifndef CREDENCE_FEATURES_FEATURE_PLAN_H_
#define CREDENCE_FEATURES_FEATURE_PLAN_H_

#include <google/protobuf/repeated_field.h>

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "credence/bundle.h"
#include "credence/engine.h"
#include "credence/result.h"
#include "credence/v1/bundle.pb.h"
#include "io/ingest.h"

namespace credence::features {

// Immutable once compiled; Evaluate is const and safe to call from many threads at once.
class FeaturePlan {
 public:
  // Compiles `features` (Bundle.features). `source_map` (may be null) turns field paths into
  // file:line:col. Errors are INVALID_ARGUMENT naming the feature: empty or duplicate names,
  // a missing computation, an unknown feature in a ratio, a ratio cycle, an invalid window
  // or filter; OUT_OF_RANGE past `max_features`. Every error found is appended to `issues`
  // (if non-null); the first is returned.
  static Result<FeaturePlan> Compile(
      const google::protobuf::RepeatedPtrField<v1::Feature>& features, int base_currency_exponent,
      std::size_t max_features, const BundleSourceMap* source_map, std::vector<Issue>* issues);

  FeaturePlan(FeaturePlan&&) noexcept;
  FeaturePlan& operator=(FeaturePlan&&) noexcept;
  ~FeaturePlan();

  std::size_t size() const;
  const std::vector<std::string>& names() const;
  // Index of `name`, or -1.
  int Find(std::string_view name) const;

  // Computes every feature of `request` into `out`. REQUIRES: out.size() == size().
  void Evaluate(const io::IngestedRequest& request, std::span<double> out) const;

 private:
  struct Rep;
  explicit FeaturePlan(std::unique_ptr<Rep> rep);
  std::unique_ptr<Rep> rep_;
};

}  // namespace credence::features

#endif  // CREDENCE_FEATURES_FEATURE_PLAN_H_
