// The outcome labels the tools read (`credence report --labels`, `credence monitor
// --labels`): a CSV with a header naming `request_id` and a 0/1 label column (1 = bad), as
// `credence simulate --labels` writes it.
#ifndef CREDENCE_TOOLS_CREDENCE_LABELS_H_
#define CREDENCE_TOOLS_CREDENCE_LABELS_H_

#include <string>
#include <unordered_map>

#include "credence/result.h"

namespace credence::cli {

// request_id -> 0/1 (fit::CsvTable, fit::LabelColumn). Errors: the file cannot be read, the
// header lacks request_id or `column`, a label that is not 0 or 1 (located at its line).
Result<std::unordered_map<std::string, int>> ReadLabels(const std::string& path,
                                                        const std::string& column);

}  // namespace credence::cli

#endif  // CREDENCE_TOOLS_CREDENCE_LABELS_H_
