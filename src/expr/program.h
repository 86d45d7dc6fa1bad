// File: expr/program.h
//
// Compile once, evaluate fast: parses (parser.h), checks (checker.h) and plans (planner.h)
// an expression into an immutable Program: a tree of nodes with resolved overloads,
// variable slots, precompiled regular expressions and time zones and folded constants, run
// by the general evaluator (evaluator.h), plus, for bool expressions in the flat subset,
// the flat form (flat.h) that EvaluateBool runs first. Any number of threads evaluate a
// Program at once.
//
// **Example** (the engine's fast path: rule conditions over a dense feature vector):
//
//   Environment env;
//   env.DeclareFeature("refund_rate_90d", 0);
//   env.DeclareFeature("orders_30d", 1);
//   Result<std::shared_ptr<const Program>> p = Compile(
//       "refund_rate_90d > 0.2 && orders_30d >= 10.0", env, {.expected_type = Type::Bool()});
//   if (!p.ok()) return p.status();                  // carries line:column
//   std::vector<double> features = {0.35, 12.0};      // NaN = missing
//   Result<bool> hit = (*p)->EvaluateBool(features);  // true; an error if a feature is NaN
//
// Two tiers of failure (as cel-cpp):
//   * CEL evaluation errors (division by zero, no such key, a missing feature, overflow) are
//     values: Evaluate() returns OK with an error Value, so `false && <error>` is still false.
//   * Non-recoverable problems are a non-OK Status: the cost budget ran out, or memory
//     could not be allocated (kResourceExhausted).
// EvaluateBool() folds both into its Result: an error value becomes a Status with the error's
// code and message (kNotFound "no such feature value: 'x'" for a NaN feature).
//
// Program is immutable and thread-safe: Evaluate is const, touches no global state, and takes
// all per-call state from its arguments. The common path (numeric comparisons of double
// features against constants combined with && || !) does not allocate.
#ifndef CREDENCE_EXPR_PROGRAM_H_
#define CREDENCE_EXPR_PROGRAM_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "credence/result.h"
#include "credence/status.h"
#include "expr/checker.h"
#include "expr/parser.h"
#include "expr/types.h"
#include "expr/value.h"

namespace credence::expr {

// Default evaluation cost budget; see CompileOptions::max_steps.
inline constexpr std::uint64_t kDefaultMaxSteps = 1'000'000;

struct CompileOptions {
  // Parser limits (source length, nesting depth) and macro expansion.
  ParseOptions parse;
  // Type-check against the Environment. When false, names are still resolved but types are
  // not checked (CEL dynamic evaluation); unknown names and functions fail at run time.
  // Default: true.
  bool check_types = true;
  // When set, the checked result type must be assignable to it (rules use Type::Bool()).
  // Default: none.
  std::optional<Type> expected_type;
  // Evaluation cost budget: each node evaluated and each comprehension iteration costs one
  // step, and a call one more step per 64 bytes or 8 entries it builds, copies, compares or
  // searches (cost.h), charged before it runs; an evaluation that would exceed it fails
  // with kResourceExhausted before allocating. Strings built in one evaluation therefore
  // total at most about 64 bytes per step (64 MB by default). An allocation that fails
  // anyway is kResourceExhausted too ("evaluation ran out of memory"), never a crash.
  // Default: 1,000,000.
  std::uint64_t max_steps = kDefaultMaxSteps;
  // Evaluate constant subexpressions at compile time. Default: true.
  bool fold_constants = true;
};

// Variable bindings for one evaluation. Thread-compatible: build one per call (or share a
// const one between threads).
class Activation {
 public:
  // Binds a (fully qualified) variable name; a second Bind of the same name replaces it.
  void Bind(std::string name, Value value);
  // Feature values for variables declared with Environment::DeclareFeature; the span must
  // outlive the evaluation. NaN means missing.
  void set_features(std::span<const double> features) { features_ = features; }
  std::span<const double> features() const { return features_; }
  // Names this activation does not bind are looked up in `parent` (may be null), which must
  // outlive the evaluation: bindings shared by many evaluations (e.g. a bundle's named lists)
  // are bound once there instead of into each activation.
  void set_parent(const Activation* parent) { parent_ = parent; }
  const Value* Find(std::string_view name) const;

