#include "io/file.h"

#include <sys/stat.h>

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
  struct stat st {};
  if (fstat(fileno(f.get()), &st) == 0 && S_ISDIR(st.st_mode)) {
    return InvalidArgumentError("'" + path + "' is a directory, not a file", {.file = path});
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
      if (std::ferror(f.get())) {
        return DataLossError("cannot read '" + path + "': " + std::strerror(errno), {.file = path});
      }
      break;
    }
  }
  return out;
}

namespace {

// True when `p` is `root` or lies below it (both absolute and normal).
bool IsWithin(const std::filesystem::path& p, const std::filesystem::path& root) {
  auto r = root.begin();
  auto q = p.begin();
  for (; r != root.end(); ++r, ++q) {
    if (r->empty()) continue;  // a trailing separator
    if (q == p.end() || *q != *r) return false;
  }
  return true;
}

}  // namespace

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
  const fs::path dir(directory.empty() ? "." : directory);
  const fs::path joined = dir / normal;
  std::error_code ec;
  const fs::path real_dir = fs::canonical(dir, ec);
  if (ec) return joined.string();  // no such folder: opening the file reports it
  const fs::path real = fs::canonical(joined, ec);
  if (ec) {
    // Missing file, or a dangling link. A dangling link may still point outside: refuse a
    // link whose target lies outside, read or not.
    const fs::path weak = fs::weakly_canonical(joined, ec);
    if (!ec && !IsWithin(weak, real_dir)) {
      return InvalidArgumentError("model file '" + relative + "' resolves to '" + weak.string() +
                                  "', outside the bundle's folder '" + real_dir.string() +
                                  "' (through a symbolic link)");
    }
    return joined.string();
  }
  if (!IsWithin(real, real_dir)) {
    return InvalidArgumentError("model file '" + relative + "' resolves to '" + real.string() +
                                "', outside the bundle's folder '" + real_dir.string() +
                                "' (through a symbolic link)");
  }
  return real.string();
}

}  // namespace credence::io
