// Decision tables: compiling (with the static checks of a table) and evaluating under a
// hit policy. See decision_table.h.
#include "decision/decision_table.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <map>
#include <optional>
#include <utility>

#include "core/excerpt.h"
#include "decision/row_overlap.h"
#include "expr/analysis.h"
#include "expr/parser.h"

namespace credence::decision {
namespace {

std::optional<double> AsNumber(const expr::Value& v) {
  if (v.is_double()) return v.double_value();
  if (v.is_int()) return static_cast<double>(v.int_value());
  if (v.is_uint()) return static_cast<double>(v.uint_value());
  return std::nullopt;
}

bool IsNumericType(const expr::Type& type) {
  return type == expr::Type::Double() || type == expr::Type::Int() || type == expr::Type::Uint();
}

// A literal of `test` that can never equal a value of the input's static type.
bool CannotMatch(const UnaryTest& test, const expr::Type& type) {
  return (IsNumericType(type) && !test.value.is_double()) ||
         (type == expr::Type::String() && !test.value.is_string()) ||
         (type == expr::Type::Bool() && !test.value.is_bool());
}

expr::Type LiteralType(const expr::Value& v) {
  if (v.is_double()) return expr::Type::Double();
  if (v.is_int()) return expr::Type::Int();
  if (v.is_uint()) return expr::Type::Uint();
  if (v.is_string()) return expr::Type::String();
  if (v.is_bool()) return expr::Type::Bool();
  if (v.is_null()) return expr::Type::Null();
  return expr::Type::Dyn();
}

}  // namespace

std::string FormatLiteral(const expr::Value& v) {
  if (v.is_string()) {
    std::string out = "\"";
    for (char c : v.string_value()) {
      if (c == '"' || c == '\\') out += '\\';
      if (c == '\n') {
        out += "\\n";
        continue;
      }
      out += c;
    }
    return out + "\"";
  }
  if (v.is_bool()) return v.bool_value() ? "true" : "false";
  if (v.is_int()) return std::to_string(v.int_value());
  if (v.is_uint()) return std::to_string(v.uint_value()) + "u";
  if (v.is_double()) {
    char buf[64];
    auto [ptr, ec] = std::to_chars(buf, buf + sizeof buf, v.double_value());
    std::string s(buf, ptr);
    if (s.find_first_of(".eEn") == std::string::npos) s += ".0";  // keep it a double literal
    return s;
  }
  if (v.is_null()) return "null";
  return v.DebugString();
}

struct DecisionTable::Rep {
  std::string id;
  v1::DecisionHitPolicy policy;
  v1::CollectAggregation aggregation;
  std::vector<std::string> input_names, output_names;
  std::vector<std::shared_ptr<const expr::Program>> inputs;
  std::vector<std::vector<InputEntry>> rows;      // [row][input]
  std::vector<std::vector<expr::Value>> outputs;  // [row][output]; literal entries
  // [row][output]: the compiled expression of a non-literal entry (null for a literal).
  std::vector<std::vector<std::shared_ptr<const expr::Program>>> output_programs;
  std::vector<std::vector<OutputEntry>> output_entries;  // [row][output]
  std::vector<std::vector<expr::Value>> priority;        // [output] values in decreasing priority
};

DecisionTable::DecisionTable(std::unique_ptr<Rep> rep) : rep_(std::move(rep)) {}
DecisionTable::DecisionTable(DecisionTable&&) noexcept = default;
DecisionTable& DecisionTable::operator=(DecisionTable&&) noexcept = default;
DecisionTable::~DecisionTable() = default;
const std::string& DecisionTable::id() const { return rep_->id; }
v1::DecisionHitPolicy DecisionTable::hit_policy() const { return rep_->policy; }

int DecisionTable::OutputIndex(std::string_view name) const {
  for (std::size_t i = 0; i < rep_->output_names.size(); ++i) {
    if (rep_->output_names[i] == name) return static_cast<int>(i);
  }
  return -1;
}

std::vector<expr::Value> DecisionTable::OutputValues(int index) const {
  std::vector<expr::Value> out;
  for (const auto& row : rep_->output_entries) {
    const OutputEntry& e = row[static_cast<std::size_t>(index)];
    if (e.literal) out.push_back(*e.literal);
  }
  return out;
}

std::vector<OutputEntry> DecisionTable::OutputEntries(int index) const {
  std::vector<OutputEntry> out;
  for (const auto& row : rep_->output_entries) out.push_back(row[static_cast<std::size_t>(index)]);
  return out;
}

// Compiles one table into a Rep, collecting every problem. Thread-compatible; one per
// DecisionTable::Compile.
class TableCompiler {
 public:
  TableCompiler(const v1::DecisionTable& t, const std::string& path, const BundleSourceMap* locator,
                std::vector<Issue>* issues)
      : t_(t),
        path_(path),
        locator_(locator),
        issues_(issues),
        who_("decision table '" + t.id() + "'"),
        rep_(std::make_unique<DecisionTable::Rep>()) {}

