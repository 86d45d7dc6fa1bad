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
// control characters (U+0000 to U+001F) as \u00XX, well-formed UTF-8 copied, and every
// maximal ill-formed UTF-8 subpart replaced by U+FFFD (core::ReplaceInvalidUtf8): the result
// is always valid UTF-8 JSON, whatever the bytes of `s`.
std::string JsonQuote(std::string_view s);

// {"error":{"index":N,"requestId":"...","code":"...","message":"...","location":"..."}}
// requestId only when non-empty; location only when the status has one. Strings are quoted
// by JsonQuote, so invalid UTF-8 in the request id, message or location reads as U+FFFD.
std::string ErrorRecordJson(std::size_t index, const std::string& request_id, const Status& status);

}  // namespace credence::io

#endif  // CREDENCE_IO_JSON_RECORDS_H_
