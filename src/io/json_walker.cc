// CheckJson: one pass over a JSON document against a message descriptor, with the shape
// rules of json_shape.cc, JSON syntax, UTF-8, number ranges and positions. See
// json_shape.h.
#include <google/protobuf/duration.pb.h>
#include <google/protobuf/timestamp.pb.h>
#include <google/protobuf/util/time_util.h>

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/excerpt.h"
#include "core/utf8.h"
#include "credence/result.h"
#include "io/json_shape.h"

namespace credence::io {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using internal::WellKnown;
using internal::WellKnownOf;

// One step of the path to the value being read.
struct Segment {
  std::string_view name;  // a field; empty for an element or map value
  std::int64_t index = -1;
  std::string key;  // a map key (when has_key)
  bool has_key = false;
};

// A set of field indices of one message: a bit mask for up to 64 fields.
class FieldSet {
 public:
  explicit FieldSet(const Descriptor& d) {
    if (d.field_count() > 64) big_.resize(static_cast<std::size_t>(d.field_count()));
  }
  bool Has(int i) const {
    return big_.empty() ? (small_ >> i) & 1 : big_[static_cast<std::size_t>(i)];
  }
  void Add(int i) {
    if (big_.empty()) {
      small_ |= std::uint64_t{1} << i;
    } else {
      big_[static_cast<std::size_t>(i)] = true;
    }
  }

 private:
  std::uint64_t small_ = 0;
  std::vector<bool> big_;
};

// The field a JSON key names: its proto name or its JSON name; null when none.
const FieldDescriptor* FindField(const Descriptor& d, const std::string& key) {
  if (const FieldDescriptor* f = d.FindFieldByName(key)) return f;
  for (int i = 0; i < d.field_count(); ++i) {
    if (d.field(i)->json_name() == key) return d.field(i);
  }
  return nullptr;
}

// How a field is written, for messages: "an object (credence.v1.Event)", "a list of ...".
std::string Expected(const FieldDescriptor& f, bool element) {
  if (!element && f.is_map()) return "an object (a map)";
  if (!element && f.is_repeated()) return "an array (a list of " + Expected(f, true) + ")";
  switch (f.cpp_type()) {
    case FieldDescriptor::CPPTYPE_MESSAGE:
      switch (WellKnownOf(*f.message_type())) {
        case WellKnown::kString:
          return "a string (" + f.message_type()->full_name() + ")";
        case WellKnown::kWrapper:
          return Expected(*f.message_type()->field(0), true);
        case WellKnown::kListValue:
          return "an array";
        case WellKnown::kValue:
          return "a value";
        default:
          return "an object (" + f.message_type()->full_name() + ")";
      }
    case FieldDescriptor::CPPTYPE_STRING:
      return "a string";
    case FieldDescriptor::CPPTYPE_BOOL:
      return "true or false";
    case FieldDescriptor::CPPTYPE_ENUM:
      return "a name of enum " + f.enum_type()->full_name() + " or a number";
    default:
      return "a number";
  }
}

class Walker {
 public:
  Walker(std::string_view json, const JsonCheckOptions& options) : s_(json), options_(options) {}

  Status Run(const Descriptor& type) {
    SkipSpace();
    if (AtEnd()) return Syntax("the document is empty", pos_);
    if (Peek() != '{') {
      return Error(StatusCode::kInvalidArgument,
                   "expected an object (" + type.full_name() + "), found " + KindText(pos_), pos_);
    }
    CREDENCE_RETURN_IF_ERROR(Message(type, 1));
    SkipSpace();
    if (!AtEnd()) return Syntax("unexpected text after the end of the document", pos_);
    return OkStatus();
  }

 private:
  // ---- Positions and errors -----------------------------------------------------------

  bool AtEnd() const { return pos_ >= s_.size(); }
  char Peek() const { return AtEnd() ? '\0' : s_[pos_]; }
  void SkipSpace() {
    while (!AtEnd()) {
      const char c = s_[pos_];
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return;
      ++pos_;
    }
  }

  // 1-based line and column (in characters) of byte `offset`; amortized linear for
  // increasing offsets.
  std::pair<int, int> Where(std::size_t offset) {
    if (offset < where_offset_) where_offset_ = 0, where_line_ = 1, where_column_ = 1;
    for (; where_offset_ < offset && where_offset_ < s_.size(); ++where_offset_) {
      const auto c = static_cast<unsigned char>(s_[where_offset_]);
      if (c == '\n') {
        ++where_line_;
        where_column_ = 1;
      } else if ((c & 0xC0) != 0x80) {
        ++where_column_;
      }
    }
    return {where_line_, where_column_};
  }

