// JSON of the wrong shape for requests and bundles (io/json_shape.h): refused with the field
// path and line:column, where protobuf's own parser flattens it or reports no position.
// The shape rules are checked against protobuf's parser itself on every field of
// ScoreRequest and Bundle: what protobuf reads correctly, CheckJson accepts.
#include "io/json_shape.h"

#include <gmock/gmock.h>
#include <google/protobuf/dynamic_message.h>
#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "core/utf8.h"
#include "credence/bundle.h"
#include "credence/engine.h"
#include "credence/v1/bundle.pb.h"
#include "credence/v1/score.pb.h"
#include "tests/testing/status_matchers.h"

namespace credence::io {
namespace {

using ::credence::testing::StatusIs;
using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using ::testing::HasSubstr;

// A status located at line:column and field path.
MATCHER_P4(FailsAt, code, line, column, path,
           std::string("fails with ") + std::string(StatusCodeName(code)) + " at " +
               std::to_string(line) + ":" + std::to_string(column) + " " + path) {
  const Status& s = arg;
  *result_listener << s.ToString();
  const SourceLocation* at = s.location();
  return s.code() == code && at != nullptr && at->line == line && at->column == column &&
         at->field_path == path;
}

Status CheckRequest(const std::string& json) {
  return CheckJson(json, *v1::ScoreRequest::descriptor());
}

bool ProtobufAccepts(const std::string& json, const Descriptor& type) {
  google::protobuf::DynamicMessageFactory factory;
  std::unique_ptr<google::protobuf::Message> m(factory.GetPrototype(&type)->New());
  return google::protobuf::util::JsonStringToMessage(json, m.get()).ok();
}

TEST(JsonShapeTest, NestedArraysAreRefusedNotFlattened) {
  const std::string e1 = R"({"id":"a","time":"2026-01-01T00:00:00Z","kind":"EVENT_KIND_ORDER"})";
  const std::string e2 = R"({"id":"b","time":"2026-01-02T00:00:00Z","kind":"EVENT_KIND_ORDER"})";
  const std::string flat = R"({"asOf":"2026-02-01T00:00:00Z","events":[)" + e1 + "," + e2 + "]}";
  const std::string nested =
      R"({"asOf":"2026-02-01T00:00:00Z","events":[[)" + e1 + "," + e2 + "]]}";
  // Protobuf's parser reads the nested form as two events: the defect this check closes.
  v1::ScoreRequest by_protobuf;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(nested, &by_protobuf).ok());
  EXPECT_EQ(by_protobuf.events_size(), 2);
  ASSERT_TRUE(ParseRequest(flat, WireFormat::kJson).ok());
  EXPECT_THAT(ParseRequest(nested, WireFormat::kJson).status(),
              FailsAt(StatusCode::kInvalidArgument, 1, 42, "events[0]"));
  EXPECT_THAT(ParseRequest(nested, WireFormat::kJson),
              StatusIs(StatusCode::kInvalidArgument,
                       HasSubstr("expected an object (credence.v1.Event), found an array inside "
                                 "an array")));
  // An array where one value belongs, and null inside an array.
  EXPECT_THAT(CheckRequest(R"({"asOf":["2026-02-01T00:00:00Z"]})"),
              FailsAt(StatusCode::kInvalidArgument, 1, 9, "as_of"));
  EXPECT_THAT(CheckRequest(R"({"events":[null]})"),
              FailsAt(StatusCode::kInvalidArgument, 1, 12, "events[0]"));
  EXPECT_THAT(CheckRequest(R"({"requestId":{"a":1}})"),
              FailsAt(StatusCode::kInvalidArgument, 1, 14, "request_id"));
}

TEST(JsonShapeTest, DeepEmptyArraysInABundleAreRefusedQuickly) {
  // 100,000 nested empty arrays: protobuf's parser reads an empty bundle.
  const std::string deep =
      "{\"features\":" + std::string(100'000, '[') + std::string(100'000, ']') + "}";
  v1::Bundle by_protobuf;
  EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(deep, &by_protobuf).ok());
  EXPECT_THAT(ParseBundle(deep, BundleFormat::kJson, "deep.json").status(),
              FailsAt(StatusCode::kInvalidArgument, 1, 14, "features[0]"));
  // Nesting inside a value that takes any JSON is bounded by depth instead.
  EXPECT_THAT(CheckJson("{\"a\":" + std::string(5000, '[') + std::string(5000, ']') + "}",
                        *v1::Bundle::descriptor()),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("unknown field 'a'")));
}

