// Evaluating the customs credit lifecycle over one request's history. See lifecycle.h and
// docs/compliance.md ("Lifecycle").
#include "customs/lifecycle.h"

#include <google/protobuf/util/time_util.h>

#include <algorithm>
#include <string_view>
#include <unordered_map>

#include "features/filter_scan.h"

namespace credence::customs {
namespace {

constexpr int kApplication = v1::EVENT_KIND_CREDIT_REPAIR_APPLICATION;
constexpr int kOutcome = v1::EVENT_KIND_CREDIT_REPAIR_OUTCOME;

bool Accepts(const features::CompiledFilter& f, int kind) {
  return static_cast<std::size_t>(kind) < f.kinds.size() && f.kinds[static_cast<std::size_t>(kind)];
}

bool Matches(const features::BoundFilter& b, const io::EventTable& t, std::size_t row) {
  return !b.impossible && Accepts(*b.f, t.kind[row]) && features::MatchesRest(b, t, row);
}

google::protobuf::Timestamp ToTimestamp(core::TimeNs t) {
  std::int64_t seconds = t / core::kNanosPerSecond;
  std::int64_t nanos = t % core::kNanosPerSecond;
  if (nanos < 0) {
    nanos += core::kNanosPerSecond;
    --seconds;
  }
  google::protobuf::Timestamp out;
  out.set_seconds(seconds);
  out.set_nanos(static_cast<std::int32_t>(nanos));
  return out;
}

std::string Date(core::TimeNs t) {
  return google::protobuf::util::TimeUtil::ToString(ToTimestamp(t));
}

std::string Days(core::DurationNs d) { return std::to_string(d / core::kNanosPerDay) + " d"; }

// The status of `row` ("" when none).
std::string_view StatusOf(const io::EventTable& t, std::size_t row) {
  return t.status[row] == io::StringPool::kNoString
             ? std::string_view()
             : std::string_view(t.strings.Get(t.status[row]));
}

bool ParseClass(std::string_view s, v1::DishonestClass* out) {
  if (s == "minor")
    *out = v1::DISHONEST_CLASS_MINOR;
  else if (s == "general")
    *out = v1::DISHONEST_CLASS_GENERAL;
  else if (s == "serious")
    *out = v1::DISHONEST_CLASS_SERIOUS;
  else
    return false;
  return true;
}

}  // namespace

// One piece of dishonest information while it is being evaluated.
struct CreditLifecycle::Item {
  std::size_t row = 0;
  std::size_t cause = 0;
  v1::DishonestClass cls = v1::DISHONEST_CLASS_GENERAL;
  std::string class_source;
  std::optional<core::TimeNs> cleared, ends, repairable_from, repaired;
  bool repairable = false, tolerated = false;
  bool applied = false, rejected = false, granted_not_eligible = false;
};

v1::DishonestClass CreditLifecycle::ClassOf(const io::EventTable& t, std::size_t row,
                                            const v1::DishonestClass fallback,
                                            std::string* source) const {
  const std::int32_t key = t.strings.Find(class_attribute_);
  if (key != io::StringPool::kNoString) {
    for (std::uint32_t a = t.attr_begin[row]; a < t.attr_begin[row + 1]; ++a) {
      const io::Attribute& attr = t.attributes[a];
      v1::DishonestClass c;
      if (attr.key == key && attr.type == io::Attribute::Type::kString &&
          ParseClass(t.strings.Get(attr.string_id), &c)) {
        *source = "attribute";
        return c;
      }
    }
  }
  v1::DishonestClass c;
  if (class_from_status_ && ParseClass(StatusOf(t, row), &c)) {
    *source = "status";
    return c;
  }
  *source = "default";
  return fallback;
}

std::vector<v1::CreditInformation> CreditLifecycle::Evaluate(const io::EventTable& t,
                                                             core::TimeNs as_of) const {
  std::vector<v1::CreditInformation> out;
  if (causes_.empty()) return out;
  const std::size_t n = t.size();
  std::vector<features::BoundFilter> match, clear;
  for (const Cause& c : causes_) {
    match.push_back(features::BindFilter(c.filter, t.strings));
    clear.push_back(c.has_cleared ? features::BindFilter(c.cleared, t.strings)
                                  : features::BoundFilter{});
  }
  // Each event belongs to the first cause that matches it.
  std::vector<int> cause_of(n, -1);
  std::unordered_map<std::string_view, std::size_t> candidate;  // event id -> row
  for (std::size_t row = 0; row < n; ++row) {
    if (t.kind[row] == kApplication || t.kind[row] == kOutcome) continue;
    for (std::size_t k = 0; k < causes_.size(); ++k) {
      if (!Matches(match[k], t, row)) continue;
      cause_of[row] = static_cast<int>(k);
      candidate.emplace(t.id[row], row);
      break;
    }
  }
  // Clearing events (a payment of overdue taxes) end the condition of the event they
  // reference; they are not information themselves.
  std::vector<std::optional<core::TimeNs>> cleared(n);
  std::vector<bool> clearing(n, false);
  for (std::size_t row = 0; row < n; ++row) {
    const auto it =
        t.reference_id[row].empty() ? candidate.end() : candidate.find(t.reference_id[row]);
    if (it == candidate.end() || it->second == row) continue;
    const std::size_t k = static_cast<std::size_t>(cause_of[it->second]);
    if (!causes_[k].has_cleared || !Matches(clear[k], t, row)) continue;
    clearing[row] = true;
    if (!cleared[it->second]) cleared[it->second] = t.time[row];
  }
  std::vector<Item> items;
  std::unordered_map<std::string_view, std::size_t> item_of;  // event id -> item
  std::optional<core::TimeNs> last_minor;
  for (std::size_t row = 0; row < n; ++row) {
    if (cause_of[row] < 0 || clearing[row]) continue;
    Item item;
    item.row = row;
    item.cause = static_cast<std::size_t>(cause_of[row]);
    const Cause& c = causes_[item.cause];
    const ClassPolicy& p = classes_[static_cast<std::size_t>(
        (item.cls = ClassOf(t, row, c.default_class, &item.class_source)))];
    if (item.cls == v1::DISHONEST_CLASS_MINOR) {
      item.tolerated = tolerance_window_ > 0 && c.cap < 0 &&
                       (!last_minor || t.time[row] - *last_minor >= tolerance_window_);
      last_minor = t.time[row];
    }
    item.cleared = c.has_cleared ? cleared[row] : std::optional<core::TimeNs>(t.time[row]);
    item.repairable = c.repairable && p.repairable;
    if (item.cleared) {
      item.ends = *item.cleared + c.duration.value_or(p.disclosure);
      if (item.repairable) item.repairable_from = *item.cleared + std::max(c.wait, p.repair_after);
    }
    item_of.emplace(t.id[row], items.size());
    items.push_back(std::move(item));
  }
  // Repair applications and outcomes, in time order: the first eligible grant repairs.
  std::unordered_map<std::string_view, std::size_t> application_of;  // application id -> item
  for (std::size_t row = 0; row < n; ++row) {
    if (t.kind[row] != kApplication && t.kind[row] != kOutcome) continue;
    auto it = application_of.find(t.reference_id[row]);
    if (it == application_of.end()) it = item_of.find(t.reference_id[row]);
    if (it == item_of.end() || t.reference_id[row].empty()) continue;
    Item& item = items[it->second];
    if (t.kind[row] == kApplication) {
      item.applied = true;
      application_of.emplace(t.id[row], it->second);
      continue;
    }
    const std::string_view status = StatusOf(t, row);
    if (status == "rejected") item.rejected = true;
    if (status != "granted" || item.repaired) continue;
    if (item.repairable_from && t.time[row] >= *item.repairable_from) {
      item.repaired = t.time[row];
    } else {
      item.granted_not_eligible = true;
    }
  }
  out.reserve(items.size());
  for (const Item& item : items) out.push_back(Describe(item, t, as_of));
  return out;
}

v1::CreditInformation CreditLifecycle::Describe(const Item& item, const io::EventTable& t,
                                                core::TimeNs as_of) const {
  const Cause& c = causes_[item.cause];
  const ClassPolicy& p = classes_[static_cast<std::size_t>(item.cls)];
  v1::CreditInformation info;
  info.set_event_id(std::string(t.id[item.row]));
  info.set_cause(c.id);
  info.set_dishonest_class(item.cls);
  info.set_class_source(item.class_source);
  const core::TimeNs identified = t.time[item.row];
  *info.mutable_identified_at() = ToTimestamp(identified);
  if (item.cleared) *info.mutable_cleared_at() = ToTimestamp(*item.cleared);
  if (item.ends) *info.mutable_ends_at() = ToTimestamp(*item.ends);
  info.set_repairable(item.repairable);
  if (item.repairable_from) *info.mutable_repairable_from() = ToTimestamp(*item.repairable_from);
  if (item.repaired) *info.mutable_repaired_at() = ToTimestamp(*item.repaired);
  const int cap = std::max(c.cap, p.cap);
  info.set_grade_cap(cap < 0 ? "" : grades_[static_cast<std::size_t>(cap)]);
  info.set_dimension(c.dimension);
  v1::CreditInformationState state = v1::CREDIT_INFORMATION_STATE_ACTIVE;
  if (item.tolerated) {
    state = v1::CREDIT_INFORMATION_STATE_TOLERATED;
  } else if (item.ends && *item.ends <= as_of && (!item.repaired || *item.ends <= *item.repaired)) {
    state = v1::CREDIT_INFORMATION_STATE_EXPIRED;
  } else if (item.repaired) {
    state = v1::CREDIT_INFORMATION_STATE_REPAIRED;
  }
  info.set_state(state);
  info.set_points(state == v1::CREDIT_INFORMATION_STATE_ACTIVE ? p.points : 0.0);
  info.set_repair_status(item.repaired               ? "granted"
                         : item.granted_not_eligible ? "granted_not_eligible"
                         : item.rejected             ? "rejected"
                         : item.applied              ? "applied"
                                                     : "");
  // The sentence `credence explain` prints.
  std::string why = (c.description.empty() ? c.id : c.description) + " (" +
                    DishonestClassName(item.cls) + ", class from " + item.class_source + ")";
  if (item.tolerated) {
    why += "; tolerated as a first minor violation (no other minor one in the " +
           Days(tolerance_window_) + " before it";
    if (!tolerance_source_.empty()) why += "; " + tolerance_source_;
    info.set_explanation(why + ")");
    return info;
  }
  if (cap >= 0) why += "; caps the grade at " + info.grade_cap();
  if (!c.source.empty()) why += " (" + c.source + ")";
  if (!item.cleared) {
    why += "; counts until the condition is cleared, then " +
           Days(c.duration.value_or(p.disclosure)) + " more unless repaired";
  } else {
    why += "; counts " + Days(c.duration.value_or(p.disclosure)) + " from " + Date(*item.cleared) +
           " unless repaired";
  }
  if (!item.repairable) {
    why += "; not repairable";
  } else if (item.repairable_from) {
    why += "; repairable from " + Date(*item.repairable_from) + " (wait " +
           Days(std::max(c.wait, p.repair_after)) + ")";
  } else {
    why += "; repairable " + Days(std::max(c.wait, p.repair_after)) + " after clearing";
  }
  if (!p.source.empty()) why += "; class figures: " + p.source;
  info.set_explanation(why);
  return info;
}

}  // namespace credence::customs