  std::string Path() const {
    std::string out;
    for (const Segment& seg : path_) {
      if (!seg.name.empty()) {
        if (!out.empty()) out += '.';
        out += seg.name;
      }
      if (seg.index >= 0) out += "[" + std::to_string(seg.index) + "]";
      if (seg.has_key) out += "[\"" + core::Excerpt(seg.key, 64) + "\"]";
    }
    return out;
  }

  Status Error(StatusCode code, const std::string& message, std::size_t offset) {
    const auto [line, column] = Where(offset);
    return Status(code, message,
                  {.file = options_.file, .line = line, .column = column, .field_path = Path()});
  }
  Status Syntax(const std::string& what, std::size_t offset) {
    return Error(StatusCode::kInvalidArgument, "JSON syntax error: " + what, offset);
  }

  // The kind of the value starting at `at`, or nullopt when no value starts there.
  std::optional<JsonKind> KindAt(std::size_t at) const {
    if (at >= s_.size()) return std::nullopt;
    switch (s_[at]) {
      case '{':
        return JsonKind::kObject;
      case '[':
        return JsonKind::kArray;
      case '"':
        return JsonKind::kString;
      case 't':
      case 'f':
        return JsonKind::kBool;
      case 'n':
        return JsonKind::kNull;
      default:
        if (s_[at] == '-' || (s_[at] >= '0' && s_[at] <= '9')) return JsonKind::kNumber;
        return std::nullopt;
    }
  }
  std::string KindText(std::size_t at) const {
    const auto kind = KindAt(at);
    return kind ? std::string(JsonKindName(*kind)) : std::string("no value");
  }

  // The kind of the value at pos_, or a syntax error.
  Result<JsonKind> ValueKind() {
    SkipSpace();
    const auto kind = KindAt(pos_);
    if (!kind) {
      return Syntax(AtEnd() ? "the document ends where a value belongs" : "expected a value", pos_);
    }
    return *kind;
  }

  Status Deep() {
    return Error(StatusCode::kOutOfRange,
                 "JSON nested deeper than " + std::to_string(kMaxJsonDepth) + " levels", pos_);
  }

  // ---- Tokens -------------------------------------------------------------------------

  Status Literal() {
    for (std::string_view word : {"true", "false", "null"}) {
      if (s_.substr(pos_, word.size()) == word) {
        pos_ += word.size();
        return OkStatus();
      }
    }
    return Syntax("expected true, false or null", pos_);
  }

  // A string at pos_ ('"'), checked for escapes and UTF-8; its text goes to `out` when set.
  Status String(std::string* out) {
    const std::size_t open = pos_++;
    std::size_t run = pos_;  // start of the bytes not yet checked
    auto flush = [&](std::size_t end) -> Status {
      std::size_t bad = 0;
      if (!core::IsValidUtf8(s_.substr(run, end - run), &bad)) {
        return Error(StatusCode::kInvalidArgument, "invalid UTF-8 in a string", run + bad);
      }
      if (out != nullptr) out->append(s_.data() + run, end - run);
      return OkStatus();
    };
    while (true) {
      if (AtEnd()) return Syntax("unterminated string", open);
      const auto c = static_cast<unsigned char>(s_[pos_]);
      if (c == '"') {
        CREDENCE_RETURN_IF_ERROR(flush(pos_));
        ++pos_;
        return OkStatus();
      }
      if (c < 0x20) return Syntax("control character in a string (escape it)", pos_);
      if (c != '\\') {
        ++pos_;
        continue;
      }
      CREDENCE_RETURN_IF_ERROR(flush(pos_));
      CREDENCE_RETURN_IF_ERROR(Escape(out));
      run = pos_;
    }
  }

