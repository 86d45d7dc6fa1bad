// The command-line layer every `credence` subcommand uses (tools/credence/command_line.h):
// strict numbers, ranges named by the option, usage errors exit 2, usage generated from the
// declarations.
#include "credence/command_line.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace credence::cli {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// argv for Parse(): the subcommand's name, then `args`.
class Argv {
 public:
  explicit Argv(std::vector<std::string> args) : strings_(std::move(args)) {
    strings_.insert(strings_.begin(), "demo");
    for (std::string& s : strings_) pointers_.push_back(s.data());
  }
  int argc() { return static_cast<int>(pointers_.size()); }
  char** argv() { return pointers_.data(); }

 private:
  std::vector<std::string> strings_;
  std::vector<char*> pointers_;
};

struct DemoArgs {
  std::string in, format = "jsonl";
  std::vector<std::string> bundles, files;
  bool json = false;
  int threads = 0;
  std::uint64_t seed = 0;
  double share = 0.05;
};

// Parses `args` with a small command; the exit status (nullopt: run) and what went to stderr.
struct Parsed {
  std::optional<int> exit;
  std::string err;
  DemoArgs values;
};

Parsed Parse(std::vector<std::string> args, bool positionals = false) {
  Parsed p;
  DemoArgs& a = p.values;
  CommandLine cl("demo", "demo --in FILE [options]", "Does nothing, carefully.\n");
  cl.Text("in", "FILE", "the input (required)", &a.in)
      .Required()
      .TextList("bundle", "PATH", "may repeat", &a.bundles)
      .Choice("format", "F", "jsonl or pb", {"jsonl", "pb"}, &a.format)
      .Flag("json", "JSON output", &a.json)
      .Threads("threads", &a.threads)
      .Integer<std::uint64_t>("seed", "S", "a seed", 0, std::numeric_limits<std::uint64_t>::max(),
                              &a.seed)
      .Group("Tuning")
      .Number("share", "X", "a share in (0, 0.5]", {.low = 0, .high = 0.5, .low_open = true},
              &a.share)
      .Epilog("Exit status: 2 on a usage error.\n");
  if (positionals) cl.Positionals("FILE", 1, 2, &a.files);
  Argv argv(std::move(args));
  ::testing::internal::CaptureStderr();
  p.exit = cl.Parse(argv.argc(), argv.argv());
  p.err = ::testing::internal::GetCapturedStderr();
  return p;
}

TEST(CommandLineTest, ValuesGoToTheirVariables) {
  const Parsed p =
      Parse({"--in", "a.jsonl", "--bundle=A", "--bundle", "B", "--format", "pb", "--json",
             "--threads", "7", "--seed", "18446744073709551615", "--share", "0.5"});
  ASSERT_FALSE(p.exit.has_value()) << p.err;
  EXPECT_EQ(p.values.in, "a.jsonl");
  EXPECT_EQ(p.values.bundles, (std::vector<std::string>{"A", "B"}));
  EXPECT_EQ(p.values.format, "pb");
  EXPECT_TRUE(p.values.json);
  EXPECT_EQ(p.values.threads, 7);
  EXPECT_EQ(p.values.seed, std::numeric_limits<std::uint64_t>::max());
  EXPECT_EQ(p.values.share, 0.5);
  // A value may start with '-' ("--in -" is stdin); the last of a repeated option wins.
  const Parsed dash = Parse({"--in", "x", "--in", "-"});
  ASSERT_FALSE(dash.exit.has_value()) << dash.err;
  EXPECT_EQ(dash.values.in, "-");
}

// Each malformed or out-of-range value is a usage error (exit 2) that names its option.
TEST(CommandLineTest, MalformedNumbersAreUsageErrorsNamingTheOption) {
  struct Case {
    std::vector<std::string> args;
    const char* message;
  };
  for (const Case& c : std::vector<Case>{
           {{"--threads", "2x"}, "--threads takes an integer, not '2x'"},
           {{"--threads", "2.0"}, "--threads takes an integer, not '2.0'"},
           {{"--threads", " 2"}, "--threads takes an integer, not ' 2'"},
           {{"--threads", ""}, "--threads takes an integer, not ''"},
           {{"--threads", "257"}, "--threads must be in [0, 256], not 257"},
           {{"--threads", "-1"}, "--threads must be in [0, 256], not -1"},
           {{"--threads", "99999999999999999999"},
            "--threads must be in [0, 256], not 99999999999999999999"},
           {{"--seed", "-1"}, "--seed takes an unsigned integer, not '-1'"},
           {{"--seed", "18446744073709551616"},
            "--seed must be in [0, 18446744073709551615], not 18446744073709551616"},
           {{"--share", "0"}, "--share must be in (0, 0.5], not 0"},
           {{"--share", "0.6"}, "--share must be in (0, 0.5], not 0.6"},
           {{"--share", "nan"}, "--share takes a number, not 'nan'"},
           {{"--share", "inf"}, "--share takes a number, not 'inf'"},
           {{"--share", "0.1x"}, "--share takes a number, not '0.1x'"},
           {{"--share", "1e400"},
            "--share is out of range: 1e400 is beyond a double; it must be in (0, 0.5]"},
           {{"--share", "-1e400"},
            "--share is out of range: -1e400 is beyond a double; it must be in (0, 0.5]"},
           // What the command line carries is echoed printable (printable.h).
           {{"--format", "\x1b[2J\a"}, "--format must be jsonl or pb, not '\\x1b[2J\\x07'"},
           {{"--format", "xml"}, "--format must be jsonl or pb, not 'xml'"},
       }) {
    std::vector<std::string> args = {"--in", "x"};
    args.insert(args.end(), c.args.begin(), c.args.end());
    const Parsed p = Parse(args);
    EXPECT_EQ(p.exit, kExitUsage) << c.message;
    EXPECT_THAT(p.err, HasSubstr(std::string("credence demo: ") + c.message + "\n\nusage:"));
  }
}

