// ScoreSerialized reads requests straight into the event table (io/request_reader.h) and
// reuses its response objects: its bytes must still be those of ParseRequest + Score +
// SerializeResponse, for the cross-border bundle on simulated populations of every size
// and archetype, in every input and output format, one thread or two.
#include <gmock/gmock.h>
#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "credence/bundle.h"
#include "credence/engine.h"
#include "sim/simulator.h"
#include "tests/testing/status_matchers.h"

namespace credence {
namespace {

using ::credence::testing::IsOk;

std::shared_ptr<const Engine> CrossBorder() {
  auto loaded = LoadBundle(std::string(CREDENCE_SOURCE_DIR) + "/models/cross-border");
  EXPECT_THAT(loaded.status(), IsOk());
  auto engine = Engine::Compile(*loaded);
  EXPECT_THAT(engine.status(), IsOk());
  return *engine;
}

// A population: every archetype, histories of a few days to two years.
std::vector<v1::ScoreRequest> Population() {
  std::vector<v1::ScoreRequest> out;
  for (int days : {30, 365, 730}) {
    sim::SimOptions o;
    o.seed = 404 + static_cast<std::uint64_t>(days);
    o.history_days = days;
    for (std::uint64_t i = 0; i < 12; ++i) out.push_back(sim::SimulateEnterprise(o, i).request);
  }
  return out;
}

std::string Encode(const v1::ScoreRequest& r, WireFormat format, bool proto_names) {
  if (format == WireFormat::kBinary) return r.SerializeAsString();
  google::protobuf::util::JsonPrintOptions o;
  o.preserve_proto_field_names = proto_names;
  std::string out;
  EXPECT_TRUE(google::protobuf::util::MessageToJsonString(r, &out, o).ok());
  return out;
}

TEST(ScoreSerializedFastTest, BytesEqualTheMessagePathOnAPopulation) {
  const auto engine = CrossBorder();
  const std::vector<v1::ScoreRequest> population = Population();
  for (WireFormat in : {WireFormat::kBinary, WireFormat::kJson}) {
    for (WireFormat out : {WireFormat::kBinary, WireFormat::kJson}) {
      std::vector<std::string> records;
      for (std::size_t i = 0; i < population.size(); ++i) {
        records.push_back(Encode(population[i], in, i % 2 == 0));
      }
      records.push_back("{\"asOf\":\"2026-10-01T00:00:00Z\",\"events\":[[]]}");  // a wrong shape
      const std::vector<std::string_view> views(records.begin(), records.end());
      for (int threads : {1, 2}) {
        auto results = engine->ScoreSerialized(views, {.in_format = in, .out_format = out},
                                               {.threads = threads});
        ASSERT_THAT(results.status(), IsOk());
        for (std::size_t i = 0; i < population.size(); ++i) {
          const auto& r = (*results)[i];
          ASSERT_THAT(r.status, IsOk()) << i;
          auto parsed = ParseRequest(records[i], in);
          ASSERT_THAT(parsed.status(), IsOk());
          auto scored = engine->Score(*parsed);
          ASSERT_THAT(scored.status(), IsOk());
          auto want = SerializeResponse(*scored, out);
          ASSERT_THAT(want.status(), IsOk());
          EXPECT_EQ(r.request_id, parsed->request_id());
          EXPECT_EQ(r.bytes, *want) << "record " << i << " threads " << threads;
        }
        if (in == WireFormat::kJson) {
          const Status& shape = results->back().status;
          EXPECT_EQ(shape.code(), StatusCode::kInvalidArgument) << shape;
          ASSERT_NE(shape.location(), nullptr);
          EXPECT_EQ(shape.location()->field_path, "events[0]");
        }
      }
    }
  }
}

}  // namespace
}  // namespace credence
