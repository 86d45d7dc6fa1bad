// Hostile expressions: the cost budget is charged before a builtin allocates or scans, so
// expressions that build huge strings or lists, walk exponentially shared values or build
// maps quadratically stop with RESOURCE_EXHAUSTED ("cost budget"), quickly and without
// allocating past the budget; an allocation that fails anyway is RESOURCE_EXHAUSTED too,
// never std::terminate. CTest also runs these tests under an address-space limit
// (tests/expr/CMakeLists.txt), where allocating first and charging after would fail with
// "out of memory" instead of "cost budget".
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "expr/program.h"
#include "tests/expr/test_util.h"
#include "tests/testing/status_matchers.h"

namespace credence::expr {
namespace {

using ::credence::expr::testing::ValueIs;
using ::credence::testing::StatusIs;
using ::testing::HasSubstr;

// A request field at the largest size ingest admits (RequestLimits::max_string_bytes).
const std::string kField(4096, 'a');

Environment StringEnv() {
  Environment env;
  EXPECT_OK(env.Declare("s", Type::String()));
  EXPECT_OK(env.Declare("r", Type::List(Type::Int())));
  return env;
}

Result<Value> RunExpr(const std::string& source, std::uint64_t max_steps = kDefaultMaxSteps,
                  std::size_t list_size = 10) {
  CompileOptions options;
  options.max_steps = max_steps;
  CREDENCE_ASSIGN_OR_RETURN(auto program, Compile(source, StringEnv(), options));
  Activation a;
  a.Bind("s", Value::String(kField));
  a.Bind("r", Value::List(ListValue(list_size, Value::Int(1))));
  return program->Evaluate(a);
}

// `levels` nested cel.bind doublings of `seed` by `op` ("x + x" or "[x, x]").
std::string Doubling(const std::string& seed, const std::string& op, int levels,
                     const std::string& tail, const std::string& prefix = "v") {
  std::string out;
  std::string prev = seed;
  for (int i = 0; i < levels; ++i) {
    const std::string name = prefix + std::to_string(i);
    std::string twice = op;
    for (std::size_t at; (at = twice.find('x')) != std::string::npos;) twice.replace(at, 1, prev);
    out += "cel.bind(" + name + ", " + twice + ", ";
    prev = name;
  }
  std::string close(static_cast<std::size_t>(levels), ')');
  std::string body = tail;
  for (std::size_t at; (at = body.find('X')) != std::string::npos;) body.replace(at, 1, prev);
  return out + body + close;
}

struct HostileCase {
  const char* name;
  std::string source;
};

void PrintTo(const HostileCase& c, std::ostream* os) { *os << c.name; }

class HostileExpressionTest : public ::testing::TestWithParam<HostileCase> {};

TEST_P(HostileExpressionTest, StopsAtTheBudgetBeforeAllocating) {
  EXPECT_THAT(RunExpr(GetParam().source),
              StatusIs(StatusCode::kResourceExhausted, HasSubstr("cost budget")));
}

INSTANTIATE_TEST_SUITE_P(
    Catalogue, HostileExpressionTest,
    ::testing::Values(
        // The expression of issue 13: a field replaced by itself twice (4 KiB -> 16 MiB ->
        // 2^48 bytes), then split into characters.
        HostileCase{"NestedReplaceThenSplit",
                    "s.replace('a', s).replace('a', s.replace('a', s)).split('').size() > 0"},
        // One replace (16 MiB, within the budget), then 16 million one-character strings.
        HostileCase{"ReplaceThenSplitIntoCharacters", "s.replace('a', s).split('').size() > 0"},
        HostileCase{"ReplaceWithLimit", "s.replace('a', s, 100000).replace('a', s).size() > 0"},
        HostileCase{"EmptyPatternReplace", "s.replace('', s).replace('', s).size() > 0"},
        HostileCase{"StringDoubling", Doubling("s", "x + x", 40, "size(X) > 0")},
        HostileCase{"BytesDoubling", Doubling("bytes(s)", "x + x", 40, "size(X) > 0")},
        HostileCase{"ListDoubling", Doubling("[s]", "x + x", 40, "size(X) > 0")},
        HostileCase{"JoinOfReplicatedList", "s.split('').join(s.replace('a', s)).size() > 0"},
        HostileCase{"FormatOfHugeArguments",
                    "'%s%s%x'.format([s.replace('a', s), s.replace('a', s), "
                    "s.replace('a', s)]).size() > 0"},
        HostileCase{"FormatOfSharedNesting",
                    Doubling("[s]", "[x, x]", 40, "'%s'.format([X]) != ''")},
        HostileCase{"QuoteOfHugeString", "strings.quote(s.replace('a', s)).size() > 0"},
        HostileCase{"Base64OfHugeBytes", "base64.encode(bytes(s.replace('a', s))).size() > 0"},
        HostileCase{"ReverseOfHugeString",
                    "s.replace('a', s).reverse().reverse().reverse().size() > 0"},
        // Exponentially shared lists: 2^40 logical elements in 40 binds. Comparing or
        // searching them would take forever; the walk stops at the budget.
        HostileCase{
            "EqualityOfSharedNesting",
            Doubling("[1]", "[x, x]", 40, "X == " + Doubling("[1]", "[x, x]", 40, "X", "w"))},
        HostileCase{"InOfSharedNesting", Doubling("[1]", "[x, x]", 40, "X[0] in X")},
        // 2^40-byte strings in one comparison (only the size check is cheap).
        HostileCase{"ContainsOfHugeString", "s.replace('a', s).contains(s.replace('a', s) + 'b')"}),
    [](const ::testing::TestParamInfo<HostileCase>& p) { return p.param.name; });

TEST(HostileBudgetTest, QuadraticMapBuildingIsCharged) {
  // transformMap over 200,000 elements checks each key against the map built so far: 2*10^10
  // comparisons. The checks are charged, so the budget stops it.
  EXPECT_THAT(RunExpr("r.transformMap(i, v, v).size() > 0", kDefaultMaxSteps, 200'000),
              StatusIs(StatusCode::kResourceExhausted, HasSubstr("cost budget")));
  EXPECT_THAT(RunExpr("r.transformMap(i, v, v).size() == 10"), ValueIs(Value::Bool(true)));
}

TEST(HostileBudgetTest, ModerateUseStaysWithinTheBudget) {
  // The same functions on request-sized data are well within the default budget.
  EXPECT_THAT(RunExpr("s.replace('a', 'bb').size() == 8192"), ValueIs(Value::Bool(true)));
  EXPECT_THAT(RunExpr("s.split('').size() == 4096"), ValueIs(Value::Bool(true)));
  EXPECT_THAT(RunExpr("s.split('').join('-').size() == 8191"), ValueIs(Value::Bool(true)));
  EXPECT_THAT(RunExpr("'%s-%d'.format([s, 7]).size() == 4098"), ValueIs(Value::Bool(true)));
  EXPECT_THAT(RunExpr(Doubling("s", "x + x", 8, "size(X) == 4096 * 256")), ValueIs(Value::Bool(true)));
}

TEST(HostileBudgetTest, ChargeIsMadeBeforeTheBuiltinRuns) {
  // s.replace('a', s) builds 16 MiB + 4 KiB: 262,208 steps for its bytes and 64 for scanning
  // s (comparing with '' costs nothing more).
  // With a budget just below that it must fail, although the node visits alone are few.
  EXPECT_THAT(RunExpr("s.replace('a', s) != ''", 262'000),
              StatusIs(StatusCode::kResourceExhausted, HasSubstr("cost budget")));
  EXPECT_THAT(RunExpr("s.replace('a', s) != ''", 263'000), ValueIs(Value::Bool(true)));
}

TEST(HostileBudgetTest, ConstantFoldingStaysBounded) {
  // The same blow-up written with constants: folding gives up at its budget and the
  // compiled program stops at run time.
  const std::string a = "'" + std::string(4096, 'a') + "'";
  const std::string source =
      a + ".replace('a', " + a + ").replace('a', " + a + ".replace('a', " + a + ")).size() > 0";
  ASSERT_OK_AND_ASSIGN(auto p, Compile(source, Environment()));
  EXPECT_THAT(p->Evaluate(Activation()),
              StatusIs(StatusCode::kResourceExhausted, HasSubstr("cost budget")));
}

#if defined(__SANITIZE_ADDRESS__)
#define CREDENCE_TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define CREDENCE_TEST_ASAN 1
#endif
#endif

TEST(HostileBudgetTest, FailedAllocationIsResourceExhausted) {
#ifdef CREDENCE_TEST_ASAN
  GTEST_SKIP() << "AddressSanitizer aborts on impossible allocations instead of throwing";
#else
  // With the budget out of the way, the 2^48-byte string cannot be allocated: std::bad_alloc
  // (or std::length_error) becomes RESOURCE_EXHAUSTED instead of ending the process.
  EXPECT_THAT(RunExpr("s.replace('a', s).replace('a', s.replace('a', s)).size() > 0", UINT64_MAX),
              StatusIs(StatusCode::kResourceExhausted, HasSubstr("out of memory")));
#endif
}

// Naive code-point references for indexOf / lastIndexOf, which now search bytes.
std::vector<std::string> Characters(const std::string& s) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    const std::size_t n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    out.push_back(s.substr(i, n));
    i += n;
  }
  return out;
}

std::int64_t NaiveIndex(const std::string& hay, const std::string& needle, std::int64_t start,
                        bool last) {
  const auto h = Characters(hay), n = Characters(needle);
  const auto hs = static_cast<std::int64_t>(h.size()), ns = static_cast<std::int64_t>(n.size());
  auto at = [&](std::int64_t i) {
    if (i + ns > hs) return false;
    for (std::int64_t k = 0; k < ns; ++k) {
      if (h[static_cast<std::size_t>(i + k)] != n[static_cast<std::size_t>(k)]) return false;
    }
    return true;
  };
  if (last) {
    for (std::int64_t i = std::min(start, hs - ns); i >= 0; --i) {
      if (at(i)) return i;
    }
    return -1;
  }
  for (std::int64_t i = start; i + ns <= hs; ++i) {
    if (at(i)) return i;
  }
  return -1;
}

TEST(HostileBudgetTest, ByteSearchAgreesWithCodePointSearch) {
  std::mt19937 rng(13);
  const std::vector<std::string> alphabet = {"a", "b", "\xC3\xA9", "\xE4\xB8\xAD",
                                             "\xF0\x9F\x98\x80"};
  auto word = [&](int max) {
    std::string w;
    const int n = static_cast<int>(rng() % static_cast<unsigned>(max + 1));
    for (int i = 0; i < n; ++i) w += alphabet[rng() % alphabet.size()];
    return w;
  };
  for (int trial = 0; trial < 400; ++trial) {
    const std::string hay = word(12), needle = word(3);
    const auto size = static_cast<std::int64_t>(Characters(hay).size());
    const std::int64_t start = static_cast<std::int64_t>(rng() % static_cast<unsigned>(size + 1));
    for (bool last : {false, true}) {
      const std::string call = std::string(last ? "lastIndexOf" : "indexOf") + "('" + needle +
                               "', " + std::to_string(start) + ")";
      auto got = testing::EvalExpr("'" + hay + "'." + call);
      ASSERT_THAT(got, ValueIs(Value::Int(NaiveIndex(hay, needle, start, last))))
          << "'" << hay << "'." << call;
    }
  }
}

}  // namespace
}  // namespace credence::expr
