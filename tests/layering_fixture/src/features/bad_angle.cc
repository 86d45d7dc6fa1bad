// Fixture: the same forbidden module, with angle brackets (layering_detects_forbidden_angle).
#include <rules/rule_set.h>
