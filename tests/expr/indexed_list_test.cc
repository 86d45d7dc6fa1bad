// Value::IndexedStringList: `x in list` through the hash index gives what the scan of an
// ordinary list gives (checked against a naive membership test on random lists and needles,
// fixed seed), and the list is an ordinary list otherwise. (What it saves, a scan per
// lookup, is measured by bench/screen_bench's BM_ScreenList, not asserted here.)
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "expr/program.h"
#include "tests/expr/test_util.h"
#include "tests/testing/status_matchers.h"

namespace credence::expr {
namespace {

Environment ListEnv() {
  Environment env;
  EXPECT_OK(env.Declare("x", Type::Dyn()));
  EXPECT_OK(env.Declare("l", Type::List(Type::String())));
  return env;
}

Result<Value> EvalIn(const std::string& source, const Value& x, const Value& list) {
  CREDENCE_ASSIGN_OR_RETURN(auto program, Compile(source, ListEnv()));
  Activation a;
  a.Bind("x", x);
  a.Bind("l", list);
  return program->Evaluate(a);
}

std::string RandomWord(std::mt19937_64& rng) {
  static const std::string kAlphabet = "abcé中";  // multi-byte characters too
  std::string w;
  const int n = static_cast<int>(rng() % 4);
  for (int i = 0; i < n; ++i) {
    const std::size_t at = rng() % 5;
    w += at < 3 ? std::string(1, kAlphabet[at]) : at == 3 ? "é" : "中";
  }
  return w;
}

TEST(IndexedStringListTest, MembershipEqualsANaiveScan) {
  std::mt19937_64 rng(20261203);
  for (int round = 0; round < 200; ++round) {
    std::vector<std::string> words(rng() % 12);
    for (std::string& w : words) w = RandomWord(rng);
    ListValue items;
    for (const std::string& w : words) items.push_back(Value::String(w));
    const Value indexed = Value::IndexedStringList(items);
    const Value plain = Value::List(items);
    ASSERT_NE(indexed.list_string_index(), nullptr);
    ASSERT_EQ(plain.list_string_index(), nullptr);
    for (int probe = 0; probe < 10; ++probe) {
      const std::string needle = RandomWord(rng);
      const bool naive = std::find(words.begin(), words.end(), needle) != words.end();
      EXPECT_THAT(EvalIn("x in l", Value::String(needle), indexed),
                  testing::ValueIs(Value::Bool(naive)))
          << needle;
      EXPECT_THAT(EvalIn("x in l", Value::String(needle), plain),
                  testing::ValueIs(Value::Bool(naive)));
    }
    // Not a string: never a member (as for the plain list), and no error.
    EXPECT_THAT(EvalIn("x in l", Value::Int(1), indexed), testing::ValueIs(Value::Bool(false)));
  }
}

TEST(IndexedStringListTest, IsAnOrdinaryListOtherwise) {
  const Value l = Value::IndexedStringList({Value::String("b"), Value::String("a")});
  EXPECT_THAT(EvalIn("size(l)", Value(), l), testing::ValueIs(Value::Int(2)));
  EXPECT_THAT(EvalIn("l[1]", Value(), l), testing::ValueIs(Value::String("a")));
  EXPECT_THAT(EvalIn("l.exists(v, v == 'b')", Value(), l), testing::ValueIs(Value::Bool(true)));
  EXPECT_THAT(EvalIn("l + ['c'] == ['b', 'a', 'c']", Value(), l),
              testing::ValueIs(Value::Bool(true)));
  // A copy keeps the index (it is the same list).
  const Value copy = l;
  EXPECT_EQ(copy.list_string_index(), l.list_string_index());
}

// A million values (the named-list limit): the index answers as the scan does.
TEST(IndexedStringListTest, AMillionValues) {
  ListValue items;
  items.reserve(1'000'000);
  for (int i = 0; i < 1'000'000; ++i) items.push_back(Value::String("cp-" + std::to_string(i)));
  const Value indexed = Value::IndexedStringList(items);
  const Value plain = Value::List(std::move(items));
  for (const char* needle : {"cp-0", "cp-999999", "cp-1000000", "cp-"}) {
    auto scanned = EvalIn("x in l", Value::String(needle), plain);
    ASSERT_TRUE(scanned.ok()) << scanned.status();
    EXPECT_THAT(EvalIn("x in l", Value::String(needle), indexed), testing::ValueIs(*scanned))
        << needle;
  }
}

}  // namespace
}  // namespace credence::expr