  Status Escape(std::string* out) {
    const std::size_t at = pos_++;  // the backslash
    if (AtEnd()) return Syntax("unterminated string", at);
    const char e = s_[pos_++];
    static constexpr std::string_view kSimple = "\"\\/bfnrt";
    static constexpr std::string_view kValue = "\"\\/\b\f\n\r\t";
    if (const auto k = kSimple.find(e); k != std::string_view::npos) {
      if (out != nullptr) out->push_back(kValue[k]);
      return OkStatus();
    }
    if (e != 'u') {
      // Quote the character only when it is printable ASCII: it may be any byte.
      const auto c = static_cast<unsigned char>(e);
      char shown[16];
      std::snprintf(shown, sizeof shown, c >= 0x20 && c < 0x7F ? "\\%c" : "byte 0x%02X", c);
      return Syntax(std::string("unknown escape ") + shown, at);
    }
    CREDENCE_ASSIGN_OR_RETURN(std::uint32_t cp, Hex4(at));
    if (cp >= 0xDC00 && cp <= 0xDFFF)
      return Error(StatusCode::kInvalidArgument, "lone low surrogate escape in a string", at);
    if (cp >= 0xD800 && cp <= 0xDBFF) {
      if (s_.substr(pos_, 2) != "\\u") {
        return Error(StatusCode::kInvalidArgument, "lone high surrogate escape in a string", at);
      }
      pos_ += 2;
      CREDENCE_ASSIGN_OR_RETURN(std::uint32_t low, Hex4(at));
      if (low < 0xDC00 || low > 0xDFFF) {
        return Error(StatusCode::kInvalidArgument, "lone high surrogate escape in a string", at);
      }
      cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
    }
    if (out != nullptr) core::AppendUtf8(*out, cp);
    return OkStatus();
  }

  Result<std::uint32_t> Hex4(std::size_t escape_at) {
    if (s_.size() - pos_ < 4) return Syntax("\\u needs four hex digits", escape_at);
    std::uint32_t v = 0;
    const auto r = std::from_chars(s_.data() + pos_, s_.data() + pos_ + 4, v, 16);
    if (r.ec != std::errc() || r.ptr != s_.data() + pos_ + 4) {
      return Syntax("\\u needs four hex digits", escape_at);
    }
    pos_ += 4;
    return v;
  }

  // A number at pos_: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
  Result<std::string_view> Number() {
    const std::size_t start = pos_;
    auto digits = [&] {
      const std::size_t from = pos_;
      while (!AtEnd() && s_[pos_] >= '0' && s_[pos_] <= '9') ++pos_;
      return pos_ > from;
    };
    if (Peek() == '-') ++pos_;
    if (Peek() == '0') {
      ++pos_;
    } else if (!digits()) {
      return Syntax("malformed number", start);
    }
    if (Peek() == '.') {
      ++pos_;
      if (!digits()) return Syntax("malformed number", start);
    }
    if (Peek() == 'e' || Peek() == 'E') {
      ++pos_;
      if (Peek() == '+' || Peek() == '-') ++pos_;
      if (!digits()) return Syntax("malformed number", start);
    }
    return s_.substr(start, pos_ - start);
  }

  // At an opening '{' or '[': consumes it; true when `close` follows at once (empty).
  bool OpenEmpty(char close) {
    ++pos_;
    SkipSpace();
    if (Peek() != close) return false;
    ++pos_;
    return true;
  }

  // After a member or element: true when ',' follows (another one comes), false when `close`
  // ends the object or array; a syntax error otherwise.
  Result<bool> More(char close) {
    SkipSpace();
    if (Peek() == ',') {
      ++pos_;
      return true;
    }
    if (Peek() == close) {
      ++pos_;
      return false;
    }
    const std::string inside = close == '}' ? "an object" : "an array";
    if (AtEnd()) return Syntax("the document ends inside " + inside, pos_);
    return Syntax(std::string("expected ',' or '") + close + "'", pos_);
  }

  // ---- Values -------------------------------------------------------------------------

