// Concurrency under load: threads score continuously (one at a time and in batches) while
// the bundle is swapped repeatedly through an EngineHandle, with engines compiled afresh and
// dropped during the run. Every response must name exactly one bundle digest and be
// byte-identical to what that bundle gives alone. CI runs this target under ThreadSanitizer
// (.ci/run), where a data race fails the run.
#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "credence/engine.h"

namespace credence {
namespace {

std::string ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// The starter bundle with its version and credit-model intercept replaced.
std::shared_ptr<const Engine> StarterVariant(const std::string& text, int variant) {
  std::string edited = text;
  const std::string version = "version: \"0.1.0\"";
  const std::string intercept = "intercept: -4.2";
  edited.replace(edited.find(version), version.size(),
                 "version: \"stress-" + std::to_string(variant) + "\"");
  edited.replace(edited.find(intercept), intercept.size(),
                 "intercept: " + std::to_string(-4.2 + 0.5 * variant));
  auto loaded = ParseBundle(edited, BundleFormat::kText, "bundle.textproto");
  EXPECT_TRUE(loaded.ok()) << loaded.status();
  if (!loaded.ok()) return nullptr;
  loaded->directory = std::string(CREDENCE_SOURCE_DIR) + "/models/starter";
  auto engine = Engine::Compile(*loaded);
  EXPECT_TRUE(engine.ok()) << engine.status();
  return engine.ok() ? *engine : nullptr;
}

std::string Bytes(const Result<v1::ScoreResponse>& r) {
  if (!r.ok()) return "error: " + r.status().ToString();
  return *SerializeResponse(*r, WireFormat::kBinary);
}

TEST(HotSwapStressTest, EveryResponseComesFromExactlyOneBundle) {
  const std::string text =
      ReadText(std::string(CREDENCE_SOURCE_DIR) + "/models/starter/bundle.textproto");
  ASSERT_FALSE(text.empty());
  std::vector<v1::ScoreRequest> requests;
  {
    std::ifstream in(std::string(CREDENCE_SOURCE_DIR) + "/examples/requests.jsonl");
    std::string line;
    while (std::getline(in, line)) {
      if (line.empty()) continue;
      auto r = ParseRequest(line, WireFormat::kJson);
      ASSERT_TRUE(r.ok()) << r.status();
      requests.push_back(*r);
    }
  }
  ASSERT_GE(requests.size(), 4u);
  requests.back().clear_as_of();  // one invalid request: its error must be stable too

  constexpr int kVariants = 3;
  // expected[digest][i]: what that bundle alone answers to requests[i].
  std::map<std::string, std::vector<std::string>> expected;
  std::map<std::string, int> variant_of;
  for (int v = 0; v < kVariants; ++v) {
    auto engine = StarterVariant(text, v);
    ASSERT_NE(engine, nullptr);
    variant_of[engine->info().digest] = v;
    auto& answers = expected[engine->info().digest];
    for (const auto& r : requests) answers.push_back(Bytes(engine->Score(r)));
  }
  ASSERT_EQ(expected.size(), static_cast<std::size_t>(kVariants)) << "digests must differ";
  for (std::size_t i = 0; i + 1 < requests.size(); ++i) {
    ASSERT_NE(expected.begin()->second[i], std::next(expected.begin())->second[i]);
  }

  EngineHandle handle(StarterVariant(text, 0));
  std::atomic<bool> stop{false};
  std::atomic<long> scored{0}, mismatches{0};
  std::atomic<long> by_variant[kVariants] = {0, 0, 0};  // valid responses per bundle
  std::vector<std::thread> workers;
  // Single-request scorers, each with its own fixed-seed request order.
  for (int t = 0; t < 3; ++t) {
    workers.emplace_back([&, t] {
      std::mt19937 rng(1234 + t);
      while (!stop.load()) {
        const std::size_t i = rng() % requests.size();
        auto r = handle.Score(requests[i]);
        if (!r.ok()) {
          // Only the invalid request fails, identically under every bundle.
          if (Bytes(r) != expected.begin()->second[i]) ++mismatches;
          ++scored;
          continue;
        }
        auto it = expected.find(r->audit().bundle_digest());
        if (it == expected.end() || it->second[i] != Bytes(r)) {
          ++mismatches;
        } else {
          ++by_variant[variant_of.at(it->first)];
        }
        ++scored;
      }
    });
  }
  // A batch scorer: takes the current engine once per batch, scores on 2 threads.
  workers.emplace_back([&] {
    while (!stop.load()) {
      std::shared_ptr<const Engine> engine = handle.Get();
      auto results = engine->ScoreBatch(requests, {}, {.threads = 2});
      const auto& answers = expected.at(engine->info().digest);
      for (std::size_t i = 0; i < results.size(); ++i) {
        if (Bytes(results[i]) != answers[i]) ++mismatches;
      }
      ++by_variant[variant_of.at(engine->info().digest)];
      ++scored;
    }
  });

  // Swap 60 times among engines compiled afresh each time, so old engines are released
  // while other threads may still hold them. After each swap, wait until the new bundle has
  // answered at least once, so every bundle serves while others are in flight (no timing
  // assumptions; a hang here would be a bug, caught by the CTest timeout).
  for (int s = 1; s <= 60; ++s) {
    const int v = s % kVariants;
    auto next = StarterVariant(text, v);
    ASSERT_NE(next, nullptr);
    const long before = by_variant[v].load();
    auto previous = handle.Swap(std::move(next));
    ASSERT_NE(previous, nullptr);
    previous.reset();
    while (by_variant[v].load() <= before && mismatches.load() == 0) std::this_thread::yield();
  }
  stop = true;
  for (auto& w : workers) w.join();

  EXPECT_EQ(mismatches.load(), 0);
  for (int v = 0; v < kVariants; ++v) EXPECT_GT(by_variant[v].load(), 0) << "variant " << v;
}

}  // namespace
}  // namespace credence