  Result<std::unique_ptr<DecisionTable::Rep>> Run(const expr::Environment& env) {
    rep_->id = t_.id();
    rep_->policy = t_.hit_policy() == v1::DECISION_HIT_POLICY_UNSPECIFIED
                       ? v1::DECISION_HIT_POLICY_UNIQUE
                       : t_.hit_policy();
    rep_->aggregation = t_.aggregation();
    if (t_.id().empty()) Error(path_ + ".id", "id is required");
    if (t_.inputs_size() == 0 || t_.outputs_size() == 0) {
      Error(path_, "needs at least one input and one output");
    }
    CompileInputs(env);
    for (int o = 0; o < t_.outputs_size(); ++o) {
      rep_->output_names.push_back(t_.outputs(o).name());
      if (t_.outputs(o).name().empty()) {
        Error(path_ + ".outputs[" + std::to_string(o) + "].name", "output names are required");
      }
    }
    for (int r = 0; r < t_.rows_size(); ++r) CompileRow(r, env);
    if (!first_.ok()) return first_;
    CheckAggregation();
    CompilePriorities();
    CheckUniqueOverlaps();
    WarnUncovered();
    if (!first_.ok()) return first_;
    return std::move(rep_);
  }

 private:
  SourceLocation At(const std::string& p) const {
    return locator_ != nullptr ? locator_->Locate(p) : SourceLocation{.field_path = p};
  }
  void Report(Status s) {
    if (issues_ != nullptr) issues_->push_back({Issue::Severity::kError, s});
    if (first_.ok()) first_ = std::move(s);
  }
  void Error(const std::string& p, const std::string& message) {
    Report(InvalidArgumentError(who_ + ": " + message, At(p)));
  }
  void Warn(const std::string& p, const std::string& message) {
    if (issues_ != nullptr) {
      issues_->push_back(
          {Issue::Severity::kWarning, InvalidArgumentError(who_ + ": " + message, At(p))});
    }
  }

  void CompileInputs(const expr::Environment& env) {
    for (int i = 0; i < t_.inputs_size(); ++i) {
      const std::string ip = path_ + ".inputs[" + std::to_string(i) + "]";
      rep_->input_names.push_back(t_.inputs(i).name());
      auto program = expr::Compile(t_.inputs(i).expression(), env, {});
      if (!program.ok()) {
        Report(expr::LocateInField(program.status(), who_ + ": input '" + t_.inputs(i).name() + "'",
                                   At(ip + ".expression")));
        rep_->inputs.push_back(nullptr);
        input_types_.push_back(expr::Type::Dyn());
        continue;
      }
      input_types_.push_back((*program)->result_type());
      rep_->inputs.push_back(*program);
    }
  }

