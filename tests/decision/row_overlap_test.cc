// Overlapping rows found by sorting and sweeping (row_overlap.h) against the pairwise check
// over RelateEntries that they replace, on random tables with a fixed seed; and tables of
// 30,000 rows, which the pairwise check could not validate in reasonable time.
#include "decision/row_overlap.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "decision/decision_table.h"
#include "lint/bundle_lint.h"
#include "rules/context.h"
#include "tests/testing/builders.h"
#include "tests/testing/status_matchers.h"

namespace credence::decision {
namespace {

using ::credence::testing::ParseText;
using ::credence::testing::StatusIs;
using ::testing::HasSubstr;

// The reference: every pair, every column, as compiling and the lint did before.
std::vector<RowPair> Pairwise(const std::vector<std::vector<InputEntry>>& rows, OverlapKind kind) {
  std::vector<RowPair> out;
  for (std::size_t a = 0; a < rows.size(); ++a) {
    for (std::size_t b = a + 1; b < rows.size(); ++b) {
      bool disjoint = false, certain = true;
      std::vector<std::size_t> maybe;
      for (std::size_t c = 0; c < rows[a].size(); ++c) {
        switch (RelateEntries(rows[a][c], rows[b][c])) {
          case EntryRelation::kDisjoint:
            disjoint = true;
            break;
          case EntryRelation::kMaybe:
            certain = false;
            maybe.push_back(c);
            break;
          case EntryRelation::kOverlap:
            break;
        }
      }
      if (disjoint) continue;
      if (kind == OverlapKind::kCertain ? certain : !maybe.empty()) {
        out.push_back({a, b, kind == OverlapKind::kCertain ? std::vector<std::size_t>{} : maybe});
      }
    }
  }
  return out;
}

std::vector<std::vector<EntryShape>> Shapes(const std::vector<std::vector<InputEntry>>& rows) {
  std::vector<std::vector<EntryShape>> out;
  for (const auto& row : rows) {
    auto& shapes = out.emplace_back();
    for (const InputEntry& e : row) shapes.push_back(ShapeOf(e));
  }
  return out;
}

std::string RandomEntry(std::mt19937& rng) {
  auto num = [&] { return std::to_string(static_cast<int>(rng() % 6)) + (rng() % 4 ? "" : ".5"); };
  auto lit = [&] { return std::string("\"") + static_cast<char>('a' + rng() % 3) + "\""; };
  switch (rng() % 17) {
    case 0:
      return "-";
    case 1:
      return "< " + num();
    case 2:
      return "<= " + num();
    case 3:
      return "> " + num();
    case 4:
      return ">= " + num();
    case 5:
      return num();
    case 6:
      return "!= " + num();
    case 7: {
      const int lo = static_cast<int>(rng() % 5);
      const int hi = lo + static_cast<int>(rng() % 3);
      const char* open[] = {"[", "(", "]"};
      const char* close[] = {"]", ")", "["};
      return std::string(open[rng() % 3]) + std::to_string(lo) + ".." + std::to_string(hi) +
             close[rng() % 3];
    }
    case 8:
      return "< " + num() + ", > " + num();
    case 9:
      return lit();
    case 10:
      return lit() + ", " + lit();
    case 11:
      return "not(" + lit() + ")";
    case 12:
      return "not(" + lit() + ", " + lit() + ")";
    case 13:
      return "!= " + lit();
    case 14:
      return rng() % 2 ? "true" : "false";
    case 15:
      return "not(" + num() + ")";
    default:
      return num() + ", " + lit();  // mixed: never judged
  }
}

void ExpectSamePairs(const std::vector<RowPair>& got, const std::vector<RowPair>& want,
                     const std::string& context) {
  ASSERT_EQ(got.size(), want.size()) << context;
  for (std::size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].a, want[i].a) << context << " pair " << i;
    EXPECT_EQ(got[i].b, want[i].b) << context << " pair " << i;
    EXPECT_EQ(got[i].maybe_columns, want[i].maybe_columns) << context << " pair " << i;
  }
}

