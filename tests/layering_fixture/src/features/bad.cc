// Deliberate layering violation: the layering_detects_violation test expects a failure here.
#include "rules/rule_set.h"
