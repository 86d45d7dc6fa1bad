// Fixture: rules declares io in its DEPS but includes only core and features
// (layering_detects_unused_edge).
#include <vector>

#include "core/base.h"
#include "features/plan.h"
#include "gtest/gtest.h"
#include "rule_set_impl.h"