 private:
  // Sorted by name, names unique: a few bindings per evaluation, built and freed in one
  // allocation rather than a tree node each.
  std::vector<std::pair<std::string, Value>> values_;
  std::span<const double> features_;
  const Activation* parent_ = nullptr;
};

struct Node;        // node.h
class FlatProgram;  // flat.h

class Program {
 public:
  Program(const Program&) = delete;
  Program& operator=(const Program&) = delete;
  ~Program();

  // Evaluates with the given bindings. Returns the value (possibly an error value) or, for
  // non-recoverable problems, a non-OK Status (kResourceExhausted when max_steps runs out).
  Result<Value> Evaluate(const Activation& activation) const;

  // Fast path for rule conditions: features by slot from `features` (NaN = missing), other
  // variables from `extra` (may be null). Returns the bool result, or a Status: the code and
  // message of a CEL error value (e.g. kNotFound "no such feature value: 'x'"),
  // kInvalidArgument when the result is not a bool, kResourceExhausted for the budget.
  // When the whole expression lies in the flat subset (comparisons of double arithmetic
  // over features and constants combined with && || ! ?:, decided at compile time), its
  // flat form runs (flat.h): no Value is built and nothing is allocated, tens of
  // nanoseconds for a handful of comparisons. An error result, and every expression outside
  // the subset, runs on the general evaluator; the result is always the same as Evaluate's.
  Result<bool> EvaluateBool(std::span<const double> features,
                            const Activation* extra = nullptr) const;

  // Like EvaluateBool for numeric expressions (int and uint results are converted).
  Result<double> EvaluateDouble(std::span<const double> features,
                                const Activation* extra = nullptr) const;

  // The checked result type (dyn when type checking was disabled).
  const Type& result_type() const { return result_type_; }
  const std::string& source() const { return source_; }
  // Number of nodes after constant folding (for tests and diagnostics).
  std::size_t node_count() const { return node_count_; }
  // True when EvaluateBool uses the flat form (see EvaluateBool).
  bool uses_fast_path() const { return flat_ != nullptr; }
  // The flat form, or null when the expression lies outside its subset.
  const FlatProgram* flat() const { return flat_.get(); }
  // The planned tree (node.h), e.g. for lowering many conditions into one FlatBatch.
  const Node& root() const { return *root_; }

 private:
  friend Result<std::shared_ptr<const Program>> Compile(std::string_view, const Environment&,
                                                        const CompileOptions&,
                                                        std::vector<Status>*);
  Program() = default;
  // Evaluates; sets *exhausted when the budget ran out or memory could not be allocated
  // (std::bad_alloc is caught here, so no evaluation terminates the process).
  Value Run(const Activation* activation, std::span<const double> features, bool* exhausted) const;
  // The kResourceExhausted status for an exhausted run that returned `v`.
  Status Exhausted(const Value& v) const;

  std::unique_ptr<const Node> root_;
  std::unique_ptr<const FlatProgram> flat_;  // EvaluateBool's fast path, or null
  std::string source_;
  Type result_type_;
  int num_locals_ = 0;
  std::uint64_t max_steps_ = kDefaultMaxSteps;
  std::size_t node_count_ = 0;
};

// Parses, checks and plans `source` against `env`. Returns the first problem as the Status;
// if `issues` is non-null it also receives every problem the checker found (a syntax error
// stops at the first).
// Errors (with line:column where they apply):
//   kInvalidArgument  syntax, type and name errors; an invalid constant regular expression
//                     or time zone; a result type other than options.expected_type
//   kOutOfRange       parser limits (length, nesting) and out-of-range literals
// Thread-safe: any number of threads may compile against one Environment at once.
Result<std::shared_ptr<const Program>> Compile(std::string_view source, const Environment& env,
                                               const CompileOptions& options = {},
                                               std::vector<Status>* issues = nullptr);

}  // namespace credence::expr

#endif  // CREDENCE_EXPR_PROGRAM_H_
