// Overlapping rows of a decision table by sorting and sweeping one column. See
// row_overlap.h.
#include "decision/row_overlap.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <unordered_set>
#include <utility>

namespace credence::decision {
namespace {

using Kind = EntryShape::Kind;

// An end of an interval for the sweep. At equal x, ends that exclude x go first, then
// starts that include it, then ends that include it, then starts that exclude it; so two
// intervals are active together exactly when they share a point.
struct SweepEvent {
  double x;
  int order;  // 0 open end, 1 closed start, 2 closed end, 3 open start
  std::size_t row;
  std::size_t id;  // interval number within the column
  bool start;
};

// The pairs of rows that may relate as `kind` needs on one column: a superset of those
// pairs (each possibly more than once), listed without comparing all pairs.
class ColumnCandidates {
 public:
  ColumnCandidates(const std::vector<std::vector<EntryShape>>& rows, std::size_t column,
                   OverlapKind kind)
      : n_(rows.size()) {
    const bool possible = kind == OverlapKind::kPossible;
    for (std::size_t r = 0; r < rows.size(); ++r) {
      const EntryShape& e = rows[r][column];
      if (e.kind == Kind::kAny ||
          (possible && (e.kind == Kind::kOther || (e.kind == Kind::kLiterals && e.negated)))) {
        wild_.push_back(r);
      } else if (e.kind == Kind::kIntervals && (possible || e.judged)) {
        AddIntervals(r, e.intervals);
      } else if (e.kind == Kind::kLiterals && !e.negated) {
        literal_rows_.push_back(r);
        AddLiterals(r, e.literals);
      }
    }
    std::sort(events_.begin(), events_.end(), [](const SweepEvent& a, const SweepEvent& b) {
      return a.x < b.x || (a.x == b.x && a.order < b.order);
    });
    if (!possible) literal_rows_.clear();  // interval x literal pairs are never certain
  }

  // An upper bound of the number of candidate pairs.
  std::uint64_t Count() const {
    std::uint64_t count = static_cast<std::uint64_t>(wild_.size()) * n_;
    count += static_cast<std::uint64_t>(interval_rows_) * literal_rows_.size();
    for (const auto& [key, group] : literal_groups_) {
      count += static_cast<std::uint64_t>(group.size()) * (group.size() - 1) / 2;
    }
    std::uint64_t active = 0;
    for (const SweepEvent& e : events_) {
      if (e.start) count += active;
      active = e.start ? active + 1 : active - 1;
    }
    return count;
  }

  // Calls visit(a, b) for each candidate (a != b); stops when it returns false. False when
  // stopped.
  template <typename Visit>
  bool ForEach(Visit&& visit) const {
    for (std::size_t w : wild_) {
      for (std::size_t r = 0; r < n_; ++r) {
        if (r != w && !visit(w, r)) return false;
      }
    }
    for (const auto& [key, group] : literal_groups_) {
      for (std::size_t i = 0; i < group.size(); ++i) {
        for (std::size_t j = i + 1; j < group.size(); ++j) {
          if (!visit(group[i], group[j])) return false;
        }
      }
    }
    for (std::size_t r : literal_rows_) {
      for (std::size_t i : interval_row_list_) {
        if (!visit(i, r)) return false;
      }
    }
    return Sweep(visit);
  }

 private:
  void AddIntervals(std::size_t row, const std::vector<expr::Interval>& intervals) {
    ++interval_rows_;
    interval_row_list_.push_back(row);
    for (const expr::Interval& iv : intervals) {
      if (iv.empty()) continue;
      const std::size_t id = intervals_++;
      events_.push_back({iv.lo, iv.lo_closed ? 1 : 3, row, id, true});
      events_.push_back({iv.hi, iv.hi_closed ? 2 : 0, row, id, false});
    }
  }

  void AddLiterals(std::size_t row, const std::vector<expr::Value>& literals) {
    std::vector<std::string> keys;
    for (const expr::Value& v : literals) {
      if (v.is_string()) keys.push_back("s" + v.string_value());
      if (v.is_bool()) keys.push_back(v.bool_value() ? "b1" : "b0");
    }
    std::sort(keys.begin(), keys.end());
    keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
    for (std::string& key : keys) literal_groups_[std::move(key)].push_back(row);
  }

