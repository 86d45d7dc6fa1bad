// Fixture: io uses core, as declared.
#include "core/base.h"
