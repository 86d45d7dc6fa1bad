// Program: compile once, evaluate many times; variables, the feature fast path, the cost
// budget, constant folding, concurrency and allocation-free evaluation.
#include "expr/program.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <cstdlib>
#include <functional>
#include <limits>
#include <map>
#include <new>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "tests/expr/test_util.h"
#include "tests/testing/status_matchers.h"

// Counts heap allocations made by the current thread (for the allocation-free fast path).
// GCC flags the malloc/free pair behind a replaced operator new after inlining gtest code;
// the replacement is consistent (every operator new here uses malloc, every delete free).
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
namespace {
thread_local long g_allocations = 0;
}  // namespace

void* operator new(std::size_t size) {
  ++g_allocations;
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
// The nothrow form too (std::stable_sort's temporary buffer uses it): otherwise the
// library's would pair its allocation with the free() above (ASan: alloc-dealloc mismatch).
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  ++g_allocations;
  return std::malloc(size == 0 ? 1 : size);
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }

namespace credence::expr {
namespace {

using ::credence::expr::testing::ErrorValueIs;
using ::credence::expr::testing::StatusAt;
using ::credence::expr::testing::ValueIs;
using ::credence::testing::IsOkAndHolds;
using ::credence::testing::StatusIs;
using ::testing::HasSubstr;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

Environment FeatureEnv() {
  Environment env;
  EXPECT_OK(env.DeclareFeature("refund_rate_90d", 0));
  EXPECT_OK(env.DeclareFeature("orders_30d", 1));
  EXPECT_OK(env.DeclareFeature("dispute_count", 2));
  EXPECT_OK(env.Declare("country", Type::String()));
  EXPECT_OK(env.Declare("limits", Type::Map(Type::String(), Type::Double())));
  EXPECT_OK(env.Declare("as_of", Type::Timestamp()));
  return env;
}

CompileOptions RuleOptions() {
  CompileOptions o;
  o.expected_type = Type::Bool();
  return o;
}

TEST(ProgramTest, FeatureRuleEvaluatesBySlot) {
  ASSERT_OK_AND_ASSIGN(
      auto p, Compile("refund_rate_90d > 0.2 && orders_30d >= 10", FeatureEnv(), RuleOptions()));
  EXPECT_EQ(p->result_type(), Type::Bool());
  EXPECT_TRUE(p->uses_fast_path());
  std::vector<double> hit = {0.35, 12.0, 0.0};
  std::vector<double> miss = {0.35, 9.0, 0.0};
  EXPECT_THAT(p->EvaluateBool(hit), IsOkAndHolds(true));
  EXPECT_THAT(p->EvaluateBool(miss), IsOkAndHolds(false));
}

TEST(ProgramTest, MissingFeatureIsAnError) {
  ASSERT_OK_AND_ASSIGN(auto p, Compile("refund_rate_90d > 0.2", FeatureEnv(), RuleOptions()));
  std::vector<double> f = {kNaN, 1.0, 0.0};
  EXPECT_THAT(p->EvaluateBool(f), StatusIs(StatusCode::kNotFound,
                                           HasSubstr("no such feature value: 'refund_rate_90d'")));
}

TEST(ProgramTest, MissingFeatureAbsorbedByLogic) {
  // false && error == false; error || true == true.
  ASSERT_OK_AND_ASSIGN(
      auto p1, Compile("orders_30d > 100.0 && refund_rate_90d > 0.2", FeatureEnv(), RuleOptions()));
  ASSERT_OK_AND_ASSIGN(
      auto p2, Compile("refund_rate_90d > 0.2 || orders_30d > 1.0", FeatureEnv(), RuleOptions()));
  std::vector<double> f = {kNaN, 5.0, 0.0};
  EXPECT_THAT(p1->EvaluateBool(f), IsOkAndHolds(false));
  EXPECT_THAT(p2->EvaluateBool(f), IsOkAndHolds(true));
}

TEST(ProgramTest, ShortFeatureSpanIsMissing) {
  ASSERT_OK_AND_ASSIGN(auto p, Compile("dispute_count >= 1.0", FeatureEnv(), RuleOptions()));
  std::vector<double> f = {0.1};
  EXPECT_THAT(p->EvaluateBool(f), StatusIs(StatusCode::kNotFound, HasSubstr("dispute_count")));
}

TEST(ProgramTest, ConstantOnTheLeftIsMirrored) {
  ASSERT_OK_AND_ASSIGN(
      auto p, Compile("3 < orders_30d && 0.5 >= refund_rate_90d", FeatureEnv(), RuleOptions()));
  std::vector<double> f = {0.5, 4.0, 0.0};
  EXPECT_THAT(p->EvaluateBool(f), IsOkAndHolds(true));
  f[1] = 3.0;
  EXPECT_THAT(p->EvaluateBool(f), IsOkAndHolds(false));
}

TEST(ProgramTest, FeaturesInArithmetic) {
  ASSERT_OK_AND_ASSIGN(auto p, Compile("refund_rate_90d * orders_30d", FeatureEnv()));
  std::vector<double> f = {0.25, 8.0, 0.0};
  EXPECT_THAT(p->EvaluateDouble(f), IsOkAndHolds(2.0));
}

TEST(ProgramTest, GeneralActivationVariables) {
  ASSERT_OK_AND_ASSIGN(auto p, Compile("country in ['US', 'CA'] && limits['daily'] > 100.0",
                                       FeatureEnv(), RuleOptions()));
  EXPECT_FALSE(p->uses_fast_path());
  Activation a;
  a.Bind("country", Value::String("CA"));
  MapValue limits;
  ASSERT_TRUE(limits.Insert(Value::String("daily"), Value::Double(250.0), nullptr));
  a.Bind("limits", Value::Map(std::move(limits)));
  EXPECT_THAT(p->Evaluate(a), ValueIs(Value::Bool(true)));
  EXPECT_THAT(p->EvaluateBool({}, &a), IsOkAndHolds(true));
}

// Binds in random order, with rebinding, against a std::map: every name finds its last
// value, an unbound name falls through to the parent, then to nothing.
TEST(ProgramTest, ActivationFindsTheLastBindingOfEachName) {
  std::mt19937_64 rng(5);
  for (int round = 0; round < 200; ++round) {
    Activation parent;
    parent.Bind("p", Value::Int(-1));
    Activation a;
    a.set_parent(&parent);
    std::map<std::string, std::int64_t> want;
    const int binds = static_cast<int>(rng() % 30);
    for (int i = 0; i < binds; ++i) {
      const std::string name = "v" + std::to_string(rng() % 12) + (rng() % 2 ? "x" : "");
      a.Bind(name, Value::Int(i));
      want[name] = i;
    }
    for (int k = 0; k < 12; ++k) {
      for (const std::string& name : {"v" + std::to_string(k), "v" + std::to_string(k) + "x"}) {
        const Value* got = a.Find(name);
        auto it = want.find(name);
        if (it == want.end()) {
          EXPECT_EQ(got, nullptr) << name;
        } else {
          ASSERT_NE(got, nullptr) << name;
          EXPECT_EQ(got->int_value(), it->second) << name;
        }
      }
    }
    ASSERT_NE(a.Find("p"), nullptr);
    EXPECT_EQ(a.Find("p")->int_value(), -1);
    EXPECT_EQ(a.Find("q"), nullptr);
  }
}

TEST(ProgramTest, UnboundVariableIsErrorValue) {
  ASSERT_OK_AND_ASSIGN(auto p, Compile("country == 'US'", FeatureEnv(), RuleOptions()));
  EXPECT_THAT(p->Evaluate(Activation()), ErrorValueIs(StatusCode::kNotFound, "country"));
}

TEST(ProgramTest, TimestampVariable) {
  ASSERT_OK_AND_ASSIGN(
      auto p, Compile("as_of - timestamp('2024-01-01T00:00:00Z') > duration('24h')", FeatureEnv(),
                      RuleOptions()));
  Activation a;
  a.Bind("as_of", Value::Time(Timestamp{1704067200 + 2 * 86400, 0}));  // 2024-01-03
  EXPECT_THAT(p->Evaluate(a), ValueIs(Value::Bool(true)));
}

TEST(ProgramTest, DynamicRegexAndZone) {
  Environment env;
  ASSERT_OK(env.Declare("pattern", Type::String()));
  ASSERT_OK(env.Declare("zone", Type::String()));
  ASSERT_OK_AND_ASSIGN(auto re, Compile("'abc'.matches(pattern)", env));
  ASSERT_OK_AND_ASSIGN(auto tz, Compile("timestamp('2009-02-13T23:31:30Z').getHours(zone)", env));
  Activation a;
  a.Bind("pattern", Value::String("^a.c$"));
  a.Bind("zone", Value::String("Asia/Kathmandu"));  // UTC+05:45
  EXPECT_THAT(re->Evaluate(a), ValueIs(Value::Bool(true)));
  EXPECT_THAT(tz->Evaluate(a), ValueIs(Value::Int(5)));
  a.Bind("pattern", Value::String("(unclosed"));
  a.Bind("zone", Value::String("No/Such_Zone"));
  EXPECT_THAT(re->Evaluate(a), ErrorValueIs(StatusCode::kInvalidArgument, "regular expression"));
  EXPECT_THAT(tz->Evaluate(a), ErrorValueIs(StatusCode::kNotFound, "No/Such_Zone"));
}

// Regression (found by the fuzz test under ASan): selecting through an optional built at run
// time must not read the optional's payload after replacing the optional with it.
TEST(ProgramTest, SelectionThroughRuntimeOptional) {
  Environment env;
  ASSERT_OK(env.Declare("m", Type::Map(Type::String(), Type::Dyn())));
  ASSERT_OK_AND_ASSIGN(
      auto p, Compile("optional.of(m).a.orValue(0) + (has(optional.of(m).a) ? 1 : 0)", env));
  Activation a;
  MapValue m;
  ASSERT_TRUE(m.Insert(Value::String("a"), Value::Int(41), nullptr));
  a.Bind("m", Value::Map(std::move(m)));
  EXPECT_THAT(p->Evaluate(a), ValueIs(Value::Int(42)));
}

TEST(ProgramTest, ContainerResolution) {
  Environment env;
  env.set_container("credence.rules");
  ASSERT_OK(env.Declare("credence.rules.limit", Type::Int()));
  ASSERT_OK(env.Declare("limit", Type::String()));
  ASSERT_OK_AND_ASSIGN(auto inner, Compile("limit", env));
  ASSERT_OK_AND_ASSIGN(auto root, Compile(".limit", env));
  EXPECT_EQ(inner->result_type(), Type::Int());
  EXPECT_EQ(root->result_type(), Type::String());
}

TEST(ProgramTest, QualifiedNamesPreferLongestPrefix) {
  Environment env;
  ASSERT_OK(env.Declare("a.b", Type::Map(Type::String(), Type::Int())));
  ASSERT_OK(env.Declare("a.b.c", Type::String()));
  ASSERT_OK_AND_ASSIGN(auto p, Compile("a.b.c", env));
  EXPECT_EQ(p->result_type(), Type::String());
}

TEST(ProgramTest, ConstantSubexpressionsAreFolded) {
  ASSERT_OK_AND_ASSIGN(auto p, Compile("orders_30d > 2.0 * 3.0 + double(size([1, 2]))",
                                       FeatureEnv(), RuleOptions()));
  EXPECT_EQ(p->node_count(), 1u);  // one fast feature comparison against 8.0
  std::vector<double> f = {0.0, 8.5, 0.0};
  EXPECT_THAT(p->EvaluateBool(f), IsOkAndHolds(true));
}

// CEL's && and || are commutative and ?: picks one branch, so a constant operand decides
// them at compile time whatever the other operand is (even an error).
TEST(ProgramTest, ShortCircuitsAreFoldedLikeTheEvaluatorDecidesThem) {
  const std::vector<double> missing = {kNaN, kNaN, kNaN};
  for (const char* src :
       {"false && orders_30d > 1.0", "orders_30d > 1.0 && false", "1 / 0 == 1 && false"}) {
    ASSERT_OK_AND_ASSIGN(auto p, Compile(src, FeatureEnv(), RuleOptions()));
    EXPECT_EQ(p->node_count(), 1u) << src;
    EXPECT_THAT(p->EvaluateBool(missing), IsOkAndHolds(false)) << src;
  }
  ASSERT_OK_AND_ASSIGN(auto t, Compile("orders_30d > 1.0 || true", FeatureEnv(), RuleOptions()));
  EXPECT_EQ(t->node_count(), 1u);
  EXPECT_THAT(t->EvaluateBool(missing), IsOkAndHolds(true));
  ASSERT_OK_AND_ASSIGN(auto c, Compile("2 > 1 ? orders_30d > 1.0 : dispute_count > 1.0",
                                       FeatureEnv(), RuleOptions()));
  EXPECT_EQ(c->node_count(), 1u);  // the feature comparison of the chosen branch
  EXPECT_THAT(c->EvaluateBool(std::vector<double>{0.0, 2.0, kNaN}), IsOkAndHolds(true));
}

TEST(ProgramTest, FoldingKeepsErrorsForRunTime) {
  ASSERT_OK_AND_ASSIGN(auto p,
                       Compile("orders_30d > 1.0 || 1 / 0 == 1", FeatureEnv(), RuleOptions()));
  std::vector<double> f = {0.0, 2.0, 0.0};
  EXPECT_THAT(p->EvaluateBool(f), IsOkAndHolds(true));
  f[1] = 0.0;
  EXPECT_THAT(p->EvaluateBool(f), StatusIs(StatusCode::kInvalidArgument, HasSubstr("divide")));
}

TEST(ProgramTest, CostBudgetStopsRunawayComprehensions) {
  CompileOptions o;
  o.max_steps = 10'000;
  Environment env;
  ASSERT_OK(env.Declare("xs", Type::List(Type::Int())));
  ASSERT_OK_AND_ASSIGN(auto p, Compile("xs.all(a, xs.all(b, xs.all(c, a + b + c >= 0)))", env, o));
  Activation a;
  ListValue xs;
  for (int i = 0; i < 100; ++i) xs.push_back(Value::Int(i));
  a.Bind("xs", Value::List(xs));
  EXPECT_THAT(p->Evaluate(a), StatusIs(StatusCode::kResourceExhausted, HasSubstr("10000 steps")));
  // A small input stays within the budget.
  a.Bind("xs", Value::List({Value::Int(1), Value::Int(2)}));
  EXPECT_THAT(p->Evaluate(a), ValueIs(Value::Bool(true)));
}

TEST(ProgramTest, CostBudgetCountsBuiltValueSizes) {
  // 1000 x 1000 joins of a 100-byte string would build a 100 MB result with only about 2,000
  // node visits; the size charge stops it.
  Environment env;
  ASSERT_OK(env.Declare("r", Type::List(Type::Int())));
  ASSERT_OK(env.Declare("s", Type::String()));
  ASSERT_OK_AND_ASSIGN(auto p, Compile("r.map(a, r.map(b, s).join()).join().size()", env));
  Activation a;
  ListValue r(1000, Value::Int(0));
  a.Bind("r", Value::List(r));
  a.Bind("s", Value::String(std::string(100, 'x')));
  EXPECT_THAT(p->Evaluate(a), StatusIs(StatusCode::kResourceExhausted, HasSubstr("budget")));
  a.Bind("r", Value::List(ListValue(10, Value::Int(0))));
  EXPECT_THAT(p->Evaluate(a), ValueIs(Value::Int(10 * 10 * 100)));
}

TEST(ProgramTest, BudgetIsPerEvaluation) {
  CompileOptions o;
  o.max_steps = 50;
  ASSERT_OK_AND_ASSIGN(auto p, Compile("[1, 2, 3].map(x, x * 2).size() == 3", Environment(), o));
  for (int i = 0; i < 100; ++i) ASSERT_THAT(p->Evaluate(Activation()), ValueIs(Value::Bool(true)));
}

TEST(ProgramTest, NonBoolResultRejectedForRules) {
  EXPECT_THAT(Compile("orders_30d + 1.0", FeatureEnv(), RuleOptions()),
              StatusAt(StatusCode::kInvalidArgument, 1, 1));
  // Without checking, EvaluateBool reports a non-bool result.
  CompileOptions o;
  o.check_types = false;
  ASSERT_OK_AND_ASSIGN(auto p, Compile("orders_30d + 1.0", FeatureEnv(), o));
  std::vector<double> f = {0.0, 1.0, 0.0};
  EXPECT_THAT(p->EvaluateBool(f), StatusIs(StatusCode::kInvalidArgument, HasSubstr("not bool")));
}

// The three-valued fast path of EvaluateBool must agree with the general evaluator
// (Evaluate) on every feature-only expression, including missing features and NaN results.
TEST(ProgramTest, FastPathAgreesWithGeneralEvaluator) {
  std::mt19937 rng(12345);
  Environment env;
  for (int i = 0; i < 4; ++i) ASSERT_OK(env.DeclareFeature("f" + std::to_string(i), i));
  const char* const kAtoms[] = {"f0", "f1", "f2", "f3", "1.5", "0.0", "-2.0"};
  const char* const kArith[] = {" + ", " - ", " * ", " / "};
  const char* const kCmp[] = {" < ", " <= ", " > ", " >= ", " == ", " != "};
  auto pick = [&](auto& arr) {
    return std::string(arr[std::uniform_int_distribution<std::size_t>(0, std::size(arr) - 1)(rng)]);
  };
  std::function<std::string(int)> num = [&](int depth) -> std::string {
    if (depth == 0 || rng() % 3 == 0) return pick(kAtoms);
    if (rng() % 5 == 0) return "-(" + num(depth - 1) + ")";
    return "(" + num(depth - 1) + pick(kArith) + num(depth - 1) + ")";
  };
  std::function<std::string(int)> cond = [&](int depth) -> std::string {
    switch (depth == 0 ? 0 : rng() % 4) {
      case 0: {
        std::string op = pick(kCmp);
        bool equality = op == " == " || op == " != ";  // int == double is a type error
        return num(2) + op + (rng() % 2 ? num(2) : std::string(equality ? "3.0" : "3"));
      }
      case 1:
        return "(" + cond(depth - 1) + " && " + cond(depth - 1) + ")";
      case 2:
        return "(" + cond(depth - 1) + " || " + cond(depth - 1) + ")";
      default:
        return "!(" + cond(depth - 1) + ")";
    }
  };
  int fast_checked = 0;
  for (int i = 0; i < 500; ++i) {
    std::string src = cond(3);
    ASSERT_OK_AND_ASSIGN(auto p, Compile(src, env, RuleOptions()));
    ASSERT_TRUE(p->uses_fast_path()) << src;
    for (int trial = 0; trial < 8; ++trial) {
      std::vector<double> f(4);
      for (double& x : f) {
        int r = static_cast<int>(rng() % 6);
        x = r == 0 ? kNaN : r == 1 ? 0.0 : static_cast<double>(static_cast<int>(rng() % 7) - 3);
      }
      Activation a;
      a.set_features(f);
      ASSERT_OK_AND_ASSIGN(Value general, p->Evaluate(a));
      Result<bool> fast = p->EvaluateBool(f);
      if (general.is_bool()) {
        ASSERT_THAT(fast, IsOkAndHolds(general.bool_value())) << src;
      } else {
        ASSERT_TRUE(general.is_error()) << src;
        ASSERT_THAT(fast, StatusIs(general.error().code, general.error().message)) << src;
      }
      ++fast_checked;
    }
  }
  EXPECT_EQ(fast_checked, 4000);
}

TEST(ProgramTest, FastPathDoesNotAllocate) {
  ASSERT_OK_AND_ASSIGN(
      auto p, Compile("(refund_rate_90d > 0.2 && orders_30d >= 10.0) || !(dispute_count < 3.0)"
                      " || (orders_30d == 7.0 && refund_rate_90d != 0.0)",
                      FeatureEnv(), RuleOptions()));
  std::vector<double> f = {0.35, 12.0, 1.0};
  std::vector<double> missing = {kNaN, kNaN, kNaN};
  long before = g_allocations;
  bool all_ok = true;
  for (int i = 0; i < 1000; ++i) {
    f[1] = i % 20;
    Result<bool> r = p->EvaluateBool(f);
    all_ok = all_ok && r.ok();
  }
  long after = g_allocations;
  EXPECT_TRUE(all_ok);
  EXPECT_EQ(after - before, 0);
  // The missing-feature error value is preallocated at compile time as well; only the Status
  // built by EvaluateBool for the caller allocates.
  before = g_allocations;
  Result<Value> v = [&] {
    Activation a;
    a.set_features(missing);
    return p->Evaluate(a);
  }();
  ASSERT_TRUE(v.ok());
  EXPECT_TRUE(v->is_error());
}

TEST(ProgramTest, ConcurrentEvaluationMatchesSequential) {
  ASSERT_OK_AND_ASSIGN(auto p, Compile("[1, 2, 3].map(x, x * int(orders_30d)).exists(y, y > 20) && "
                                       "refund_rate_90d > 0.1 && 'abc'.matches('b')",
                                       FeatureEnv(), RuleOptions()));
  auto expected = [](int i) { return 3 * (i % 13) > 20; };
  std::atomic<int> mismatches{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 2000; ++i) {
        std::vector<double> f = {0.5, static_cast<double>((i + t) % 13), 0.0};
        Result<bool> r = p->EvaluateBool(f);
        if (!r.ok() || *r != expected(i + t)) ++mismatches;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(mismatches.load(), 0);
}

}  // namespace
}  // namespace credence::expr
