// SameEnterprise: whether two Enterprise messages have the same deterministic encoding,
// decided field by field without encoding them (screening compares every event's enterprise
// with the one its state holds; encoding it cost about a tenth of screening an event).
#ifndef CREDENCE_ENGINE_SAME_ENTERPRISE_H_
#define CREDENCE_ENGINE_SAME_ENTERPRISE_H_

#include "credence/v1/event.pb.h"

namespace credence::internal {

// True exactly when io::DeterministicBytes(a) == io::DeterministicBytes(b). Messages with
// unknown fields anywhere are compared through their encodings. Every field of Enterprise
// and of the messages it holds is compared; tests/engine/same_enterprise_test.cc changes
// each field the descriptors list, one at a time, so a field added to the schema and not
// here fails the test.
bool SameEnterprise(const v1::Enterprise& a, const v1::Enterprise& b);

}  // namespace credence::internal

#endif  // CREDENCE_ENGINE_SAME_ENTERPRISE_H_
