// File: credence/bundle.h
//
// Loading a bundle (credence.v1.Bundle) from protobuf text format, JSON or binary.
//
// **Example**:
//
//   // A folder holding bundle.textproto (or bundle.json / bundle.binpb), or a file.
//   credence::Result<credence::LoadedBundle> loaded = credence::LoadBundle("models/starter");
//   if (!loaded.ok()) { std::cerr << loaded.status() << "\n"; return 1; }
//   auto engine = credence::Engine::Compile(*loaded);
//
// Errors carry the file and, for text format and JSON, line and column. A LoadedBundle
// remembers where every field of a text-format or JSON bundle was written, so that compile
// errors later point at the line of the bad feature or rule.
//
// Functions here are thread-safe; LoadedBundle is an immutable value after loading.
#ifndef CREDENCE_BUNDLE_H_
#define CREDENCE_BUNDLE_H_

#include <memory>
#include <string>
#include <string_view>

#include "credence/export.h"
#include "credence/result.h"
#include "credence/status.h"
#include "credence/v1/bundle.pb.h"

namespace credence {

enum class BundleFormat : int {
  kAuto = 0,    // detect: see DetectBundleFormat
  kText = 1,    // protobuf text format (.textproto, .txtpb, .pbtxt)
  kJson = 2,    // protobuf's JSON mapping (.json)
  kBinary = 3,  // protobuf binary encoding (.binpb, .pb)
};

// Where each field of a text-format or JSON bundle was written: field path → line and
// column. Paths look like "features[2].window.trailing". Empty for binary bundles.
class CREDENCE_EXPORT BundleSourceMap {
 public:
  BundleSourceMap();
  ~BundleSourceMap();
  BundleSourceMap(const BundleSourceMap&);
  BundleSourceMap& operator=(const BundleSourceMap&);
  BundleSourceMap(BundleSourceMap&&) noexcept;
  BundleSourceMap& operator=(BundleSourceMap&&) noexcept;

  // The location of `field_path` in `file()`; when the path itself was not written (a
  // default value), the nearest written ancestor; with line 0 when none is known.
  // `field_path` is always set to the argument.
  SourceLocation Locate(std::string_view field_path) const;
  const std::string& file() const;

 private:
  friend class BundleSourceMapBuilder;
  struct Rep;
  std::shared_ptr<Rep> rep_;
};

struct LoadedBundle {
  v1::Bundle bundle;
  // The file it was read from ("" for a bundle parsed from memory without a name).
  std::string path;
  // Folder that model files resolve against: the folder of `path`.
  std::string directory;
  BundleFormat format = BundleFormat::kAuto;
  BundleSourceMap source_map;
};

// Guesses the format of `bytes`: JSON when the first non-blank byte is '{', text when the
// bytes are valid UTF-8 without control characters other than tab, CR and LF, binary
// otherwise.
CREDENCE_EXPORT BundleFormat DetectBundleFormat(std::string_view bytes);

// Parses a bundle from memory. `name` appears in error locations ("<memory>" if empty).
// Errors: INVALID_ARGUMENT (with line:col for text and JSON, a field path where it applies)
// on a syntax or schema error, JSON of the wrong shape (an array inside an array, ...) and
// invalid UTF-8 in any format; OUT_OF_RANGE for a JSON number that does not fit its field
// and when larger than 1 GiB; DATA_LOSS on otherwise undecodable binary. See
// docs/bundle_format.md.
CREDENCE_EXPORT Result<LoadedBundle> ParseBundle(std::string_view bytes,
                                                 BundleFormat format = BundleFormat::kAuto,
                                                 std::string_view name = {});

// Reads a bundle file, or the first of bundle.textproto, bundle.txtpb, bundle.json,
// bundle.binpb in a folder. The format comes from the extension (.textproto/.txtpb/.pbtxt,
// .json, .binpb/.pb) or, failing that, DetectBundleFormat. NOT_FOUND when nothing is there.
CREDENCE_EXPORT Result<LoadedBundle> LoadBundle(const std::string& path);

}  // namespace credence

#endif  // CREDENCE_BUNDLE_H_
