// Credential validity as of the scoring date. See credentials.h.
#include "io/credentials.h"

#include <google/protobuf/util/time_util.h>

#include <string>

#include "core/time.h"

namespace credence::io {
namespace {

using google::protobuf::operator<;
using google::protobuf::operator>=;

// Validity of [from, until) at `as_of`; either end may be unset.
Validity Window(bool has_from, const google::protobuf::Timestamp& from, bool has_until,
                const google::protobuf::Timestamp& until,
                const google::protobuf::Timestamp& as_of) noexcept {
  if (has_from && as_of < from) return Validity::kNotYetValid;
  if (has_until && as_of >= until) return Validity::kExpired;
  return Validity::kValid;
}

Status CheckTime(bool has, const google::protobuf::Timestamp& t, const std::string& path) {
  if (has && !core::ToTimeNs(t.seconds(), t.nanos())) {
    return OutOfRangeError(
        "time out of the supported range 1677-09-22..2262-04-11 (or nanos not in [0, 1e9))",
        {.field_path = path});
  }
  return OkStatus();
}

// Both ends valid times, and the start strictly before the end when both are set.
Status CheckInterval(bool has_from, const google::protobuf::Timestamp& from, bool has_until,
                     const google::protobuf::Timestamp& until, const std::string& path,
                     const char* from_name, const char* until_name) {
  CREDENCE_RETURN_IF_ERROR(CheckTime(has_from, from, path + "." + from_name));
  CREDENCE_RETURN_IF_ERROR(CheckTime(has_until, until, path + "." + until_name));
  if (has_from && has_until && from >= until) {
    return InvalidArgumentError(std::string(from_name) + " must be before " + until_name,
                                {.field_path = path + "." + until_name});
  }
  return OkStatus();
}

}  // namespace

Validity CertificationValidity(const v1::Certification& c,
                               const google::protobuf::Timestamp& as_of) noexcept {
  return Window(c.has_valid_from(), c.valid_from(), c.has_valid_until(), c.valid_until(), as_of);
}

Validity LicenceValidity(const v1::Licence& l, const google::protobuf::Timestamp& as_of) noexcept {
  if (l.status() != v1::LICENCE_STATUS_ACTIVE && l.status() != v1::LICENCE_STATUS_EXPIRED) {
    return Validity::kInactive;
  }
  const Validity v =
      Window(l.has_granted_at(), l.granted_at(), l.has_expires_at(), l.expires_at(), as_of);
  // An EXPIRED licence without an expiry date: it expired at some unknown time before the
  // snapshot; without a date it cannot be shown valid at as_of.
  if (v == Validity::kValid && l.status() == v1::LICENCE_STATUS_EXPIRED && !l.has_expires_at()) {
    return Validity::kExpired;
  }
  return v;
}

Status ValidateCredentialDates(const v1::Enterprise& e) {
  for (int i = 0; i < e.certifications_size(); ++i) {
    const v1::Certification& c = e.certifications(i);
    CREDENCE_RETURN_IF_ERROR(CheckInterval(
        c.has_valid_from(), c.valid_from(), c.has_valid_until(), c.valid_until(),
        "enterprise.certifications[" + std::to_string(i) + "]", "valid_from", "valid_until"));
  }
  // Licence dates are only range-checked: requests had them before validity was judged, and
  // an inverted pair (granted after it expired) is simply never valid.
  for (int i = 0; i < e.licences_size(); ++i) {
    const v1::Licence& l = e.licences(i);
    const std::string p = "enterprise.licences[" + std::to_string(i) + "]";
    CREDENCE_RETURN_IF_ERROR(CheckTime(l.has_granted_at(), l.granted_at(), p + ".granted_at"));
    CREDENCE_RETURN_IF_ERROR(CheckTime(l.has_expires_at(), l.expires_at(), p + ".expires_at"));
  }
  if (!e.has_customs_grade()) return OkStatus();
  const v1::CustomsGrade& g = e.customs_grade();
  if (g.grade().empty() != !g.has_effective_at()) {
    return InvalidArgumentError(
        "a customs grade needs both the grade and its effective_at",
        {.field_path = g.grade().empty() ? "enterprise.customs_grade.grade"
                                         : "enterprise.customs_grade.effective_at"});
  }
  return CheckTime(g.has_effective_at(), g.effective_at(), "enterprise.customs_grade.effective_at");
}

}  // namespace credence::io
