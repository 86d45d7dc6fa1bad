// Engine::ScoreSerialized against its definition (ParseRequest + Score + SerializeResponse per
// record) and the documented error-record formats; the thread limit of every batch call.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "credence/bundle.h"
#include "credence/engine.h"
#include "credence/thread_pool.h"
#include "tests/testing/status_matchers.h"

namespace credence {
namespace {

using ::credence::testing::IsOk;
using ::credence::testing::StatusIs;
using ::testing::HasSubstr;

std::shared_ptr<const Engine> Starter() {
  auto loaded = LoadBundle(std::string(CREDENCE_SOURCE_DIR) + "/models/starter");
  EXPECT_THAT(loaded.status(), IsOk());
  auto engine = Engine::Compile(*loaded);
  EXPECT_THAT(engine.status(), IsOk());
  return *engine;
}

// The example requests as JSON lines, with a malformed one and an invalid one inserted.
std::vector<std::string> Records() {
  std::ifstream in(std::string(CREDENCE_SOURCE_DIR) + "/examples/requests.jsonl");
  std::vector<std::string> lines;
  for (std::string l; std::getline(in, l);) {
    if (!l.empty()) lines.push_back(l);
  }
  EXPECT_GE(lines.size(), 4u);
  lines.insert(lines.begin() + 1, "{not json");
  lines.insert(lines.begin() + 3, R"({"request_id":"no-as-of","enterprise":{"id":"e"}})");
  return lines;
}

// The definition, record by record.
struct Expected {
  Status status;
  std::string request_id, bytes;
};
Expected Reference(const Engine& engine, std::string_view record, WireFormat in, WireFormat out) {
  Expected e;
  auto parsed = ParseRequest(record, in);
  if (!parsed.ok()) {
    e.status = parsed.status();
    return e;
  }
  e.request_id = parsed->request_id();
  auto scored = engine.Score(*parsed);
  if (!scored.ok()) {
    e.status = scored.status();
    return e;
  }
  e.bytes = *SerializeResponse(*scored, out);
  return e;
}

TEST(ScoreSerializedTest, EqualsParseScoreSerializeForEveryRecordAndThreadCount) {
  auto engine = Starter();
  const std::vector<std::string> records = Records();
  std::vector<std::string_view> views(records.begin(), records.end());
  for (WireFormat out : {WireFormat::kJson, WireFormat::kBinary, WireFormat::kText}) {
    for (int threads : {1, 2, 5}) {
      auto got = engine->ScoreSerialized(views, {.in_format = WireFormat::kJson, .out_format = out},
                                         {.threads = threads});
      ASSERT_THAT(got.status(), IsOk());
      ASSERT_EQ(got->size(), records.size());
      for (std::size_t i = 0; i < records.size(); ++i) {
        const Expected want = Reference(*engine, records[i], WireFormat::kJson, out);
        EXPECT_EQ((*got)[i].status, want.status) << i;
        EXPECT_EQ((*got)[i].request_id, want.request_id) << i;
        EXPECT_EQ((*got)[i].bytes, want.bytes) << i;
      }
      EXPECT_EQ((*got)[1].status.code(), StatusCode::kInvalidArgument);  // malformed
      EXPECT_EQ((*got)[3].request_id, "no-as-of");                       // invalid
      EXPECT_FALSE((*got)[3].status.ok());
      EXPECT_TRUE((*got)[0].status.ok());
    }
  }
}

TEST(ScoreSerializedTest, BinaryInAndErrorRecordsNumberedFromFirstIndex) {
  auto engine = Starter();
  std::vector<std::string> binary;
  for (const std::string& line : Records()) {
    auto parsed = ParseRequest(line, WireFormat::kJson);
    std::string bytes = "\xff\xff";  // not a message
    if (parsed.ok()) parsed->SerializeToString(&bytes);
    binary.push_back(bytes);
  }
  std::vector<std::string_view> views(binary.begin(), binary.end());
  // Binary in, error records numbered from 100.
  auto run = [&](WireFormat out, int threads) {
    const SerializedOptions options{.in_format = WireFormat::kBinary,
                                    .out_format = out,
                                    .error_records = true,
                                    .first_index = 100};
    return engine->ScoreSerialized(views, options, {.threads = threads});
  };
  auto got = run(WireFormat::kJson, 2);
  ASSERT_THAT(got.status(), IsOk());
  // Record 1 is undecodable: its error record, by the documented format.
  const SerializedResult& bad = (*got)[1];
  EXPECT_EQ(bad.status.code(), StatusCode::kDataLoss);
  EXPECT_EQ(bad.bytes, R"({"error":{"index":101,"code":"DATA_LOSS","message":")" +
                           std::string(bad.status.message()) + "\"}}");
  // Record 3 failed validation: its error record carries its request id.
  EXPECT_THAT((*got)[3].bytes,
              ::testing::StartsWith(R"({"error":{"index":103,"requestId":"no-as-of","code":")"));
  // In binary: a ScoreResponse holding only request_id and error.
  auto pb = run(WireFormat::kBinary, 1);
  ASSERT_THAT(pb.status(), IsOk());
  v1::ScoreResponse record;
  ASSERT_TRUE(record.ParseFromString((*pb)[3].bytes));
  EXPECT_EQ(record.request_id(), "no-as-of");
  EXPECT_EQ(record.error().index(), 103u);
  EXPECT_EQ(record.error().request_id(), "no-as-of");
  EXPECT_EQ(record.error().code(), StatusCodeName((*pb)[3].status.code()));
  EXPECT_EQ(record.error().message(), (*pb)[3].status.message());
  EXPECT_FALSE(record.has_decision());
  // Good records are unaffected by error records.
  EXPECT_EQ((*pb)[0].bytes,
            Reference(*engine, binary[0], WireFormat::kBinary, WireFormat::kBinary).bytes);
}

TEST(ScoreSerializedTest, BadOptionsFailTheCallNotTheRecords) {
  auto engine = Starter();
  const std::vector<std::string> records = Records();
  std::vector<std::string_view> views(records.begin(), records.end());
  for (int threads : {-1, 257}) {
    EXPECT_THAT(engine->ScoreSerialized(views, {}, {.threads = threads}).status(),
                StatusIs(StatusCode::kOutOfRange, HasSubstr("[0, 256]")));
    EXPECT_THAT(engine->ScoreSerialized({}, {}, {.threads = threads}).status(),
                StatusIs(StatusCode::kOutOfRange, HasSubstr("[0, 256]")));
  }
  EXPECT_THAT(engine->ScoreSerialized(views, {.in_format = static_cast<WireFormat>(9)}).status(),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("wire format 9")));
  EXPECT_THAT(
      engine->ScoreSerialized(views, {.out_format = WireFormat::kText, .error_records = true})
          .status(),
      StatusIs(StatusCode::kInvalidArgument, HasSubstr("text")));
  EXPECT_THAT(SerializeErrorRecord(0, "", InternalError("x"), WireFormat::kText).status(),
              StatusIs(StatusCode::kInvalidArgument, ::testing::_));
}

// A proto3 string must be valid UTF-8 or the whole message fails to parse: a binary error
// record carries the JSON record's U+FFFD replacement, and reads back.
TEST(ScoreSerializedTest, BinaryErrorRecordWithInvalidUtf8ReadsBack) {
  const Status status = InvalidArgumentError("bad \xff byte", {.field_path = "events[0].\xfe"});
  auto bytes = SerializeErrorRecord(4, "id-\xC3", status, WireFormat::kBinary);
  ASSERT_THAT(bytes.status(), IsOk());
  v1::ScoreResponse r;
  ASSERT_TRUE(r.ParseFromString(*bytes));
  const std::string fffd = "\xEF\xBF\xBD";
  EXPECT_EQ(r.error().index(), 4u);
  EXPECT_EQ(r.error().request_id(), "id-" + fffd);
  EXPECT_EQ(r.request_id(), "id-" + fffd);
  EXPECT_EQ(r.error().message(), "bad " + fffd + " byte");
  EXPECT_EQ(r.error().location(), "events[0]." + fffd);
}

TEST(ScoreBatchTest, ThreadCountsOutsideTheLimitFailEveryResultInsteadOfClamping) {
  auto engine = Starter();
  std::vector<v1::ScoreRequest> requests;
  for (const std::string& line : Records()) {
    auto parsed = ParseRequest(line, WireFormat::kJson);
    if (parsed.ok()) requests.push_back(*parsed);
  }
  // The engine used to clamp silently to 256; now 257 fails like everywhere else.
  auto results = engine->ScoreBatch(requests, {}, {.threads = 257});
  ASSERT_EQ(results.size(), requests.size());
  for (const auto& r : results) {
    EXPECT_THAT(r.status(), StatusIs(StatusCode::kOutOfRange, HasSubstr("[0, 256]")));
  }
  // A caller's pool: its size decides.
  auto pool = ThreadPool::Create(3);
  ASSERT_THAT(pool.status(), IsOk());
  results = engine->ScoreBatch(requests, {}, {.pool = pool->get()});
  for (std::size_t i = 0; i < requests.size(); ++i) {
    auto one = engine->Score(requests[i]);
    ASSERT_EQ(results[i].ok(), one.ok());
    if (one.ok()) {
      EXPECT_EQ(*SerializeResponse(*results[i], WireFormat::kJson),
                *SerializeResponse(*one, WireFormat::kJson));
    }
  }
}

}  // namespace
}  // namespace credence
