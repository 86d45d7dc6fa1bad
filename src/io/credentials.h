// Credentials as of the scoring date: whether a certification or licence is valid at as_of,
// expired or not yet valid, and the validation of their dates and of the official customs
// grade at ingest. Rules see the result through the request variables of rules/context.h;
// docs/rule_sets.md and docs/compliance.md describe the semantics.
//
// Validity is the half-open interval [from, until): unset `from` means "since always", unset
// `until` means "no expiry". Stateless and thread-safe.
#ifndef CREDENCE_IO_CREDENTIALS_H_
#define CREDENCE_IO_CREDENTIALS_H_

#include <google/protobuf/timestamp.pb.h>

#include "credence/status.h"
#include "credence/v1/event.pb.h"

namespace credence::io {

enum class Validity {
  kValid,
  kNotYetValid,  // as_of before its start
  kExpired,      // as_of at or after its end
  kInactive,     // a SUSPENDED or REVOKED licence: never valid
};

Validity CertificationValidity(const v1::Certification& c,
                               const google::protobuf::Timestamp& as_of) noexcept;

// ACTIVE and EXPIRED licences are judged by their dates (the status is a snapshot taken when
// the request was assembled, possibly after as_of); SUSPENDED and REVOKED ones are inactive.
Validity LicenceValidity(const v1::Licence& l, const google::protobuf::Timestamp& as_of) noexcept;

// Validates the dates of every certification and licence and the official customs grade:
// INVALID_ARGUMENT / OUT_OF_RANGE with the field path ("enterprise.certifications[2].valid_until")
// for a timestamp out of range, a certification whose valid_from is not before its
// valid_until, a customs grade without an effective date or an effective date without a
// grade. A licence granted at or after its expiry is accepted and never valid (requests
// carried those dates before validity was judged). Strings are checked by the caller.
Status ValidateCredentialDates(const v1::Enterprise& e);

}  // namespace credence::io

#endif  // CREDENCE_IO_CREDENTIALS_H_
