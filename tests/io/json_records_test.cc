// The shared error record: valid JSON that an independent parser (nlohmann::json) reads back
// to the original strings, with the documented fields.
#include "io/json_records.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <random>
#include <string>

#include "credence/status.h"

namespace credence::io {
namespace {

TEST(JsonRecordsTest, QuoteEscapesExactlyTheJsonSpecials) {
  EXPECT_EQ(JsonQuote("plain"), "\"plain\"");
  EXPECT_EQ(JsonQuote("a\"b\\c"), "\"a\\\"b\\\\c\"");
  EXPECT_EQ(JsonQuote("\n\r\t"), "\"\\n\\r\\t\"");
  EXPECT_EQ(JsonQuote(std::string("\x01\x1f", 2)), "\"\\u0001\\u001f\"");
  EXPECT_EQ(JsonQuote("caf\xc3\xa9 /"), "\"caf\xc3\xa9 /\"");  // UTF-8 and / copied
}

TEST(JsonRecordsTest, QuoteRoundTripsThroughAnIndependentParser) {
  std::mt19937 rng(7);
  for (int i = 0; i < 500; ++i) {
    std::string s;
    const int n = static_cast<int>(rng() % 40);
    for (int k = 0; k < n; ++k) s += static_cast<char>(rng() % 0x80);  // ASCII incl. controls
    EXPECT_EQ(nlohmann::json::parse(JsonQuote(s)).get<std::string>(), s);
  }
}

TEST(JsonRecordsTest, ErrorRecordHasTheDocumentedFields) {
  Status s = InvalidArgumentError("bad \"amount\"", {.field_path = "events[3].amount"});
  nlohmann::json j = nlohmann::json::parse(ErrorRecordJson(12, "req-\n1", s));
  EXPECT_EQ(j["error"]["index"], 12);
  EXPECT_EQ(j["error"]["requestId"], "req-\n1");
  EXPECT_EQ(j["error"]["code"], "INVALID_ARGUMENT");
  EXPECT_EQ(j["error"]["message"], "bad \"amount\"");
  EXPECT_EQ(j["error"]["location"], s.location()->ToString());

  // No request id when empty or not UTF-8; no location when the status has none.
  j = nlohmann::json::parse(ErrorRecordJson(0, "\xff", DataLossError("truncated")));
  EXPECT_FALSE(j["error"].contains("requestId"));
  EXPECT_FALSE(j["error"].contains("location"));
  EXPECT_EQ(j["error"]["code"], "DATA_LOSS");
}

}  // namespace
}  // namespace credence::io