TEST(JsonShapeTest, UnknownFieldInPrettyJsonIsLocatedOnItsLine) {
  const std::string pretty = R"({
  "requestId": "r-1",
  "asOf": "2026-02-01T00:00:00Z",
  "events": [
    {
      "id": "e1",
      "tiem": "2026-01-01T00:00:00Z"
    }
  ]
})";
  const auto r = ParseRequest(pretty, WireFormat::kJson);
  EXPECT_THAT(r.status(), FailsAt(StatusCode::kInvalidArgument, 7, 7, "events[0].tiem"));
  EXPECT_THAT(r, StatusIs(StatusCode::kInvalidArgument,
                          HasSubstr("unknown field 'tiem' in credence.v1.Event")));
}

TEST(JsonShapeTest, MalformedTimesAreLocated) {
  EXPECT_THAT(CheckRequest("{\n  \"asOf\": \"2026-13-01T00:00:00Z\"\n}"),
              FailsAt(StatusCode::kInvalidArgument, 2, 11, "as_of"));
  EXPECT_THAT(CheckRequest(R"({"asOf":"yesterday"})"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("not an RFC 3339 timestamp")));
  EXPECT_THAT(CheckJson(R"({"features":[{"window":{"trailing":"90 days"}}]})",
                        *v1::Bundle::descriptor()),
              FailsAt(StatusCode::kInvalidArgument, 1, 36, "features[0].window.trailing"));
  EXPECT_THAT(CheckJson(R"({"features":[{"window":{"trailing":"7776000s"}}]})",
                        *v1::Bundle::descriptor()),
              ::credence::testing::IsOk());
}

TEST(JsonShapeTest, SyntaxErrorsCarryLineAndColumn) {
  EXPECT_THAT(CheckRequest("{\n  \"requestId\": \"r\",\n  \"asOf\" \"x\"\n}"),
              FailsAt(StatusCode::kInvalidArgument, 3, 10, ""));
  EXPECT_THAT(CheckRequest("{\"requestId\": \"r\"} x"),
              FailsAt(StatusCode::kInvalidArgument, 1, 20, ""));
  EXPECT_THAT(CheckRequest("{\"requestId\": \"unterminated}"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("unterminated string")));
  EXPECT_THAT(CheckRequest(""), StatusIs(StatusCode::kInvalidArgument, HasSubstr("empty")));
  EXPECT_THAT(CheckRequest("[]"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("expected an object")));
  EXPECT_THAT(CheckRequest("{\"requestId\": \"a\u0001b\"}"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("control character")));
  // A JSON bundle's syntax error: located in the file, so `credence validate` shows the line.
  EXPECT_THAT(
      ParseBundle("{\n\"metadata\": {\"name\": \"x\",}\n}", BundleFormat::kJson, "b.json").status(),
      FailsAt(StatusCode::kInvalidArgument, 2, 26, "metadata"));
}

TEST(JsonShapeTest, NumbersOutOfRangeAreOutOfRange) {
  const std::string fx = R"({"options":{"maxReasonCodes":)";
  EXPECT_THAT(CheckRequest(fx + "2147483648}}"),
              FailsAt(StatusCode::kOutOfRange, 1, 30, "options.max_reason_codes"));
  EXPECT_THAT(CheckRequest(fx + "2147483647}}"), ::credence::testing::IsOk());
  EXPECT_THAT(CheckRequest(fx + "1.5}}"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("not an integer")));
  EXPECT_THAT(CheckRequest(fx + "1e400}}"),
              StatusIs(StatusCode::kOutOfRange, HasSubstr("number 1e400 is out of range")));
  EXPECT_THAT(CheckRequest(fx + "\"12\"}}"), ::credence::testing::IsOk());
  // A double field: 1e400 does not fit; 1e-400 is zero.
  const std::string amount = R"({"events":[{"attributes":{"x":{"doubleValue":)";
  EXPECT_THAT(CheckRequest(amount + "1e400}}}]}"),
              FailsAt(StatusCode::kOutOfRange, 1, 46, "events[0].attributes[\"x\"].double_value"));
  EXPECT_THAT(CheckRequest(amount + "1e-400}}}]}"), ::credence::testing::IsOk());
  EXPECT_THAT(CheckRequest(amount + "\"Infinity\"}}}]}"), ::credence::testing::IsOk());
  EXPECT_THAT(CheckRequest(amount + "01}}}]}"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("syntax")));
}