TEST(RowOverlapTest, SweepFindsExactlyThePairwiseFindings) {
  std::mt19937 rng(20240613);
  int certain_found = 0, possible_found = 0;
  for (int trial = 0; trial < 600; ++trial) {
    const std::size_t n = 2 + rng() % 40;
    const std::size_t columns = 1 + rng() % 3;
    std::vector<std::vector<InputEntry>> rows(n);
    std::string text;
    for (auto& row : rows) {
      for (std::size_t c = 0; c < columns; ++c) {
        // Some tables lean on few entry kinds, so that there are long disjoint runs too.
        std::string entry = RandomEntry(rng);
        if (trial % 3 == 0 && entry.find('"') != std::string::npos) entry = "-";
        auto parsed = ParseInputEntry(entry);
        ASSERT_TRUE(parsed.ok()) << entry;
        row.push_back(*parsed);
        text += entry + " | ";
      }
      text += "\n";
    }
    for (OverlapKind kind : {OverlapKind::kCertain, OverlapKind::kPossible}) {
      const std::vector<RowPair> want = Pairwise(rows, kind);
      const RowOverlaps got = FindRowOverlaps(Shapes(rows), kind, 1'000'000);
      EXPECT_FALSE(got.truncated);
      ExpectSamePairs(got.pairs, want, "trial " + std::to_string(trial) + ":\n" + text);
      (kind == OverlapKind::kCertain ? certain_found : possible_found) +=
          static_cast<int>(want.size());
      // With a cap, the pairs found are among the reference's, and the cap is reported.
      const std::size_t cap = 3;
      const RowOverlaps capped = FindRowOverlaps(Shapes(rows), kind, cap);
      EXPECT_EQ(capped.truncated, want.size() > cap);
      EXPECT_EQ(capped.pairs.size(), std::min(cap, want.size()));
      for (const RowPair& p : capped.pairs) {
        EXPECT_TRUE(std::any_of(want.begin(), want.end(),
                                [&](const RowPair& w) { return w.a == p.a && w.b == p.b; }));
      }
    }
    if (HasFailure()) return;
  }
  // The random tables exercise both outcomes a lot.
  EXPECT_GT(certain_found, 1000);
  EXPECT_GT(possible_found, 1000);
}

// A UNIQUE table of `n` rows: "[i..i+1)" for i = 0..n-1 on one input, or a grid of
// "[i..i+1)" x "[j..j+1)" on two.
std::string BigTable(int n, bool grid) {
  std::string text = "id: 'big'\ninputs { name: 'rate' expression: 'refund_rate' }\n";
  if (grid) text += "inputs { name: 'orders' expression: 'orders' }\n";
  text += "outputs { name: 'o' }\n";
  const int side = grid ? static_cast<int>(std::sqrt(n)) : n;
  for (int i = 0; i < side; ++i) {
    for (int j = 0; j < (grid ? side : 1); ++j) {
      text += "rows { input_entries: '[" + std::to_string(i) + ".." + std::to_string(i + 1) + ")'";
      if (grid) {
        text += " input_entries: '[" + std::to_string(j) + ".." + std::to_string(j + 1) + ")'";
      }
      text += " output_entries: '1' }\n";
    }
  }
  return text;
}

Result<DecisionTable> CompileBig(const std::string& text, std::vector<Issue>* issues) {
  auto env = rules::MakeEnvironment({"refund_rate", "orders"});
  if (!env.ok()) return env.status();
  const auto table = ParseText<v1::DecisionTable>(text);
  return DecisionTable::Compile(table, "decision_tables[0]", *env, nullptr, issues);
}

TEST(RowOverlapTest, ThirtyThousandDisjointRowsValidate) {
  for (bool grid : {false, true}) {
    std::vector<Issue> issues;
    auto table = CompileBig(BigTable(30'000, grid), &issues);
    ASSERT_TRUE(table.ok()) << table.status();
    for (const Issue& issue : issues) EXPECT_EQ(issue.severity, Issue::Severity::kWarning);
    // The lint's check of possible overlaps finds none either.
    v1::Bundle bundle;
    *bundle.add_decision_tables() = ParseText<v1::DecisionTable>(BigTable(30'000, grid));
    EXPECT_TRUE(lint::PossiblyOverlappingRows(bundle).empty());
  }
}

TEST(RowOverlapTest, ThirtyThousandIdenticalRowsReportABoundedList) {
  std::string text =
      "id: 'same'\ninputs { name: 'rate' expression: 'refund_rate' }\noutputs { name: 'o' }\n";
  for (int i = 0; i < 30'000; ++i) text += "rows { input_entries: '-' output_entries: '1' }\n";
  std::vector<Issue> issues;
  EXPECT_THAT(CompileBig(text, &issues),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("rows 0 and 1 overlap")));
  ASSERT_EQ(issues.size(), kMaxReportedOverlaps + 1);
  EXPECT_THAT(std::string(issues.back().status.message()), HasSubstr("more rows overlap"));
}

}  // namespace
}  // namespace credence::decision