TEST(CommandLineTest, OtherUsageErrors) {
  struct Case {
    std::vector<std::string> args;
    const char* message;
  };
  for (const Case& c : std::vector<Case>{
           {{}, "--in is required"},
           {{"--in", "x", "--bogus"}, "unknown option --bogus"},
           {{"--in", "x", "--thread", "2"}, "unknown option --thread"},  // no abbreviations
           {{"--in", "x", "-t"}, "unknown option -t"},
           {{"--in"}, "--in"},
           {{"--in", "x", "--json=1"}, "--json"},
           {{"--in", "x", "extra"}, "unexpected argument 'extra'"},
           {{"--in", "x", "--credence-positional-argument", "y"}, "unknown option"},
       }) {
    const Parsed p = Parse(c.args);
    EXPECT_EQ(p.exit, kExitUsage) << c.message;
    EXPECT_THAT(p.err, HasSubstr(c.message));
    EXPECT_THAT(p.err, HasSubstr("usage: credence demo --in FILE [options]"));
  }
}

TEST(CommandLineTest, Positionals) {
  const Parsed one = Parse({"--in", "x", "a"}, true);
  ASSERT_FALSE(one.exit.has_value()) << one.err;
  EXPECT_EQ(one.values.files, (std::vector<std::string>{"a"}));
  EXPECT_EQ(Parse({"--in", "x"}, true).exit, kExitUsage);
  EXPECT_THAT(Parse({"--in", "x"}, true).err, HasSubstr("at least 1 FILE is required"));
  EXPECT_THAT(Parse({"--in", "x", "a", "b", "c"}, true).err, HasSubstr("unexpected argument 'c'"));
  // After "--" everything is positional.
  const Parsed dashes = Parse({"--in", "x", "--", "--json"}, true);
  ASSERT_FALSE(dashes.exit.has_value()) << dashes.err;
  EXPECT_EQ(dashes.values.files, (std::vector<std::string>{"--json"}));
  EXPECT_FALSE(dashes.values.json);
}

// --help prints the usage generated from the declarations on stdout and exits 0, even next
// to a bad option.
TEST(CommandLineTest, HelpIsGeneratedFromTheDeclarations) {
  ::testing::internal::CaptureStdout();
  const Parsed p = Parse({"--threads", "oops", "--help"});
  const std::string out = ::testing::internal::GetCapturedStdout();
  EXPECT_EQ(p.exit, 0);
  EXPECT_EQ(p.err, "");
  EXPECT_THAT(out, HasSubstr("usage: credence demo --in FILE [options]\n\nDoes nothing, carefully."
                             "\n\nOptions:\n  --in FILE "));
  EXPECT_THAT(out, HasSubstr("  --json "));
  EXPECT_THAT(out, HasSubstr("  --threads N "));
  EXPECT_THAT(out, HasSubstr("\nTuning:\n  --share X "));
  EXPECT_THAT(out, HasSubstr("\nExit status: 2 on a usage error.\n"));
  EXPECT_THAT(out, Not(HasSubstr("credence-positional-argument")));
  EXPECT_THAT(out, Not(HasSubstr(" \n"))) << "no trailing spaces";
}

TEST(CommandLineTest, ParseHelpers) {
  EXPECT_EQ(ParseInteger<int>("42"), 42);
  EXPECT_EQ(ParseInteger<int>("-3"), -3);
  EXPECT_FALSE(ParseInteger<int>("+3").has_value());
  EXPECT_FALSE(ParseInteger<unsigned>("-3").has_value());
  EXPECT_FALSE(ParseInteger<int>("3 ").has_value());
  EXPECT_EQ(ParseFiniteNumber("1e-3"), 1e-3);
  EXPECT_EQ(ParseFiniteNumber("-2.5"), -2.5);
  EXPECT_FALSE(ParseFiniteNumber("1e999").has_value());
  bool out_of_range = false;
  EXPECT_FALSE(ParseFiniteNumber("1e999", &out_of_range).has_value());
  EXPECT_TRUE(out_of_range);
  EXPECT_FALSE(ParseFiniteNumber("1e9x", &out_of_range).has_value());
  EXPECT_FALSE(out_of_range);
  EXPECT_FALSE(ParseInteger<std::int8_t>("128", &out_of_range).has_value());
  EXPECT_TRUE(out_of_range);
  EXPECT_FALSE(ParseInteger<std::int8_t>("12x", &out_of_range).has_value());
  EXPECT_FALSE(out_of_range);
  EXPECT_FALSE(ParseFiniteNumber("0x10").has_value());
  EXPECT_EQ(RangeText({.low = 0, .high = 1, .low_open = true}), "(0, 1]");
  EXPECT_EQ(RangeText({.low = 0}), "[0, +inf)");
  EXPECT_EQ(RangeText({}), "(-inf, +inf)");
}

}  // namespace
}  // namespace credence::cli
