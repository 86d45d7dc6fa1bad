// Fixture for the layering text check (tests/CMakeLists.txt): the bottom module.
#include "credence/status.h"