  void CompileRow(int r, const expr::Environment& env) {
    const v1::DecisionRow& row = t_.rows(r);
    const std::string rp = path_ + ".rows[" + std::to_string(r) + "]";
    if (row.input_entries_size() != t_.inputs_size() ||
        row.output_entries_size() != t_.outputs_size()) {
      Error(rp, "row " + std::to_string(r) + " has " + std::to_string(row.input_entries_size()) +
                    " input and " + std::to_string(row.output_entries_size()) +
                    " output entries; the table has " + std::to_string(t_.inputs_size()) + " and " +
                    std::to_string(t_.outputs_size()));
      return;
    }
    std::vector<InputEntry> entries;
    for (int i = 0; i < row.input_entries_size(); ++i) {
      const std::string ep = rp + ".input_entries[" + std::to_string(i) + "]";
      auto entry = ParseInputEntry(row.input_entries(i));
      if (!entry.ok()) {
        Error(ep, std::string(entry.status().message()));
        entries.emplace_back();
        continue;
      }
      const expr::Type& type = input_types_[static_cast<std::size_t>(i)];
      for (const UnaryTest& test : entry->tests) {
        if (CannotMatch(test, type)) {
          Error(ep, "entry '" + core::Excerpt(row.input_entries(i)) + "' cannot match input '" +
                        t_.inputs(i).name() + "' of type " + type.ToString());
          break;
        }
      }
      entries.push_back(std::move(entry).value());
    }
    std::vector<expr::Value> outs;
    std::vector<std::shared_ptr<const expr::Program>> programs;
    std::vector<OutputEntry> infos;
    for (int o = 0; o < row.output_entries_size(); ++o) {
      OutputEntry info{std::nullopt, expr::Type::Dyn(), row.output_entries(o)};
      std::shared_ptr<const expr::Program> program;
      CompileOutput(rp + ".output_entries[" + std::to_string(o) + "]", row.output_entries(o), env,
                    info, program);
      outs.push_back(info.literal.value_or(expr::Value()));
      programs.push_back(std::move(program));
      infos.push_back(std::move(info));
    }
    rep_->rows.push_back(std::move(entries));
    rep_->outputs.push_back(std::move(outs));
    rep_->output_programs.push_back(std::move(programs));
    rep_->output_entries.push_back(std::move(infos));
  }

  // A literal, else an expression type-checked against `env`.
  void CompileOutput(const std::string& path, const std::string& text, const expr::Environment& env,
                     OutputEntry& info, std::shared_ptr<const expr::Program>& program) {
    if (auto v = expr::EvaluateConstant(text); v.ok() && !v->is_error()) {
      info.type = LiteralType(*v);
      info.literal = *std::move(v);
      return;
    }
    auto compiled = expr::Compile(text, env, {});
    if (!compiled.ok()) {
      Report(expr::LocateInField(compiled.status(),
                                 who_ + ": output entry '" + core::Excerpt(text) +
                                     "' is neither a literal nor a valid expression",
                                 At(path)));
      return;
    }
    info.type = (*compiled)->result_type();
    program = *std::move(compiled);
  }

  void CheckAggregation() {
    const bool collect = rep_->policy == v1::DECISION_HIT_POLICY_COLLECT;
    if (rep_->aggregation != v1::COLLECT_AGGREGATION_UNSPECIFIED && !collect) {
      Error(path_ + ".aggregation", "an aggregation needs the COLLECT hit policy");
    }
    if (collect && (rep_->aggregation == v1::COLLECT_AGGREGATION_SUM ||
                    rep_->aggregation == v1::COLLECT_AGGREGATION_MIN ||
                    rep_->aggregation == v1::COLLECT_AGGREGATION_MAX)) {
      if (t_.outputs_size() != 1) Error(path_ + ".outputs", "SUM/MIN/MAX need exactly one output");
      for (std::size_t r = 0; r < rep_->output_entries.size(); ++r) {
        const OutputEntry& e = rep_->output_entries[r][0];
        if (e.literal ? !AsNumber(*e.literal) : !IsNumericType(e.type)) {
          Error(path_ + ".rows[" + std::to_string(r) + "].output_entries[0]",
                "SUM/MIN/MAX need numeric outputs");
        }
      }
    }
  }

