// The cross-border bundle (models/cross-border), compiled once per benchmark program; the
// program aborts when it does not load (benchmarks do not link gtest, unlike
// tests/testing/cross_border.h).
#ifndef CREDENCE_BENCH_CROSS_BORDER_H_
#define CREDENCE_BENCH_CROSS_BORDER_H_

#include <cstdlib>
#include <memory>
#include <string>

#include "credence/engine.h"

namespace credence::bench {

inline std::shared_ptr<const Engine> CrossBorderEngine() {
  static const std::shared_ptr<const Engine> engine = [] {
    auto loaded = LoadBundle(std::string(CREDENCE_SOURCE_DIR) + "/models/cross-border");
    if (!loaded.ok()) std::abort();
    auto e = Engine::Compile(*loaded);
    if (!e.ok()) std::abort();
    return *e;
  }();
  return engine;
}

}  // namespace credence::bench

#endif  // CREDENCE_BENCH_CROSS_BORDER_H_
