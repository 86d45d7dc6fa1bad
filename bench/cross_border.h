// The bundles of models/ for the benchmarks; the cross-border one compiled once per program; the
// program aborts when it does not load (benchmarks do not link gtest, unlike
// tests/testing/cross_border.h).
#ifndef CREDENCE_BENCH_CROSS_BORDER_H_
#define CREDENCE_BENCH_CROSS_BORDER_H_

#include <cstdlib>
#include <memory>
#include <string>

#include "credence/engine.h"

namespace credence::bench {

// The bundle in models/<model>, compiled; aborts when it does not load.
inline std::shared_ptr<const Engine> CompileModelOrAbort(const std::string& model) {
  auto loaded = LoadBundle(std::string(CREDENCE_SOURCE_DIR) + "/models/" + model);
  if (!loaded.ok()) std::abort();
  auto e = Engine::Compile(*loaded);
  if (!e.ok()) std::abort();
  return *e;
}

inline std::shared_ptr<const Engine> CrossBorderEngine() {
  static const std::shared_ptr<const Engine> engine = CompileModelOrAbort("cross-border");
  return engine;
}

}  // namespace credence::bench

#endif  // CREDENCE_BENCH_CROSS_BORDER_H_
