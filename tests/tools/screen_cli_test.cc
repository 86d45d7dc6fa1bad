// `credence screen` and `credence state` as a user runs them: one record out per record in
// (bad records mixed in), output bytes independent of --threads, and the crash guarantee —
// the process killed with SIGKILL at random moments, then run again on the same input and
// state, writes exactly the output of an uninterrupted run, and whatever it had written to
// stdout before the kill was already right.
#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <chrono>
#include <filesystem>
#include <random>
#include <thread>

#include "tests/tools/cli_testing.h"

extern char** environ;

namespace credence::testing {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

const std::string& Bundle() {
  static const std::string path = SourcePath("models/cross-border");
  return path;
}

// A simulated stream with bad records mixed in: a line that is not JSON, an event in an
// unknown currency, a request without an enterprise. Returns its path and record count.
std::pair<std::string, std::size_t> StreamWithBadRecords() {
  static const std::string path = TestTempPath("screen_stream.jsonl");
  static std::size_t records = 0;
  if (records > 0) return {path, records};
  const std::string clean = TestTempPath("screen_clean.jsonl");
  const CliResult sim = RunCli(
      "simulate --stream --enterprises 24 --seed 5 --as-of 2026-10-01T00:00:00Z "
      "--history-days 150 --attack-share 0.4 --out " +
          clean,
      true);
  EXPECT_EQ(sim.exit_code, 0) << sim.out;
  std::vector<std::string> lines = SplitLines(ReadFileOrEmpty(clean));
  EXPECT_GT(lines.size(), 1000u);
  std::string bad_currency = lines[lines.size() / 2];
  const auto at = bad_currency.find("\"currency_code\":\"");
  EXPECT_NE(at, std::string::npos);
  bad_currency.replace(at + 17, 3, "XXX");
  const auto id = bad_currency.find("\"event\":{\"id\":\"");  // a new event, not a re-delivery
  EXPECT_NE(id, std::string::npos);
  bad_currency.insert(id + 15, "bad-");
  lines.insert(lines.begin() + 10, "{not json");
  lines.insert(
      lines.begin() + static_cast<std::ptrdiff_t>(lines.size() / 3),
      R"({"request_id":"orphan","event":{"id":"x","kind":"EVENT_KIND_ORDER","time":"2026-01-01T00:00:00Z"}})");
  lines.insert(lines.begin() + static_cast<std::ptrdiff_t>(lines.size() * 2 / 3), bad_currency);
  std::ofstream out(path);
  for (const std::string& l : lines) out << l << "\n";
  records = lines.size();
  return {path, records};
}

std::string ScreenArgs(const std::string& in, const std::string& state, const std::string& out,
                       int threads, int window) {
  return "screen --bundle " + Bundle() + " --state " + state + " --in " + in +
         (out.empty() ? "" : " --out " + out) + " --threads " + std::to_string(threads) +
         " --window " + std::to_string(window);
}

// The uninterrupted run's output (computed once).
const std::string& Reference() {
  static const std::string out = [] {
    const auto [in, n] = StreamWithBadRecords();
    const std::string state = TestTempPath("screen_ref_state"), path = TestTempPath("ref.jsonl");
    fs::remove_all(state);
    const CliResult r = RunCli(ScreenArgs(in, state, path, 2, 300), true);
    EXPECT_EQ(r.exit_code, 1) << r.out;  // the bad records fail
    return ReadFileOrEmpty(path);
  }();
  return out;
}

TEST(ScreenCliTest, OneRecordOutPerRecordInInOrderWhateverTheThreads) {
  const auto [in, n] = StreamWithBadRecords();
  const std::vector<std::string> out = SplitLines(Reference());
  ASSERT_EQ(out.size(), n);
  EXPECT_THAT(out[10], HasSubstr(R"({"error":{"index":10,)"));
  std::size_t errors = 0, blocked = 0;
  for (const std::string& l : out) {
    errors += l.rfind(R"({"error":)", 0) == 0 ? 1 : 0;
    blocked += l.find("SCREEN_OUTCOME_BLOCK") != std::string::npos ? 1 : 0;
  }
  EXPECT_EQ(errors, 3u);
  EXPECT_GT(blocked, 0u);
  const std::string state = TestTempPath("screen_t1_state"), path = TestTempPath("t1.jsonl");
  fs::remove_all(state);
  EXPECT_EQ(RunCli(ScreenArgs(in, state, path, 1, 1000)).exit_code, 1);
  EXPECT_EQ(ReadFileOrEmpty(path), Reference()) << "1 thread, window 1000";
}

// Starts `credence ARGS` with stdout to `stdout_path`; returns its pid.
pid_t Spawn(const std::string& args, const std::string& stdout_path) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, stdout_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0644);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  const std::string cmd = std::string(CREDENCE_CLI) + " " + args;
  const char* argv[] = {"/bin/sh", "-c", cmd.c_str(), nullptr};
  std::string exec = "exec " + cmd;  // the shell becomes credence: the pid is its pid
  argv[2] = exec.c_str();
  pid_t pid = 0;
  EXPECT_EQ(posix_spawn(&pid, "/bin/sh", &actions, nullptr, const_cast<char**>(argv), environ), 0);
  posix_spawn_file_actions_destroy(&actions);
  return pid;
}

