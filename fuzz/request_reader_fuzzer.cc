// libFuzzer target: the request readers (io/request_reader.h) against the reference path
// (ParseRequest, then Ingest) on arbitrary bytes, read as JSON and as binary protobuf. A
// reader that accepts what the reference refuses, reads something else than the reference,
// or refuses without INVALID_ARGUMENT and a field path is a bug (see CheckContract).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "fuzz/fuzz_util.h"  // protobuf's log of invalid UTF-8 off
#include "tests/engine/request_reader_testing.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const credence::io::FxTable* fx = [] {
    google::protobuf::RepeatedPtrField<credence::v1::FxRate> rates;
    credence::v1::FxRate* r = rates.Add();
    r->set_currency_code("EUR");
    r->set_rate("1.08");
    auto table = credence::io::FxTable::Build("USD", rates, "fx_rates");
    if (!table.ok()) std::abort();
    return new credence::io::FxTable(std::move(table).value());
  }();
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  for (credence::WireFormat format : {credence::WireFormat::kJson, credence::WireFormat::kBinary}) {
    const std::string diff = credence::io::testing::CheckContract(bytes, format, *fx);
    if (!diff.empty()) {
      std::fprintf(stderr, "request reader disagrees with the reference (%s): %s\n",
                   format == credence::WireFormat::kJson ? "JSON" : "binary", diff.c_str());
      std::abort();
    }
  }
  return 0;
}
