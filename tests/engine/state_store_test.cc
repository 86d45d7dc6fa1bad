// The StateStore contract, for both stores, against a naive model (two std::maps applied in
// the contract's order: states, then logged decisions, then forgotten ones): random commits
// over a few enterprises and events, with ids that sort differently from their input order,
// one key written twice in a commit, and decisions logged and forgotten in the same commit.
// After every commit each state and decision reads back as the model says, and the
// enterprises list in byte order; a reopened RocksDB store reads the same.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <random>

#include "credence/state_store.h"

namespace credence {
namespace {

struct Model {
  std::map<std::string, std::string> states;
  std::map<std::pair<std::string, std::string>, std::string> decisions;

  void Apply(const StateCommit& c) {
    for (const auto& s : c.states) states[s.enterprise_id] = s.bytes;
    for (const auto& d : c.decisions) decisions[{d.enterprise_id, d.event_id}] = d.response;
    for (const auto& f : c.forget) decisions.erase({f.enterprise_id, f.event_id});
  }
};

// Ids of varied length and bytes (a length prefix and high bytes change the byte order).
std::string Id(std::mt19937_64& rng, const char* prefix, int range) {
  std::string id = prefix + std::to_string(rng() % static_cast<std::uint64_t>(range));
  if (rng() % 4 == 0) id += std::string(rng() % 140, 'x');  // a two-byte varint length
  if (rng() % 8 == 0) id += "\xff";
  return id;
}

StateCommit RandomCommit(std::mt19937_64& rng, int serial) {
  StateCommit c;
  const int writes = static_cast<int>(rng() % 40);
  for (int w = 0; w < writes; ++w) {
    const std::string enterprise = Id(rng, "e", 6);
    const std::string value = "v" + std::to_string(serial) + "." + std::to_string(w);
    switch (rng() % 3) {
      case 0:
        c.states.push_back({enterprise, value});
        break;
      case 1:
        c.decisions.push_back({enterprise, Id(rng, "ev", 12), value});
        break;
      default:
        c.forget.push_back({enterprise, Id(rng, "ev", 12)});
        break;
    }
  }
  if (!c.decisions.empty() && rng() % 2 == 0) {  // logged and forgotten in one commit
    c.forget.push_back({c.decisions.back().enterprise_id, c.decisions.back().event_id});
  }
  return c;
}

void ExpectReadsAsModel(StateStore& store, const Model& model) {
  for (const auto& [id, bytes] : model.states) {
    auto got = store.LoadState(id);
    ASSERT_TRUE(got.ok()) << got.status();
    ASSERT_TRUE(got->has_value()) << id;
    EXPECT_EQ(**got, bytes) << id;
  }
  std::vector<std::string> listed;
  ASSERT_TRUE(store
                  .ForEachEnterprise([&](std::string_view id) {
                    listed.emplace_back(id);
                    return true;
                  })
                  .ok());
  std::vector<std::string> want;
  for (const auto& [id, bytes] : model.states) want.push_back(id);
  EXPECT_EQ(listed, want);
  // Every decision key ever seen: present with its response, or absent.
  for (const auto& [key, response] : model.decisions) {
    auto got = store.LoadDecision(key.first, key.second);
    ASSERT_TRUE(got.ok()) << got.status();
    ASSERT_TRUE(got->has_value()) << key.first << "/" << key.second;
    EXPECT_EQ(**got, response);
  }
}

void ExpectForgottenAbsent(StateStore& store, const Model& model, const StateCommit& c) {
  for (const auto& f : c.forget) {
    if (model.decisions.count({f.enterprise_id, f.event_id}) != 0) continue;
    auto got = store.LoadDecision(f.enterprise_id, f.event_id);
    ASSERT_TRUE(got.ok()) << got.status();
    EXPECT_FALSE(got->has_value()) << f.enterprise_id << "/" << f.event_id;
  }
}

void RunContract(StateStore& store, Model& model, std::uint64_t seed, int commits) {
  std::mt19937_64 rng(seed);
  for (int i = 0; i < commits; ++i) {
    const StateCommit c = RandomCommit(rng, i);
    ASSERT_TRUE(store.Commit(c).ok());
    model.Apply(c);
    ExpectForgottenAbsent(store, model, c);
    ExpectReadsAsModel(store, model);
  }
}

TEST(StateStoreTest, InMemoryStoreReadsAsTheModel) {
  auto store = NewInMemoryStateStore();
  Model model;
  RunContract(*store, model, 11, 300);
}

TEST(StateStoreTest, RocksDbStoreReadsAsTheModelAndAfterReopening) {
  const auto dir = std::filesystem::path(::testing::TempDir()) / "state_store_contract";
  std::filesystem::remove_all(dir);
  Model model;
  {
    auto store = OpenRocksDbStateStore(dir.string(), {.sync = false});
    ASSERT_TRUE(store.ok()) << store.status();
    RunContract(**store, model, 12, 300);
  }
  auto reopened = OpenRocksDbStateStore(dir.string(), {.sync = false});
  ASSERT_TRUE(reopened.ok()) << reopened.status();
  ExpectReadsAsModel(**reopened, model);
  RunContract(**reopened, model, 13, 50);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace credence
