// Fixture: features uses core and io, as declared.
#include "core/base.h"
#include "io/table.h"
