// Bundle lint. See bundle_lint.h.
#include "lint/bundle_lint.h"

#include <optional>
#include <regex>
#include <set>
#include <string>
#include <utility>

#include "decision/decision_table.h"
#include "decision/input_entry.h"
#include "decision/row_overlap.h"
#include "expr/analysis.h"
#include "expr/parser.h"
#include "rules/rule_set.h"

namespace credence::lint {

std::vector<LintFinding> UnusedFeatures(const v1::Bundle& bundle) {
  std::set<std::string> used;
  auto use_expr = [&](const std::string& text) {
    auto names = expr::ReferencedNames(text);
    if (!names.ok()) return;
    for (const std::string& n : *names) used.insert(n.substr(0, n.find('.')));
  };
  for (const auto* sets : {&bundle.rule_sets(), &bundle.screening().rule_sets()}) {
    for (const auto& set : *sets) {
      for (const auto& rule : set.rules()) {
        use_expr(rule.condition());
        for (const auto& n : rules::TemplateFeatureNames(rule.message())) used.insert(n);
      }
    }
  }
  for (const auto& table : bundle.decision_tables()) {
    for (const auto& in : table.inputs()) use_expr(in.expression());
  }
  for (const auto& model : bundle.models()) {
    for (const auto& t : model.logistic().terms()) used.insert(t.feature());
    for (const auto& c : model.scorecard().characteristics()) {
      if (c.has_feature()) used.insert(c.feature());
    }
    for (const auto& f : model.tree_ensemble().features()) used.insert(f);
  }
  for (const auto& rc : bundle.reason_codes()) used.insert(rc.feature());
  for (const auto& f : bundle.features()) {
    if (f.has_ratio()) {
      used.insert(f.ratio().numerator());
      used.insert(f.ratio().denominator());
    }
    if (f.has_growth()) used.insert(f.growth().feature());
  }
  std::vector<LintFinding> out;
  for (int i = 0; i < bundle.features_size(); ++i) {
    const std::string& name = bundle.features(i).name();
    if (!used.count(name)) {
      out.push_back({"features[" + std::to_string(i) + "].name",
                     "feature '" + name +
                         "' is not used by any rule, decision table, model, reason code or "
                         "other feature"});
    }
  }
  return out;
}

namespace {

void AddNeverFiring(const google::protobuf::RepeatedPtrField<v1::RuleSet>& sets,
                    const std::string& path, std::vector<LintFinding>& out) {
  for (int s = 0; s < sets.size(); ++s) {
    const auto& set = sets[s];
    for (int r = 0; r < set.rules_size(); ++r) {
      auto parsed = expr::Parse(set.rules(r).condition());
      if (!parsed.ok()) continue;  // a compile error reports it
      std::string why;
      if (expr::AnalyzeCondition(*parsed->root, &why) == expr::Satisfiability::kNever) {
        out.push_back(
            {path + "[" + std::to_string(s) + "].rules[" + std::to_string(r) + "].condition",
             "rule '" + set.id() + "/" + set.rules(r).id() + "' can never fire: " + why});
      }
    }
  }
}

}  // namespace

std::vector<LintFinding> NeverFiringRules(const v1::Bundle& bundle) {
  std::vector<LintFinding> out;
  AddNeverFiring(bundle.rule_sets(), "rule_sets", out);
  AddNeverFiring(bundle.screening().rule_sets(), "screening.rule_sets", out);
  return out;
}

std::vector<LintFinding> PossiblyOverlappingRows(const v1::Bundle& bundle) {
  std::vector<LintFinding> out;
  for (int t = 0; t < bundle.decision_tables_size(); ++t) {
    const auto& table = bundle.decision_tables(t);
    if (table.hit_policy() != v1::DECISION_HIT_POLICY_UNIQUE) continue;
    // Rows with a bad entry or the wrong width are compile errors; they are left out.
    std::vector<std::vector<decision::EntryShape>> rows;
    std::vector<int> row_numbers;
    for (int r = 0; r < table.rows_size(); ++r) {
      const auto& row = table.rows(r);
      if (row.input_entries_size() != table.inputs_size()) continue;
      std::vector<decision::EntryShape> shapes;
      for (const auto& text : row.input_entries()) {
        auto e = decision::ParseInputEntry(text);
        if (!e.ok()) break;
        shapes.push_back(decision::ShapeOf(*e));
      }
      if (shapes.size() != static_cast<std::size_t>(table.inputs_size())) continue;
      rows.push_back(std::move(shapes));
      row_numbers.push_back(r);
    }
    const decision::RowOverlaps found = decision::FindRowOverlaps(
        rows, decision::OverlapKind::kPossible, decision::kMaxReportedOverlaps);
    const std::string where = "decision_tables[" + std::to_string(t) + "]";
    for (const decision::RowPair& p : found.pairs) {
      const std::string a = std::to_string(row_numbers[p.a]);
      const std::string b = std::to_string(row_numbers[p.b]);
      std::string unsure;
      for (std::size_t c : p.maybe_columns) {
        if (!unsure.empty()) unsure += ", ";
        unsure += "'" + table.inputs(static_cast<int>(c)).name() + "'";
      }
      out.push_back({where + ".rows[" + b + "]",
                     "UNIQUE table '" + table.id() + "': rows " + a + " and " + b +
                         " may overlap (not provably disjoint on " + unsure + ")"});
    }
    if (found.truncated) {
      out.push_back({where + ".rows", "UNIQUE table '" + table.id() +
                                          "': more rows may overlap; only the first " +
                                          std::to_string(decision::kMaxReportedOverlaps) +
                                          " pairs found are listed"});
    }
  }
  return out;
}

}  // namespace credence::lint

