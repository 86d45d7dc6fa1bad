// `credence features` reads the CSV it writes: its --labels reader is the shared RFC 4180
// reader, so a request id that the writer quoted (it holds a comma and quotes) reads back.
// Its former reader split lines at every comma and failed on such a row.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "tests/tools/cli_testing.h"
#include "tests/tools/population.h"

namespace credence {
namespace {

using ::credence::testing::MakePopulation;
using ::credence::testing::ReadFileOrEmpty;
using ::credence::testing::RunCli;
using ::credence::testing::SourcePath;
using ::credence::testing::SplitLines;
using ::credence::testing::TestTempPath;
using ::credence::testing::WriteJsonl;

TEST(FeaturesCliTest, ReadsAQuotedCellItsOwnWriterProduced) {
  std::vector<v1::ScoreRequest> requests = MakePopulation(2, "plain");
  const std::string tricky = "req,\"1\"";
  requests[0].set_request_id(tricky);
  const std::string in = TestTempPath("features_in.jsonl");
  const std::string first = TestTempPath("features_first.csv");
  const std::string second = TestTempPath("features_second.csv");
  WriteJsonl(in, requests);
  const std::string bundle = " --bundle " + SourcePath("models/starter") + " --in " + in;

  ASSERT_EQ(RunCli("features" + bundle + " --out " + first).exit_code, 0);
  const std::vector<std::string> rows = SplitLines(ReadFileOrEmpty(first));
  ASSERT_EQ(rows.size(), 3u);
  // RFC 4180: the id is quoted, its quotes doubled.
  const std::string quoted_id = "\"req,\"\"1\"\"\"";
  const std::string prefix = quoted_id + "," + requests[0].enterprise().id() + ",";
  ASSERT_EQ(rows[1].rfind(prefix, 0), 0u) << rows[1];

  // The first run's output as the labels of a second run: every feature column is numeric, so
  // each is appended again, joined on the (quoted) request id.
  auto r = RunCli("features" + bundle + " --labels " + first + " --out " + second, true);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const std::vector<std::string> joined = SplitLines(ReadFileOrEmpty(second));
  ASSERT_EQ(joined.size(), 3u);
  const std::string names = rows[0].substr(std::string("request_id,enterprise_id,").size());
  EXPECT_EQ(joined[0], rows[0] + "," + names);
  EXPECT_EQ(joined[1], rows[1] + "," + rows[1].substr(prefix.size()));
  const std::string plain_prefix =
      requests[1].request_id() + "," + requests[1].enterprise().id() + ",";
  ASSERT_EQ(rows[2].rfind(plain_prefix, 0), 0u) << rows[2];
  EXPECT_EQ(joined[2], rows[2] + "," + rows[2].substr(plain_prefix.size()));
  for (const auto& p : {in, first, second}) std::filesystem::remove(p);
}

}  // namespace
}  // namespace credence
