// libFuzzer target: the CLI's record framing (tools/credence/score_stream.h): JSON Lines and
// length-delimited binary ScoreRequests read from one stream. The first byte picks the
// format and the record size limit; every record is split and parsed. A stream must end
// (no record read twice, bytes_read never past the input), and each record is a request or
// a clean, valid-UTF-8 error.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include "fuzz/fuzz_util.h"
#include "score_stream.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const auto format =
      data[0] & 1 ? credence::cli::RecordFormat::kPb : credence::cli::RecordFormat::kJsonl;
  const std::size_t max_record = data[0] & 2 ? 64 : credence::cli::kMaxRecordBytes;
  std::istringstream in(std::string(reinterpret_cast<const char*>(data + 1), size - 1));
  credence::cli::RecordReader reader(in, format, max_record);
  std::size_t expected_index = 0;
  while (auto raw = reader.NextRaw()) {
    if (raw->index != expected_index++) __builtin_trap();
    if (reader.bytes_read() > size - 1) __builtin_trap();
    if (!raw->error.ok()) {
      credence::fuzz::CheckStatus(raw->error);
      continue;
    }
    if (raw->bytes.size() > max_record) __builtin_trap();
    const credence::cli::InputRecord record = reader.Parse(std::move(*raw));
    if (!record.request) credence::fuzz::CheckStatus(record.error);
    if (expected_index > size + 1) __builtin_trap();  // more records than bytes: a loop
  }
  return 0;
}
