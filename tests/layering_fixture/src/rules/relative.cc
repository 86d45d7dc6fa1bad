// Fixture: an include that climbs out of its folder (layering_detects_relative_include).
#include "../features/plan.h"