  // Pairs of rows with intervals that share a point: when an interval starts, it overlaps
  // every interval still active.
  template <typename Visit>
  bool Sweep(Visit&& visit) const {
    std::vector<std::size_t> active;                   // interval ids
    std::vector<std::size_t> position(intervals_, 0);  // of each id in `active`
    std::vector<std::size_t> row_of(intervals_, 0);
    for (const SweepEvent& e : events_) {
      if (!e.start) {
        const std::size_t at = position[e.id];
        active[at] = active.back();
        position[active[at]] = at;
        active.pop_back();
        continue;
      }
      for (std::size_t other : active) {
        if (row_of[other] != e.row && !visit(row_of[other], e.row)) return false;
      }
      row_of[e.id] = e.row;
      position[e.id] = active.size();
      active.push_back(e.id);
    }
    return true;
  }

  std::size_t n_;
  std::vector<std::size_t> wild_;
  std::vector<SweepEvent> events_;
  std::size_t intervals_ = 0;
  std::size_t interval_rows_ = 0;
  std::vector<std::size_t> interval_row_list_;
  std::vector<std::size_t> literal_rows_;
  std::map<std::string, std::vector<std::size_t>> literal_groups_;
};

// Whether rows a and b relate as `kind` asks, checking every column; the kMaybe columns go
// to `maybe` for kPossible.
bool Qualifies(const std::vector<EntryShape>& a, const std::vector<EntryShape>& b, OverlapKind kind,
               std::vector<std::size_t>& maybe) {
  maybe.clear();
  for (std::size_t c = 0; c < a.size(); ++c) {
    const EntryRelation r = Relate(a[c], b[c]);
    if (r == EntryRelation::kDisjoint) return false;
    if (r == EntryRelation::kMaybe) {
      if (kind == OverlapKind::kCertain) return false;
      maybe.push_back(c);
    }
  }
  return kind == OverlapKind::kCertain || !maybe.empty();
}

}  // namespace

RowOverlaps FindRowOverlaps(const std::vector<std::vector<EntryShape>>& rows, OverlapKind kind,
                            std::size_t max_pairs) {
  RowOverlaps out;
  if (rows.size() < 2) return out;
  const std::size_t columns = rows[0].size();
  std::unordered_set<std::uint64_t> seen;
  std::vector<std::size_t> maybe;
  auto visit = [&](std::size_t a, std::size_t b) {
    if (a > b) std::swap(a, b);
    // A candidate may come up more than once; only found pairs are remembered (memory
    // O(max_pairs)), the others are checked again.
    if (!Qualifies(rows[a], rows[b], kind, maybe)) return true;
    if (!seen.insert(static_cast<std::uint64_t>(a) * rows.size() + b).second) return true;
    if (out.pairs.size() == max_pairs) {
      out.truncated = true;
      return false;
    }
    out.pairs.push_back({a, b, maybe});
    return true;
  };
  if (columns == 0) {  // no column can tell rows apart
    for (std::size_t a = 0; a < rows.size() && !out.truncated; ++a) {
      for (std::size_t b = a + 1; b < rows.size() && visit(a, b); ++b) {
      }
    }
  } else {
    std::size_t best = 0;
    std::uint64_t best_count = std::numeric_limits<std::uint64_t>::max();
    for (std::size_t c = 0; c < columns; ++c) {
      const std::uint64_t count = ColumnCandidates(rows, c, kind).Count();
      if (count < best_count) {
        best = c;
        best_count = count;
      }
    }
    ColumnCandidates(rows, best, kind).ForEach(visit);
  }
  std::sort(out.pairs.begin(), out.pairs.end(), [](const RowPair& x, const RowPair& y) {
    return x.a < y.a || (x.a == y.a && x.b < y.b);
  });
  return out;
}

}  // namespace credence::decision
