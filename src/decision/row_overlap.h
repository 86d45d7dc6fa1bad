// File: decision/row_overlap.h
//
// Which rows of a decision table can match the same input, found without comparing every
// pair of rows: the overlap check of UNIQUE tables (a compile error) and of the bundle lint
// (a warning). The findings are exactly those of the pairwise check over RelateEntries
// (input_entry.h), in the same order, up to `max_pairs`.
//
// Cost: for each column, its entries are sorted and swept once (intervals by their ends,
// literals by value) to count the pairs of rows that overlap on that column alone; the
// column with the fewest such candidate pairs is then swept again to list them, and each
// candidate is checked on the other columns. Time O(c * n log n + K * c) for n rows and c
// columns, K the candidates of the most selective column (0 for a table whose rows are
// disjoint on some column, however many rows it has), memory O(c * n + max_pairs).
//
// Stateless and thread-safe.
#ifndef CREDENCE_DECISION_ROW_OVERLAP_H_
#define CREDENCE_DECISION_ROW_OVERLAP_H_

#include <cstddef>
#include <vector>

#include "decision/input_entry.h"

namespace credence::decision {

enum class OverlapKind {
  // Every column relates kOverlap: some input certainly matches both rows.
  kCertain,
  // No column relates kDisjoint and at least one kMaybe: the rows may overlap, unproven.
  kPossible,
};

// Rows a < b that overlap; for kPossible, the columns where the relation is kMaybe.
struct RowPair {
  std::size_t a = 0, b = 0;
  std::vector<std::size_t> maybe_columns;
};

struct RowOverlaps {
  std::vector<RowPair> pairs;  // sorted by (a, b)
  bool truncated = false;      // more pairs exist than max_pairs; `pairs` is some of them
};

// `rows[r][c]` is the shape of the entry of row r in column c; every row has the same
// number of columns. Finds the pairs of rows of `kind`, stopping once `max_pairs` are found.
RowOverlaps FindRowOverlaps(const std::vector<std::vector<EntryShape>>& rows, OverlapKind kind,
                            std::size_t max_pairs);

}  // namespace credence::decision

#endif  // CREDENCE_DECISION_ROW_OVERLAP_H_
