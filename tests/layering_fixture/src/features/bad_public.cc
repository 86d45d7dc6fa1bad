// Fixture: the public header of the engine module (layering_detects_forbidden_public).
#include "credence/engine.h"
#include "credence/v1/bundle.pb.h"