namespace credence::lint {

std::vector<LintFinding> ScreeningFindings(const v1::Bundle& bundle) {
  std::vector<LintFinding> out;
  std::set<std::string> read;
  const auto& sets = bundle.screening().rule_sets();
  // event.kind compared with a literal that is no EventKind name (without EVENT_KIND_).
  static const std::regex kKindLiteral(
      R"re(event\.kind\s*(==|!=)\s*['"]([^'"]*)['"]|['"]([^'"]*)['"]\s*(==|!=)\s*event\.kind)re");
  for (int s = 0; s < sets.size(); ++s) {
    for (int r = 0; r < sets[s].rules_size(); ++r) {
      const v1::Rule& rule = sets[s].rules(r);
      const std::string path =
          "screening.rule_sets[" + std::to_string(s) + "].rules[" + std::to_string(r) + "]";
      const std::string who = "screening rule '" + sets[s].id() + "/" + rule.id() + "'";
      if (auto names = expr::ReferencedNames(rule.condition()); names.ok()) {
        for (const std::string& n : *names) read.insert(n);
      }
      for (std::sregex_iterator it(rule.condition().begin(), rule.condition().end(), kKindLiteral),
           end;
           it != end; ++it) {
        const std::string kind = (*it)[2].matched ? (*it)[2].str() : (*it)[3].str();
        v1::EventKind parsed;
        if (!v1::EventKind_Parse("EVENT_KIND_" + kind, &parsed)) {
          out.push_back({path + ".condition", who + " compares event.kind with '" + kind +
                                                  "', which is no event kind (\"ORDER\", "
                                                  "\"PAYMENT\", ...): it never matches"});
        }
      }
      if (rule.outcome() == v1::OUTCOME_UNSPECIFIED && rule.points() == 0) {
        out.push_back({path, who + " has neither an outcome nor points: a hit changes nothing"});
      }
    }
  }
  for (int i = 0; i < bundle.lists_size(); ++i) {
    if (!read.count("lists." + bundle.lists(i).name())) {
      out.push_back({"lists[" + std::to_string(i) + "].name",
                     "list '" + bundle.lists(i).name() + "' is not read by any screening rule"});
    }
  }
  return out;
}

}  // namespace credence::lint
