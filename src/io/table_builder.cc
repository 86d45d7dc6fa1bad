#include "io/table_builder.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <string>
#include <utility>

#include "core/hash.h"
#include "credence/v1/event.pb.h"
#include "io/ingest_checks.h"

namespace credence::io::internal {
namespace {

using Kind = AttributeFields::Kind;

constexpr double kNaN = __builtin_nan("");

// True when `s` certainly passes CheckString: within the limit and ASCII.
inline bool SurelyValid(std::string_view s, std::size_t limit) {
  if (s.size() <= 16) return core::BytesKey(s).ascii() && s.size() <= limit;
  return s.size() <= limit && IsAscii(s);
}

// The rows of `time` in (time, row) order (ties keep row order). When the times' spread,
// without the trailing zero bits all their differences share (times in whole seconds
// share 9), leaves room for the row number in 64 bits, each row sorts as one integer
// key (time - min) >> shift << row_bits | row; else as a (time, row) pair.
std::vector<std::uint32_t> TimeOrder(const std::vector<core::TimeNs>& time) {
  const std::size_t n = time.size();
  std::vector<std::uint32_t> order(n);
  if (n == 0) return order;
  const auto [lo, hi] = std::minmax_element(time.begin(), time.end());
  const core::TimeNs min = *lo;
  std::uint64_t bits = 0;
  for (core::TimeNs t : time)
    bits |= static_cast<std::uint64_t>(t) - static_cast<std::uint64_t>(min);
  const int shift = bits == 0 ? 0 : std::countr_zero(bits);
  const std::uint64_t spread =
      (static_cast<std::uint64_t>(*hi) - static_cast<std::uint64_t>(min)) >> shift;
  const int row_bits = std::bit_width(n - 1);
  if (std::bit_width(spread) + row_bits <= 64) {
    std::vector<std::uint64_t> keys(n);
    for (std::size_t k = 0; k < n; ++k) {
      const std::uint64_t offset =
          (static_cast<std::uint64_t>(time[k]) - static_cast<std::uint64_t>(min)) >> shift;
      keys[k] = row_bits == 0 ? offset : (offset << row_bits) | k;
    }
    std::sort(keys.begin(), keys.end());
    const std::uint64_t row_mask = row_bits == 0 ? 0 : (std::uint64_t{1} << row_bits) - 1;
    for (std::size_t k = 0; k < n; ++k) order[k] = static_cast<std::uint32_t>(keys[k] & row_mask);
    return order;
  }
  std::vector<std::pair<core::TimeNs, std::uint32_t>> pairs(n);
  for (std::size_t k = 0; k < n; ++k) pairs[k] = {time[k], static_cast<std::uint32_t>(k)};
  std::sort(pairs.begin(), pairs.end());
  for (std::size_t k = 0; k < n; ++k) order[k] = pairs[k].second;
  return order;
}

}  // namespace

TableBuilder::TableBuilder(core::TimeNs as_of, const FxTable& fx, const RequestLimits& limits,
                           int events, bool copy_ids)
    : as_of_(as_of),
      fx_(fx),
      limits_(limits),
      copy_ids_(copy_ids),
      ids_(static_cast<std::size_t>(std::max(events, 0))) {
  const auto n = static_cast<std::size_t>(std::max(events, 0));
  raw_.time.reserve(n);
  raw_.id.reserve(n);
  raw_.reference_id.reserve(n);
  raw_.amount.reserve(n);
  raw_.amount_minor.reserve(n);
  for (auto* col : {&raw_.kind, &raw_.custom_kind, &raw_.counterparty, &raw_.destination_country,
                    &raw_.origin_country, &raw_.channel, &raw_.status, &raw_.input_index}) {
    col->reserve(n);
  }
  raw_.attr_begin.reserve(n + 1);
  raw_.attr_begin.push_back(0);
  raw_.strings.Reserve(std::clamp<std::size_t>(n / 2, 64, 1024));
}

Status TableBuilder::CheckAttributes(std::span<const AttributeFields> attributes, int index) const {
  const FieldRef path{"events", index, "attributes"};
  if (attributes.size() > limits_.max_attributes) {
    return OutOfRangeError(std::to_string(attributes.size()) + " attributes exceed the limit of " +
                               std::to_string(limits_.max_attributes),
                           {.field_path = path.str(), .event_index = index});
  }
  bool surely_valid = true;
  for (const AttributeFields& a : attributes) {
    surely_valid &= !a.key.empty() && SurelyValid(a.key, limits_.max_string_bytes);
    switch (a.kind) {
      case Kind::kNone:
        surely_valid = false;
        break;
      case Kind::kString:
        surely_valid &= SurelyValid(a.text, limits_.max_string_bytes);
        break;
      case Kind::kDouble:
        surely_valid &= std::isfinite(a.real);
        break;
      default:
        break;
    }
  }
  if (surely_valid) [[likely]] {
    return OkStatus();
  }
  for (const AttributeFields& a : attributes) {
    const FieldRef key_path = path.Key(a.key);
    CREDENCE_RETURN_IF_ERROR(CheckString(a.key, key_path, index, limits_));
    if (a.key.empty()) {
      return InvalidArgumentError("empty attribute name",
                                  {.field_path = key_path.str(), .event_index = index});
    }
    switch (a.kind) {
      case Kind::kNone:
        return InvalidArgumentError("attribute has no value",
                                    {.field_path = key_path.str(), .event_index = index});
      case Kind::kString:
        CREDENCE_RETURN_IF_ERROR(CheckString(a.text, key_path, index, limits_));
        break;
      case Kind::kDouble:
        if (!std::isfinite(a.real)) {
          return InvalidArgumentError("attribute value is not finite",
                                      {.field_path = key_path.str(), .event_index = index});
        }
        break;
      default:
        break;
    }
  }
  return OkStatus();
}

Status TableBuilder::CheckEvent(const EventFields& e, std::span<const AttributeFields> attributes,
                                int i, core::TimeNs* time, std::int64_t* minor) {
  const FieldRef p{"events", i};
  const std::string_view strings[] = {
      e.id,      e.custom_kind, e.counterparty, e.destination_country, e.origin_country,
      e.channel, e.status,      e.reference_id};
  bool valid = true;
  for (std::string_view s : strings) valid &= SurelyValid(s, limits_.max_string_bytes);
  if (!valid) [[unlikely]] {
    static constexpr std::string_view kNames[] = {
        "id",      "custom_kind", "counterparty", "destination_country", "origin_country",
        "channel", "status",      "reference_id"};
    for (std::size_t k = 0; k < std::size(strings); ++k) {
      CREDENCE_RETURN_IF_ERROR(CheckString(strings[k], p.Field(kNames[k]), i, limits_));
    }
  }
  if (e.id.empty()) {
    return InvalidArgumentError("event id is required",
                                {.field_path = p.Field("id").str(), .event_index = i});
  }
  if (!e.has_time) {
    return InvalidArgumentError("event time is required",
                                {.field_path = p.Field("time").str(), .event_index = i});
  }
  CREDENCE_ASSIGN_OR_RETURN(*time, ToTime(e.seconds, e.nanos, p.Field("time"), i));
  if (e.kind == v1::EVENT_KIND_UNSPECIFIED || !v1::EventKind_IsValid(e.kind)) {
    return InvalidArgumentError(
        "event kind is required and must be a known EventKind (got " + std::to_string(e.kind) + ")",
        {.field_path = p.Field("kind").str(), .event_index = i});
  }
  if ((e.kind == v1::EVENT_KIND_CUSTOM) == e.custom_kind.empty()) {
    return InvalidArgumentError("custom_kind must be set exactly when kind is EVENT_KIND_CUSTOM",
                                {.field_path = p.Field("custom_kind").str(), .event_index = i});
  }
  *minor = 0;
  if (e.has_amount) {
    CREDENCE_ASSIGN_OR_RETURN(*minor, ToBase(e.currency, e.minor_units, fx_, p.Field("amount"), i));
  }
  if (!attributes.empty()) CREDENCE_RETURN_IF_ERROR(CheckAttributes(attributes, i));
  return OkStatus();
}

void TableBuilder::Append(const EventFields& e, core::TimeNs t, std::int64_t minor, int index) {
  if (!raw_.time.empty() && t < raw_.time.back()) sorted_ = false;
  StringPool& pool = raw_.strings;
  raw_.time.push_back(t);
  raw_.kind.push_back(e.kind);
  raw_.custom_kind.push_back(pool.Intern(e.custom_kind));
  raw_.id.push_back(copy_ids_ ? raw_.bytes.Copy(e.id) : e.id);
  raw_.amount_minor.push_back(minor);
  raw_.amount.push_back(e.has_amount ? MinorToMajor(minor, fx_.base_exponent()) : kNaN);
  raw_.counterparty.push_back(pool.Intern(e.counterparty));
  raw_.destination_country.push_back(pool.Intern(e.destination_country));
  raw_.origin_country.push_back(pool.Intern(e.origin_country));
  raw_.channel.push_back(pool.Intern(e.channel));
  raw_.status.push_back(pool.Intern(e.status));
  raw_.reference_id.push_back(copy_ids_ ? raw_.bytes.Copy(e.reference_id) : e.reference_id);
  raw_.input_index.push_back(index);
}

Status TableBuilder::AddAttributes(std::span<const AttributeFields> attributes, int index) {
  const std::size_t begin = raw_.attributes.size();
  const FieldRef path{"events", index, "attributes"};
  for (const AttributeFields& in : attributes) {
    Attribute a;
    a.key = raw_.strings.Intern(in.key);
    switch (in.kind) {
      case Kind::kString:
        a.type = Attribute::Type::kString;
        a.string_id = raw_.strings.Intern(in.text);
        break;
      case Kind::kInt:
        a.type = Attribute::Type::kInt;
        a.int_value = in.number;
        a.double_value = static_cast<double>(in.number);
        break;
      case Kind::kDouble:
        a.type = Attribute::Type::kDouble;
        a.double_value = in.real;
        break;
      case Kind::kBool:
        a.type = Attribute::Type::kBool;
        a.int_value = in.number != 0 ? 1 : 0;
        a.double_value = static_cast<double>(a.int_value);
        break;
      case Kind::kMoney: {
        CREDENCE_ASSIGN_OR_RETURN(std::int64_t minor,
                                  ToBase(in.text, in.number, fx_, path.Key(in.key), index));
        a.type = Attribute::Type::kMoney;
        a.int_value = minor;
        a.double_value = MinorToMajor(minor, fx_.base_exponent());
        break;
      }
      case Kind::kTimestamp: {
        CREDENCE_ASSIGN_OR_RETURN(a.int_value,
                                  ToTime(in.number, in.nanos, path.Key(in.key), index));
        a.type = Attribute::Type::kTimestamp;
        break;
      }
      case Kind::kNone:
        break;  // rejected by CheckAttributes
    }
    // Insertion by name keeps the event's attributes sorted (a deterministic layout however
    // the source ordered them); events hold a handful.
    raw_.attributes.push_back(a);
    std::size_t k = raw_.attributes.size() - 1;
    const std::string_view name = raw_.strings.Get(a.key);
    while (k > begin && raw_.strings.Get(raw_.attributes[k - 1].key) > name) {
      raw_.attributes[k] = raw_.attributes[k - 1];
      --k;
    }
    raw_.attributes[k] = a;
  }
  return OkStatus();
}

Status TableBuilder::Add(const EventFields& e, std::span<const AttributeFields> attributes,
                         int index) {
  core::TimeNs t = 0;
  std::int64_t minor = 0;
  CREDENCE_RETURN_IF_ERROR(CheckEvent(e, attributes, index, &t, &minor));
  if (t > as_of_) {
    ++after_as_of_;
    return OkStatus();
  }
  if (ids_.Insert(raw_.id, e.id, static_cast<std::int32_t>(raw_.size())) >= 0) {
    duplicate_ids_.push_back(e.id);
    ++dropped_;
    return OkStatus();
  }
  Append(e, t, minor, index);
  if (!attributes.empty()) CREDENCE_RETURN_IF_ERROR(AddAttributes(attributes, index));
  raw_.attr_begin.push_back(static_cast<std::uint32_t>(raw_.attributes.size()));
  return OkStatus();
}

void TableBuilder::SortByTime(EventTable& table) {
  const std::size_t m = raw_.size();
  const std::vector<std::uint32_t> order = TimeOrder(raw_.time);
  auto gather = [&](auto& dst, const auto& src) {
    dst.resize(m);
    for (std::size_t k = 0; k < m; ++k) dst[k] = src[order[k]];
  };
  gather(table.time, raw_.time);
  gather(table.kind, raw_.kind);
  gather(table.custom_kind, raw_.custom_kind);
  gather(table.id, raw_.id);
  gather(table.reference_id, raw_.reference_id);
  gather(table.amount_minor, raw_.amount_minor);
  gather(table.amount, raw_.amount);
  gather(table.counterparty, raw_.counterparty);
  gather(table.destination_country, raw_.destination_country);
  gather(table.origin_country, raw_.origin_country);
  gather(table.channel, raw_.channel);
  gather(table.status, raw_.status);
  gather(table.input_index, raw_.input_index);
  table.attr_begin.reserve(m + 1);
  table.attr_begin.push_back(0);
  table.attributes.reserve(raw_.attributes.size());
  for (std::size_t k = 0; k < m; ++k) {
    const std::uint32_t src = order[k];
    table.attributes.insert(table.attributes.end(), raw_.attributes.begin() + raw_.attr_begin[src],
                            raw_.attributes.begin() + raw_.attr_begin[src + 1]);
    table.attr_begin.push_back(static_cast<std::uint32_t>(table.attributes.size()));
  }
  table.strings = std::move(raw_.strings);
  table.bytes = std::move(raw_.bytes);
  // References resolved on the request-order rows, then renumbered.
  const std::vector<std::int32_t> raw_refs = ReferenceRows(raw_, ids_);
  std::vector<std::int32_t> new_row(m);
  for (std::size_t k = 0; k < m; ++k) new_row[order[k]] = static_cast<std::int32_t>(k);
  table.reference_row.resize(m);
  for (std::size_t k = 0; k < m; ++k) {
    const std::int32_t r = raw_refs[order[k]];
    table.reference_row[k] = r < 0 ? -1 : new_row[static_cast<std::size_t>(r)];
  }
}

void TableBuilder::Finish(int received, IngestedRequest& out) {
  const auto used = static_cast<int>(raw_.size());
  if (sorted_) {
    raw_.reference_row = ReferenceRows(raw_, ids_);
    out.events = std::move(raw_);
  } else {
    SortByTime(out.events);
  }
  v1::IngestSummary& s = out.summary;
  s.set_events_received(received);
  s.set_events_used(used);
  s.set_events_after_as_of(after_as_of_);
  s.set_duplicates_dropped(dropped_);
  if (!duplicate_ids_.empty()) {
    std::sort(duplicate_ids_.begin(), duplicate_ids_.end());
    duplicate_ids_.erase(std::unique(duplicate_ids_.begin(), duplicate_ids_.end()),
                         duplicate_ids_.end());
    for (std::string_view id : duplicate_ids_) s.add_duplicate_event_ids(std::string(id));
  }
}

}  // namespace credence::io::internal
