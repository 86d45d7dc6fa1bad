#include "io/file.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>

namespace credence::io {

Result<std::string> ReadFile(const std::string& path, std::size_t max_bytes) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!f) {
    return NotFoundError("cannot open '" + path + "': " + std::strerror(errno), {.file = path});
  }
  std::string out;
  char buf[1 << 16];
  while (true) {
    const std::size_t n = std::fread(buf, 1, sizeof buf, f.get());
    if (n > 0) {
      if (out.size() + n > max_bytes) {
        return OutOfRangeError("file larger than " + std::to_string(max_bytes) + " bytes",
                               {.file = path});
      }
      out.append(buf, n);
    }
    if (n < sizeof buf) {
      if (std::ferror(f.get())) return DataLossError("read error", {.file = path});
      break;
    }
  }
  return out;
}

Result<std::string> ResolveInside(const std::string& directory, const std::string& relative) {
  namespace fs = std::filesystem;
  const fs::path rel(relative);
  if (relative.empty() || rel.is_absolute()) {
    return InvalidArgumentError("model file '" + relative +
                                "' must be a relative path inside the bundle's folder");
  }
  const fs::path normal = rel.lexically_normal();
  if (!normal.empty() && *normal.begin() == "..") {
    return InvalidArgumentError("model file '" + relative + "' leaves the bundle's folder");
  }
  return (fs::path(directory.empty() ? "." : directory) / normal).string();
}

}  // namespace credence::io