  // A message's object at pos_ ('{').
  Status Message(const Descriptor& d, int depth) {
    if (depth > kMaxJsonDepth) return Deep();
    FieldSet seen(d), non_null(d);
    if (OpenEmpty('}')) return OkStatus();
    while (true) {
      SkipSpace();
      const std::size_t key_at = pos_;
      if (Peek() != '"') return Syntax("expected a field name in double quotes", pos_);
      std::string key;
      CREDENCE_RETURN_IF_ERROR(String(&key));
      SkipSpace();
      if (Peek() != ':') return Syntax("expected ':' after a field name", pos_);
      ++pos_;
      const FieldDescriptor* f = FindField(d, key);
      if (f == nullptr) {
        path_.push_back({.name = key_storage_.emplace_back(core::Excerpt(key, 64))});
        return Error(StatusCode::kInvalidArgument,
                     "unknown field '" + core::Excerpt(key, 64) + "' in " + d.full_name(), key_at);
      }
      path_.push_back({.name = f->name()});
      if (seen.Has(f->index())) {
        return Error(StatusCode::kInvalidArgument, "field '" + f->name() + "' appears twice",
                     key_at);
      }
      seen.Add(f->index());
      SkipSpace();
      if (const auto* oneof = f->containing_oneof(); oneof != nullptr && Peek() != 'n') {
        for (int i = 0; i < oneof->field_count(); ++i) {
          const FieldDescriptor* other = oneof->field(i);
          if (other != f && non_null.Has(other->index())) {
            return Error(StatusCode::kInvalidArgument,
                         "fields '" + other->name() + "' and '" + f->name() + "' of oneof '" +
                             oneof->name() + "' are both set",
                         key_at);
          }
        }
      }
      if (Peek() != 'n') non_null.Add(f->index());
      CREDENCE_RETURN_IF_ERROR(FieldValue(*f, depth));
      path_.pop_back();
      CREDENCE_ASSIGN_OR_RETURN(bool more, More('}'));
      if (!more) return OkStatus();
    }
  }

  void Visit() {
    if (options_.visit == nullptr) return;
    const auto [line, column] = Where(pos_);
    (*options_.visit)(Path(), line, column);
  }

  // The whole value of field `f` at pos_.
  Status FieldValue(const FieldDescriptor& f, int depth) {
    CREDENCE_ASSIGN_OR_RETURN(JsonKind kind, ValueKind());
    Visit();
    if (!JsonKindAllowed(f, false, kind)) return KindError(f, false, kind);
    if (kind == JsonKind::kNull) return Literal();
    if (f.is_map()) return MapObject(f, depth + 1);
    if (f.is_repeated()) return Array(f, depth + 1);
    return Element(f, kind, depth);
  }

  Status KindError(const FieldDescriptor& f, bool element, JsonKind kind) {
    std::string found(JsonKindName(kind));
    if (element && kind == JsonKind::kArray) found = "an array inside an array";
    return Error(StatusCode::kInvalidArgument,
                 "expected " + Expected(f, element) + ", found " + found, pos_);
  }

  Status Array(const FieldDescriptor& f, int depth) {
    if (depth > kMaxJsonDepth) return Deep();
    if (OpenEmpty(']')) return OkStatus();
    for (std::int64_t i = 0;; ++i) {
      path_.push_back({.index = i});
      CREDENCE_ASSIGN_OR_RETURN(JsonKind kind, ValueKind());
      Visit();
      if (!JsonKindAllowed(f, true, kind)) return KindError(f, true, kind);
      CREDENCE_RETURN_IF_ERROR(Element(f, kind, depth));
      path_.pop_back();
      CREDENCE_ASSIGN_OR_RETURN(bool more, More(']'));
      if (!more) return OkStatus();
    }
  }

  Status MapObject(const FieldDescriptor& f, int depth) {
    if (depth > kMaxJsonDepth) return Deep();
    const FieldDescriptor& value = *f.message_type()->map_value();
    if (OpenEmpty('}')) return OkStatus();
    while (true) {
      SkipSpace();
      if (Peek() != '"') return Syntax("expected a map key in double quotes", pos_);
      Segment seg{.has_key = true};
      CREDENCE_RETURN_IF_ERROR(String(&seg.key));
      SkipSpace();
      if (Peek() != ':') return Syntax("expected ':' after a map key", pos_);
      ++pos_;
      path_.push_back(std::move(seg));
      CREDENCE_ASSIGN_OR_RETURN(JsonKind kind, ValueKind());
      Visit();
      if (!JsonKindAllowed(value, true, kind)) return KindError(value, true, kind);
      CREDENCE_RETURN_IF_ERROR(Element(value, kind, depth));
      path_.pop_back();
      CREDENCE_ASSIGN_OR_RETURN(bool more, More('}'));
      if (!more) return OkStatus();
    }
  }

