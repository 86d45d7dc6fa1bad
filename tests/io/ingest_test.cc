#include "io/ingest.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "credence/engine.h"
#include "tests/testing/builders.h"
#include "tests/testing/status_matchers.h"

namespace credence::io {
namespace {

using ::credence::testing::AddEvent;
using ::credence::testing::kAsOfSeconds;
using ::credence::testing::kDay;
using ::credence::testing::MakeRequest;
using ::credence::testing::StatusIs;
using ::credence::testing::Ts;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

class IngestTest : public ::testing::Test {
 protected:
  void SetUp() override {
    google::protobuf::RepeatedPtrField<v1::FxRate> rates;
    v1::FxRate* eur = rates.Add();
    eur->set_currency_code("EUR");
    eur->set_rate("1.08");
    auto fx = FxTable::Build("USD", rates, "fx_rates");
    ASSERT_TRUE(fx.ok()) << fx.status();
    fx_.emplace(std::move(fx).value());
  }
  Result<IngestedRequest> Run(const v1::ScoreRequest& r) { return Ingest(r, *fx_, limits_); }

  std::optional<FxTable> fx_;
  RequestLimits limits_;
};

// The location of a failed ingest.
SourceLocation Where(const Result<IngestedRequest>& r) {
  return r.status().location() ? *r.status().location() : SourceLocation{};
}

TEST_F(IngestTest, SortsByTimeAndConvertsMoneyOnce) {
  v1::ScoreRequest r = MakeRequest();
  AddEvent(r, "c", v1::EVENT_KIND_ORDER, kAsOfSeconds - 1 * kDay, 1000, "EUR");
  AddEvent(r, "a", v1::EVENT_KIND_ORDER, kAsOfSeconds - 3 * kDay, 250);
  AddEvent(r, "b", v1::EVENT_KIND_REFUND, kAsOfSeconds - 2 * kDay);
  auto in = Run(r);
  ASSERT_TRUE(in.ok()) << in.status();
  const EventTable& t = in->events;
  ASSERT_EQ(t.size(), 3u);
  EXPECT_THAT(t.input_index, ElementsAre(1, 2, 0));
  EXPECT_EQ(t.id[0], "a");
  // 10.00 EUR at 1.08 = 10.80 USD.
  EXPECT_EQ(t.amount_minor[2], 1080);
  EXPECT_DOUBLE_EQ(t.amount[2], 10.80);
  EXPECT_EQ(t.amount_minor[0], 250);
  EXPECT_TRUE(std::isnan(t.amount[1])) << "an event without amount has NaN amount";
  EXPECT_EQ(in->summary.events_received(), 3);
  EXPECT_EQ(in->summary.events_used(), 3);
}

TEST_F(IngestTest, EqualTimesKeepRequestOrder) {
  v1::ScoreRequest r = MakeRequest();
  for (int i = 0; i < 5; ++i)
    AddEvent(r, "e" + std::to_string(i), v1::EVENT_KIND_ORDER, kAsOfSeconds - kDay);
  auto in = Run(r);
  ASSERT_TRUE(in.ok());
  EXPECT_THAT(in->events.input_index, ElementsAre(0, 1, 2, 3, 4));
}

TEST_F(IngestTest, MissingAsOfIsAnError) {
  v1::ScoreRequest r = MakeRequest();
  r.clear_as_of();
  auto in = Run(r);
  EXPECT_THAT(in, StatusIs(StatusCode::kInvalidArgument, HasSubstr("as_of is required")));
  EXPECT_EQ(Where(in).field_path, "as_of");
}

TEST_F(IngestTest, UnknownCurrencyNamesFieldAndEvent) {
  v1::ScoreRequest r = MakeRequest();
  AddEvent(r, "a", v1::EVENT_KIND_ORDER, kAsOfSeconds - kDay, 100);
  AddEvent(r, "b", v1::EVENT_KIND_ORDER, kAsOfSeconds - kDay, 100, "XYZ");
  auto in = Run(r);
  EXPECT_THAT(in, StatusIs(StatusCode::kInvalidArgument, HasSubstr("unknown currency 'XYZ'")));
  EXPECT_EQ(Where(in).field_path, "events[1].amount.currency_code");
  EXPECT_EQ(Where(in).event_index, 1);
}

TEST_F(IngestTest, MissingFxRateIsAnError) {
  v1::ScoreRequest r = MakeRequest();
  AddEvent(r, "a", v1::EVENT_KIND_ORDER, kAsOfSeconds - kDay, 100, "GBP");
  auto in = Run(r);
  EXPECT_THAT(in, StatusIs(StatusCode::kInvalidArgument, HasSubstr("no FX rate from GBP to USD")));
  EXPECT_EQ(Where(in).event_index, 0);
}

TEST_F(IngestTest, RequestRatesOverrideBundleRates) {
  v1::ScoreRequest r = MakeRequest();
  AddEvent(r, "a", v1::EVENT_KIND_ORDER, kAsOfSeconds - kDay, 1000, "EUR");
  AddEvent(r, "b", v1::EVENT_KIND_ORDER, kAsOfSeconds - kDay, 1000, "GBP");
  v1::FxRate* eur = r.add_fx_rates();
  eur->set_currency_code("EUR");
  eur->set_rate("1.10");
  v1::FxRate* gbp = r.add_fx_rates();
  gbp->set_currency_code("GBP");
  gbp->set_rate("1.25");
  auto in = Run(r);
  ASSERT_TRUE(in.ok()) << in.status();
  EXPECT_EQ(in->events.amount_minor[0], 1100);
  EXPECT_EQ(in->events.amount_minor[1], 1250);
}

TEST_F(IngestTest, BadRequestRatesAreErrors) {
  v1::ScoreRequest r = MakeRequest();
  v1::FxRate* bad = r.add_fx_rates();
  bad->set_currency_code("EUR");
  bad->set_rate("-1");
  auto in = Run(r);
  EXPECT_THAT(in, StatusIs(StatusCode::kInvalidArgument, HasSubstr("invalid decimal")));
  EXPECT_EQ(Where(in).field_path, "fx_rates[0].rate");
  bad->set_rate("1.1");
  *r.add_fx_rates() = *bad;
  EXPECT_THAT(Run(r), StatusIs(StatusCode::kInvalidArgument, HasSubstr("duplicate rate")));
}

TEST_F(IngestTest, AmountsThatOverflowAreOutOfRange) {
  v1::ScoreRequest r = MakeRequest();
  AddEvent(r, "a", v1::EVENT_KIND_ORDER, kAsOfSeconds - kDay, INT64_MAX, "EUR");
  auto in = Run(r);
  EXPECT_THAT(in, StatusIs(StatusCode::kOutOfRange, HasSubstr("2^53")));
  EXPECT_EQ(Where(in).field_path, "events[0].amount");
  EXPECT_EQ(Where(in).event_index, 0);
  // Negative amounts beyond the limit too.
  r.mutable_events(0)->mutable_amount()->set_minor_units(INT64_MIN);
  EXPECT_THAT(Run(r), StatusIs(StatusCode::kOutOfRange, HasSubstr("2^53")));
}

TEST_F(IngestTest, EventsAfterAsOfAreIgnoredAndCounted) {
  v1::ScoreRequest r = MakeRequest();
  AddEvent(r, "past", v1::EVENT_KIND_ORDER, kAsOfSeconds - kDay);
  AddEvent(r, "at", v1::EVENT_KIND_ORDER, kAsOfSeconds);  // exactly at as_of: seen
  AddEvent(r, "future1", v1::EVENT_KIND_ORDER, kAsOfSeconds + 1);
  v1::Event* nanos_late = AddEvent(r, "future2", v1::EVENT_KIND_ORDER, kAsOfSeconds);
  nanos_late->mutable_time()->set_nanos(1);
  auto in = Run(r);
  ASSERT_TRUE(in.ok()) << in.status();
  EXPECT_EQ(in->events.size(), 2u);
  EXPECT_EQ(in->summary.events_after_as_of(), 2);
  EXPECT_EQ(in->summary.events_used(), 2);
  EXPECT_EQ(in->summary.events_received(), 4);
}

TEST_F(IngestTest, DuplicateIdsAreReportedNotDoubleCounted) {
  v1::ScoreRequest r = MakeRequest();
  AddEvent(r, "x", v1::EVENT_KIND_ORDER, kAsOfSeconds - 5 * kDay, 100);
  AddEvent(r, "y", v1::EVENT_KIND_ORDER, kAsOfSeconds - 4 * kDay, 100);
  AddEvent(r, "x", v1::EVENT_KIND_ORDER, kAsOfSeconds - 3 * kDay, 999);
  AddEvent(r, "x", v1::EVENT_KIND_ORDER, kAsOfSeconds - 2 * kDay, 999);
  AddEvent(r, "a", v1::EVENT_KIND_ORDER, kAsOfSeconds - 2 * kDay, 100);
  AddEvent(r, "a", v1::EVENT_KIND_ORDER, kAsOfSeconds - 1 * kDay, 100);
  auto in = Run(r);
  ASSERT_TRUE(in.ok()) << in.status();
  EXPECT_EQ(in->events.size(), 3u);
  EXPECT_EQ(in->summary.duplicates_dropped(), 3);
  EXPECT_THAT(in->summary.duplicate_event_ids(), ElementsAre("a", "x"));
  // The first occurrence wins.
  EXPECT_EQ(in->events.amount_minor[0], 100);
  EXPECT_THAT(in->events.input_index, ElementsAre(0, 1, 4));
}

TEST_F(IngestTest, TooManyEventsIsOutOfRange) {
  limits_.max_events = 3;
  v1::ScoreRequest r = MakeRequest();
  for (int i = 0; i < 4; ++i) AddEvent(r, std::to_string(i), v1::EVENT_KIND_ORDER, kAsOfSeconds);
  auto in = Run(r);
  EXPECT_THAT(in, StatusIs(StatusCode::kOutOfRange, HasSubstr("more than the limit of 3")));
  EXPECT_EQ(Where(in).field_path, "events");
  r.mutable_events()->RemoveLast();
  EXPECT_TRUE(Run(r).ok());
}

TEST_F(IngestTest, InvalidUtf8IsAnErrorWithFieldAndEvent) {
  v1::ScoreRequest r = MakeRequest();
  AddEvent(r, "ok", v1::EVENT_KIND_ORDER, kAsOfSeconds);
  v1::Event* e = AddEvent(r, "bad", v1::EVENT_KIND_ORDER, kAsOfSeconds);
  e->set_counterparty("buyer-\xC3");  // truncated 2-byte sequence
  auto in = Run(r);
  EXPECT_THAT(in, StatusIs(StatusCode::kInvalidArgument, HasSubstr("invalid UTF-8 at byte 6")));
  EXPECT_EQ(Where(in).field_path, "events[1].counterparty");
  EXPECT_EQ(Where(in).event_index, 1);

  v1::ScoreRequest r2 = MakeRequest();
  r2.mutable_enterprise()->set_sector("\xFF");
  EXPECT_THAT(Run(r2), StatusIs(StatusCode::kInvalidArgument, HasSubstr("invalid UTF-8")));
  v1::ScoreRequest r3 = MakeRequest();
  (*AddEvent(r3, "a", v1::EVENT_KIND_ORDER, kAsOfSeconds)->mutable_attributes())["k"]
      .set_string_value("\xED\xA0\x80");
  auto in3 = Run(r3);
  EXPECT_THAT(in3, StatusIs(StatusCode::kInvalidArgument, HasSubstr("invalid UTF-8")));
  EXPECT_EQ(Where(in3).field_path, "events[0].attributes[\"k\"]");
}

TEST_F(IngestTest, LongStringsAndManyAttributesAreOutOfRange) {
  limits_.max_string_bytes = 8;
  limits_.max_attributes = 2;
  v1::ScoreRequest r = MakeRequest();
  AddEvent(r, "a", v1::EVENT_KIND_ORDER, kAsOfSeconds)->set_channel("123456789");
  EXPECT_THAT(Run(r), StatusIs(StatusCode::kOutOfRange, HasSubstr("exceeds the limit of 8")));
  r.mutable_events(0)->clear_channel();
  auto& attrs = *r.mutable_events(0)->mutable_attributes();
  attrs["a"].set_int_value(1);
  attrs["b"].set_int_value(2);
  EXPECT_TRUE(Run(r).ok());
  attrs["c"].set_int_value(3);
  EXPECT_THAT(Run(r), StatusIs(StatusCode::kOutOfRange, HasSubstr("attributes exceed")));
}

TEST_F(IngestTest, RequiredEventFields) {
  v1::ScoreRequest r = MakeRequest();
  AddEvent(r, "", v1::EVENT_KIND_ORDER, kAsOfSeconds);
  EXPECT_THAT(Run(r), StatusIs(StatusCode::kInvalidArgument, HasSubstr("event id is required")));
  r.mutable_events(0)->set_id("a");
  r.mutable_events(0)->clear_time();
  EXPECT_THAT(Run(r), StatusIs(StatusCode::kInvalidArgument, HasSubstr("event time is required")));
  *r.mutable_events(0)->mutable_time() = Ts(kAsOfSeconds);
  r.mutable_events(0)->set_kind(v1::EVENT_KIND_UNSPECIFIED);
  EXPECT_THAT(Run(r), StatusIs(StatusCode::kInvalidArgument, HasSubstr("event kind is required")));
  r.mutable_events(0)->set_kind(static_cast<v1::EventKind>(77));
  EXPECT_THAT(Run(r), StatusIs(StatusCode::kInvalidArgument, HasSubstr("(got 77)")));
  r.mutable_events(0)->set_kind(v1::EVENT_KIND_CUSTOM);
  EXPECT_THAT(Run(r), StatusIs(StatusCode::kInvalidArgument, HasSubstr("custom_kind")));
  r.mutable_events(0)->set_custom_kind("warehouse_audit");
  EXPECT_TRUE(Run(r).ok());
}

TEST_F(IngestTest, TimesOutOfRangeAreRejected) {
  v1::ScoreRequest r = MakeRequest();
  AddEvent(r, "a", v1::EVENT_KIND_ORDER, -20'000'000'000LL);  // year ~1336
  auto in = Run(r);
  EXPECT_THAT(in, StatusIs(StatusCode::kOutOfRange, HasSubstr("time out of the supported range")));
  EXPECT_EQ(Where(in).field_path, "events[0].time");
  r.mutable_events(0)->mutable_time()->set_seconds(kAsOfSeconds);
  r.mutable_events(0)->mutable_time()->set_nanos(-1);
  EXPECT_THAT(Run(r), StatusIs(StatusCode::kOutOfRange, HasSubstr("nanos")));
}

TEST_F(IngestTest, AttributesAreTypedAndMoneyConverted) {
  v1::ScoreRequest r = MakeRequest();
  v1::Event* e = AddEvent(r, "a", v1::EVENT_KIND_ORDER, kAsOfSeconds);
  auto& attrs = *e->mutable_attributes();
  attrs["z_days_late"].set_int_value(4);
  attrs["fee"].mutable_money_value()->set_currency_code("EUR");
  attrs["fee"].mutable_money_value()->set_minor_units(500);
  attrs["cod"].set_bool_value(true);
  auto in = Run(r);
  ASSERT_TRUE(in.ok()) << in.status();
  const EventTable& t = in->events;
  ASSERT_EQ(t.attributes.size(), 3u);
  // Sorted by name: cod, fee, z_days_late.
  EXPECT_EQ(t.strings.Get(t.attributes[0].key), "cod");
  EXPECT_EQ(t.attributes[0].int_value, 1);
  EXPECT_EQ(t.strings.Get(t.attributes[1].key), "fee");
  EXPECT_EQ(t.attributes[1].int_value, 540);  // 5.00 EUR * 1.08 = 5.40 USD
  EXPECT_DOUBLE_EQ(t.attributes[1].double_value, 5.40);
  EXPECT_EQ(t.attributes[2].int_value, 4);
}

// Malformed bytes reach ParseRequest, never the engine.
TEST(ParseRequestTest, MalformedProtobufBytes) {
  v1::ScoreRequest r = MakeRequest();
  AddEvent(r, "a", v1::EVENT_KIND_ORDER, kAsOfSeconds, 100);
  std::string bytes = r.SerializeAsString();
  ASSERT_TRUE(ParseRequest(bytes, WireFormat::kBinary).ok());
  // Truncated in the middle of a nested message.
  EXPECT_THAT(ParseRequest(bytes.substr(0, bytes.size() - 3), WireFormat::kBinary),
              StatusIs(StatusCode::kDataLoss, HasSubstr("malformed binary")));
  // A wire type 7 tag is invalid.
  EXPECT_THAT(ParseRequest("\x0f\x01", WireFormat::kBinary),
              StatusIs(StatusCode::kDataLoss, HasSubstr("malformed binary")));
  // Random garbage never crashes; it either parses or is DATA_LOSS.
  std::mt19937 rng(7);
  for (int i = 0; i < 2000; ++i) {
    std::string junk = bytes;
    for (int k = 0; k < 4; ++k) junk[rng() % junk.size()] = static_cast<char>(rng());
    auto p = ParseRequest(junk, WireFormat::kBinary);
    if (!p.ok()) {
      ASSERT_EQ(p.status().code(), StatusCode::kDataLoss);
    }
  }
}

TEST(ParseRequestTest, InvalidUtf8InBinaryString) {
  v1::ScoreRequest r = MakeRequest("ab");
  std::string bytes = r.SerializeAsString();
  // request_id is field 1: bytes "\x0a\x02ab"; make it invalid UTF-8.
  const auto at = bytes.find("ab");
  ASSERT_NE(at, std::string::npos);
  bytes[at] = '\xC3';
  EXPECT_THAT(ParseRequest(bytes, WireFormat::kBinary),
              StatusIs(StatusCode::kDataLoss, HasSubstr("UTF-8")));
}

TEST(ParseRequestTest, JsonAndLimits) {
  EXPECT_TRUE(
      ParseRequest(R"({"requestId":"r","asOf":"2026-10-01T00:00:00Z"})", WireFormat::kJson).ok());
  EXPECT_TRUE(ParseRequest(R"({"request_id":"r"})", WireFormat::kJson).ok());
  EXPECT_THAT(ParseRequest(R"({"requestId":)", WireFormat::kJson),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("malformed JSON")));
  EXPECT_THAT(ParseRequest(R"({"nope":1})", WireFormat::kJson),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("malformed JSON")));
  RequestLimits tiny;
  tiny.max_request_bytes = 4;
  EXPECT_THAT(ParseRequest("{}    ", WireFormat::kJson, tiny),
              StatusIs(StatusCode::kOutOfRange, HasSubstr("exceeds the limit of 4")));
}

}  // namespace
}  // namespace credence::io
