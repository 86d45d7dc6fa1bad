// `credence simulate` and `credence features` end to end through the CLI.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#ifdef CREDENCE_CLI

namespace {

struct CliRun {
  int status;
  std::string out;
};

CliRun Cli(const std::string& args) {
  const std::string cmd = std::string(CREDENCE_CLI) + " " + args + " 2>/dev/null";
  FILE* p = popen(cmd.c_str(), "r");
  std::string out;
  char buf[65536];
  std::size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  const int rc = pclose(p);
  return {WEXITSTATUS(rc), out};
}

std::vector<std::string> Lines(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

std::string Slurp(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(f), {});
}

std::string Tmp(const std::string& name) { return ::testing::TempDir() + "/sim_cli_" + name; }

TEST(SimulateCliTest, OutputForEnterpriseIDoesNotDependOnNOrThreads) {
  const std::string base = "simulate --seed 4 --as-of 2026-10-01T00:00:00Z --history-days 120";
  const CliRun small = Cli(base + " --enterprises 5 --threads 1");
  const CliRun large = Cli(base + " --enterprises 13 --threads 3");
  ASSERT_EQ(small.status, 0);
  ASSERT_EQ(large.status, 0);
  const auto a = Lines(small.out), b = Lines(large.out);
  ASSERT_EQ(a.size(), 5u);
  ASSERT_EQ(b.size(), 13u);
  for (std::size_t i = 0; i < a.size(); ++i) EXPECT_EQ(a[i], b[i]) << i;
  // Same again: byte-identical.
  EXPECT_EQ(Cli(base + " --enterprises 5 --threads 2").out, small.out);
  EXPECT_EQ(Cli(base + " --enterprises 5 --threads 0").out, small.out);  // 0: all cores
}

TEST(SimulateCliTest, BinaryAndLabelsAndFeatures) {
  const std::string pb = Tmp("r.pb"), labels = Tmp("l.csv"), csv = Tmp("f.csv");
  ASSERT_EQ(
      Cli("simulate --enterprises 20 --seed 9 --as-of 2026-10-01T00:00:00Z --format pb --out " +
          pb + " --labels " + labels)
          .status,
      0);
  const auto label_lines = Lines(Slurp(labels));
  ASSERT_EQ(label_lines.size(), 21u);
  EXPECT_EQ(label_lines[0], "request_id,enterprise_id,archetype,default_12m,violation_12m,bad");
  EXPECT_THAT(label_lines[1], ::testing::StartsWith("sim-9-0,ent-9-0,"));
  ASSERT_EQ(
      Cli("features --bundle " + std::string(CREDENCE_SOURCE_DIR) +
          "/models/cross-border --format pb --in " + pb + " --labels " + labels + " --out " + csv)
          .status,
      0);
  const auto rows = Lines(Slurp(csv));
  ASSERT_EQ(rows.size(), 21u);
  EXPECT_THAT(rows[0], ::testing::StartsWith("request_id,enterprise_id,declarations_365d,"));
  EXPECT_THAT(rows[0], ::testing::EndsWith(",default_12m,violation_12m,bad"));  // archetype is text
  const auto cells = [](const std::string& r) { return std::count(r.begin(), r.end(), ','); };
  for (const auto& r : rows) EXPECT_EQ(cells(r), cells(rows[0]));
  EXPECT_THAT(rows[1], ::testing::StartsWith("sim-9-0,ent-9-0,"));
  // The same requests as JSON give the same features.
  const std::string jsonl = Tmp("r.jsonl"), csv2 = Tmp("f2.csv");
  ASSERT_EQ(
      Cli("simulate --enterprises 20 --seed 9 --as-of 2026-10-01T00:00:00Z --out " + jsonl).status,
      0);
  ASSERT_EQ(Cli("features --bundle " + std::string(CREDENCE_SOURCE_DIR) +
                "/models/cross-border --in " + jsonl + " --labels " + labels + " --out " + csv2)
                .status,
            0);
  EXPECT_EQ(Slurp(csv2), Slurp(csv));
}

TEST(SimulateCliTest, UsageErrors) {
  EXPECT_EQ(Cli("simulate --seed 1 --as-of 2026-10-01T00:00:00Z").status, 2);
  EXPECT_EQ(Cli("simulate --enterprises 0 --seed 1 --as-of 2026-10-01T00:00:00Z").status, 2);
  EXPECT_EQ(Cli("simulate --enterprises 3 --seed -1 --as-of 2026-10-01T00:00:00Z").status, 2);
  EXPECT_EQ(Cli("simulate --enterprises 3 --seed 1 --as-of yesterday").status, 2);
  EXPECT_EQ(
      Cli("simulate --enterprises 3 --seed 1 --as-of 2026-10-01T00:00:00Z --format xml").status, 2);
  EXPECT_EQ(Cli("features --bundle nowhere --in x").status, 2);
}

TEST(FeaturesCliTest, BadRecordIsReportedAndSkipped) {
  const std::string in = Tmp("bad.jsonl"), out = Tmp("bad.csv");
  {
    std::ofstream f(in);
    f << R"({"request_id":"a","as_of":"2026-10-01T00:00:00Z","enterprise":{"id":"x"}})"
      << "\n";
    f << "{not json\n";
  }
  const CliRun r = Cli("features --bundle " + std::string(CREDENCE_SOURCE_DIR) +
                       "/models/cross-border --in " + in + " --out " + out);
  EXPECT_EQ(r.status, 1);
  const auto rows = Lines(Slurp(out));
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_THAT(rows[1], ::testing::StartsWith("a,x,0,"));
}

TEST(FeaturesCliTest, BrokenBinaryFramingStopsWithAnError) {
  const std::string pb = Tmp("t.pb"), cut = Tmp("cut.pb"), huge = Tmp("huge.pb"),
                    out = Tmp("t.csv");
  ASSERT_EQ(Cli("simulate --enterprises 3 --seed 2 --as-of 2026-10-01T00:00:00Z --history-days 60 "
                "--format pb --out " +
                pb)
                .status,
            0);
  const std::string bytes = Slurp(pb);
  std::ofstream(cut, std::ios::binary) << bytes.substr(0, bytes.size() - 10);
  const std::string bundle = std::string(CREDENCE_SOURCE_DIR) + "/models/cross-border";
  EXPECT_EQ(
      Cli("features --bundle " + bundle + " --format pb --in " + cut + " --out " + out).status, 1);
  EXPECT_EQ(Lines(Slurp(out)).size(), 3u);  // header + the two complete records
  // A length prefix of 2^32 - 1 bytes is refused before any allocation.
  std::ofstream(huge, std::ios::binary) << std::string("\xff\xff\xff\xff\x0f", 5);
  EXPECT_EQ(
      Cli("features --bundle " + bundle + " --format pb --in " + huge + " --out " + out).status, 1);
  EXPECT_EQ(Lines(Slurp(out)).size(), 1u);
}

}  // namespace

#endif  // CREDENCE_CLI