TEST(ScreenCliTest, KilledAtAnyMomentThenRunAgainWritesTheUninterruptedOutput) {
  const auto [in, n] = StreamWithBadRecords();
  const std::string& want = Reference();
  // How long a run takes here (the machine may be loaded): kill points spread over it.
  const std::string timing_state = TestTempPath("screen_timing_state");
  fs::remove_all(timing_state);
  const auto t0 = std::chrono::steady_clock::now();
  RunCli(ScreenArgs(in, timing_state, TestTempPath("timing.jsonl"), 2, 50));
  const auto run = std::chrono::steady_clock::now() - t0;
  std::mt19937_64 rng(11);
  int mid_run = 0;
  for (int round = 0; round < 6; ++round) {
    const std::string state = TestTempPath("screen_kill_state_" + std::to_string(round));
    const std::string out = TestTempPath("kill_" + std::to_string(round) + ".jsonl");
    const std::string partial = TestTempPath("kill_stdout_" + std::to_string(round) + ".jsonl");
    fs::remove_all(state);
    fs::remove(out);
    // Even rounds write to --out (atomic), odd rounds stream to stdout.
    const bool to_stdout = round % 2 == 1;
    const pid_t pid = Spawn(ScreenArgs(in, state, to_stdout ? "" : out, 2, 50), partial);
    std::this_thread::sleep_for(run * (0.1 + 0.8 * std::uniform_real_distribution<>(0, 1)(rng)));
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    const bool killed = WIFSIGNALED(status);
    if (killed && fs::exists(state)) ++mid_run;
    if (killed && !to_stdout) {
      EXPECT_FALSE(fs::exists(out)) << "a killed run left its output";
    }
    if (to_stdout) {
      // What was acknowledged (complete lines on stdout) is the start of the right output.
      const std::string got = ReadFileOrEmpty(partial);
      const std::string complete = got.substr(0, got.rfind('\n') + 1);
      EXPECT_EQ(complete, want.substr(0, complete.size())) << "round " << round;
    }
    const CliResult again = RunCli(ScreenArgs(in, state, out, 2, 50), true);
    EXPECT_EQ(again.exit_code, 1) << again.out;
    EXPECT_EQ(ReadFileOrEmpty(out), want) << "round " << round << (killed ? " (killed)" : "");
  }
  EXPECT_GE(mid_run, 2) << "too few kills landed while the run was going";
}

TEST(StateCliTest, ShowListStatsAndSeed) {
  Reference();  // fills the reference state
  const std::string state = TestTempPath("screen_ref_state");
  const CliResult list = RunCli("state list --state " + state);
  ASSERT_EQ(list.exit_code, 0);
  const std::vector<std::string> ids = SplitLines(list.out);
  ASSERT_EQ(ids.size(), 24u);
  const CliResult show =
      RunCli("state show --state " + state + " --bundle " + Bundle() + " --enterprise " + ids[0]);
  ASSERT_EQ(show.exit_code, 0);
  EXPECT_THAT(show.out, HasSubstr("\"enterpriseId\": \"" + ids[0] + "\""));
  EXPECT_THAT(show.out, HasSubstr("\"orders_90d\":"));
  const CliResult stats = RunCli("state stats --state " + state);
  EXPECT_THAT(stats.out, HasSubstr("\"states\": 24"));
  EXPECT_EQ(RunCli("state show --state " + state + " --bundle " + Bundle() + " --enterprise nobody")
                .exit_code,
            1);
  // Seeding from batch requests: the seeded state's features are the batch features.
  const std::string requests = TestTempPath("seed.jsonl"), seeded = TestTempPath("seeded_state");
  fs::remove_all(seeded);
  ASSERT_EQ(
      RunCli("simulate --enterprises 3 --seed 9 --as-of 2026-10-01T00:00:00Z --out " + requests)
          .exit_code,
      0);
  const CliResult seed =
      RunCli("state seed --state " + seeded + " --bundle " + Bundle() + " --in " + requests, true);
  EXPECT_EQ(seed.exit_code, 0) << seed.out;
  EXPECT_THAT(seed.out, HasSubstr("3 state(s) seeded, 0 failed"));
  EXPECT_EQ(RunCli("state bogus --state " + seeded).exit_code, 2);
}

}  // namespace
}  // namespace credence::testing