  void CompilePriorities() {
    for (int o = 0; o < t_.outputs_size(); ++o) {
      std::vector<expr::Value> prio;
      for (const std::string& p : t_.outputs(o).priority()) {
        auto v = expr::EvaluateConstant(p);
        if (!v.ok()) {
          Error(path_ + ".outputs[" + std::to_string(o) + "].priority",
                "priority '" + core::Excerpt(p) + "' is not a literal");
          continue;
        }
        prio.push_back(*v);
      }
      rep_->priority.push_back(std::move(prio));
    }
    if (rep_->policy != v1::DECISION_HIT_POLICY_PRIORITY || rep_->outputs.empty()) return;
    const auto& prio = rep_->priority[0];
    for (std::size_t r = 0; r < rep_->outputs.size(); ++r) {
      if (!rep_->output_entries[r][0].literal) {
        Error(path_ + ".rows[" + std::to_string(r) + "].output_entries[0]",
              "PRIORITY: the first output of every row must be a literal");
        continue;
      }
      if (std::none_of(prio.begin(), prio.end(),
                       [&](const expr::Value& v) { return SameLiteral(v, rep_->outputs[r][0]); })) {
        Error(path_ + ".outputs[0].priority",
              "PRIORITY: output value " + FormatLiteral(rep_->outputs[r][0]) + " of row " +
                  std::to_string(r) + " is not in the priority list");
      }
    }
  }

  // Under UNIQUE, two rows whose entries certainly overlap on every input (row_overlap.h:
  // sorted and swept, not pairwise), at most kMaxReportedOverlaps pairs.
  void CheckUniqueOverlaps() {
    if (rep_->policy != v1::DECISION_HIT_POLICY_UNIQUE) return;
    std::vector<std::vector<EntryShape>> shapes;
    shapes.reserve(rep_->rows.size());
    for (const auto& row : rep_->rows) {
      std::vector<EntryShape>& out = shapes.emplace_back();
      for (const InputEntry& e : row) out.push_back(ShapeOf(e));
    }
    const RowOverlaps found = FindRowOverlaps(shapes, OverlapKind::kCertain, kMaxReportedOverlaps);
    for (const RowPair& p : found.pairs) {
      Error(path_ + ".rows[" + std::to_string(p.b) + "]",
            "rows " + std::to_string(p.a) + " and " + std::to_string(p.b) +
                " overlap, so the UNIQUE hit policy cannot hold");
    }
    if (found.truncated) {
      Error(path_ + ".rows", "more rows overlap; only the first " +
                                 std::to_string(kMaxReportedOverlaps) + " pairs found are listed");
    }
  }

  // A single numeric input whose rows leave values uncovered.
  void WarnUncovered() {
    if (rep_->inputs.size() != 1 || rep_->rows.empty()) return;
    std::vector<expr::Interval> all;
    for (const auto& row : rep_->rows) {
      auto iv = EntryIntervals(row[0]);
      if (!iv) return;
      all.insert(all.end(), iv->begin(), iv->end());
    }
    std::string gaps;
    for (const expr::Interval& gap : expr::Uncovered(std::move(all))) {
      gaps += (gaps.empty() ? "" : ", ") + gap.ToString();
    }
    if (!gaps.empty()) {
      Warn(path_ + ".rows", "input '" + rep_->input_names[0] + "' is not covered on " + gaps);
    }
  }

  const v1::DecisionTable& t_;
  const std::string& path_;
  const BundleSourceMap* locator_;
  std::vector<Issue>* issues_;
  const std::string who_;
  std::unique_ptr<DecisionTable::Rep> rep_;
  std::vector<expr::Type> input_types_;
  Status first_;
};

Result<DecisionTable> DecisionTable::Compile(const v1::DecisionTable& t, const std::string& path,
                                             const expr::Environment& env,
                                             const BundleSourceMap* locator,
                                             std::vector<Issue>* issues) {
  CREDENCE_ASSIGN_OR_RETURN(std::unique_ptr<Rep> rep,
                            TableCompiler(t, path, locator, issues).Run(env));
  return DecisionTable(std::move(rep));
}

// One evaluation of a table: inputs, matching rows, and the hit policy's outcome.
// Thread-compatible; one per DecisionTable::Evaluate.
class TableEvaluation {
 public:
  explicit TableEvaluation(const DecisionTable::Rep& t) : t_(t) { result().set_table_id(t.id); }

