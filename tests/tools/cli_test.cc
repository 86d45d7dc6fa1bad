// Runs the credence binary as a user would.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

using ::testing::HasSubstr;
using ::testing::Not;

struct CliRun {
  int exit_code;
  std::string out;
};

// Runs `args` with the CLI; stdout captured, stderr merged when `merge_stderr`.
CliRun Cli(const std::string& args, bool merge_stderr = false) {
  const std::string cmd =
      std::string(CREDENCE_CLI) + " " + args + (merge_stderr ? " 2>&1" : " 2>/dev/null");
  FILE* p = popen(cmd.c_str(), "r");
  std::string out;
  char buf[4096];
  while (std::size_t n = fread(buf, 1, sizeof buf, p)) out.append(buf, n);
  const int status = pclose(p);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

std::string Src(const std::string& rel) { return std::string(CREDENCE_SOURCE_DIR) + "/" + rel; }

std::vector<std::string> Lines(const std::string& s) {
  std::vector<std::string> lines;
  std::istringstream in(s);
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  return lines;
}

std::string TempPath(const std::string& name) {
  return (std::filesystem::temp_directory_path() / ("credence_cli_test_" + name)).string();
}

TEST(CliTest, ScoresTheExamplesOneLinePerRecord) {
  CliRun r =
      Cli("score --bundle " + Src("models/starter") + " --in " + Src("examples/requests.jsonl"));
  EXPECT_EQ(r.exit_code, 0);
  auto lines = Lines(r.out);
  ASSERT_EQ(lines.size(), 8u);
  EXPECT_THAT(lines[0], HasSubstr("\"requestId\":\"req-001\""));
  EXPECT_THAT(lines[0], HasSubstr("\"bundleDigest\":\"sha256:"));
  EXPECT_THAT(lines[7], HasSubstr("\"duplicateEventIds\":[\"ent-messy-e"));
}

TEST(CliTest, EveryInputRecordYieldsOneOutputRecordInOrder) {
  const std::string in = TempPath("mixed.jsonl");
  {
    std::ifstream examples(Src("examples/requests.jsonl"));
    std::string first, second;
    std::getline(examples, first);
    std::getline(examples, second);
    std::ofstream f(in);
    f << first << "\n"
      << "{not json\n"
      << "\n"  // blank lines are not records
      << R"({"requestId":"no-as-of"})"
      << "\n"
      << second << "\n"
      << R"({"requestId":"bad-kind","asOf":"2026-10-01T00:00:00Z","events":[{"id":"a","time":"2026-01-01T00:00:00Z"}]})"
      << "\n";
  }
  for (const char* threads : {"1", "3"}) {
    CliRun r = Cli(std::string("score --threads ") + threads + " --bundle " +
                   Src("models/starter") + " --in " + in);
    EXPECT_EQ(r.exit_code, 1) << "some records failed";
    auto lines = Lines(r.out);
    ASSERT_EQ(lines.size(), 5u);
    EXPECT_THAT(lines[0], HasSubstr("\"requestId\":\"req-001\""));
    EXPECT_THAT(
        lines[1],
        HasSubstr(R"({"error":{"index":1,"code":"INVALID_ARGUMENT","message":"malformed JSON)"));
    EXPECT_THAT(
        lines[2],
        HasSubstr(R"({"error":{"index":2,"requestId":"no-as-of","code":"INVALID_ARGUMENT")"));
    EXPECT_THAT(lines[2], HasSubstr("as_of is required"));
    EXPECT_THAT(lines[3], HasSubstr("\"requestId\":\"req-002\""));
    EXPECT_THAT(lines[4], HasSubstr(R"("index":4,"requestId":"bad-kind")"));
    EXPECT_THAT(lines[4], HasSubstr(R"("location":"events[0].kind: event 0")"));
  }
  std::filesystem::remove(in);
}

TEST(CliTest, OutputFileIsWrittenAtomically) {
  const std::string out = TempPath("out.jsonl");
  std::filesystem::remove(out);
  CliRun r = Cli("score --bundle " + Src("models/starter") + " --in " +
                 Src("examples/requests.jsonl") + " --out " + out);
  EXPECT_EQ(r.exit_code, 0);
  ASSERT_TRUE(std::filesystem::exists(out));
  std::ifstream f(out);
  std::stringstream ss;
  ss << f.rdbuf();
  EXPECT_EQ(Lines(ss.str()).size(), 8u);
  // No temporary file is left behind.
  for (const auto& e :
       std::filesystem::directory_iterator(std::filesystem::path(out).parent_path())) {
    EXPECT_THAT(e.path().filename().string(),
                ::testing::Not(HasSubstr("credence_cli_test_out.jsonl.tmp")));
  }
  std::filesystem::remove(out);
}

TEST(CliTest, SummaryIsReadable) {
  CliRun r = Cli("score --summary --summary-rows 3 --bundle " + Src("models/starter") + " --in " +
                 Src("examples/requests.jsonl"));
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_THAT(r.out, HasSubstr("request    enterprise"));
  EXPECT_THAT(r.out, HasSubstr("... 5 more requests not shown"));
  EXPECT_THAT(r.out, HasSubstr("8 records: 8 scored, 0 failed"));
  EXPECT_THAT(r.out, HasSubstr("bundle: starter 0.1.0 sha256:"));
  EXPECT_THAT(r.out, HasSubstr("requests/s"));
  // The decision counts equal those of the records themselves.
  CliRun records =
      Cli("score --bundle " + Src("models/starter") + " --in " + Src("examples/requests.jsonl"));
  ASSERT_EQ(records.exit_code, 0);
  for (const char* outcome : {"APPROVE", "REVIEW", "REJECT"}) {
    std::size_t n = 0;
    const std::string needle = std::string("\"decision\":{\"outcome\":\"OUTCOME_") + outcome + "\"";
    std::istringstream lines(records.out);
    for (std::string line; std::getline(lines, line);) {
      if (line.find(needle) != std::string::npos) ++n;
    }
    if (n == 0) continue;
    char expected[64];
    std::snprintf(expected, sizeof expected, "  %-7s %8zu %6.1f%%", outcome, n, 100.0 * n / 8);
    EXPECT_THAT(r.out, HasSubstr(expected)) << outcome;
  }
}

TEST(CliTest, BadBundleIsExitTwoWithLocation) {
  const std::string dir = TempPath("badbundle");
  std::filesystem::create_directories(dir);
  std::ofstream(dir + "/bundle.textproto")
      << "metadata { name: \"x\" }\nbase_currency: \"USD\"\nfeatures {\n  name: \"a\"\n  ratio { "
         "numerator: \"nope\" denominator: \"a\" }\n}\n";
  std::ofstream(dir + "/empty.jsonl").close();
  CliRun r = Cli("score --bundle " + dir + " --in " + dir + "/empty.jsonl", true);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.out, HasSubstr(dir + "/bundle.textproto:5:"));
  CliRun v = Cli("validate " + dir, true);
  EXPECT_EQ(v.exit_code, 1);
  EXPECT_THAT(v.out, HasSubstr("bundle.textproto:5:11: error: feature 'a': ratio numerator refers "
                               "to unknown feature 'nope'"));
  EXPECT_THAT(v.out,
              HasSubstr("  ratio { numerator: \"nope\" denominator: \"a\" }\n            ^"));
  std::filesystem::remove_all(dir);
}

// A 90 KB expression on one line is shown as a window around the caret, not echoed in full
// (issue 13, cause 12).
TEST(CliTest, ValidateShowsAWindowOfAHugeLine) {
  const std::string dir = TempPath("hugeline");
  std::filesystem::create_directories(dir);
  std::ofstream(dir + "/bundle.textproto")
      << "metadata { name: \"x\" }\nbase_currency: \"USD\"\n"
      << "rule_sets { id: \"r\" rules { id: \"x\" condition: \"" << std::string(90'000, ' ')
      << "nope > 1\" } }\n";
  CliRun v = Cli("validate " + dir, true);
  EXPECT_EQ(v.exit_code, 1);
  EXPECT_THAT(v.out, HasSubstr("bundle.textproto:3:"));
  EXPECT_LT(v.out.size(), 2000u) << v.out.substr(0, 2000);
  std::filesystem::remove_all(dir);
}

// A JSON bundle's syntax error has line, column and a caret (issue 13, cause 12).
TEST(CliTest, ValidateLocatesJsonSyntaxErrors) {
  const std::string dir = TempPath("jsonsyntax");
  std::filesystem::create_directories(dir);
  std::ofstream(dir + "/bundle.json") << "{\n  \"metadata\": {\"name\": \"x\",}\n}\n";
  CliRun v = Cli("validate " + dir, true);
  EXPECT_EQ(v.exit_code, 1);
  EXPECT_THAT(v.out, HasSubstr("bundle.json:2:28: error: malformed JSON bundle: JSON syntax error: "
                               "expected a field name in double quotes [metadata]"));
  EXPECT_THAT(v.out, HasSubstr("  \"metadata\": {\"name\": \"x\",}\n"
                               "                             ^"));
  std::filesystem::remove_all(dir);
}

TEST(CliTest, ValidateAcceptsTheStarterBundle) {
  CliRun v = Cli("validate " + Src("models/starter"));
  EXPECT_EQ(v.exit_code, 0);
  EXPECT_THAT(v.out, HasSubstr("starter 0.1.0: 12 features; sha256:"));
  // The starter bundle computes three features for display that nothing else reads, and its
  // hand-set credit model carries no governance.
  EXPECT_THAT(v.out, HasSubstr("0 error(s), 4 warning(s)"));
  CliRun w = Cli("validate " + Src("models/starter"), true);
  EXPECT_THAT(w.out, HasSubstr("bundle.textproto:33:3: warning: feature 'order_value_90d' is not "
                               "used by any rule"));
  EXPECT_EQ(Cli("validate --werror " + Src("models/starter")).exit_code, 1);
}

TEST(CliTest, UsageErrors) {
  EXPECT_EQ(Cli("").exit_code, 2);
  EXPECT_EQ(Cli("frobnicate").exit_code, 2);
  EXPECT_EQ(Cli("score --in x").exit_code, 2);
  EXPECT_EQ(Cli("score --bundle " + Src("models/starter") + " --bogus").exit_code, 2);
  CliRun help = Cli("score --help");
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_THAT(help.out, HasSubstr("usage: credence score"));
  EXPECT_THAT(Cli("version").out, HasSubstr("credence 0.2.0"));
  // `version` parses its command line like every command: an extra word is a usage error.
  CliRun extra = Cli("version now", true);
  EXPECT_EQ(extra.exit_code, 2);
  EXPECT_THAT(extra.out, HasSubstr("credence version: unexpected argument 'now'"));
}

}  // namespace

namespace {

TEST(CliTest, EverySubcommandHasHelp) {
  for (const char* command :
       {"score", "validate", "explain", "diff", "report", "version", "cel-conformance", "simulate",
        "features", "predict", "fit", "metrics"}) {
    CliRun r = Cli(std::string(command) + " --help");
    EXPECT_EQ(r.exit_code, 0) << command;
    EXPECT_THAT(r.out, HasSubstr(std::string("usage: credence ") + command)) << command;
  }
  // `credence help` lists them all.
  CliRun list = Cli("help");
  for (const char* command : {"score", "validate", "explain", "diff", "report", "version"}) {
    EXPECT_THAT(list.out, HasSubstr(std::string("  ") + command + " ")) << command;
  }
}

// Every command parses its numbers strictly and checks their ranges: a malformed or
// out-of-range value is a usage error (exit 2, before any work) whose message names the
// option, followed by the command's usage.
TEST(CliTest, MalformedNumbersAreUsageErrorsNamingTheOption) {
  const std::string bundle = " --bundle " + Src("models/starter");
  const std::string in = " --in " + Src("examples/requests.jsonl");
  const std::string sim = "simulate --enterprises 3 --seed 1 --as-of 2026-10-01T00:00:00Z";
  struct Case {
    std::string args, message;
  };
  for (const Case& c : std::vector<Case>{
           {"score" + bundle + in + " --threads 2x", "--threads takes an integer, not '2x'"},
           {"score" + bundle + in + " --threads 257", "--threads must be in [0, 256], not 257"},
           {"score" + bundle + in + " --max-reasons 4.5", "--max-reasons takes an integer"},
           {"score" + bundle + in + " --max-reasons 65", "--max-reasons must be in [0, 64]"},
           {"score" + bundle + in + " --summary-rows -1", "--summary-rows must be in [0, "},
           {"diff" + bundle + bundle + in + " --top 3x", "--top takes an unsigned integer"},
           {"diff" + bundle + bundle + in + " --threads -1", "--threads must be in [0, 256]"},
           {"report" + bundle + in + " --out x.html --threads 1.5", "--threads takes an integer"},
           {"explain" + bundle + in + " --max-reasons x", "--max-reasons takes an integer"},
           {"features" + bundle + in + " --threads 100000", "--threads must be in [0, 256]"},
           {sim + " --threads 2x", "--threads takes an integer, not '2x'"},
           {sim + " --threads 257", "--threads must be in [0, 256], not 257"},
           {sim + " --history-days 7x", "--history-days takes an integer, not '7x'"},
           {sim + " --history-days 10", "--history-days must be in [30, 3650], not 10"},
           {"simulate --enterprises 3x --seed 1 --as-of 2026-10-01T00:00:00Z",
            "--enterprises takes an unsigned integer, not '3x'"},
           {"simulate --enterprises 3 --seed 1.5 --as-of 2026-10-01T00:00:00Z",
            "--seed takes an unsigned integer, not '1.5'"},
           {"fit --in x.csv --label y --out z --l2 -1", "--l2 must be in [0, +inf), not -1"},
           {"fit --in x.csv --label y --out z --l2 1e", "--l2 takes a number, not '1e'"},
           {"fit --in x.csv --label y --out z --scorecard --bins 10.0",
            "--bins takes an integer, not '10.0'"},
           {"fit --in x.csv --label y --out z --scorecard --max-corr 0",
            "--max-corr must be in (0, 1], not 0"},
           {"fit --in x.csv --label y --out z --scorecard --pdo -20", "--pdo must be in (0, +inf)"},
           {"metrics --in x.csv --score s --label y --bins 1",
            "--bins must be in [2, 1000], not 1"},
       }) {
    CliRun r = Cli(c.args, true);
    EXPECT_EQ(r.exit_code, 2) << c.args;
    EXPECT_THAT(r.out, HasSubstr(c.message)) << c.args;
    EXPECT_THAT(r.out, HasSubstr("\n\nusage: credence ")) << c.args;
  }
}

}  // namespace

namespace {

TEST(CliTest, ValidateWarnsAboutRulesThatNeverFireAndRowsThatMayOverlap) {
  const std::string dir = TempPath("lintbundle");
  std::filesystem::create_directories(dir);
  std::string text;
  {
    std::ifstream f(Src("models/starter/bundle.textproto"));
    std::stringstream ss;
    ss << f.rdbuf();
    text = ss.str();
  }
  const int base_lines = static_cast<int>(std::count(text.begin(), text.end(), '\n'));
  std::ofstream(dir + "/bundle.textproto")
      << text
      << "rule_sets {\n"
         "  id: \"extra\"\n"
         "  rules {\n"
         "    id: \"impossible\"\n"
         "    condition: \"order_value_90d > 5.0 && order_value_90d < 3.0\"\n"
         "  }\n"
         "}\n"
         "decision_tables {\n"
         "  id: \"t\"\n"
         "  hit_policy: DECISION_HIT_POLICY_UNIQUE\n"
         "  inputs { name: \"zone\" expression: \"enterprise.zone\" }\n"
         "  inputs { name: \"v\" expression: \"order_value_prev_90d + max_order_value_365d\" }\n"
         "  outputs { name: \"o\" }\n"
         "  rows { input_entries: \"not(\\\"a\\\")\" input_entries: \"< 10\" output_entries: \"1\" "
         "}\n"
         "  rows { input_entries: \"not(\\\"b\\\")\" input_entries: \"< 20\" output_entries: \"2\" "
         "}\n"
         "}\n";
  CliRun v = Cli("validate " + dir, true);
  EXPECT_EQ(v.exit_code, 0) << v.out;
  const std::string file = dir + "/bundle.textproto:";
  EXPECT_THAT(v.out, HasSubstr(file + std::to_string(base_lines + 5) +
                               ":5: warning: rule 'extra/impossible' can never fire: the bounds "
                               "on 'order_value_90d' contradict each other"));
  EXPECT_THAT(v.out,
              HasSubstr("      condition: \"order_value_90d > 5.0 && order_value_90d < 3.0\"\n"
                        "      ^"));
  EXPECT_THAT(v.out, HasSubstr(file + std::to_string(base_lines + 15) +
                               ":3: warning: UNIQUE table 't': rows 0 and 1 may overlap"));
  // Every feature is used now.
  EXPECT_THAT(v.out, Not(HasSubstr("is not used")));
  // The starter bundle's hand-set credit model carries no governance (docs/governance.md).
  EXPECT_THAT(v.out, HasSubstr("warning: model 'starter_pd' (the credit model) has no governance"));
  EXPECT_THAT(v.out, HasSubstr("0 error(s), 3 warning(s)"));
  EXPECT_EQ(Cli("validate --werror " + dir).exit_code, 1);
  std::filesystem::remove_all(dir);
}

}  // namespace
