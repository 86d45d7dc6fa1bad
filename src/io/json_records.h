// The JSON Lines error record every front end writes for an input record it could not score
// (the CLI's `credence score`, the Python binding's score_json_lines, credence.dask), so that
// their outputs are the same bytes. Format: docs/cli.md.
#ifndef CREDENCE_IO_JSON_RECORDS_H_
#define CREDENCE_IO_JSON_RECORDS_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "credence/status.h"

namespace credence::io {

// `s` as a JSON string literal, quotes included: " and \ escaped, \n \r \t by name, other
// control characters as \u00XX; every other byte is copied (callers pass valid UTF-8).
std::string JsonQuote(std::string_view s);

// {"error":{"index":N,"requestId":"...","code":"...","message":"...","location":"..."}}
// requestId only when non-empty and valid UTF-8; location only when the status has one.
std::string ErrorRecordJson(std::size_t index, const std::string& request_id, const Status& status);

}  // namespace credence::io

#endif  // CREDENCE_IO_JSON_RECORDS_H_
