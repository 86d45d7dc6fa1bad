// Whole-file reads with a size limit.
#ifndef CREDENCE_IO_FILE_H_
#define CREDENCE_IO_FILE_H_

#include <cstddef>
#include <string>

#include "credence/result.h"

namespace credence::io {

// The bytes of `path`. NOT_FOUND when it cannot be opened, OUT_OF_RANGE when it is larger
// than `max_bytes`, DATA_LOSS on a read error.
Result<std::string> ReadFile(const std::string& path, std::size_t max_bytes);

// Resolves `relative` against `directory`, refusing absolute paths and paths that leave
// `directory` after normalisation (INVALID_ARGUMENT).
Result<std::string> ResolveInside(const std::string& directory, const std::string& relative);

}  // namespace credence::io

#endif  // CREDENCE_IO_FILE_H_
