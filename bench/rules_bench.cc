// 100 realistic risk rules over a 40-feature vector: credence's compiled CEL conditions
// against the same rules written in Lua 5.4 and run through its C API, on the same feature
// vectors in the same run. Both sides are checked to agree on every rule before timing.
#include <benchmark/benchmark.h>

extern "C" {
#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>
}

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "expr/flat_batch.h"
#include "expr/program.h"
#include "rules/context.h"
#include "rules/rule_set.h"

namespace credence::bench {
namespace {

constexpr int kFeatures = 40;
constexpr int kRules = 100;
constexpr int kVectors = 64;

struct RuleText {
  std::string cel, lua;
};

// Rules shaped like the ones risk teams write: thresholds on rates and counts, combined
// with && / || / !, a few ternaries and arithmetic on features.
std::vector<RuleText> MakeRules() {
  std::mt19937_64 rng(7);
  auto f = [&](int i) { return "f" + std::to_string(i); };
  auto num = [&] {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f", static_cast<double>(rng() % 1000) / 100.0);
    return std::string(buf);
  };
  const char* ops[] = {">", ">=", "<", "<="};
  std::vector<RuleText> rules;
  for (int r = 0; r < kRules; ++r) {
    const int a = static_cast<int>(rng() % kFeatures), b = static_cast<int>(rng() % kFeatures),
              c = static_cast<int>(rng() % kFeatures);
    const std::string op1 = ops[rng() % 4], op2 = ops[rng() % 4], op3 = ops[rng() % 4];
    const std::string k1 = num(), k2 = num(), k3 = num();
    RuleText t;
    switch (r % 4) {
      case 0:  // a > k1 && b < k2
        t.cel = f(a) + " " + op1 + " " + k1 + " && " + f(b) + " " + op2 + " " + k2;
        t.lua = f(a) + " " + op1 + " " + k1 + " and " + f(b) + " " + op2 + " " + k2;
        break;
      case 1:  // (a > k1 || b >= k2) && !(c < k3)
        t.cel = "(" + f(a) + " " + op1 + " " + k1 + " || " + f(b) + " " + op2 + " " + k2 +
                ") && !(" + f(c) + " " + op3 + " " + k3 + ")";
        t.lua = "(" + f(a) + " " + op1 + " " + k1 + " or " + f(b) + " " + op2 + " " + k2 +
                ") and not (" + f(c) + " " + op3 + " " + k3 + ")";
        break;
      case 2:  // ratio arithmetic
        t.cel = "(" + f(a) + " + 1.0) / (" + f(b) + " + 1.0) " + op1 + " " + k1;
        t.lua = "(" + f(a) + " + 1.0) / (" + f(b) + " + 1.0) " + op1 + " " + k1;
        break;
      default:  // ternary weight
        t.cel = "(" + f(a) + " " + op1 + " " + k1 + " ? " + f(b) + " * 2.0 : " + f(c) + ") " + op2 +
                " " + k2;
        t.lua = "((" + f(a) + " " + op1 + " " + k1 + ") and (" + f(b) + " * 2.0) or " + f(c) +
                ") " + op2 + " " + k2;
        break;
    }
    rules.push_back(t);
  }
  return rules;
}

std::vector<std::vector<double>> MakeVectors() {
  std::mt19937_64 rng(11);
  std::vector<std::vector<double>> vs(kVectors, std::vector<double>(kFeatures));
  for (auto& v : vs) {
    for (double& x : v) x = static_cast<double>(rng() % 1200) / 100.0;
  }
  return vs;
}

// Conditions as the engine evaluates them: the flat ones in one batch (expr/flat_batch.h,
// one pass, shared subexpressions once), an error or a condition outside the batch through
// Program::EvaluateBool; counting hits.
struct Credence {
  std::vector<std::shared_ptr<const expr::Program>> conditions;
  expr::FlatBatch batch;
  Credence(const std::vector<RuleText>& rule_texts) {
    std::vector<std::string> names;
    for (int i = 0; i < kFeatures; ++i) names.push_back("f" + std::to_string(i));
    auto env = rules::MakeEnvironment(names);
    if (!env.ok()) std::abort();
    std::vector<const expr::Program*> programs;
    for (const auto& r : rule_texts) {
      auto p = expr::Compile(r.cel, *env, {.expected_type = expr::Type::Bool()});
      if (!p.ok()) std::abort();
      conditions.push_back(*p);
      programs.push_back(p->get());
    }
    batch = expr::FlatBatch::Lower(programs);
    std::fprintf(stderr,
                 "rules_bench: %zu of %zu rules in the batch, %zu instructions in %zu runs\n",
                 batch.covered_count(), conditions.size(), batch.code().size(), batch.run_count());
  }
  int Run(const std::vector<double>& v) const {
    expr::Tri results[kRules];
    batch.Evaluate(v, results);
    int n = 0;
    for (std::size_t i = 0; i < conditions.size(); ++i) {
      if (!batch.covers(i) || results[i] == expr::Tri::kError) {
        auto r = conditions[i]->EvaluateBool(v, nullptr);
        n += r.ok() && *r;
      } else {
        n += results[i] == expr::Tri::kTrue;
      }
    }
    return n;
  }
};

// The whole rule-set step: conditions plus a hit record per hit (rules::HitRecord: the
// rule and its set, from which ids, points and the message come), reused between calls as
// a host thread would. Rendering RuleHit messages (protobuf) is CredenceHitProtos.
struct CredenceHits {
  std::optional<rules::RuleSets> sets;
  mutable rules::HitRecords records;
  expr::Activation activation;
  CredenceHits(const std::vector<RuleText>& rule_texts) {
    std::vector<std::string> names;
    for (int i = 0; i < kFeatures; ++i) names.push_back("f" + std::to_string(i));
    auto env = rules::MakeEnvironment(names);
    if (!env.ok()) std::abort();
    google::protobuf::RepeatedPtrField<v1::RuleSet> defs;
    v1::RuleSet* set = defs.Add();
    set->set_id("bench");
    for (std::size_t r = 0; r < rule_texts.size(); ++r) {
      v1::Rule* rule = set->add_rules();
      rule->set_id("r" + std::to_string(r));
      rule->set_condition(rule_texts[r].cel);
      rule->set_points(-1);
    }
    auto compiled = rules::RuleSets::Compile(defs, *env, names, {}, nullptr, nullptr);
    if (!compiled.ok()) std::abort();
    sets.emplace(std::move(compiled).value());
  }
  int Run(const std::vector<double>& v) const {
    records.clear();
    sets->Evaluate(v, activation, &records);
    return static_cast<int>(records.hits.size());
  }
};

// The same, then the RuleHit messages of the response (RuleSets::Evaluate into protobuf:
// rule set and rule ids, points, message), the repeated field cleared and reused.
struct CredenceHitProtos : CredenceHits {
  mutable google::protobuf::RepeatedPtrField<v1::RuleHit> hits;
  using CredenceHits::CredenceHits;
  int Run(const std::vector<double>& v) const {
    hits.Clear();
    sets->Evaluate(v, activation, &hits);
    return hits.size();
  }
};

// The general evaluator on each rule (no flat form: Program::Evaluate builds Values), for
// reference.
struct CredenceProgram {
  std::vector<std::shared_ptr<const expr::Program>> programs;
  CredenceProgram(const std::vector<RuleText>& rule_texts) {
    std::vector<std::string> names;
    for (int i = 0; i < kFeatures; ++i) names.push_back("f" + std::to_string(i));
    auto env = rules::MakeEnvironment(names);
    if (!env.ok()) std::abort();
    for (const auto& r : rule_texts) {
      auto p = expr::Compile(r.cel, *env, {.expected_type = expr::Type::Bool()});
      if (!p.ok()) std::abort();
      programs.push_back(*p);
    }
  }
  int Run(const std::vector<double>& v) const {
    expr::Activation activation;
    activation.set_features(v);
    int n = 0;
    for (const auto& p : programs) {
      auto r = p->Evaluate(activation);
      n += r.ok() && r->is_bool() && r->bool_value();
    }
    return n;
  }
};

// Each rule is a Lua function reading globals f0..f39, set once per feature vector.
struct Lua {
  lua_State* L;
  std::vector<int> refs;
  Lua(const std::vector<RuleText>& rules) : L(luaL_newstate()) {
    luaL_openlibs(L);
    for (const auto& r : rules) {
      const std::string chunk = "return function() return " + r.lua + " end";
      if (luaL_loadstring(L, chunk.c_str()) != LUA_OK || lua_pcall(L, 0, 1, 0) != LUA_OK) {
        std::fprintf(stderr, "lua: %s\n", lua_tostring(L, -1));
        std::abort();
      }
      refs.push_back(luaL_ref(L, LUA_REGISTRYINDEX));
    }
  }
  ~Lua() { lua_close(L); }
  int Run(const std::vector<double>& v) const {
    for (int i = 0; i < kFeatures; ++i) {
      lua_pushnumber(L, v[static_cast<std::size_t>(i)]);
      lua_setglobal(L, ("f" + std::to_string(i)).c_str());
    }
    int hits = 0;
    for (int ref : refs) {
      lua_rawgeti(L, LUA_REGISTRYINDEX, ref);
      lua_call(L, 0, 1);
      hits += lua_toboolean(L, -1);
      lua_pop(L, 1);
    }
    return hits;
  }
};

// Global setters cost a string build per feature; keep names interned like a host would.
struct LuaFast : Lua {
  std::vector<std::string> names;
  LuaFast(const std::vector<RuleText>& rules) : Lua(rules) {
    for (int i = 0; i < kFeatures; ++i) names.push_back("f" + std::to_string(i));
  }
  int Run(const std::vector<double>& v) const {
    for (int i = 0; i < kFeatures; ++i) {
      lua_pushnumber(L, v[static_cast<std::size_t>(i)]);
      lua_setglobal(L, names[static_cast<std::size_t>(i)].c_str());
    }
    int hits = 0;
    for (int ref : refs) {
      lua_rawgeti(L, LUA_REGISTRYINDEX, ref);
      lua_call(L, 0, 1);
      hits += lua_toboolean(L, -1);
      lua_pop(L, 1);
    }
    return hits;
  }
};

enum class Impl { kCredence, kHits, kHitProtos, kProgram, kLua };

void BM_Rules(benchmark::State& state, Impl impl) {
  static const std::vector<RuleText> rules = MakeRules();
  static const std::vector<std::vector<double>> vectors = MakeVectors();
  const Credence credence(rules);
  const CredenceProgram program(rules);
  const CredenceHits with_hits(rules);
  const CredenceHitProtos with_protos(rules);
  const LuaFast lua(rules);
  // All sides must agree before anything is timed.
  int total_hits = 0;
  for (const auto& v : vectors) {
    const int want = lua.Run(v);
    total_hits += want;
    if (credence.Run(v) != want || program.Run(v) != want || with_hits.Run(v) != want ||
        with_protos.Run(v) != want) {
      state.SkipWithError("credence and Lua disagree");
      return;
    }
  }
  static const bool once = [&] {
    std::fprintf(stderr, "rules_bench: %.1f hits per feature vector\n",
                 static_cast<double>(total_hits) / static_cast<double>(vectors.size()));
    return true;
  }();
  (void)once;
  std::size_t i = 0;
  for (auto _ : state) {
    const auto& v = vectors[i++ % vectors.size()];
    int hits = impl == Impl::kCredence    ? credence.Run(v)
               : impl == Impl::kHits      ? with_hits.Run(v)
               : impl == Impl::kHitProtos ? with_protos.Run(v)
               : impl == Impl::kProgram   ? program.Run(v)
                                          : lua.Run(v);
    benchmark::DoNotOptimize(hits);
  }
  state.SetItemsProcessed(state.iterations() * kRules);  // rules per second
  state.counters["ns/rule"] =
      benchmark::Counter(static_cast<double>(state.iterations() * kRules),
                         benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK_CAPTURE(BM_Rules, credence, Impl::kCredence);
// The name kept from earlier versions measures what it measured then: the RuleHit messages
// the engine writes. credence_with_hit_index: the compact records (indices, no strings).
BENCHMARK_CAPTURE(BM_Rules, credence_with_hit_records, Impl::kHitProtos);
BENCHMARK_CAPTURE(BM_Rules, credence_with_hit_index, Impl::kHits);
BENCHMARK_CAPTURE(BM_Rules, credence_program, Impl::kProgram);
BENCHMARK_CAPTURE(BM_Rules, lua, Impl::kLua);

// Time-zone getters in a condition: the zone a constant (resolved when the program is
// compiled) or a variable (resolved on every evaluation).
void BM_TimeZoneGetter(benchmark::State& state, bool constant_zone) {
  expr::Environment env;
  if (!env.Declare("t", expr::Type::Timestamp()).ok() ||
      !env.Declare("zone", expr::Type::String()).ok()) {
    std::abort();
  }
  const char* source =
      constant_zone ? "t.getHours('America/New_York') >= 9" : "t.getHours(zone) >= 9";
  auto program = expr::Compile(source, env, {.expected_type = expr::Type::Bool()});
  if (!program.ok()) std::abort();
  expr::Activation activation;
  activation.Bind("t", expr::Value::Time(expr::Timestamp{2'200'000'000, 0}));  // 2039-09-18
  activation.Bind("zone", expr::Value::String("America/New_York"));
  for (auto _ : state) {
    auto r = (*program)->Evaluate(activation);
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK_CAPTURE(BM_TimeZoneGetter, constant_zone, true);
BENCHMARK_CAPTURE(BM_TimeZoneGetter, variable_zone, false);

}  // namespace
}  // namespace credence::bench