TEST(JsonShapeTest, InvalidUtf8AndLoneSurrogatesAreRefused) {
  EXPECT_THAT(CheckRequest("{\"requestId\": \"ab\xff\"}"),
              FailsAt(StatusCode::kInvalidArgument, 1, 18, "request_id"));
  EXPECT_THAT(CheckRequest(R"({"requestId": "\ud800"})"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("lone high surrogate")));
  EXPECT_THAT(CheckRequest(R"({"requestId": "\udc00x"})"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("lone low surrogate")));
  EXPECT_THAT(CheckRequest(R"({"requestId": "\ud83d\ude00"})"), ::credence::testing::IsOk());
  // In a bundle: the metadata version protobuf would change silently.
  EXPECT_THAT(ParseBundle("{\"metadata\": {\"name\": \"x\", \"version\": \"1\xc3\"}}",
                          BundleFormat::kJson, "b.json")
                  .status(),
              FailsAt(StatusCode::kInvalidArgument, 1, 41, "metadata.version"));
}

// Found by request_json_fuzzer: an escape of a byte that is not ASCII was quoted raw, so the
// error message itself was not UTF-8 (and would have broken a JSON Lines error record).
TEST(JsonShapeTest, UnknownEscapeOfAnyByteGivesAValidMessage) {
  const Status s = CheckRequest("{\"requestId\":\"\\\x8b\"}");
  EXPECT_THAT(s, StatusIs(StatusCode::kInvalidArgument, HasSubstr("unknown escape byte 0x8B")));
  EXPECT_TRUE(core::IsValidUtf8(s.message()));
  EXPECT_THAT(CheckRequest(R"({"requestId":"\q"})"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("unknown escape \\q")));
}

TEST(JsonShapeTest, RepeatedFieldsEnumsAndOneofs) {
  EXPECT_THAT(CheckRequest(R"({"requestId":"a","request_id":"b"})"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("'request_id' appears twice")));
  EXPECT_THAT(CheckRequest(R"({"events":[{"kind":"EVENT_KIND_NOPE"}]})"),
              FailsAt(StatusCode::kInvalidArgument, 1, 20, "events[0].kind"));
  EXPECT_THAT(CheckRequest(R"({"events":[{"kind":3}]})"), ::credence::testing::IsOk());
  EXPECT_THAT(
      CheckRequest(R"({"events":[{"attributes":{"x":{"stringValue":"a","doubleValue":1}}}]})"),
      StatusIs(StatusCode::kInvalidArgument, HasSubstr("of oneof 'value' are both set")));
  EXPECT_THAT(
      CheckRequest(R"({"events":[{"attributes":{"x":{"stringValue":null,"doubleValue":1}}}]})"),
      ::credence::testing::IsOk());
}

// ---- The shape rules against protobuf's parser, field by field ------------------------

// `value` placed at `field` inside a minimal document of `root`, through singular parents.
std::string Place(const std::vector<const FieldDescriptor*>& chain, const std::string& value) {
  std::string out = value;
  for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
    const FieldDescriptor* f = *it;
    if (it != chain.rbegin() && f->is_repeated()) out = "[" + out + "]";
    out = "{\"" + f->json_name() + "\":" + out + "}";
  }
  return out;
}

