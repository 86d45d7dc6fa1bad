// One thread limit for every command that takes --threads (credence::kMaxThreads = 256): the
// limit itself runs, one more is a usage error naming it (exit 2), and nothing is written.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "tests/tools/cli_testing.h"

namespace credence::testing {
namespace {

using ::testing::HasSubstr;

TEST(ThreadLimitTest, EveryCommandRejectsMoreThan256Threads) {
  const std::string bundle = SourcePath("models/starter");
  const std::string in = SourcePath("examples/requests.jsonl");
  const std::string out = TestTempPath("limit_out");
  const std::string commands[] = {
      "score --bundle " + bundle + " --in " + in + " --out " + out,
      "features --bundle " + bundle + " --in " + in + " --out " + out,
      "diff --bundle " + bundle + " --bundle " + bundle + " --in " + in,
      "report --bundle " + bundle + " --in " + in + " --out " + out,
  };
  for (const std::string& command : commands) {
    for (const char* bad : {"257", "-1"}) {
      const CliResult r = RunCli(command + " --threads " + bad, /*merge_stderr=*/true);
      EXPECT_EQ(r.exit_code, 2) << command << " --threads " << bad << "\n" << r.out;
      EXPECT_THAT(r.out, HasSubstr("256")) << command;
      EXPECT_FALSE(std::filesystem::exists(out)) << command;
    }
    const CliResult ok = RunCli(command + " --threads 256");
    EXPECT_LE(ok.exit_code, 1) << command << " --threads 256";
    std::filesystem::remove(out);
  }
}

}  // namespace
}  // namespace credence::testing
