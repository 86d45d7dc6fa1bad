// The cross-border bundle (models/cross-border), compiled once per test binary.
#ifndef CREDENCE_TESTS_TESTING_CROSS_BORDER_H_
#define CREDENCE_TESTS_TESTING_CROSS_BORDER_H_

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "credence/engine.h"

namespace credence::testing {

// Null (with a test failure) when the bundle does not load or compile.
inline std::shared_ptr<const Engine> CrossBorderEngine() {
  static const std::shared_ptr<const Engine> engine = [] {
    auto loaded = LoadBundle(std::string(CREDENCE_SOURCE_DIR) + "/models/cross-border");
    EXPECT_TRUE(loaded.ok()) << loaded.status();
    auto compiled = Engine::Compile(*loaded);
    EXPECT_TRUE(compiled.ok()) << compiled.status();
    return compiled.ok() ? *compiled : nullptr;
  }();
  return engine;
}

}  // namespace credence::testing

#endif  // CREDENCE_TESTS_TESTING_CROSS_BORDER_H_