  // One value of `f` (not a whole repeated or map field) of `kind`, already allowed.
  Status Element(const FieldDescriptor& f, JsonKind kind, int depth) {
    switch (kind) {
      case JsonKind::kObject:
        if (WellKnownOf(*f.message_type()) == WellKnown::kNone) {
          return Message(*f.message_type(), depth + 1);
        }
        return AnyValue(depth + 1);
      case JsonKind::kArray:
        return AnyValue(depth + 1);  // ListValue or Value
      case JsonKind::kString: {
        const std::size_t at = pos_;
        const bool message = f.cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE;
        const bool time = message && IsTime(*f.message_type());
        const bool scalar = !message && f.cpp_type() != FieldDescriptor::CPPTYPE_STRING;
        std::string text;
        CREDENCE_RETURN_IF_ERROR(String(scalar || time ? &text : nullptr));
        if (time) return CheckTime(*f.message_type(), text, at);
        return scalar ? CheckScalarString(f, text, at) : OkStatus();
      }
      case JsonKind::kNumber: {
        const std::size_t at = pos_;
        CREDENCE_ASSIGN_OR_RETURN(std::string_view token, Number());
        const FieldDescriptor& target = f.cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE
                                            ? *f.message_type()->field(0)  // a wrapper
                                            : f;
        if (f.cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE &&
            WellKnownOf(*f.message_type()) == WellKnown::kValue) {
          return CheckNumber(StatusCode::kOutOfRange, token, FieldDescriptor::CPPTYPE_DOUBLE, at);
        }
        return CheckNumber(StatusCode::kOutOfRange, token, target.cpp_type(), at);
      }
      default:
        return Literal();
    }
  }

  // Any JSON value (Struct, ListValue, Value contents), checked for syntax and UTF-8.
  Status AnyValue(int depth) {
    if (depth > kMaxJsonDepth) return Deep();
    CREDENCE_ASSIGN_OR_RETURN(JsonKind kind, ValueKind());
    switch (kind) {
      case JsonKind::kString:
        return String(nullptr);
      case JsonKind::kNumber: {
        const std::size_t at = pos_;
        CREDENCE_ASSIGN_OR_RETURN(std::string_view token, Number());
        return CheckNumber(StatusCode::kOutOfRange, token, FieldDescriptor::CPPTYPE_DOUBLE, at);
      }
      case JsonKind::kObject:
      case JsonKind::kArray: {
        const bool object = kind == JsonKind::kObject;
        if (OpenEmpty(object ? '}' : ']')) return OkStatus();
        while (true) {
          SkipSpace();
          if (object) {
            if (Peek() != '"') return Syntax("expected a key in double quotes", pos_);
            CREDENCE_RETURN_IF_ERROR(String(nullptr));
            SkipSpace();
            if (Peek() != ':') return Syntax("expected ':' after a key", pos_);
            ++pos_;
          }
          CREDENCE_RETURN_IF_ERROR(AnyValue(depth + 1));
          CREDENCE_ASSIGN_OR_RETURN(bool more, More(object ? '}' : ']'));
          if (!more) return OkStatus();
        }
      }
      default:
        return Literal();
    }
  }

  // ---- Scalars ------------------------------------------------------------------------

  static bool IsTime(const Descriptor& d) {
    return d.full_name() == "google.protobuf.Timestamp" ||
           d.full_name() == "google.protobuf.Duration";
  }

  // A Timestamp ("2026-01-01T00:00:00Z", RFC 3339) or Duration ("3.5s") string, as protobuf
  // will read it; refused here so that the error has a location.
  Status CheckTime(const Descriptor& d, const std::string& text, std::size_t at) {
    const bool timestamp = d.full_name() == "google.protobuf.Timestamp";
    google::protobuf::Timestamp ts;
    google::protobuf::Duration duration;
    const bool ok = timestamp ? google::protobuf::util::TimeUtil::FromString(text, &ts)
                              : google::protobuf::util::TimeUtil::FromString(text, &duration);
    if (ok) return OkStatus();
    return Error(StatusCode::kInvalidArgument,
                 std::string(timestamp ? "not an RFC 3339 timestamp" : "not a duration") +
                     " (like " + (timestamp ? "\"2026-01-31T00:00:00Z\"" : "\"3600s\"") + "): \"" +
                     core::Excerpt(text, 64) + "\"",
                 at);
  }

