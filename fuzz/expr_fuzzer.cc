// libFuzzer target: parse + check + compile + evaluate an arbitrary rule expression against
// a small environment (three features, request variables), on the general evaluator, the
// flat form and the flat batch (the expression lowered twice into one batch, so the second
// copy is all shared subexpressions), which must agree. Any crash, sanitizer report or
// disagreement is a bug.
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <string_view>
#include <vector>

#include "expr/flat.h"
#include "expr/flat_batch.h"
#include "expr/program.h"
#include "rules/context.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const credence::expr::Environment* env = [] {
    auto e = credence::rules::MakeEnvironment({"a", "b", "c"});
    if (!e.ok()) std::abort();
    return new credence::expr::Environment(std::move(e).value());
  }();
  if (size < 1) return 0;
  // The first byte picks the feature values (some missing); the rest is the expression.
  const double choices[] = {0.0, 1.5, -2.0, std::numeric_limits<double>::quiet_NaN(), 1e300};
  const std::vector<double> features = {choices[data[0] % 5], choices[(data[0] / 5) % 5],
                                        choices[(data[0] / 25) % 5]};
  const std::string_view source(reinterpret_cast<const char*>(data + 1), size - 1);
  credence::expr::CompileOptions options;
  options.max_steps = 100'000;
  auto program = credence::expr::Compile(source, *env, options);
  if (!program.ok()) return 0;
  credence::expr::Activation activation;
  activation.set_features(features);
  auto general = (*program)->Evaluate(activation);
  if (const credence::expr::FlatProgram* flat = (*program)->flat()) {
    using credence::expr::Tri;
    const Tri want = !general.ok() || !general->is_bool() ? Tri::kError
                     : general->bool_value()              ? Tri::kTrue
                                                          : Tri::kFalse;
    if (flat->Evaluate(features) != want) std::abort();
    const credence::expr::Program* twice[] = {program->get(), program->get()};
    const auto batch = credence::expr::FlatBatch::Lower(twice);
    Tri got[2] = {Tri::kError, Tri::kError};
    batch.Evaluate(features, got);
    if (batch.covers(0) && (got[0] != want || got[1] != want)) std::abort();
  }
  return 0;
}
