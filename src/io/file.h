// Whole-file reads with a size limit, and the one rule for files a bundle references.
#ifndef CREDENCE_IO_FILE_H_
#define CREDENCE_IO_FILE_H_

#include <cstddef>
#include <string>

#include "credence/result.h"

namespace credence::io {

// The bytes of `path`. NOT_FOUND when it cannot be opened (with strerror), INVALID_ARGUMENT
// when it is a directory, OUT_OF_RANGE when it is larger than `max_bytes`, DATA_LOSS on a
// read error (with strerror).
Result<std::string> ReadFile(const std::string& path, std::size_t max_bytes);

// Resolves `relative` (a file named by a bundle) against the bundle's `directory` and returns
// the path to open: the file's real path (every symbolic link resolved). INVALID_ARGUMENT
// when `relative` is empty or absolute, when it leaves `directory` after normalisation
// ("../x"), and when its real path lies outside the real path of `directory` (a symbolic
// link to a file outside, or inside a linked sub-folder that points outside). A link whose
// target stays inside the folder is followed. A file that does not exist is returned
// unresolved (lexically inside the folder), so that reading it reports NOT_FOUND.
Result<std::string> ResolveInside(const std::string& directory, const std::string& relative);

}  // namespace credence::io

#endif  // CREDENCE_IO_FILE_H_
