// The request readers (io/request_reader.h) against the reference path, ParseRequest then
// Ingest: the example requests, random requests in protobuf's JSON (both field-name
// spellings), re-emitted JSON (shuffled keys, numbers for int64 and enums, escapes, white
// space) and binary must be read on the fast path and give the reference's header and
// table exactly.
#include <gmock/gmock.h>
#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "tests/engine/request_reader_testing.h"
#include "tests/testing/status_matchers.h"

namespace credence::io::testing {
namespace {

using ::testing::HasSubstr;
using OrderedJson = nlohmann::ordered_json;

class RequestReaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    google::protobuf::RepeatedPtrField<v1::FxRate> rates;
    for (auto [code, rate] : {std::pair{"EUR", "1.08"},
                              {"JPY", "0.0067"},
                              {"CNY", "0.14"},
                              {"KWD", "3.25"},
                              {"GBP", "1.27"}}) {
      v1::FxRate* r = rates.Add();
      r->set_currency_code(code);
      r->set_rate(rate);
    }
    auto fx = FxTable::Build("USD", rates, "fx_rates");
    ASSERT_TRUE(fx.ok()) << fx.status();
    fx_.emplace(std::move(fx).value());
  }

  // The reader takes `bytes` on its fast path and agrees with the reference.
  void ExpectFastAndEqual(const std::string& bytes, WireFormat format, const std::string& what) {
    const Outcome o = RunReader(bytes, format, *fx_);
    ASSERT_EQ(o.path, Path::kRead) << what << " left the fast path: " << o.error << "\n"
                                   << bytes.substr(0, 300);
    const std::string diff = DiffRead(*o.read, RunReference(bytes, format, *fx_));
    EXPECT_EQ(diff, "") << what;
  }

  std::optional<FxTable> fx_;
};

std::string ToJson(const v1::ScoreRequest& r, bool proto_names) {
  google::protobuf::util::JsonPrintOptions o;
  o.preserve_proto_field_names = proto_names;
  std::string out;
  EXPECT_TRUE(google::protobuf::util::MessageToJsonString(r, &out, o).ok());
  return out;
}

// Re-emits JSON the way other libraries write it: keys shuffled, int64 strings as numbers
// and enum names as numbers where `numbers`, non-ASCII characters as \u escapes.
void Reshape(OrderedJson& j, std::mt19937_64& rng, bool numbers) {
  if (j.is_object()) {
    std::vector<std::pair<std::string, OrderedJson>> items;
    for (auto& item : j.items()) items.emplace_back(item.key(), item.value());
    for (auto& item : items) {
      auto& [key, value] = item;
      Reshape(value, rng, numbers);
      const bool int64 =
          key == "minor_units" || key == "minorUnits" || key == "int_value" || key == "intValue";
      if (numbers && int64 && value.is_string()) value = std::stoll(value.get<std::string>());
      if (numbers && key == "kind" && value.is_string()) {
        value = v1::EventKind_descriptor()->FindValueByName(value.get<std::string>())->number();
      }
    }
    std::shuffle(items.begin(), items.end(), rng);
    j = OrderedJson::object();
    for (auto& [key, value] : items) j[key] = std::move(value);
  } else if (j.is_array()) {
    for (auto& e : j) Reshape(e, rng, numbers);
  }
}

std::string Escaped(const OrderedJson& j) { return j.dump(1, '\t', /*ensure_ascii=*/true); }

TEST_F(RequestReaderTest, ExampleRequestsTakeTheFastPathAndMatch) {
  std::ifstream in(std::string(CREDENCE_SOURCE_DIR) + "/examples/requests.jsonl");
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ExpectFastAndEqual(line, WireFormat::kJson, "example " + std::to_string(n));
    auto parsed = ParseRequest(line, WireFormat::kJson);
    ASSERT_TRUE(parsed.ok());
    ExpectFastAndEqual(parsed->SerializeAsString(), WireFormat::kBinary,
                       "binary example " + std::to_string(n));
    ++n;
  }
  EXPECT_EQ(n, 8);
}

TEST_F(RequestReaderTest, RandomRequestsInEveryEncodingMatch) {
  std::mt19937_64 rng(2026);
  for (int i = 0; i < 300; ++i) {
    const v1::ScoreRequest r = RandomRequest(rng);
    const std::string what = "request " + std::to_string(i);
    ExpectFastAndEqual(r.SerializeAsString(), WireFormat::kBinary, what + " binary");
    ExpectFastAndEqual(ToJson(r, true), WireFormat::kJson, what + " proto names");
    ExpectFastAndEqual(ToJson(r, false), WireFormat::kJson, what + " JSON names");
    OrderedJson j = OrderedJson::parse(ToJson(r, i % 2 == 0));
    Reshape(j, rng, i % 3 != 0);
    ExpectFastAndEqual(j.dump(), WireFormat::kJson, what + " reshaped");
    ExpectFastAndEqual(Escaped(j), WireFormat::kJson, what + " escaped and indented");
  }
}

TEST_F(RequestReaderTest, ChecksFailOnTheReferencePathWithItsError) {
  // A request the checks refuse (an unknown currency on event 1): the reader leaves it to
  // the reference path, which names the field.
  v1::ScoreRequest r;
  r.mutable_as_of()->set_seconds(1790812800);
  for (const char* currency : {"USD", "XXX"}) {
    v1::Event* e = r.add_events();
    e->set_id(currency);
    e->set_kind(v1::EVENT_KIND_ORDER);
    e->mutable_time()->set_seconds(1790000000);
    e->mutable_amount()->set_currency_code(currency);
  }
  for (const auto& [bytes, format] :
       {std::pair<std::string, WireFormat>{ToJson(r, false), WireFormat::kJson},
        {r.SerializeAsString(), WireFormat::kBinary}}) {
    EXPECT_EQ(RunReader(bytes, format, *fx_).path, Path::kFallback);
    const Reference ref = RunReference(bytes, format, *fx_);
    EXPECT_THAT(ref.status, credence::testing::StatusIs(StatusCode::kInvalidArgument,
                                                        HasSubstr("unknown currency 'XXX'")));
  }
}

TEST_F(RequestReaderTest, ReadTablesDoNotDependOnTheRequestBytes) {
  std::mt19937_64 rng(9);
  const v1::ScoreRequest r = RandomRequest(rng, 200);
  for (auto [bytes, format] :
       {std::pair<std::string, WireFormat>{ToJson(r, true), WireFormat::kJson},
        {r.SerializeAsString(), WireFormat::kBinary}}) {
    std::string copy = bytes;
    Outcome o = RunReader(copy, format, *fx_);
    ASSERT_EQ(o.path, Path::kRead);
    std::fill(copy.begin(), copy.end(), '#');
    // Another read on this thread reuses the JSON reader's buffers too.
    (void)RunReader(ToJson(RandomRequest(rng), false), WireFormat::kJson, *fx_);
    EXPECT_EQ(DiffRead(*o.read, RunReference(bytes, format, *fx_)), "");
  }
}

// The readers know every field of Event (a field added to event.proto must be taught to
// src/io/json_request.cc and src/io/wire_request.cc, else events using it leave the fast
// path).
TEST_F(RequestReaderTest, ReadersKnowEveryEventField) {
  EXPECT_EQ(v1::Event::descriptor()->field_count(), 12);
  EXPECT_EQ(v1::AttributeValue::descriptor()->field_count(), 6);
  EXPECT_EQ(v1::Money::descriptor()->field_count(), 2);
}

}  // namespace
}  // namespace credence::io::testing