  TableOutcome Run(const expr::Activation& activation) {
    if (!EvaluateInputs(activation)) return std::move(out_);
    MatchRows();
    if (!EvaluateOutputs(activation)) return std::move(out_);
    switch (t_.policy) {
      case v1::DECISION_HIT_POLICY_UNIQUE:
        if (matched_.size() == 1) {
          Choose(matched_[0]);
        } else if (matched_.empty()) {
          Fail("no row matched");
        } else {
          AddMatchedRows();
          Fail("UNIQUE table matched " + std::to_string(matched_.size()) + " rows");
        }
        break;
      case v1::DECISION_HIT_POLICY_FIRST:
        matched_.empty() ? Fail("no row matched") : Choose(matched_[0]);
        break;
      case v1::DECISION_HIT_POLICY_PRIORITY:
        matched_.empty() ? Fail("no row matched") : ChooseByPriority();
        break;
      case v1::DECISION_HIT_POLICY_ANY:
        matched_.empty() ? Fail("no row matched") : AnyAgreeing();
        break;
      case v1::DECISION_HIT_POLICY_COLLECT:
        Collect();
        break;
      case v1::DECISION_HIT_POLICY_RULE_ORDER:
        for (int r : matched_) {
          result().add_matched_rows(r);
          EmitRow(r);
        }
        break;
      default:
        Fail("unknown hit policy");
    }
    return std::move(out_);
  }

 private:
  v1::DecisionTableResult& result() { return out_.result; }
  const std::vector<expr::Value>& Outputs(int r) const {
    auto it = evaluated_.find(r);
    return it != evaluated_.end() ? it->second : t_.outputs[static_cast<std::size_t>(r)];
  }

  // Evaluates the expression outputs of the matched rows the hit policy reads (FIRST: the
  // first; the others: all); false (the outcome failed) on an error.
  bool EvaluateOutputs(const expr::Activation& activation) {
    const std::size_t rows = t_.policy == v1::DECISION_HIT_POLICY_FIRST
                                 ? std::min<std::size_t>(1, matched_.size())
                                 : matched_.size();
    for (std::size_t k = 0; k < rows; ++k) {
      const auto r = static_cast<std::size_t>(matched_[k]);
      const auto& programs = t_.output_programs[r];
      if (std::all_of(programs.begin(), programs.end(), [](const auto& p) { return !p; })) {
        continue;
      }
      std::vector<expr::Value> values = t_.outputs[r];
      for (std::size_t o = 0; o < programs.size(); ++o) {
        if (!programs[o]) continue;
        auto v = programs[o]->Evaluate(activation);
        const std::string what = "output '" + t_.output_names[o] + "' of row " + std::to_string(r);
        if (!v.ok()) {
          Fail(what + ": " + std::string(v.status().message()));
          return false;
        }
        if (v->is_error()) {
          Fail(what + ": " + v->error().message);
          return false;
        }
        values[o] = *std::move(v);
      }
      evaluated_.emplace(static_cast<int>(r), std::move(values));
    }
    return true;
  }

  void Fail(const std::string& why) {
    result().set_errored(true);
    result().set_error(why);
    result().clear_outputs();
    out_.values.clear();
  }

  // Evaluates each input once; false (the outcome failed) on an error.
  bool EvaluateInputs(const expr::Activation& activation) {
    inputs_.reserve(t_.inputs.size());
    for (std::size_t i = 0; i < t_.inputs.size(); ++i) {
      auto v = t_.inputs[i]->Evaluate(activation);
      if (!v.ok()) {
        Fail("input '" + t_.input_names[i] + "': " + std::string(v.status().message()));
        return false;
      }
      if (v->is_error()) {
        Fail("input '" + t_.input_names[i] + "': " + v->error().message);
        return false;
      }
      inputs_.push_back(std::move(v).value());
    }
    return true;
  }

