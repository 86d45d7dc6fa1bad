// Fixture: a module above features, not in its DEPS (layering_detects_forbidden_module).
#include "features/plan.h"
#include "rules/rule_set.h"
