// Regression tests of the CLI's hostile-input fixes (issue 13), one group per root cause:
// valid UTF-8 JSON whatever the input (3), non-regular inputs refused (4), lost output reported
// (5), several outputs committed all or none (6), statistics without a value (10), terminal
// injection (11), errors naming the path and reason (12), strict numeric options (14), and the
// summary of a failed `score` (15). The wider catalogue is tests/hostile/.
#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <google/protobuf/util/delimited_message_util.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "credence/engine.h"
#include "tests/tools/cli_testing.h"
#include "tests/tools/population.h"

namespace credence {
namespace {

namespace fs = std::filesystem;
using ::credence::testing::ExampleLines;
using ::credence::testing::ReadFileOrEmpty;
using ::credence::testing::SourcePath;
using ::credence::testing::SplitLines;
using ::credence::testing::TestTempPath;
using ::testing::HasSubstr;
using ::testing::Not;

struct CliRun {
  int exit_code;  // -1 when a signal ended it
  std::string out, err;
};

// Runs `credence ARGS` through the shell, stdout and stderr apart. ARGS may redirect (its
// redirects apply inside ours) and go on with more shell ("& cat x > fifo; wait").
CliRun Cli(const std::string& args) {
  const std::string out = TestTempPath("hardening.out"), err = TestTempPath("hardening.err");
  const std::string cmd =
      "( " + std::string(CREDENCE_CLI) + " " + args + " ) >" + out + " 2>" + err + " </dev/null";
  const int status = std::system(cmd.c_str());
  CliRun r{WIFEXITED(status) ? WEXITSTATUS(status) : -1, ReadFileOrEmpty(out),
           ReadFileOrEmpty(err)};
  fs::remove(out);
  fs::remove(err);
  return r;
}

// One CEL conformance case that passes.
constexpr const char* kOneCase =
    R"({"section": "s", "name": "one", "expr": "1 + 1", "expect": {"value": {"int": "2"}}})";

std::string Starter() { return SourcePath("models/starter"); }
std::string Examples() { return SourcePath("examples/requests.jsonl"); }

// A fresh empty directory for one test.
std::string FreshDir(const std::string& name) {
  const std::string dir = TestTempPath(name);
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

// The names of the files in `dir`.
std::vector<std::string> Files(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

// A labelled training set for `fit`: x predicts the label with some noise.
std::string WriteTrainingCsv(const std::string& dir) {
  const std::string path = dir + "/train.csv";
  std::ofstream f(path);
  f << "x,y,bad\n";
  for (int i = 0; i < 200; ++i) {
    f << i % 17 << "," << (i * 7) % 13 << "," << ((i % 17 > 9) != (i % 5 == 0)) << "\n";
  }
  return path;
}

// --- Cause 3: valid UTF-8 JSON whatever the input ---------------------------------------

TEST(HardeningTest, ScoreWritesValidUtf8JsonForInvalidBytes) {
  const std::string dir = FreshDir("utf8");
  const std::string in = dir + "/bad.jsonl";
  std::ofstream(in) << "{\"requestId\":\"r\xff"
                       "1\",\"asOf\":\"2026-10-01T00:00:00Z\"}\n"
                    << "{\"requestId\":\"ok\",\"events\":[{\"id\":\"e\xfe\xc0\"}]}\n"
                    << "{\"request\xe4\xb8Id\":\"x\"}\n"
                    << ExampleLines()[0] << "\n";
  const CliRun r = Cli("score --bundle " + Starter() + " --in " + in);
  EXPECT_EQ(r.exit_code, 1);
  const auto lines = SplitLines(r.out);
  ASSERT_EQ(lines.size(), 4u);
  for (const std::string& line : lines) {
    // nlohmann::json::parse refuses invalid UTF-8: parsing is the check.
    EXPECT_TRUE(nlohmann::json::accept(line)) << line;
  }
  // The library refuses the bad byte with its location and never quotes it (invalid bytes
  // that still reach a record become U+FFFD: io/json_records, tested in tests/io).
  EXPECT_THAT(lines[0], HasSubstr("invalid UTF-8"));
  EXPECT_THAT(lines[0], HasSubstr("request_id"));
  // The binary error records read back too (a proto3 string must be valid UTF-8).
  const CliRun pb = Cli("score --bundle " + Starter() + " --in " + in + " --out-format pb");
  std::istringstream stream(pb.out);
  google::protobuf::io::IstreamInputStream zero_copy(&stream);
  int records = 0;
  v1::ScoreResponse response;
  bool clean_eof = false;
  while (
      google::protobuf::util::ParseDelimitedFromZeroCopyStream(&response, &zero_copy, &clean_eof)) {
    ++records;
  }
  EXPECT_TRUE(clean_eof);
  EXPECT_EQ(records, 4);
  fs::remove_all(dir);
}

// --- Cause 4: directories and devices are not inputs; stdin and FIFOs are ------------------

TEST(HardeningTest, NonRegularInputsAreRefusedWithTheReason) {
  const std::string dir = FreshDir("dir_inputs");
  const std::string csv = WriteTrainingCsv(dir);
  struct Case {
    std::string args, message;
    int exit_code;
  };
  const std::string b = " --bundle " + Starter();
  const std::vector<Case> cases = {
      {"score" + b + " --in " + dir, "--in " + dir + ": is a directory", 2},
      {"score" + b + " --in /dev/zero", "--in /dev/zero: is a character device", 2},
      {"explain" + b + " --in " + dir, "--in " + dir + ": is a directory", 2},
      {"diff" + b + b + " --in " + dir, "--in " + dir + ": is a directory", 2},
      {"report" + b + " --in " + dir + " --out " + dir + "/r.html", "is a directory", 2},
      {"report" + b + " --in " + Examples() + " --baseline " + dir + " --out " + dir + "/r.html",
       "--baseline " + dir + ": is a directory", 2},
      {"report" + b + " --in " + Examples() + " --labels " + dir + " --out " + dir + "/r.html",
       "--labels " + dir + ": is a directory", 2},
      {"features" + b + " --in " + dir, "--in " + dir + ": is a directory", 2},
      {"features" + b + " --in " + Examples() + " --labels " + dir, "--labels", 2},
      {"fit --in " + dir + " --label bad --out " + dir + "/m.txt", "--in " + dir, 2},
      {"metrics --in " + dir + " --score x --label bad", "--in " + dir + ": is a directory", 2},
      {"metrics --in " + csv + " --score x --label bad --expected " + dir, "--expected", 2},
      {"predict --model " + Starter() + " --in " + dir, "--in " + dir + ": is a directory", 2},
      {"predict --model /dev/zero --in " + csv, "--model /dev/zero: is a character device", 2},
      {"score --bundle /dev/zero --in " + Examples(), "--bundle /dev/zero", 2},
      {"cel-conformance " + dir, "FILE " + dir + ": is a directory", 1},
      {"validate /dev/zero", "BUNDLE /dev/zero: is a character device", 1},
  };
  for (const Case& c : cases) {
    const CliRun r = Cli(c.args);
    EXPECT_EQ(r.exit_code, c.exit_code) << c.args << "\n" << r.err;
    EXPECT_THAT(r.err, HasSubstr(c.message)) << c.args;
  }
  EXPECT_EQ(Files(dir), std::vector<std::string>{"train.csv"}) << "no output, no temporary file";
  // stdin is fine, unless it is a directory.
  EXPECT_EQ(Cli("score" + b + " --in - < " + Examples()).exit_code, 0);
  const CliRun stdin_dir = Cli("score" + b + " < " + dir);
  EXPECT_EQ(stdin_dir.exit_code, 2);
  EXPECT_THAT(stdin_dir.err, HasSubstr("stdin is a directory"));
  fs::remove_all(dir);
}

TEST(HardeningTest, FifosAreInputs) {
  const std::string dir = FreshDir("fifo");
  const std::string fifo = dir + "/requests.fifo", cases = dir + "/cases.fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  ASSERT_EQ(::mkfifo(cases.c_str(), 0600), 0);
  const CliRun r = Cli("score --bundle " + Starter() + " --in " + fifo + " & cat " + Examples() +
                       " > " + fifo + "; wait");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(SplitLines(r.out).size(), ExampleLines().size());
  const CliRun c =
      Cli("cel-conformance " + cases + " & echo '" + kOneCase + "' > " + cases + "; wait");
  EXPECT_THAT(c.out, HasSubstr("1/1 passed"));
  fs::remove_all(dir);
}

// --- Cause 5: lost output is an error ------------------------------------------------------

TEST(HardeningTest, EveryCommandFailsWhenStdoutIsFull) {
  const std::string dir = FreshDir("full");
  const std::string csv = WriteTrainingCsv(dir);
  const std::string model = dir + "/m.textproto";
  ASSERT_EQ(Cli("fit --in " + csv + " --label bad --out " + model).exit_code, 0);
  std::ofstream(dir + "/cases.jsonl") << kOneCase << "\n";
  const std::string b = " --bundle " + Starter();
  for (const std::string& args : std::vector<std::string>{
           "score" + b + " --in " + Examples(),
           "score" + b + " --in " + Examples() + " --summary",
           "explain" + b + " --in " + Examples() + " --request-id req-001",
           "diff" + b + b + " --in " + Examples(),
           "diff" + b + b + " --in " + Examples() + " --json",
           "validate " + Starter(),
           "features" + b + " --in " + Examples(),
           "predict --model " + model + " --in " + csv,
           "metrics --in " + csv + " --score x --label bad",
           "simulate --enterprises 2 --seed 1 --as-of 2026-10-01T00:00:00Z",
           "cel-conformance " + dir + "/cases.jsonl",
           "version",
           "help",
           "score --help",
       }) {
    const CliRun r = Cli(args + " > /dev/full");
    EXPECT_NE(r.exit_code, 0) << args;
    EXPECT_THAT(r.err, HasSubstr("stdout: write failed: No space left on device")) << args;
  }
  fs::remove_all(dir);
}

// --- Cause 6: all outputs or none ----------------------------------------------------------

TEST(HardeningTest, FitCommitsAllItsOutputsOrNone) {
  const std::string dir = FreshDir("fit_outputs");
  const std::string csv = WriteTrainingCsv(dir);
  const std::string base = "fit --in " + csv + " --label bad --out " + dir + "/m.textproto";
  const CliRun report = Cli(base + " --report " + dir + "/nodir/r.json");
  EXPECT_EQ(report.exit_code, 2);
  EXPECT_THAT(report.err,
              HasSubstr("--report " + dir + "/nodir/r.json: cannot create: No such file"));
  const CliRun twin = Cli(base + " --scorecard --logistic-out " + dir + "/nodir/l.textproto");
  EXPECT_EQ(twin.exit_code, 2);
  // Outputs opened, then the data fails: nothing is left either.
  const CliRun data = Cli("fit --in " + csv + " --label y --out " + dir + "/m.textproto --report " +
                          dir + "/r.json");
  EXPECT_EQ(data.exit_code, 1) << "label y holds values other than 0 and 1";
  EXPECT_EQ(Files(dir), std::vector<std::string>{"train.csv"});
  // The same path twice is a usage error, before anything is written.
  const CliRun same = Cli(base + " --report " + dir + "/m.textproto");
  EXPECT_EQ(same.exit_code, 2);
  EXPECT_THAT(same.err, HasSubstr("--report and --out name the same file"));
  const CliRun over_input = Cli("fit --in " + csv + " --label bad --out " + csv);
  EXPECT_EQ(over_input.exit_code, 2);
  EXPECT_THAT(over_input.err, HasSubstr("--out and --in name the same file"));
  // When everything can be written, everything is.
  ASSERT_EQ(Cli(base + " --report " + dir + "/r.json").exit_code, 0);
  EXPECT_EQ(Files(dir), (std::vector<std::string>{"m.textproto", "r.json", "train.csv"}));
  fs::remove_all(dir);
}

TEST(HardeningTest, SimulateCommitsRequestsAndLabelsTogether) {
  const std::string dir = FreshDir("sim_outputs");
  const std::string base = "simulate --enterprises 3 --seed 1 --as-of 2026-10-01T00:00:00Z";
  const CliRun r = Cli(base + " --out " + dir + "/r.jsonl --labels " + dir + "/nodir/l.csv");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(Files(dir).empty());
  const CliRun full = Cli(base + " --out " + dir + "/r.jsonl --labels /dev/full");
  EXPECT_EQ(full.exit_code, 2);
  EXPECT_THAT(full.err, HasSubstr("--labels /dev/full: write failed: No space left on device"));
  EXPECT_TRUE(Files(dir).empty()) << "the requests are not kept without their labels";
  fs::remove_all(dir);
}

TEST(HardeningTest, OutputThatIsADirectoryOrADeviceIsHandled) {
  const std::string dir = FreshDir("out_kinds");
  const CliRun to_dir =
      Cli("score --bundle " + Starter() + " --in " + Examples() + " --out " + dir);
  EXPECT_EQ(to_dir.exit_code, 2);
  EXPECT_THAT(to_dir.err, HasSubstr("--out " + dir + ": is a directory"));
  // A device is written in place, never replaced by a file.
  const CliRun to_null =
      Cli("score --bundle " + Starter() + " --in " + Examples() + " --out /dev/null");
  EXPECT_EQ(to_null.exit_code, 0) << to_null.err;
  struct stat st {};
  ASSERT_EQ(::stat("/dev/null", &st), 0);
  EXPECT_TRUE(S_ISCHR(st.st_mode));
  EXPECT_TRUE(Files(dir).empty());
  fs::remove_all(dir);
}

// --- Cause 10: statistics without a value --------------------------------------------------

TEST(HardeningTest, ReportPsiWithoutAScoredBaselineIsNotDefined) {
  const std::string dir = FreshDir("psi");
  std::ofstream(dir + "/base.jsonl") << "{not json\n{\"requestId\":\"x\"}\n";
  const CliRun r = Cli("report --bundle " + Starter() + " --in " + Examples() + " --baseline " +
                       dir + "/base.jsonl --out " + dir + "/r.html");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string page = ReadFileOrEmpty(dir + "/r.html");
  EXPECT_THAT(page, HasSubstr("Credit score PSI: not defined"));
  EXPECT_THAT(page, HasSubstr("no baseline request has a credit score (2 baseline requests, 2 "
                              "failed)"));
  EXPECT_THAT(page, Not(HasSubstr("(nan")));
  EXPECT_THAT(page, Not(HasSubstr("nan]")));
  fs::remove_all(dir);
}

// --- Cause 11: terminal injection ----------------------------------------------------------

// The bytes a terminal acts on: C0 controls but line feed, DEL, C1 (UTF-8 C2 80..C2 9F) and
// the right-to-left override.
bool HasTerminalControl(const std::string& s) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if ((c < 0x20 && c != '\n') || c == 0x7F) return true;
    if (c == 0xC2 && i + 1 < s.size() && (static_cast<unsigned char>(s[i + 1]) & 0xE0) == 0x80) {
      return true;
    }
  }
  return s.find("\xE2\x80\xAE") != std::string::npos;
}

TEST(HardeningTest, RequestDataCannotControlTheTerminal) {
  const std::string dir = FreshDir("injection");
  nlohmann::json request = nlohmann::json::parse(ExampleLines()[2]);
  const std::string evil =
      "\x1b[2J\x1b[1;1H\a\rAPPROVED\b\b\xC2\x9B"
      "31m\xE2\x80\xAE";
  request["request_id"] = "req" + evil;
  request["enterprise"]["id"] = "ent" + evil;
  request["enterprise"]["name"] = "name" + evil;
  request["enterprise"]["zone"] = "zone\nforged line";
  request["enterprise"]["sector"] = "sector" + evil;
  const std::string in = dir + "/evil.jsonl";
  std::ofstream(in) << request.dump() << "\n{\"requestId\":\"bad"
                    << "\\u001b]0;title\\u0007"
                    << "\"}\n";
  const std::string b = " --bundle " + Starter();
  for (const std::string& args : std::vector<std::string>{
           "explain" + b + " --in " + in + " --request-id " + "'req" + evil + "'",
           "score" + b + " --in " + in + " --summary",
           "score" + b + " --in " + in,
           "score" + b + " --in " + in + " --fail-fast",
           "diff" + b + b + " --in " + in,
           "features" + b + " --in " + in,
       }) {
    const CliRun r = Cli(args);
    EXPECT_FALSE(HasTerminalControl(r.err)) << args << "\n" << r.err;
    // Human-readable stdout; records and CSV are data for programs and keep the bytes.
    const bool readable = args.rfind("explain", 0) == 0 || args.rfind("diff", 0) == 0 ||
                          args.find("--summary") != std::string::npos;
    if (readable) {
      EXPECT_FALSE(HasTerminalControl(r.out)) << args << "\n" << r.out;
    }
  }
  const CliRun explain = Cli("explain" + b + " --in " + in + " --request-id 'req" + evil + "'");
  ASSERT_EQ(explain.exit_code, 0) << explain.err;
  EXPECT_THAT(explain.out, HasSubstr("request req\\x1b[2J\\x1b[1;1H\\x07\\rAPPROVED\\x08\\x08"
                                     "\\u009b31m\\u202e"));
  EXPECT_THAT(explain.out, HasSubstr("zone zone\\nforged line"));
  const CliRun summary = Cli("score" + b + " --in " + in + " --summary");
  EXPECT_THAT(summary.out, HasSubstr("error: INVALID_ARGUMENT"));
  EXPECT_THAT(summary.out, HasSubstr("(bad\\x1b]0;title\\x07)"));
  fs::remove_all(dir);
}

TEST(HardeningTest, BundleDataCannotControlTheTerminal) {
  // A reason text with ESC and BEL (text-format escapes), and raw ESC and BEL bytes in the
  // version string, which validate prints.
  const std::string bundle = ::credence::testing::WriteBundleVariant(
      "evil_bundle",
      {{"text: \"Card chargebacks in the last 180 days\"", "text: \"Chargebacks\\033[2J\\007\""}});
  const CliRun e =
      Cli("explain --bundle " + bundle + " --in " + Examples() + " --request-id req-003");
  ASSERT_EQ(e.exit_code, 0) << e.err;
  EXPECT_FALSE(HasTerminalControl(e.out + e.err));
  EXPECT_THAT(e.out, HasSubstr("R02 Chargebacks\\x1b[2J\\x07\n"));
  const CliRun s = Cli("score --bundle " + bundle + " --in " + Examples() + " --summary");
  EXPECT_FALSE(HasTerminalControl(s.out + s.err));
  const std::string broken = ::credence::testing::WriteBundleVariant(
      "evil_version", {{"version: \"0.1.0\"", "version: \"0.1.0 \x1b[2J\x1b]0;owned\a\""}});
  const CliRun v = Cli("validate " + broken);
  EXPECT_EQ(v.exit_code, 0) << v.err;
  EXPECT_FALSE(HasTerminalControl(v.out + v.err)) << v.out;
  EXPECT_THAT(v.out, HasSubstr("starter 0.1.0 \\x1b[2J\\x1b]0;owned\\x07: "));
  fs::remove_all(bundle);
  fs::remove_all(broken);
}

// --- Cause 12: messages name the path, the reason and the place -----------------------------

TEST(HardeningTest, OutputErrorsNameThePathAskedForAndTheReason) {
  const CliRun r =
      Cli("score --bundle " + Starter() + " --in " + Examples() + " --out no/such/dir/out.jsonl");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("credence score: --out no/such/dir/out.jsonl: cannot create: No "
                               "such file or directory"));
  EXPECT_THAT(r.err, Not(HasSubstr(".tmp.")));
}

TEST(HardeningTest, ExplainOfAPrettyPrintedRequestReportsTheDocumentNotItsFirstLine) {
  const std::string dir = FreshDir("pretty");
  nlohmann::json request = nlohmann::json::parse(ExampleLines()[0]);
  request["unknown_field"] = 1;
  std::ofstream(dir + "/one.json") << request.dump(2);
  const CliRun r = Cli("explain --bundle " + Starter() + " --in " + dir + "/one.json");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr(dir + "/one.json"));
  EXPECT_THAT(r.err, HasSubstr("unknown_field"));
  EXPECT_THAT(r.err, Not(HasSubstr("record 0")));
  EXPECT_THAT(r.err, Not(HasSubstr("end of string")));
  fs::remove_all(dir);
}

