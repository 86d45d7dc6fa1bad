// Deterministic protobuf encoding. See proto_bytes.h.
#include "io/proto_bytes.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

namespace credence::io {

std::string DeterministicBytes(const google::protobuf::MessageLite& m) {
  std::string out;
  google::protobuf::io::StringOutputStream stream(&out);
  google::protobuf::io::CodedOutputStream coded(&stream);
  coded.SetSerializationDeterministic(true);
  m.SerializeToCodedStream(&coded);
  coded.Trim();
  return out;
}

google::protobuf::Timestamp TimestampOf(core::TimeNs t) {
  google::protobuf::Timestamp ts;
  std::int64_t seconds = t / core::kNanosPerSecond;
  std::int64_t nanos = t % core::kNanosPerSecond;
  if (nanos < 0) {
    nanos += core::kNanosPerSecond;
    --seconds;
  }
  ts.set_seconds(seconds);
  ts.set_nanos(static_cast<std::int32_t>(nanos));
  return ts;
}

}  // namespace credence::io
