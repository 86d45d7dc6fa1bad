// Implements credence/bundle.h: reading bundles in text, JSON and binary form.
#include <google/protobuf/descriptor.h>
#include <google/protobuf/io/tokenizer.h>
#include <google/protobuf/reflection.h>
#include <google/protobuf/text_format.h>

#include <filesystem>
#include <map>
#include <string>
#include <utility>

#include "core/excerpt.h"
#include "core/utf8.h"
#include "credence/bundle.h"
#include "io/file.h"
#include "io/json_shape.h"
#include "io/utf8_fields.h"

namespace credence {

struct BundleSourceMap::Rep {
  std::string file;
  std::map<std::string, std::pair<int, int>, std::less<>> locations;  // 1-based line, col
};

BundleSourceMap::BundleSourceMap() : rep_(std::make_shared<Rep>()) {}
BundleSourceMap::~BundleSourceMap() = default;
BundleSourceMap::BundleSourceMap(const BundleSourceMap&) = default;
BundleSourceMap& BundleSourceMap::operator=(const BundleSourceMap&) = default;
BundleSourceMap::BundleSourceMap(BundleSourceMap&&) noexcept = default;
BundleSourceMap& BundleSourceMap::operator=(BundleSourceMap&&) noexcept = default;

const std::string& BundleSourceMap::file() const { return rep_->file; }

SourceLocation BundleSourceMap::Locate(std::string_view field_path) const {
  SourceLocation loc;
  loc.file = rep_->file;
  loc.field_path = std::string(field_path);
  std::string_view p = field_path;
  while (!p.empty()) {
    auto it = rep_->locations.find(p);
    if (it != rep_->locations.end()) {
      loc.line = it->second.first;
      loc.column = it->second.second;
      return loc;
    }
    // Drop the last component: ".name" or "[i]".
    const auto cut = p.find_last_of(".[");
    if (cut == std::string_view::npos) break;
    p = p.substr(0, cut);
  }
  return loc;
}

// Fills a source map from a text-format parse.
class BundleSourceMapBuilder {
 public:
  static BundleSourceMap::Rep& MutableRep(BundleSourceMap& map) { return *map.rep_; }
  static void Build(const google::protobuf::Message& message,
                    const google::protobuf::TextFormat::ParseInfoTree& tree,
                    const std::string& prefix, BundleSourceMap::Rep& rep) {
    const auto* reflection = message.GetReflection();
    std::vector<const google::protobuf::FieldDescriptor*> fields;
    reflection->ListFields(message, &fields);
    for (const auto* field : fields) {
      const std::string base = prefix.empty() ? field->name() : prefix + "." + field->name();
      if (field->is_repeated()) {
        const int n = reflection->FieldSize(message, field);
        for (int i = 0; i < n; ++i) {
          const std::string path = base + "[" + std::to_string(i) + "]";
          Record(tree, field, i, path, rep);
          if (i == 0) Record(tree, field, 0, base, rep);
          if (field->cpp_type() == google::protobuf::FieldDescriptor::CPPTYPE_MESSAGE) {
            const auto* nested = tree.GetTreeForNested(field, i);
            if (nested != nullptr) {
              Build(reflection->GetRepeatedMessage(message, field, i), *nested, path, rep);
            }
          }
        }
      } else {
        Record(tree, field, -1, base, rep);
        if (field->cpp_type() == google::protobuf::FieldDescriptor::CPPTYPE_MESSAGE) {
          const auto* nested = tree.GetTreeForNested(field, -1);
          if (nested != nullptr) Build(reflection->GetMessage(message, field), *nested, base, rep);
        }
      }
    }
  }

 private:
  static void Record(const google::protobuf::TextFormat::ParseInfoTree& tree,
                     const google::protobuf::FieldDescriptor* field, int index,
                     const std::string& path, BundleSourceMap::Rep& rep) {
    const auto loc = tree.GetLocation(field, index);
    if (loc.line >= 0) rep.locations.emplace(path, std::make_pair(loc.line + 1, loc.column + 1));
  }
};

namespace {

constexpr std::size_t kMaxBundleBytes = std::size_t{1} << 30;

// Collects the first text-format error with its position.
class FirstErrorCollector : public google::protobuf::io::ErrorCollector {
 public:
  void AddError(int line, google::protobuf::io::ColumnNumber column,
                const std::string& message) override {
    if (has_error_) return;
    has_error_ = true;
    line_ = line + 1;
    column_ = column + 1;
    message_ = message;
  }
  void AddWarning(int, google::protobuf::io::ColumnNumber, const std::string&) override {}

  bool has_error_ = false;
  int line_ = 0;
  int column_ = 0;
  std::string message_;
};

std::string_view Extension(std::string_view path) {
  const auto slash = path.find_last_of('/');
  const auto dot = path.find_last_of('.');
  if (dot == std::string_view::npos || (slash != std::string_view::npos && dot < slash)) return {};
  return path.substr(dot);
}

BundleFormat FormatFromExtension(std::string_view path) {
  const std::string_view ext = Extension(path);
  if (ext == ".textproto" || ext == ".txtpb" || ext == ".pbtxt") return BundleFormat::kText;
  if (ext == ".json") return BundleFormat::kJson;
  if (ext == ".binpb" || ext == ".pb") return BundleFormat::kBinary;
  return BundleFormat::kAuto;
}

// 1-based line and column (in characters) of byte `offset` of `text`.
std::pair<int, int> LineColumn(std::string_view text, std::size_t offset) {
  int line = 1, column = 1;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
      ++column;
    }
  }
  return {line, column};
}