// Values a field of `f`'s type takes in protobuf's JSON mapping (independent of the rules
// under test: written from the proto3 JSON specification).
std::vector<std::string> GoodValues(const FieldDescriptor& f) {
  switch (f.cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING:
      return f.type() == FieldDescriptor::TYPE_BYTES ? std::vector<std::string>{"\"YWI=\""}
                                                     : std::vector<std::string>{"\"x\"", "\"\""};
    case FieldDescriptor::CPPTYPE_BOOL:
      return {"true", "false"};
    case FieldDescriptor::CPPTYPE_ENUM:
      return {"\"" + f.enum_type()->value(0)->name() + "\"", "0"};
    case FieldDescriptor::CPPTYPE_DOUBLE:
    case FieldDescriptor::CPPTYPE_FLOAT:
      return {"1.5", "-2", "\"3.25\"", "\"NaN\"", "\"Infinity\""};
    case FieldDescriptor::CPPTYPE_MESSAGE: {
      const std::string name = f.message_type()->full_name();
      if (name == "google.protobuf.Timestamp") return {"\"2026-01-01T00:00:00Z\""};
      if (name == "google.protobuf.Duration") return {"\"3600s\""};
      return {"{}"};
    }
    default:
      return {"7", "0", "\"12\""};
  }
}

void ForEachField(const Descriptor& d, std::vector<const FieldDescriptor*>& chain, int depth,
                  const std::function<void(const std::vector<const FieldDescriptor*>&)>& visit) {
  if (depth > 6) return;
  for (int i = 0; i < d.field_count(); ++i) {
    const FieldDescriptor* f = d.field(i);
    chain.push_back(f);
    visit(chain);
    if (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE && !f->is_map() &&
        f->message_type()->full_name().rfind("google.protobuf.", 0) != 0) {
      ForEachField(*f->message_type(), chain, depth + 1, visit);
    }
    chain.pop_back();
  }
}

TEST(JsonShapeTest, AcceptsWhatProtobufReadsOnEveryField) {
  int checked = 0;
  for (const Descriptor* root : {v1::ScoreRequest::descriptor(), v1::Bundle::descriptor()}) {
    std::vector<const FieldDescriptor*> chain;
    ForEachField(*root, chain, 0, [&](const std::vector<const FieldDescriptor*>& fields) {
      const FieldDescriptor& f = *fields.back();
      std::vector<std::string> values;
      if (f.is_map()) {
        for (const std::string& v : GoodValues(*f.message_type()->map_value())) {
          values.push_back("{\"k\":" + v + "}");
        }
      } else {
        for (const std::string& v : GoodValues(f)) {
          values.push_back(f.is_repeated() ? "[" + v + "," + v + "]" : v);
        }
      }
      values.push_back("null");
      for (const std::string& v : values) {
        const std::string doc = Place(fields, v);
        if (!ProtobufAccepts(doc, *root)) continue;  // e.g. an enum's first value in a map
        ++checked;
        EXPECT_TRUE(CheckJson(doc, *root).ok()) << doc << ": " << CheckJson(doc, *root);
      }
      // Wrong shapes protobuf flattens or misreads are refused.
      if (f.is_repeated() && !f.is_map()) {
        const std::string nested = Place(fields, "[[" + GoodValues(f)[0] + "]]");
        EXPECT_FALSE(CheckJson(nested, *root).ok()) << nested;
      }
      if (!f.is_repeated()) {
        const std::string listed = Place(fields, "[" + GoodValues(f)[0] + "]");
        EXPECT_FALSE(CheckJson(listed, *root).ok()) << listed;
      }
    });
  }
  EXPECT_GT(checked, 500);
}

TEST(JsonShapeTest, RoundTripOfARichRequestAndTheStarterBundle) {
  auto loaded = LoadBundle(std::string(CREDENCE_SOURCE_DIR) + "/models/starter");
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  std::string json;
  google::protobuf::util::JsonPrintOptions pretty;
  pretty.add_whitespace = true;
  ASSERT_TRUE(google::protobuf::util::MessageToJsonString(loaded->bundle, &json, pretty).ok());
  auto again = ParseBundle(json, BundleFormat::kJson, "starter.json");
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->bundle.SerializeAsString(), loaded->bundle.SerializeAsString());
  // The JSON bundle has a source map: its fields are located.
  const SourceLocation at = again->source_map.Locate("features[1].name");
  EXPECT_EQ(at.file, "starter.json");
  EXPECT_GT(at.line, 1);
  EXPECT_EQ(json.substr(0, 1), "{");
}

}  // namespace
}  // namespace credence::io
