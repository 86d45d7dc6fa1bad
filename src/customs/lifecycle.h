// The customs credit lifecycle (GACC Order 282): finds the dishonest information in one
// request's history — penalties, smuggling findings, listings, overdue taxes — classes each
// piece minor / general / serious, and works out where it stands at as_of: counting, ended,
// repaired by a granted credit repair, or tolerated as a first minor violation. The result
// (v1::CreditInformation, customs.proto) feeds the compliance grade policy
// (decision/compliance.h) and `credence explain`. Semantics and sources: docs/compliance.md.
//
// Example:
//   auto lifecycle = CreditLifecycle::Compile(bundle.compliance().lifecycle(), grades,
//                                             "compliance.lifecycle");
//   std::vector<v1::CreditInformation> items = lifecycle->Evaluate(ingested.events,
//                                                                  ingested.as_of);
//
// CreditLifecycle is immutable once compiled; Evaluate is thread-safe.
#ifndef CREDENCE_CUSTOMS_LIFECYCLE_H_
#define CREDENCE_CUSTOMS_LIFECYCLE_H_

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "core/time.h"
#include "credence/result.h"
#include "credence/v1/bundle.pb.h"
#include "credence/v1/customs.pb.h"
#include "features/plan_definition.h"
#include "io/event_table.h"

namespace credence::customs {

class CreditLifecycle {
 public:
  // `grades` is the compliance scale, best first; grade caps must name one of them. Errors
  // (INVALID_ARGUMENT, field paths under `path`): a cause id that is empty, malformed or
  // repeated, a cause without a filter kind or dimension, a bad filter, an unknown grade cap,
  // a default class that is unspecified, a negative or over-long duration, classes missing
  // or repeated, a class disclosure that is not positive, non-finite points.
  static Result<CreditLifecycle> Compile(const v1::CreditLifecycle& config,
                                         const std::vector<std::string>& grades,
                                         const std::string& path);

  // Every piece of dishonest information in `events` (the ingested history: at or before
  // as_of), in time order, with its state at `as_of`.
  std::vector<v1::CreditInformation> Evaluate(const io::EventTable& events,
                                              core::TimeNs as_of) const;

  bool empty() const { return causes_.empty(); }

 private:
  struct Cause {
    std::string id, description, source, cap_name;
    features::CompiledFilter filter, cleared;
    bool has_cleared = false;
    int cap = -1;  // index into grades_; -1 = none
    v1::DishonestClass default_class = v1::DISHONEST_CLASS_GENERAL;
    std::optional<core::DurationNs> duration;
    bool repairable = false;
    core::DurationNs wait = 0;
    v1::Dimension dimension = v1::DIMENSION_UNSPECIFIED;
  };
  struct ClassPolicy {
    int cap = -1;
    std::string cap_name, source;
    double points = 0;
    core::DurationNs disclosure = 0;
    bool repairable = false;
    core::DurationNs repair_after = 0;
  };
  struct Item;  // lifecycle.cc

  Status CompileCause(const v1::DishonestCause& c, const std::string& path);
  Status CompileClasses(const v1::CreditLifecycle& config, const std::string& path);
  int GradeIndex(const std::string& grade) const;
  v1::DishonestClass ClassOf(const io::EventTable& t, std::size_t row,
                             const v1::DishonestClass fallback, std::string* source) const;
  v1::CreditInformation Describe(const Item& item, const io::EventTable& t,
                                 core::TimeNs as_of) const;

  std::vector<Cause> causes_;
  std::array<ClassPolicy, 4> classes_{};  // indexed by DishonestClass
  std::string class_attribute_ = "dishonest_class";
  bool class_from_status_ = false;
  core::DurationNs tolerance_window_ = 0;
  std::string tolerance_source_;
  std::vector<std::string> grades_;
};

// "minor", "general", "serious" (and "unspecified").
const char* DishonestClassName(v1::DishonestClass c) noexcept;

}  // namespace credence::customs

#endif  // CREDENCE_CUSTOMS_LIFECYCLE_H_