// A text-format bundle: valid UTF-8 throughout (comments too), parsed with a source map,
// and no string field made invalid by escapes ("\377").
Status ParseText(std::string_view bytes, const std::string& file, LoadedBundle& out) {
  if (std::size_t bad = 0; !core::IsValidUtf8(bytes, &bad)) {
    const auto [line, column] = LineColumn(bytes, bad);
    return InvalidArgumentError("invalid UTF-8 at byte " + std::to_string(bad),
                                {.file = file, .line = line, .column = column});
  }
  google::protobuf::TextFormat::Parser parser;
  FirstErrorCollector errors;
  google::protobuf::TextFormat::ParseInfoTree tree;
  parser.RecordErrorsTo(&errors);
  parser.WriteLocationsTo(&tree);
  if (!parser.ParseFromString(std::string(bytes), &out.bundle)) {
    return InvalidArgumentError(
        errors.has_error_ ? core::Excerpt(errors.message_) : "malformed text-format bundle",
        {.file = file, .line = errors.line_, .column = errors.column_});
  }
  auto& rep = BundleSourceMapBuilder::MutableRep(out.source_map);
  BundleSourceMapBuilder::Build(out.bundle, tree, "", rep);
  if (auto bad = io::FindInvalidUtf8(out.bundle)) {
    return InvalidArgumentError("invalid UTF-8 in a string (written with escapes)",
                                out.source_map.Locate(*bad));
  }
  return OkStatus();
}

}  // namespace

BundleFormat DetectBundleFormat(std::string_view bytes) {
  for (char c : bytes) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') continue;
    if (c == '{') return BundleFormat::kJson;
    break;
  }
  if (!core::IsValidUtf8(bytes)) return BundleFormat::kBinary;
  for (unsigned char c : bytes) {
    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') return BundleFormat::kBinary;
  }
  return BundleFormat::kText;
}

Result<LoadedBundle> ParseBundle(std::string_view bytes, BundleFormat format,
                                 std::string_view name) {
  const std::string file = name.empty() ? std::string("<memory>") : std::string(name);
  if (bytes.size() > kMaxBundleBytes) {
    return OutOfRangeError("bundle larger than 1 GiB", {.file = file});
  }
  if (format == BundleFormat::kAuto) format = DetectBundleFormat(bytes);
  LoadedBundle out;
  out.format = format;
  out.path = name.empty() ? std::string() : std::string(name);
  BundleSourceMapBuilder::MutableRep(out.source_map).file = file;
  switch (format) {
    case BundleFormat::kText:
      CREDENCE_RETURN_IF_ERROR(ParseText(bytes, file, out));
      break;
    case BundleFormat::kJson: {
      auto& locations = BundleSourceMapBuilder::MutableRep(out.source_map).locations;
      const io::JsonFieldVisitor visit = [&locations](const std::string& path, int line,
                                                      int column) {
        locations.emplace(path, std::make_pair(line, column));
      };
      CREDENCE_RETURN_IF_ERROR(io::ParseJsonMessage(bytes, &out.bundle, "malformed JSON bundle",
                                                    {.file = file, .visit = &visit}));
      break;
    }
    case BundleFormat::kBinary:
      if (bytes.size() > static_cast<std::size_t>(INT32_MAX) ||
          !out.bundle.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
        if (auto bad = io::FindInvalidUtf8InWire(bytes, *v1::Bundle::descriptor())) {
          return InvalidArgumentError("invalid UTF-8 in a string field",
                                      {.file = file, .field_path = *bad});
        }
        return DataLossError("malformed binary bundle (not a credence.v1.Bundle)", {.file = file});
      }
      break;
    case BundleFormat::kAuto:
      break;
  }
  return out;
}

Result<LoadedBundle> LoadBundle(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  std::string file = path;
  if (fs::is_directory(path, ec)) {
    file.clear();
    for (const char* candidate :
         {"bundle.textproto", "bundle.txtpb", "bundle.json", "bundle.binpb"}) {
      fs::path p = fs::path(path) / candidate;
      if (fs::is_regular_file(p, ec)) {
        file = p.string();
        break;
      }
    }
    if (file.empty()) {
      return NotFoundError("no bundle.textproto, bundle.txtpb, bundle.json or bundle.binpb in " +
                           path);
    }
  }
  CREDENCE_ASSIGN_OR_RETURN(std::string bytes, io::ReadFile(file, kMaxBundleBytes));
  CREDENCE_ASSIGN_OR_RETURN(LoadedBundle loaded,
                            ParseBundle(bytes, FormatFromExtension(file), file));
  loaded.directory = fs::path(file).parent_path().string();
  if (loaded.directory.empty()) loaded.directory = ".";
  return loaded;
}

}  // namespace credence
