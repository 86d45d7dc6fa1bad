// Small protobuf helpers: the deterministic binary encoding of a message (map entries in key
// order: what the bundle digest hashes and what saved states are, so that equal messages give
// equal bytes), and the Timestamp of an engine time.
#ifndef CREDENCE_IO_PROTO_BYTES_H_
#define CREDENCE_IO_PROTO_BYTES_H_

#include <google/protobuf/message_lite.h>
#include <google/protobuf/timestamp.pb.h>

#include <string>

#include "core/time.h"

namespace credence::io {

std::string DeterministicBytes(const google::protobuf::MessageLite& m);

// `t` (ns since the epoch) as a Timestamp (nanos in [0, 1e9)).
google::protobuf::Timestamp TimestampOf(core::TimeNs t);

}  // namespace credence::io

#endif  // CREDENCE_IO_PROTO_BYTES_H_