  void MatchRows() {
    for (std::size_t r = 0; r < t_.rows.size(); ++r) {
      bool all = true;
      for (std::size_t i = 0; i < inputs_.size() && all; ++i) {
        all = t_.rows[r][i].Matches(inputs_[i]);
      }
      if (all) matched_.push_back(static_cast<int>(r));
    }
  }

  void AddMatchedRows() {
    for (int r : matched_) result().add_matched_rows(r);
  }

  void EmitRow(int r) {
    for (std::size_t o = 0; o < t_.output_names.size(); ++o) {
      v1::NamedValue* nv = result().add_outputs();
      nv->set_name(t_.output_names[o]);
      nv->set_value(FormatLiteral(Outputs(r)[o]));
    }
  }

  void Choose(int r) {
    result().add_matched_rows(r);
    EmitRow(r);
    out_.values = Outputs(r);
  }

  // The matched row whose first output comes first in the priority list.
  void ChooseByPriority() {
    auto rank = [&](int r) {
      const auto& prio = t_.priority[0];
      for (std::size_t k = 0; k < prio.size(); ++k) {
        if (SameLiteral(prio[k], Outputs(r)[0])) return k;
      }
      return prio.size();
    };
    int best = matched_[0];
    for (int r : matched_) {
      if (rank(r) < rank(best)) best = r;
    }
    Choose(best);
  }

  // ANY: every matched row must have the same outputs.
  void AnyAgreeing() {
    for (int r : matched_) {
      for (std::size_t o = 0; o < t_.output_names.size(); ++o) {
        if (!SameLiteral(Outputs(r)[o], Outputs(matched_[0])[o])) {
          AddMatchedRows();
          Fail("ANY table matched rows " + std::to_string(matched_[0]) + " and " +
               std::to_string(r) + " with different outputs");
          return;
        }
      }
    }
    AddMatchedRows();
    EmitRow(matched_[0]);
    out_.values = Outputs(matched_[0]);
  }

  void AddOutput(const std::string& value) {
    v1::NamedValue* nv = result().add_outputs();
    nv->set_name(t_.output_names[0]);
    nv->set_value(value);
  }

  void Collect() {
    AddMatchedRows();
    const auto aggregation = t_.aggregation;
    if (aggregation == v1::COLLECT_AGGREGATION_COUNT) {
      AddOutput(std::to_string(matched_.size()));
    } else if (aggregation == v1::COLLECT_AGGREGATION_UNSPECIFIED) {
      for (int r : matched_) EmitRow(r);
    } else if (!matched_.empty()) {
      constexpr double kInf = std::numeric_limits<double>::infinity();
      double acc = aggregation == v1::COLLECT_AGGREGATION_SUM   ? 0.0
                   : aggregation == v1::COLLECT_AGGREGATION_MIN ? kInf
                                                                : -kInf;
      for (int r : matched_) {
        const double x = *AsNumber(Outputs(r)[0]);
        acc = aggregation == v1::COLLECT_AGGREGATION_SUM   ? acc + x
              : aggregation == v1::COLLECT_AGGREGATION_MIN ? std::min(acc, x)
                                                           : std::max(acc, x);
      }
      AddOutput(FormatLiteral(expr::Value::Double(acc)));
    } else if (aggregation == v1::COLLECT_AGGREGATION_SUM) {
      AddOutput("0.0");
    }
  }

  const DecisionTable::Rep& t_;
  std::map<int, std::vector<expr::Value>> evaluated_;  // expression outputs by row
  TableOutcome out_;
  std::vector<expr::Value> inputs_;
  std::vector<int> matched_;
};

TableOutcome DecisionTable::Evaluate(const expr::Activation& activation) const {
  return TableEvaluation(*rep_).Run(activation);
}

}  // namespace credence::decision
