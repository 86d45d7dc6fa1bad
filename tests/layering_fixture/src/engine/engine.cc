// Fixture: the top module, implementing its public header.
#include "credence/engine.h"
#include "core/base.h"
#include "rules/rule_set.h"
