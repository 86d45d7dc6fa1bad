// The body of the three bundle fuzz targets (text, JSON, binary): parse, compile, lint,
// score.
#ifndef CREDENCE_FUZZ_BUNDLE_FUZZ_H_
#define CREDENCE_FUZZ_BUNDLE_FUZZ_H_

#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz/fuzz_util.h"
#include "lint/bundle_lint.h"

namespace credence::fuzz {

// The first request of examples/requests.jsonl, parsed once.
inline const v1::ScoreRequest& ExampleRequest() {
  static const v1::ScoreRequest request = [] {
    std::ifstream in(std::string(CREDENCE_SOURCE_DIR) + "/examples/requests.jsonl");
    std::string line;
    std::getline(in, line);
    auto parsed = ParseRequest(line, WireFormat::kJson);
    if (!parsed.ok()) std::abort();
    return *parsed;
  }();
  return request;
}

inline void FuzzBundle(std::string_view bytes, BundleFormat format) {
  auto loaded = ParseBundle(bytes, format, "fuzz");
  if (!loaded.ok()) {
    CheckStatus(loaded.status());
    return;
  }
  CompileOptions options;
  options.bundle_dir = ModelDir();
  std::vector<Issue> issues;
  auto engine = Engine::Compile(*loaded, options, &issues);
  for (const Issue& issue : issues) CheckStatus(issue.status);
  if (!engine.ok()) {
    CheckStatus(engine.status());
    return;
  }
  (void)lint::UnusedFeatures(loaded->bundle);
  (void)lint::NeverFiringRules(loaded->bundle);
  (void)lint::PossiblyOverlappingRows(loaded->bundle);
  ScoreAndCheck(**engine, ExampleRequest());
}

}  // namespace credence::fuzz

#endif  // CREDENCE_FUZZ_BUNDLE_FUZZ_H_
