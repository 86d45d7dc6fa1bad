// SameEnterprise: see same_enterprise.h. Equal encodings mean: the same presence of every
// message field, equal scalars (doubles bit for bit), the same oneof case, repeated fields
// pairwise equal, maps with the same keys and equal values, no unknown fields.
#include "engine/same_enterprise.h"

#include <cstring>

#include "io/proto_bytes.h"

namespace credence::internal {
namespace {

// The type's reflection looked up once (GetReflection per sub-message, through the
// descriptors' once-guard, was a third of the comparison's time).
template <typename M>
bool NoUnknown(const M& m) {
  static const google::protobuf::Reflection* const reflection = M::GetReflection();
  return reflection->GetUnknownFields(m).empty();
}

bool SameBits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

bool Same(const google::protobuf::Timestamp& a, const google::protobuf::Timestamp& b) {
  return a.seconds() == b.seconds() && a.nanos() == b.nanos() && NoUnknown(a) && NoUnknown(b);
}

bool Same(const v1::Money& a, const v1::Money& b);
bool Same(const v1::AttributeValue& a, const v1::AttributeValue& b);
bool Same(const v1::Certification& a, const v1::Certification& b);
bool Same(const v1::Licence& a, const v1::Licence& b);
bool Same(const v1::CustomsGrade& a, const v1::CustomsGrade& b);

// Two optional message fields: both unset, or both set and equal.
template <typename M>
bool SameOptional(bool has_a, const M& a, bool has_b, const M& b) {
  return has_a == has_b && (!has_a || Same(a, b));
}

bool Same(const v1::Money& a, const v1::Money& b) {
  return a.currency_code() == b.currency_code() && a.minor_units() == b.minor_units() &&
         NoUnknown(a) && NoUnknown(b);
}

bool Same(const v1::AttributeValue& a, const v1::AttributeValue& b) {
  if (a.value_case() != b.value_case() || !NoUnknown(a) || !NoUnknown(b)) return false;
  switch (a.value_case()) {
    case v1::AttributeValue::kStringValue:
      return a.string_value() == b.string_value();
    case v1::AttributeValue::kIntValue:
      return a.int_value() == b.int_value();
    case v1::AttributeValue::kDoubleValue:
      return SameBits(a.double_value(), b.double_value());
    case v1::AttributeValue::kBoolValue:
      return a.bool_value() == b.bool_value();
    case v1::AttributeValue::kMoneyValue:
      return Same(a.money_value(), b.money_value());
    case v1::AttributeValue::kTimestampValue:
      return Same(a.timestamp_value(), b.timestamp_value());
    case v1::AttributeValue::VALUE_NOT_SET:
      return true;
  }
  return false;  // a case this function does not know: see the test
}

bool Same(const v1::Certification& a, const v1::Certification& b) {
  return a.scheme() == b.scheme() && a.level() == b.level() &&
         SameOptional(a.has_valid_from(), a.valid_from(), b.has_valid_from(), b.valid_from()) &&
         SameOptional(a.has_valid_until(), a.valid_until(), b.has_valid_until(), b.valid_until()) &&
         NoUnknown(a) && NoUnknown(b);
}

bool Same(const v1::Licence& a, const v1::Licence& b) {
  return a.type() == b.type() && a.number() == b.number() && a.status() == b.status() &&
         SameOptional(a.has_granted_at(), a.granted_at(), b.has_granted_at(), b.granted_at()) &&
         SameOptional(a.has_expires_at(), a.expires_at(), b.has_expires_at(), b.expires_at()) &&
         NoUnknown(a) && NoUnknown(b);
}

bool Same(const v1::CustomsGrade& a, const v1::CustomsGrade& b) {
  return a.grade() == b.grade() && a.reference() == b.reference() &&
         SameOptional(a.has_effective_at(), a.effective_at(), b.has_effective_at(),
                      b.effective_at()) &&
         NoUnknown(a) && NoUnknown(b);
}

template <typename R>
bool SameRepeated(const R& a, const R& b) {
  if (a.size() != b.size()) return false;
  for (int i = 0; i < a.size(); ++i) {
    if (!Same(a.Get(i), b.Get(i))) return false;
  }
  return true;
}

bool SameAttributes(const google::protobuf::Map<std::string, v1::AttributeValue>& a,
                    const google::protobuf::Map<std::string, v1::AttributeValue>& b) {
  if (a.size() != b.size()) return false;
  for (const auto& [key, value] : a) {
    auto it = b.find(key);
    if (it == b.end() || !Same(value, it->second)) return false;
  }
  return true;
}

bool SameFields(const v1::Enterprise& a, const v1::Enterprise& b) {
  return a.id() == b.id() && a.name() == b.name() && a.zone() == b.zone() &&
         a.sector() == b.sector() && a.country() == b.country() &&
         SameOptional(a.has_registered_at(), a.registered_at(), b.has_registered_at(),
                      b.registered_at()) &&
         SameRepeated(a.certifications(), b.certifications()) &&
         SameRepeated(a.licences(), b.licences()) &&
         SameAttributes(a.attributes(), b.attributes()) &&
         SameOptional(a.has_customs_grade(), a.customs_grade(), b.has_customs_grade(),
                      b.customs_grade());
}

}  // namespace

bool SameEnterprise(const v1::Enterprise& a, const v1::Enterprise& b) {
  if (!NoUnknown(a) || !NoUnknown(b)) {
    return io::DeterministicBytes(a) == io::DeterministicBytes(b);
  }
  return SameFields(a, b);
}

}  // namespace credence::internal