TEST(HardeningTest, ValidateCutsHugeSourceLines) {
  const std::string huge = "1 + " + std::string(100000, ' ') + "nope";
  const std::string bundle = ::credence::testing::WriteBundleVariant(
      "huge_line", {},
      "rule_sets { id: \"big\" rules { id: \"r\" condition: \"" + huge + "\" } }\n");
  const CliRun v = Cli("validate " + bundle);
  EXPECT_EQ(v.exit_code, 1);
  EXPECT_LT(v.err.size(), 4000u) << "the 100 KB line is not echoed whole";
  EXPECT_THAT(v.err, HasSubstr("..."));
  fs::remove_all(bundle);
}

// --- Cause 14: every numeric option is strict and a usage error names it ---------------------

TEST(HardeningTest, EveryNumericOptionIsParsedStrictly) {
  const std::string b = " --bundle " + Starter();
  const std::string fit = "fit --in x.csv --label bad --out m.txt";
  const std::string card = fit + " --scorecard";
  const std::string sim = "simulate --enterprises 1 --seed 1 --as-of 2026-10-01T00:00:00Z";
  struct Option {
    std::string command, name;
  };
  const std::vector<Option> options = {
      {"score" + b, "threads"},
      {"score" + b, "summary-rows"},
      {"score" + b, "max-reasons"},
      {"explain" + b + " --in x", "max-reasons"},
      {"diff" + b + b + " --in x", "top"},
      {"diff" + b + b + " --in x", "threads"},
      {"report" + b + " --in x --out y", "threads"},
      {"features" + b + " --in x", "threads"},
      {sim, "threads"},
      {sim, "history-days"},
      {"simulate --seed 1 --as-of 2026-10-01T00:00:00Z", "enterprises"},
      {"simulate --enterprises 1 --as-of 2026-10-01T00:00:00Z", "seed"},
      {fit, "l2"},
      {card, "bins"},
      {card, "initial-bins"},
      {card, "chi-threshold"},
      {card, "min-bin-share"},
      {card, "min-iv"},
      {card, "max-corr"},
      {card, "base-score"},
      {card, "base-odds"},
      {card, "pdo"},
      {"metrics --in x --score s --label l", "bins"},
  };
  for (const Option& o : options) {
    for (const char* bad : {"2x", "", "nan", "1e400", "0x10", " 1", "--"}) {
      const CliRun r = Cli(o.command + " --" + o.name + "='" + bad + "'");
      EXPECT_EQ(r.exit_code, 2) << o.command << " --" << o.name << "=" << bad;
      EXPECT_THAT(r.err, HasSubstr("--" + o.name + " ")) << o.command << " " << bad;
    }
  }
  // fit --l2 -1 is a usage error (it exited 1).
  const CliRun l2 = Cli(fit + " --l2 -1");
  EXPECT_EQ(l2.exit_code, 2);
  EXPECT_THAT(l2.err, HasSubstr("--l2 must be in [0, +inf), not -1"));
}

// --- Cause 15: a failed score says how many failed and the first error -----------------------

TEST(HardeningTest, FailedScoreSummarizesItsFailuresOnStderr) {
  const std::string dir = FreshDir("failures");
  const std::string in = dir + "/mixed.jsonl";
  std::ofstream(in) << ExampleLines()[0] << "\n{\"requestId\":\"no-as-of\"}\n{broken\n";
  const CliRun r = Cli("score --bundle " + Starter() + " --in " + in);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("credence score: 2 of 3 records failed; the first: record 1 "
                               "(no-as-of): INVALID_ARGUMENT: as_of"));
  fs::remove_all(dir);
}

}  // namespace
}  // namespace credence
