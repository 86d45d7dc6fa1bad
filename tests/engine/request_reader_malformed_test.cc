// The request readers on malformed and unusual requests: a table of named cases (each with
// the path it must take: read, left to the reference path, or refused with a field path),
// then thousands of random mutations of valid requests, JSON and binary. Every outcome must
// keep the readers' contract (request_reader_testing.h: CheckContract).
#include <gmock/gmock.h>
#include <google/protobuf/stubs/logging.h>
#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "tests/engine/request_reader_testing.h"

namespace credence::io::testing {
namespace {

class MalformedRequestTest : public ::testing::Test {
 protected:
  void SetUp() override {
    google::protobuf::RepeatedPtrField<v1::FxRate> rates;
    v1::FxRate* r = rates.Add();
    r->set_currency_code("EUR");
    r->set_rate("1.08");
    auto fx = FxTable::Build("USD", rates, "fx_rates");
    ASSERT_TRUE(fx.ok());
    fx_.emplace(std::move(fx).value());
  }
  std::optional<FxTable> fx_;
};

// A valid request with one event: {EVENT} is replaced by the event's fields.
std::string Request(const std::string& event_fields, const std::string& top = "") {
  return R"({"requestId":"r1","asOf":"2026-10-01T00:00:00Z",)" + top + R"("events":[{)" +
         event_fields + "}]}";
}
const std::string kEvent =
    R"("id":"e1","time":"2026-01-01T00:00:00Z","kind":"EVENT_KIND_ORDER","amount":{"currencyCode":"EUR","minorUnits":"1000"})";

struct Case {
  std::string name;
  std::string json;
  Path path;
  std::string field_path = "";  // when set: the reference refuses it there
};

std::vector<Case> Cases() {
  return {
      {"canonical", Request(kEvent), Path::kRead},
      {"proto_names",
       Request(
           R"("id":"e1","time":"2026-01-01T00:00:00Z","kind":1,"amount":{"currency_code":"EUR","minor_units":1000})"),
       Path::kRead},
      {"white_space", " \n" + Request(kEvent) + " \t\n", Path::kRead},
      {"escapes_in_values",
       Request(R"("id":"\u00e9\n\/\"x","time":"2026-01-01T00:00:00Z","kind":"EVENT_KIND_ORDER")"),
       Path::kRead},
      {"fraction_of_second", Request(R"("id":"e","time":"2026-01-01T00:00:00.5Z","kind":1)"),
       Path::kRead},
      {"nine_fraction_digits",
       Request(R"("id":"e","time":"2026-01-01T00:00:00.123456789Z","kind":1)"), Path::kRead},
      {"leap_day", Request(R"("id":"e","time":"2024-02-29T23:59:59Z","kind":1)"), Path::kRead},
      {"unknown_enum_number", Request(R"("id":"e","time":"2026-01-01T00:00:00Z","kind":999)"),
       Path::kFallback},
      {"empty_amount", Request(R"("id":"e","time":"2026-01-01T00:00:00Z","kind":1,"amount":{})"),
       Path::kFallback},
      {"attribute_without_value", Request(kEvent + R"(,"attributes":{"a":{}})"), Path::kFallback},
      {"every_attribute_type",
       Request(
           kEvent +
           R"(,"attributes":{"s":{"stringValue":"x"},"i":{"intValue":"-7"},"d":{"doubleValue":-0.0},"b":{"boolValue":true},"m":{"moneyValue":{"currencyCode":"EUR","minorUnits":5}},"t":{"timestampValue":"2020-01-01T00:00:00Z"}})"),
       Path::kRead},
      {"double_integer_token", Request(kEvent + R"(,"attributes":{"d":{"doubleValue":-0}})"),
       Path::kFallback},
      {"double_big_integer",
       Request(kEvent + R"(,"attributes":{"d":{"doubleValue":18446744073709551615}})"),
       Path::kRead},
      // Wrong shapes protobuf's parser would flatten or accept: left to the reference path,
      // whose shape check (io/json_shape.h) refuses them with the field path.
      {"nested_events", R"({"asOf":"2026-10-01T00:00:00Z","events":[[{)" + kEvent + "}]]}",
       Path::kFallback, "events[0]"},
      {"nested_empty", R"({"asOf":"2026-10-01T00:00:00Z","events":[[]]})", Path::kFallback,
       "events[0]"},
      {"nested_second", R"({"asOf":"2026-10-01T00:00:00Z","events":[{"id":"a"},[{"id":"b"}]]})",
       Path::kFallback, "events[1]"},
      {"object_for_events", R"({"asOf":"2026-10-01T00:00:00Z","events":{"id":"x"}})",
       Path::kFallback, "events"},
      {"object_for_fx_rates",
       R"({"asOf":"2026-10-01T00:00:00Z","fxRates":{"currencyCode":"EUR","rate":"1"}})",
       Path::kFallback, "fx_rates"},
      {"nested_certifications",
       R"({"asOf":"2026-10-01T00:00:00Z","enterprise":{"certifications":[[{"scheme":"AEO"}]]}})",
       Path::kFallback, "enterprise.certifications[0]"},
      // Left to protobuf: it accepts them with its own rules, or fails with its message.
      {"duplicate_key", Request(kEvent, R"("requestId":"r2",)"), Path::kFallback},
      {"both_spellings", Request(kEvent, R"("request_id":"r2",)"), Path::kFallback},
      {"duplicate_event_key", Request(kEvent + R"(,"id":"e2")"), Path::kFallback},
      {"duplicate_attribute",
       Request(kEvent + R"(,"attributes":{"a":{"intValue":"1"},"a":{"intValue":"2"}})"),
       Path::kFallback},
      {"two_oneof_members",
       Request(kEvent + R"(,"attributes":{"a":{"intValue":"1","boolValue":true}})"),
       Path::kFallback},
      {"null_field", Request(kEvent, R"("enterprise":null,)"), Path::kFallback},
      {"null_event", R"({"asOf":"2026-10-01T00:00:00Z","events":[null]})", Path::kFallback},
      {"null_in_event", Request(kEvent + R"(,"status":null)"), Path::kFallback},
      {"unknown_field", Request(kEvent, R"("unknown":1,)"), Path::kFallback},
      {"unknown_event_field", Request(kEvent + R"(,"colour":"red")"), Path::kFallback},
      {"escaped_key", Request(kEvent, R"("request\u005fid":"r2",)"), Path::kFallback},
      {"array_for_scalar", Request(kEvent, R"("enterprise":{"id":["x"]},)"), Path::kFallback},
      {"array_for_message", Request(kEvent, R"("enterprise":[{"id":"x"}],)"), Path::kFallback},
      {"object_for_scalar", Request(kEvent + R"(,"status":{"a":1})"), Path::kFallback},
      {"number_for_string", Request(kEvent + R"(,"status":5)"), Path::kFallback},
      {"string_enum_number", Request(R"("id":"e","time":"2026-01-01T00:00:00Z","kind":"1")"),
       Path::kFallback},
      {"lower_case_enum",
       Request(R"("id":"e","time":"2026-01-01T00:00:00Z","kind":"event_kind_order")"),
       Path::kFallback},
      {"int64_leading_zero",
       Request(
           R"("id":"e","time":"2026-01-01T00:00:00Z","kind":1,"amount":{"currencyCode":"EUR","minorUnits":"0100"})"),
       Path::kFallback},
      {"int64_plus",
       Request(
           R"("id":"e","time":"2026-01-01T00:00:00Z","kind":1,"amount":{"currencyCode":"EUR","minorUnits":"+100"})"),
       Path::kFallback},
      {"int64_exponent",
       Request(
           R"("id":"e","time":"2026-01-01T00:00:00Z","kind":1,"amount":{"currencyCode":"EUR","minorUnits":1e3})"),
       Path::kFallback},
      {"int64_fraction",
       Request(
           R"("id":"e","time":"2026-01-01T00:00:00Z","kind":1,"amount":{"currencyCode":"EUR","minorUnits":100.0})"),
       Path::kFallback},
      {"int64_overflow",
       Request(
           R"("id":"e","time":"2026-01-01T00:00:00Z","kind":1,"amount":{"currencyCode":"EUR","minorUnits":9223372036854775808})"),
       Path::kFallback},
      {"time_offset", Request(R"("id":"e","time":"2026-01-01T00:00:00+01:00","kind":1)"),
       Path::kFallback},
      {"time_one_digit_month", Request(R"("id":"e","time":"2026-1-01T00:00:00Z","kind":1)"),
       Path::kFallback},
      {"time_ten_fraction_digits",
       Request(R"("id":"e","time":"2026-01-01T00:00:00.1234567891Z","kind":1)"), Path::kFallback},
      {"time_feb_30", Request(R"("id":"e","time":"2026-02-30T00:00:00Z","kind":1)"),
       Path::kFallback},
      {"time_lower_case", Request(R"("id":"e","time":"2026-01-01t00:00:00z","kind":1)"),
       Path::kFallback},
      {"time_year_zero", Request(R"("id":"e","time":"0000-01-01T00:00:00Z","kind":1)"),
       Path::kFallback},
      {"time_as_object", Request(R"("id":"e","time":{"seconds":5},"kind":1)"), Path::kFallback},
      {"bool_as_string", Request(kEvent + R"(,"attributes":{"b":{"boolValue":"true"}})"),
       Path::kFallback},
      {"double_as_string", Request(kEvent + R"(,"attributes":{"d":{"doubleValue":"1.5"}})"),
       Path::kFallback},
      {"double_overflow", Request(kEvent + R"(,"attributes":{"d":{"doubleValue":1e400}})"),
       Path::kFallback},
      {"trailing_garbage", Request(kEvent) + "x", Path::kFallback},
      {"two_documents", Request(kEvent) + "{}", Path::kFallback},
      {"root_array", "[" + Request(kEvent) + "]", Path::kFallback},
      {"truncated", Request(kEvent).substr(0, 60), Path::kFallback},
      {"empty", "", Path::kFallback},
      {"lone_surrogate", Request(R"("id":"\ud83d","time":"2026-01-01T00:00:00Z","kind":1)"),
       Path::kFallback},
      {"invalid_utf8", Request("\"id\":\"\xff\",\"time\":\"2026-01-01T00:00:00Z\",\"kind\":1"),
       Path::kFallback},
      {"no_as_of", R"({"events":[]})", Path::kFallback},
      {"unknown_currency",
       Request(
           R"("id":"e","time":"2026-01-01T00:00:00Z","kind":1,"amount":{"currencyCode":"XXX","minorUnits":"1"})"),
       Path::kFallback},
  };
}

TEST_F(MalformedRequestTest, EveryCaseTakesItsPathAndKeepsTheContract) {
  for (const Case& c : Cases()) {
    const Outcome o = RunReader(c.json, WireFormat::kJson, *fx_);
    EXPECT_EQ(o.path, c.path) << c.name << ": " << o.error;
    if (!c.field_path.empty()) {
      const Reference ref = RunReference(c.json, WireFormat::kJson, *fx_);
      EXPECT_FALSE(ref.parsed) << c.name;
      EXPECT_EQ(ref.status.code(), StatusCode::kInvalidArgument) << c.name;
      ASSERT_NE(ref.status.location(), nullptr) << c.name;
      EXPECT_EQ(ref.status.location()->field_path, c.field_path) << c.name << ": " << ref.status;
    }
    EXPECT_EQ(CheckContract(c.json, WireFormat::kJson, *fx_), "") << c.name;
  }
}

// Random byte edits of valid JSON requests: deletions, insertions of JSON's structural and
// special characters, duplications of a slice, swaps. The reader may read, fall back or
// refuse, but never disagree with the reference.
TEST_F(MalformedRequestTest, RandomJsonMutationsKeepTheContract) {
  std::mt19937_64 rng(77);
  const char* kInsert[] = {"[",   "]", "{",    "}",      ",",  ":", "\"", "\\",         "null",
                           "1e9", "-", "\xc3", "\"a\":", "[[", "0", " ",  "\"\\u0000\""};
  int read = 0;
  for (int i = 0; i < 3000; ++i) {
    std::mt19937_64 source(static_cast<std::uint64_t>(i));
    google::protobuf::util::JsonPrintOptions print;
    print.preserve_proto_field_names = i % 2 == 0;
    std::string json;
    ASSERT_TRUE(
        google::protobuf::util::MessageToJsonString(RandomRequest(source, 4), &json, print).ok());
    const int edits = 1 + static_cast<int>(rng() % 3);
    for (int k = 0; k < edits && !json.empty(); ++k) {
      const std::size_t at = rng() % json.size();
      switch (rng() % 4) {
        case 0:
          json.erase(at, 1 + rng() % 4);
          break;
        case 1:
          json.insert(at, kInsert[rng() % std::size(kInsert)]);
          break;
        case 2:
          json.insert(at, json.substr(rng() % json.size(), rng() % 16));
          break;
        default:
          std::swap(json[at], json[rng() % json.size()]);
          break;
      }
    }
    read += RunReader(json, WireFormat::kJson, *fx_).path == Path::kRead;
    ASSERT_EQ(CheckContract(json, WireFormat::kJson, *fx_), "") << json;
  }
  EXPECT_GT(read, 20) << "some mutations (in string values) must stay on the fast path";
}

// Random edits of valid binary requests, and unusual but valid encodings: fields out of
// order, repeated singular fields, unknown fields, non-minimal varints.
TEST_F(MalformedRequestTest, RandomBinaryMutationsKeepTheContract) {
  google::protobuf::LogSilencer quiet;  // protobuf logs every invalid UTF-8 string it parses
  std::mt19937_64 rng(78);
  int read = 0;
  for (int i = 0; i < 3000; ++i) {
    std::mt19937_64 source(static_cast<std::uint64_t>(i) + 100000);
    std::string bytes = RandomRequest(source, 4).SerializeAsString();
    const int edits = 1 + static_cast<int>(rng() % 3);
    for (int k = 0; k < edits && !bytes.empty(); ++k) {
      const std::size_t at = rng() % bytes.size();
      switch (rng() % 5) {
        case 0:
          bytes.erase(at, 1 + rng() % 3);
          break;
        case 1:
          bytes[at] = static_cast<char>(rng());
          break;
        case 2:
          bytes.insert(at, bytes.substr(rng() % bytes.size(), rng() % 12));
          break;
        case 3:
          bytes += bytes.substr(rng() % bytes.size());  // a tail again: repeated fields
          break;
        default:
          bytes.insert(at, std::string("\x80\x01", 2));
          break;
      }
    }
    read += RunReader(bytes, WireFormat::kBinary, *fx_).path == Path::kRead;
    ASSERT_EQ(CheckContract(bytes, WireFormat::kBinary, *fx_), "") << i;
  }
  EXPECT_GT(read, 20);
}

TEST_F(MalformedRequestTest, BinaryStringsAreCheckedOnEveryEvent) {
  // Invalid UTF-8 in the currency of a money attribute of an event after as_of: protobuf
  // refuses the bytes (DATA_LOSS); the reader must not accept them.
  v1::ScoreRequest r;
  r.mutable_as_of()->set_seconds(1790812800);
  v1::Event* e = r.add_events();
  e->set_id("late");
  e->set_kind(v1::EVENT_KIND_ORDER);
  e->mutable_time()->set_seconds(1790812800 + 10);
  v1::Money* m = (*e->mutable_attributes())["fee"].mutable_money_value();
  m->set_currency_code("EU\xff");
  std::string bytes;
  ASSERT_TRUE(r.SerializePartialToString(&bytes));
  EXPECT_NE(RunReader(bytes, WireFormat::kBinary, *fx_).path, Path::kRead);
  EXPECT_EQ(CheckContract(bytes, WireFormat::kBinary, *fx_), "");
}

}  // namespace
}  // namespace credence::io::testing
