// `credence score` as a stream: every record in yields one record out, in order, in JSON
// Lines and in length-delimited binary, whatever the thread count; atomic output files.
#include <fcntl.h>
#include <gmock/gmock.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <google/protobuf/util/delimited_message_util.h>
#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "credence/engine.h"
#include "tests/tools/cli_testing.h"

namespace credence {
namespace {

using ::credence::testing::ExampleLines;
using ::credence::testing::ReadFileOrEmpty;
using ::credence::testing::RunCli;
using ::credence::testing::SourcePath;
using ::credence::testing::SplitLines;
using ::credence::testing::TestTempPath;
using ::testing::HasSubstr;

std::vector<v1::ScoreRequest> ExampleRequests() {
  std::vector<v1::ScoreRequest> out;
  for (const auto& line : ExampleLines()) {
    auto r = ParseRequest(line, WireFormat::kJson);
    EXPECT_TRUE(r.ok()) << r.status();
    if (r.ok()) out.push_back(*r);
  }
  return out;
}

std::string ToJson(const v1::ScoreRequest& r) {
  std::string json;
  EXPECT_TRUE(google::protobuf::util::MessageToJsonString(r, &json).ok());
  return json;
}

// What kind of record each input is, to check the output against.
enum class Kind { kGood, kBad };

// Writes a JSON Lines input mixing good requests, malformed JSON and requests that fail
// validation; returns the kinds in order.
std::vector<Kind> WriteMixedJsonl(const std::string& path, int copies) {
  auto examples = ExampleRequests();
  std::ofstream f(path);
  std::vector<Kind> kinds;
  for (int c = 0; c < copies; ++c) {
    for (std::size_t i = 0; i < examples.size(); ++i) {
      v1::ScoreRequest r = examples[i];
      r.set_request_id("c" + std::to_string(c) + "-" + r.request_id());
      f << ToJson(r) << "\n";
      kinds.push_back(Kind::kGood);
      if (i == 2) {
        f << "{\"requestId\": \"broken\", \"asOf\": \n";  // malformed JSON
        kinds.push_back(Kind::kBad);
      }
      if (i == 5) {
        v1::ScoreRequest bad = r;
        bad.set_request_id("no-as-of-" + std::to_string(c));
        bad.clear_as_of();           // fails validation
        f << ToJson(bad) << "\n\n";  // and a blank line, which is no record
        kinds.push_back(Kind::kBad);
      }
    }
  }
  return kinds;
}

// The same for binary: undecodable bytes with a good length, a validation failure, and,
// when `corrupt_tail`, a length prefix beyond the maximum at the end.
std::vector<Kind> WriteMixedPb(const std::string& path, int copies, bool corrupt_tail) {
  auto examples = ExampleRequests();
  std::ofstream f(path, std::ios::binary);
  std::vector<Kind> kinds;
  for (int c = 0; c < copies; ++c) {
    for (std::size_t i = 0; i < examples.size(); ++i) {
      v1::ScoreRequest r = examples[i];
      r.set_request_id("c" + std::to_string(c) + "-" + r.request_id());
      EXPECT_TRUE(google::protobuf::util::SerializeDelimitedToOstream(r, &f));
      kinds.push_back(Kind::kGood);
      if (i == 1) {
        const std::string garbage = "\x0a\xff\xff\xff";  // field 1, length runs past the end
        f.put(static_cast<char>(garbage.size()));
        f << garbage;
        kinds.push_back(Kind::kBad);
      }
      if (i == 6) {
        v1::ScoreRequest bad = r;
        bad.clear_as_of();
        EXPECT_TRUE(google::protobuf::util::SerializeDelimitedToOstream(bad, &f));
        kinds.push_back(Kind::kBad);
      }
    }
  }
  if (corrupt_tail) {
    // Length 2^40: beyond the 256 MiB maximum; nothing after it can be read.
    const unsigned char len[] = {0x80, 0x80, 0x80, 0x80, 0x80, 0x20};
    f.write(reinterpret_cast<const char*>(len), sizeof len);
    f << "whatever follows";
    kinds.push_back(Kind::kBad);
  }
  return kinds;
}

std::vector<v1::ScoreResponse> ReadDelimited(const std::string& bytes) {
  google::protobuf::io::ArrayInputStream in(bytes.data(), static_cast<int>(bytes.size()));
  std::vector<v1::ScoreResponse> out;
  while (true) {
    v1::ScoreResponse r;
    bool clean_eof = false;
    if (!google::protobuf::util::ParseDelimitedFromZeroCopyStream(&r, &in, &clean_eof)) {
      EXPECT_TRUE(clean_eof) << "output is not a clean delimited stream";
      break;
    }
    out.push_back(std::move(r));
  }
  return out;
}

std::string ScoreCmd(const std::string& in, const std::string& extra) {
  return "score --bundle " + SourcePath("models/starter") + " --in " + in + " " + extra;
}

TEST(ScoreStreamTest, JsonlCountInEqualsCountOutForEveryThreadCount) {
  const std::string in = TestTempPath("mixed.jsonl");
  const auto kinds = WriteMixedJsonl(in, 6);
  std::string first;
  for (const char* threads : {"1", "2", "4"}) {
    auto r = RunCli(ScoreCmd(in, std::string("--threads ") + threads));
    EXPECT_EQ(r.exit_code, 1) << "bad records make the exit status 1";
    auto lines = SplitLines(r.out);
    ASSERT_EQ(lines.size(), kinds.size()) << threads << " threads";
    for (std::size_t i = 0; i < kinds.size(); ++i) {
      if (kinds[i] == Kind::kGood) {
        EXPECT_THAT(lines[i], HasSubstr("\"bundleDigest\":\"sha256:")) << i;
      } else {
        EXPECT_THAT(lines[i], HasSubstr("{\"error\":{\"index\":" + std::to_string(i) + ",")) << i;
      }
    }
    if (first.empty()) {
      first = r.out;
    } else {
      EXPECT_EQ(r.out, first) << "output bytes depend on the thread count";
    }
  }
  std::filesystem::remove(in);
}

TEST(ScoreStreamTest, BinaryCountInEqualsCountOutForEveryThreadCount) {
  const std::string in = TestTempPath("mixed.pb");
  const auto kinds = WriteMixedPb(in, 5, /*corrupt_tail=*/true);
  std::string first;
  for (const char* threads : {"1", "2", "4"}) {
    auto r = RunCli(ScoreCmd(in, std::string("--threads ") + threads));
    EXPECT_EQ(r.exit_code, 1);
    auto out = ReadDelimited(r.out);
    ASSERT_EQ(out.size(), kinds.size()) << threads << " threads";
    for (std::size_t i = 0; i < kinds.size(); ++i) {
      if (kinds[i] == Kind::kGood) {
        EXPECT_FALSE(out[i].has_error()) << i << ": " << out[i].error().message();
        EXPECT_THAT(out[i].audit().bundle_digest(), HasSubstr("sha256:"));
      } else {
        ASSERT_TRUE(out[i].has_error()) << i;
        EXPECT_EQ(out[i].error().index(), i);
      }
    }
    // The corrupt length is reported once, for the rest of the stream.
    EXPECT_EQ(out.back().error().code(), "OUT_OF_RANGE");
    EXPECT_THAT(out.back().error().message(), HasSubstr("cannot be read"));
    // A validation failure keeps its request id.
    EXPECT_EQ(out[8].error().request_id(), "c0-req-007");
    EXPECT_THAT(out[8].error().message(), HasSubstr("as_of"));
    EXPECT_EQ(out[2].error().code(), "DATA_LOSS");
    if (first.empty()) {
      first = r.out;
    } else {
      EXPECT_EQ(r.out, first) << "output bytes depend on the thread count";
    }
  }
  std::filesystem::remove(in);
}

TEST(ScoreStreamTest, TruncatedBinaryRecordAndLengthAreOneErrorEach) {
  auto examples = ExampleRequests();
  std::string one;
  ASSERT_TRUE(examples[0].SerializeToString(&one));
  const std::string path = TestTempPath("truncated.bin");
  for (int variant = 0; variant < 2; ++variant) {
    {
      std::ofstream f(path, std::ios::binary);
      google::protobuf::util::SerializeDelimitedToOstream(examples[0], &f);
      if (variant == 0) {
        // A record cut short.
        google::protobuf::util::SerializeDelimitedToOstream(examples[1], &f);
        f.flush();
        f.close();
        std::filesystem::resize_file(path, std::filesystem::file_size(path) - 10);
      } else {
        f.put(static_cast<char>(0x85));  // a length prefix that never ends
      }
    }
    auto r = RunCli(ScoreCmd(path, ""));
    EXPECT_EQ(r.exit_code, 1);
    auto out = ReadDelimited(r.out);
    ASSERT_EQ(out.size(), 2u) << variant;
    EXPECT_FALSE(out[0].has_error());
    EXPECT_EQ(out[1].error().code(), "DATA_LOSS");
    EXPECT_THAT(out[1].error().message(), HasSubstr("truncated"));
  }
  std::filesystem::remove(path);
}

TEST(ScoreStreamTest, BinaryOutputHoldsTheSameResponsesAsJsonLines) {
  const std::string in = TestTempPath("conv.jsonl");
  WriteMixedJsonl(in, 1);
  auto json = RunCli(ScoreCmd(in, "--threads 2"));
  auto pb = RunCli(ScoreCmd(in, "--threads 2 --out-format pb"));
  auto lines = SplitLines(json.out);
  auto responses = ReadDelimited(pb.out);
  ASSERT_EQ(lines.size(), responses.size());
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (responses[i].has_error()) {
      EXPECT_THAT(lines[i], HasSubstr("\"index\":" + std::to_string(responses[i].error().index())));
      EXPECT_THAT(lines[i], HasSubstr("\"code\":\"" + responses[i].error().code() + "\""));
      continue;
    }
    auto again = SerializeResponse(responses[i], WireFormat::kJson);
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(*again, lines[i]) << i;
  }
  std::filesystem::remove(in);
}

TEST(ScoreStreamTest, DetectsBinaryOnStdinAndConvertsBack) {
  const std::string in = TestTempPath("stdin_input");  // no extension: detected by content
  const auto kinds = WriteMixedPb(in, 1, false);
  auto r = RunCli(ScoreCmd("-", "--out-format jsonl --threads 1 < " + in));
  EXPECT_EQ(SplitLines(r.out).size(), kinds.size());
  auto forced = RunCli(ScoreCmd(in, "--format jsonl"));
  EXPECT_EQ(forced.exit_code, 1) << "binary read as JSON Lines fails record by record";
  std::filesystem::remove(in);
}

TEST(ScoreStreamTest, FailFastStopsAtTheFirstFailureAndLeavesNoFile) {
  const std::string in = TestTempPath("ff.jsonl");
  const auto kinds = WriteMixedJsonl(in, 2);
  const std::size_t first_bad =
      static_cast<std::size_t>(std::find(kinds.begin(), kinds.end(), Kind::kBad) - kinds.begin());
  auto r = RunCli(ScoreCmd(in, "--fail-fast --threads 2"));
  EXPECT_EQ(r.exit_code, 1);
  auto lines = SplitLines(r.out);
  ASSERT_EQ(lines.size(), first_bad + 1);
  EXPECT_THAT(lines.back(), HasSubstr("\"error\""));
  const std::string out = TestTempPath("ff.out.jsonl");
  std::filesystem::remove(out);
  auto f = RunCli(ScoreCmd(in, "--fail-fast --out " + out));
  EXPECT_EQ(f.exit_code, 1);
  EXPECT_FALSE(std::filesystem::exists(out));
  std::filesystem::remove(in);
}

struct KillOutcome {
  bool midway = false, still_running = false, out_exists = false, tmp_exists = false;
  int signal = 0;
};

// Starts scoring a large input to --out, waits until output is being written, sends `sig`.
KillOutcome ScoreAndKill(int sig) {
  KillOutcome k;
  const std::string in = TestTempPath("large-" + std::to_string(sig) + ".jsonl");
  {
    auto examples = ExampleRequests();
    std::ofstream f(in);
    for (int c = 0; c < 150; ++c) {
      for (auto r : examples) {
        r.set_request_id("k" + std::to_string(c) + "-" + r.request_id());
        f << ToJson(r) << "\n";
      }
    }
  }
  const std::string out = TestTempPath("killed-" + std::to_string(sig) + ".jsonl");
  std::filesystem::remove(out);
  const pid_t pid = fork();
  if (pid < 0) return k;
  if (pid == 0) {
    const int devnull = open("/dev/null", O_WRONLY);
    dup2(devnull, 2);
    const std::string bundle = SourcePath("models/starter");
    execl(CREDENCE_CLI, CREDENCE_CLI, "score", "--threads", "1", "--bundle", bundle.c_str(), "--in",
          in.c_str(), "--out", out.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  // Wait until the temporary file has output in it: the run is midway.
  const std::string tmp = out + ".tmp." + std::to_string(pid);
  for (int i = 0; i < 3000 && !k.midway; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    std::error_code ec;
    k.midway = std::filesystem::exists(tmp, ec) && std::filesystem::file_size(tmp, ec) > 0;
  }
  int status = 0;
  k.still_running = waitpid(pid, &status, WNOHANG) == 0;
  kill(pid, sig);
  waitpid(pid, &status, 0);
  k.signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
  k.out_exists = std::filesystem::exists(out);
  k.tmp_exists = std::filesystem::exists(tmp);
  std::filesystem::remove(tmp);
  std::filesystem::remove(out);
  std::filesystem::remove(in);
  return k;
}

TEST(ScoreStreamTest, KilledRunLeavesNoFileAtTheOutputPath) {
  const KillOutcome k = ScoreAndKill(SIGKILL);
  EXPECT_TRUE(k.midway);
  EXPECT_TRUE(k.still_running) << "the run finished before it could be killed; enlarge the input";
  EXPECT_EQ(k.signal, SIGKILL);
  EXPECT_FALSE(k.out_exists) << "a killed run left a complete-looking file";
}

TEST(ScoreStreamTest, TerminatedRunRemovesItsTemporaryFile) {
  for (int sig : {SIGTERM, SIGINT}) {
    const KillOutcome k = ScoreAndKill(sig);
    EXPECT_TRUE(k.midway && k.still_running) << sig;
    EXPECT_EQ(k.signal, sig) << "the process still ends by the signal";
    EXPECT_FALSE(k.out_exists) << sig;
    EXPECT_FALSE(k.tmp_exists) << sig;
  }
}

TEST(ScoreStreamTest, HelpDescribesFormats) {
  auto r = RunCli("score --help");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_THAT(r.out, HasSubstr("--out-format"));
  EXPECT_THAT(r.out, HasSubstr("--fail-fast"));
  EXPECT_THAT(r.out, HasSubstr("RecordError"));
  EXPECT_EQ(RunCli(ScoreCmd("/dev/null", "--format xml")).exit_code, 2);
}

}  // namespace
}  // namespace credence

namespace credence {
namespace {

TEST(ScoreProgressTest, OnlyWhenStderrIsATerminal) {
  const std::string out = TestTempPath("progress.jsonl");
  const std::string cmd = ScoreCmd(SourcePath("examples/requests.jsonl"), "--out " + out);
  // Not a terminal: nothing on stderr.
  auto quiet = RunCli(cmd, /*merge_stderr=*/true);
  EXPECT_EQ(quiet.exit_code, 0);
  EXPECT_EQ(quiet.out, "");
  if (!std::filesystem::exists("/usr/bin/script")) GTEST_SKIP() << "script(1) is not installed";
  // Under script(1), stderr is a pseudo-terminal.
  const std::string tty =
      "/usr/bin/script -qec \"" + std::string(CREDENCE_CLI) + " " + cmd + "\" /dev/null";
  FILE* p = popen(tty.c_str(), "r");
  ASSERT_NE(p, nullptr);
  std::string text;
  char buf[4096];
  while (std::size_t n = fread(buf, 1, sizeof buf, p)) text.append(buf, n);
  pclose(p);
  EXPECT_THAT(text, HasSubstr("8 records"));
  EXPECT_THAT(text, HasSubstr("/s"));
  EXPECT_THAT(text, HasSubstr("100%  ETA 0:00"));
  std::filesystem::remove(out);
}

}  // namespace
}  // namespace credence
