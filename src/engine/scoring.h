// The library's own entry points into an Engine (internal to module engine): scoring a
// request that a request reader (io/request_reader.h) has already ingested, for
// ScoreSerialized. Thread-safe, like Engine.
#ifndef CREDENCE_ENGINE_SCORING_H_
#define CREDENCE_ENGINE_SCORING_H_

#include "credence/engine.h"
#include "io/ingest.h"

namespace credence::internal {

// The bundle's rates and the engine's request limits (what Score ingests with).
const io::FxTable& BundleFx(const Engine& engine);
const RequestLimits& EngineRequestLimits(const Engine& engine);

// What Engine::Score does after ingest: `header` is the request (its events may be absent),
// `in` its ingested events (its summary is moved out). `response` must be empty or cleared.
void ScoreIngested(const Engine& engine, const v1::ScoreRequest& header, io::IngestedRequest& in,
                   const ScoreOptions& options, v1::ScoreResponse& response);

}  // namespace credence::internal

#endif  // CREDENCE_ENGINE_SCORING_H_
