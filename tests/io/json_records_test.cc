// The shared error record: valid JSON that an independent parser (nlohmann::json) reads back
// to the original strings, with the documented fields.
#include "io/json_records.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <random>
#include <string>

#include "core/utf8.h"
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

  // No request id when empty; no location when the status has none.
  j = nlohmann::json::parse(ErrorRecordJson(0, "", DataLossError("truncated")));
  EXPECT_FALSE(j["error"].contains("requestId"));
  EXPECT_FALSE(j["error"].contains("location"));
  EXPECT_EQ(j["error"]["code"], "DATA_LOSS");
}

// Invalid UTF-8 anywhere (request id, message, location) is replaced, one U+FFFD per maximal
// ill-formed subpart; the expected strings are Python's bytes.decode("utf-8", "replace").
TEST(JsonRecordsTest, InvalidUtf8IsReplacedSoTheRecordIsValidJson) {
  const std::string fffd = "\xEF\xBF\xBD";
  EXPECT_EQ(JsonQuote("a\xff"
                      "b\xE4\xB8"),
            "\"a" + fffd + "b" + fffd + "\"");
  const Status s = InvalidArgumentError("bad byte \xC0\xAF in 'x\x1b'",
                                        {.file = "f\xFE.json", .field_path = "events[0].id"});
  const std::string record = ErrorRecordJson(3, "req-\xF0\x9F\x98", s);
  // nlohmann::json::parse throws on invalid UTF-8: this parse is the validity check.
  const nlohmann::json j = nlohmann::json::parse(record);
  EXPECT_EQ(j["error"]["requestId"], "req-" + fffd);
  EXPECT_EQ(j["error"]["message"], "bad byte " + fffd + fffd + " in 'x\x1b'");
  EXPECT_EQ(j["error"]["location"], "f" + fffd + ".json: events[0].id");
}

TEST(JsonRecordsTest, RandomBytesAlwaysGiveValidJson) {
  std::mt19937 rng(11);
  for (int i = 0; i < 2000; ++i) {
    std::string s;
    const int n = static_cast<int>(rng() % 24);
    for (int k = 0; k < n; ++k) s += static_cast<char>(rng() % 256);
    const std::string quoted = JsonQuote(s);
    // Valid, and it reads back as the replaced text (ReplaceInvalidUtf8 is checked against
    // Python's decoder in tests/core).
    EXPECT_EQ(nlohmann::json::parse(quoted).get<std::string>(), core::ReplaceInvalidUtf8(s))
        << testing::PrintToString(s);
    EXPECT_TRUE(nlohmann::json::accept(ErrorRecordJson(0, s, InvalidArgumentError(s))));
  }
}

}  // namespace
}  // namespace credence::io
