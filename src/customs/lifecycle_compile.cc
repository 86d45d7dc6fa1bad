// Compiling a CreditLifecycle: causes, classes and tolerance, every field checked. See
// lifecycle.h; the semantics are in docs/compliance.md.
#include <algorithm>
#include <cmath>
#include <set>
#include <string>

#include "customs/lifecycle.h"
#include "features/compiler.h"

namespace credence::customs {
namespace {

constexpr std::int64_t kMaxSeconds = 100LL * 366 * 86'400;  // 100 years

// A duration in nanoseconds, or an error at `path`: negative, over 100 years, or zero where
// `positive` is required.
Result<core::DurationNs> Duration(const google::protobuf::Duration& d, const std::string& path,
                                  bool positive) {
  if (d.seconds() < 0 || d.nanos() < 0 || d.nanos() >= core::kNanosPerSecond) {
    return InvalidArgumentError("durations must not be negative", {.field_path = path});
  }
  if (d.seconds() > kMaxSeconds) {
    return InvalidArgumentError("durations may not exceed 100 years", {.field_path = path});
  }
  if (positive && d.seconds() == 0 && d.nanos() == 0) {
    return InvalidArgumentError("the duration must be positive", {.field_path = path});
  }
  return d.seconds() * core::kNanosPerSecond + d.nanos();
}

bool ValidId(const std::string& id) {
  if (id.empty() || id.size() > 64 || id[0] < 'a' || id[0] > 'z') return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

Result<features::CompiledFilter> Filter(const v1::EventFilter& f, const std::string& path) {
  if (f.kinds().empty()) {
    return InvalidArgumentError("the filter needs at least one event kind",
                                {.field_path = path + ".kinds"});
  }
  for (int k : f.kinds()) {
    if (k == v1::EVENT_KIND_CREDIT_REPAIR_APPLICATION ||
        k == v1::EVENT_KIND_CREDIT_REPAIR_OUTCOME) {
      return InvalidArgumentError("credit repair events cannot be dishonest information",
                                  {.field_path = path + ".kinds"});
    }
  }
  return features::DefinitionCompiler(2, nullptr, nullptr).CompileOneFilter(f, path);
}

}  // namespace

const char* DishonestClassName(v1::DishonestClass c) noexcept {
  switch (c) {
    case v1::DISHONEST_CLASS_MINOR:
      return "minor";
    case v1::DISHONEST_CLASS_GENERAL:
      return "general";
    case v1::DISHONEST_CLASS_SERIOUS:
      return "serious";
    default:
      return "unspecified";
  }
}

int CreditLifecycle::GradeIndex(const std::string& grade) const {
  const auto it = std::find(grades_.begin(), grades_.end(), grade);
  return it == grades_.end() ? -1 : static_cast<int>(it - grades_.begin());
}

Result<CreditLifecycle> CreditLifecycle::Compile(const v1::CreditLifecycle& config,
                                                 const std::vector<std::string>& grades,
                                                 const std::string& path) {
  CreditLifecycle out;
  out.grades_ = grades;
  if (!config.class_attribute().empty()) out.class_attribute_ = config.class_attribute();
  out.class_from_status_ = config.class_from_status();
  CREDENCE_RETURN_IF_ERROR(out.CompileClasses(config, path));
  std::set<std::string> ids;
  for (int i = 0; i < config.causes_size(); ++i) {
    const std::string p = path + ".causes[" + std::to_string(i) + "]";
    if (!ids.insert(config.causes(i).id()).second) {
      return InvalidArgumentError("cause ids must be unique", {.field_path = p + ".id"});
    }
    CREDENCE_RETURN_IF_ERROR(out.CompileCause(config.causes(i), p));
  }
  if (config.has_tolerance()) {
    CREDENCE_ASSIGN_OR_RETURN(out.tolerance_window_, Duration(config.tolerance().window(),
                                                              path + ".tolerance.window", false));
    out.tolerance_source_ = config.tolerance().source();
  }
  return out;
}

Status CreditLifecycle::CompileClasses(const v1::CreditLifecycle& config, const std::string& path) {
  std::array<bool, 4> seen{};
  for (int i = 0; i < config.classes_size(); ++i) {
    const v1::DishonestClassPolicy& c = config.classes(i);
    const std::string p = path + ".classes[" + std::to_string(i) + "]";
    const int k = c.dishonest_class();
    if (k <= v1::DISHONEST_CLASS_UNSPECIFIED || k > v1::DISHONEST_CLASS_SERIOUS ||
        seen[static_cast<std::size_t>(k)]) {
      return InvalidArgumentError("each class policy names a distinct, specified class",
                                  {.field_path = p + ".dishonest_class"});
    }
    seen[static_cast<std::size_t>(k)] = true;
    ClassPolicy& policy = classes_[static_cast<std::size_t>(k)];
    policy.cap_name = c.grade_cap();
    policy.cap = c.grade_cap().empty() ? -1 : GradeIndex(c.grade_cap());
    if (!c.grade_cap().empty() && policy.cap < 0) {
      return InvalidArgumentError("grade_cap '" + c.grade_cap() + "' is not a compliance grade",
                                  {.field_path = p + ".grade_cap"});
    }
    if (!std::isfinite(c.points())) {
      return InvalidArgumentError("points must be finite", {.field_path = p + ".points"});
    }
    policy.points = c.points();
    CREDENCE_ASSIGN_OR_RETURN(policy.disclosure, Duration(c.disclosure(), p + ".disclosure", true));
    policy.repairable = c.repairable();
    CREDENCE_ASSIGN_OR_RETURN(policy.repair_after,
                              Duration(c.repair_after(), p + ".repair_after", false));
    policy.source = c.source();
  }
  for (int k = v1::DISHONEST_CLASS_MINOR; k <= v1::DISHONEST_CLASS_SERIOUS; ++k) {
    if (!seen[static_cast<std::size_t>(k)]) {
      return InvalidArgumentError(std::string("a policy for class ") +
                                      DishonestClassName(static_cast<v1::DishonestClass>(k)) +
                                      " is required",
                                  {.field_path = path + ".classes"});
    }
  }
  return OkStatus();
}

Status CreditLifecycle::CompileCause(const v1::DishonestCause& c, const std::string& p) {
  Cause cause;
  if (!ValidId(c.id())) {
    return InvalidArgumentError("cause ids match [a-z][a-z0-9_]{0,63}", {.field_path = p + ".id"});
  }
  cause.id = c.id();
  cause.description = c.description();
  cause.source = c.source();
  CREDENCE_ASSIGN_OR_RETURN(cause.filter, Filter(c.filter(), p + ".filter"));
  if (c.has_cleared_by()) {
    cause.has_cleared = true;
    CREDENCE_ASSIGN_OR_RETURN(cause.cleared, Filter(c.cleared_by(), p + ".cleared_by"));
  }
  cause.cap_name = c.grade_cap();
  cause.cap = c.grade_cap().empty() ? -1 : GradeIndex(c.grade_cap());
  if (!c.grade_cap().empty() && cause.cap < 0) {
    return InvalidArgumentError("grade_cap '" + c.grade_cap() + "' is not a compliance grade",
                                {.field_path = p + ".grade_cap"});
  }
  if (c.default_class() <= v1::DISHONEST_CLASS_UNSPECIFIED ||
      c.default_class() > v1::DISHONEST_CLASS_SERIOUS) {
    return InvalidArgumentError("default_class must be MINOR, GENERAL or SERIOUS",
                                {.field_path = p + ".default_class"});
  }
  cause.default_class = c.default_class();
  if (c.has_duration()) {
    CREDENCE_ASSIGN_OR_RETURN(cause.duration, Duration(c.duration(), p + ".duration", true));
  }
  cause.repairable = c.repairable();
  CREDENCE_ASSIGN_OR_RETURN(cause.wait, Duration(c.repair_wait(), p + ".repair_wait", false));
  if (c.dimension() == v1::DIMENSION_UNSPECIFIED || !v1::Dimension_IsValid(c.dimension())) {
    return InvalidArgumentError("the cause needs a dimension (where its class points go)",
                                {.field_path = p + ".dimension"});
  }
  cause.dimension = c.dimension();
  causes_.push_back(std::move(cause));
  return OkStatus();
}

}  // namespace credence::customs
