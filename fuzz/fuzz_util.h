// Shared pieces of the libFuzzer targets: the engines scored against, the invariants every
// target checks. A violated invariant calls __builtin_trap(), which libFuzzer reports as a
// crash with its input.
#ifndef CREDENCE_FUZZ_FUZZ_UTIL_H_
#define CREDENCE_FUZZ_FUZZ_UTIL_H_

#include <google/protobuf/stubs/logging.h>

#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "core/utf8.h"
#include "credence/bundle.h"
#include "credence/engine.h"

namespace credence::fuzz {

// Protobuf logs every invalid UTF-8 string it meets; the targets meet millions.
inline google::protobuf::LogSilencer protobuf_logs_off;

// The starter bundle, compiled once (the source tree's models/starter).
inline const Engine& StarterEngine() {
  static const std::shared_ptr<const Engine> engine = [] {
    auto loaded = LoadBundle(std::string(CREDENCE_SOURCE_DIR) + "/models/starter");
    if (!loaded.ok()) std::abort();
    auto compiled = Engine::Compile(*loaded);
    if (!compiled.ok()) std::abort();
    return *compiled;
  }();
  return *engine;
}

// Folder that model files of fuzzed bundles resolve against: real XGBoost and LightGBM
// models live there.
inline std::string ModelDir() { return std::string(CREDENCE_SOURCE_DIR) + "/tests/models/data"; }

// Every error message and location is valid UTF-8 (they end up in JSON output).
inline void CheckStatus(const Status& s) {
  if (s.ok()) return;
  if (!core::IsValidUtf8(s.message())) __builtin_trap();
  if (const SourceLocation* at = s.location()) {
    if (!core::IsValidUtf8(at->file) || !core::IsValidUtf8(at->field_path)) __builtin_trap();
  }
}

// Scores `request` with `engine`: the response serializes to valid UTF-8 JSON, the same
// bytes twice (determinism); an error is a clean Status.
inline void ScoreAndCheck(const Engine& engine, const v1::ScoreRequest& request) {
  auto first = engine.Score(request);
  if (!first.ok()) {
    CheckStatus(first.status());
    return;
  }
  auto json = SerializeResponse(*first, WireFormat::kJson);
  if (!json.ok()) __builtin_trap();
  if (!core::IsValidUtf8(*json)) __builtin_trap();
  auto second = engine.Score(request);
  if (!second.ok()) __builtin_trap();
  auto again = SerializeResponse(*second, WireFormat::kJson);
  if (!again.ok() || *again != *json) __builtin_trap();
}

// The body of the request targets: ParseRequest in `format`, then ScoreAndCheck with the
// starter bundle.
inline void FuzzRequest(std::string_view bytes, WireFormat format) {
  auto request = ParseRequest(bytes, format);
  if (!request.ok()) {
    CheckStatus(request.status());
    return;
  }
  ScoreAndCheck(StarterEngine(), *request);
}

}  // namespace credence::fuzz

#endif  // CREDENCE_FUZZ_FUZZ_UTIL_H_