  // A string standing for a bool, enum or number field.
  Status CheckScalarString(const FieldDescriptor& f, const std::string& text, std::size_t at) {
    switch (f.cpp_type()) {
      case FieldDescriptor::CPPTYPE_BOOL:
        if (text == "true" || text == "false") return OkStatus();
        return Error(StatusCode::kInvalidArgument,
                     "expected true or false, found the string \"" + core::Excerpt(text, 64) + "\"",
                     at);
      case FieldDescriptor::CPPTYPE_ENUM: {
        std::int64_t number = 0;
        const auto r = std::from_chars(text.data(), text.data() + text.size(), number);
        const bool numeric = r.ec == std::errc() && r.ptr == text.data() + text.size();
        if (f.enum_type()->FindValueByName(text) != nullptr || numeric) return OkStatus();
        return Error(StatusCode::kInvalidArgument,
                     "unknown value \"" + core::Excerpt(text, 64) + "\" of enum " +
                         f.enum_type()->full_name(),
                     at);
      }
      default: {
        const bool floating = f.cpp_type() == FieldDescriptor::CPPTYPE_DOUBLE ||
                              f.cpp_type() == FieldDescriptor::CPPTYPE_FLOAT;
        if (floating && (text == "NaN" || text == "Infinity" || text == "-Infinity")) {
          return OkStatus();
        }
        return CheckNumber(StatusCode::kOutOfRange, text, f.cpp_type(), at);
      }
    }
  }

  // A number (a JSON token or the text of a string) for a field of `type`: finite, and for
  // integer types integral and within range. Out of range is `range_code`.
  Status CheckNumber(StatusCode range_code, std::string_view token, FieldDescriptor::CppType type,
                     std::size_t at) {
    const std::string shown = core::Excerpt(token, 64);
    std::string copy(token);  // strtod needs a terminated string
    char* end = nullptr;
    const double d = std::strtod(copy.c_str(), &end);
    if (copy.empty() || end != copy.c_str() + copy.size() || std::isnan(d)) {
      return Error(StatusCode::kInvalidArgument, "expected a number, found \"" + shown + "\"", at);
    }
    auto out_of_range = [&](const char* what) {
      return Error(range_code, "number " + shown + " is out of range for " + what, at);
    };
    switch (type) {
      case FieldDescriptor::CPPTYPE_DOUBLE:
        return std::isinf(d) ? out_of_range("a double") : OkStatus();
      case FieldDescriptor::CPPTYPE_FLOAT:
        return std::isinf(d) || std::fabs(d) > std::numeric_limits<float>::max()
                   ? out_of_range("a float")
                   : OkStatus();
      default:
        break;
    }
    const std::string_view digits = token.substr(!token.empty() && token[0] == '-' ? 1 : 0);
    const bool plain =
        !digits.empty() && digits.find_first_not_of("0123456789") == std::string_view::npos;
    if (!plain && d != std::trunc(d)) {
      return Error(StatusCode::kInvalidArgument, "number " + shown + " is not an integer", at);
    }
    switch (type) {
      case FieldDescriptor::CPPTYPE_INT32:
      case FieldDescriptor::CPPTYPE_ENUM:
        return IntegerInRange<std::int32_t>(token, plain, d) ? OkStatus()
                                                             : out_of_range("an int32");
      case FieldDescriptor::CPPTYPE_UINT32:
        return IntegerInRange<std::uint32_t>(token, plain, d) ? OkStatus()
                                                              : out_of_range("a uint32");
      case FieldDescriptor::CPPTYPE_INT64:
        return IntegerInRange<std::int64_t>(token, plain, d) ? OkStatus()
                                                             : out_of_range("an int64");
      case FieldDescriptor::CPPTYPE_UINT64:
        return IntegerInRange<std::uint64_t>(token, plain, d) ? OkStatus()
                                                              : out_of_range("a uint64");
      default:
        return OkStatus();
    }
  }

  template <typename T>
  static bool IntegerInRange(std::string_view token, bool plain, double d) {
    if (plain) {
      T v{};
      const auto r = std::from_chars(token.data(), token.data() + token.size(), v);
      return r.ec == std::errc() && r.ptr == token.data() + token.size();
    }
    return d >= static_cast<double>(std::numeric_limits<T>::min()) &&
           d <= static_cast<double>(std::numeric_limits<T>::max());
  }

  std::string_view s_;
  const JsonCheckOptions& options_;
  std::size_t pos_ = 0;
  std::vector<Segment> path_;
  std::vector<std::string> key_storage_;  // names of unknown fields, for the error path
  std::size_t where_offset_ = 0;
  int where_line_ = 1, where_column_ = 1;
};

}  // namespace

Status CheckJson(std::string_view json, const Descriptor& type, const JsonCheckOptions& options) {
  return Walker(json, options).Run(type);
}

}  // namespace credence::io
