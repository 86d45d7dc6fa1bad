// Pieces of the JSON request reader. See json_values.h.
#include "io/json_values.h"

#include <google/protobuf/reflection.h>

#include <cstring>
#include <limits>
#include <utility>
#include <vector>

namespace credence::io::internal {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

constexpr int kMaxDepth = 32;  // far deeper than the request schema nests

// Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar (H. Hinnant).
std::int64_t DaysFromCivil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

unsigned DaysInMonth(std::int64_t y, unsigned m) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : kDays[m - 1];
}

// `n` decimal digits at s[at..], or -1.
int Digits(std::string_view s, std::size_t at, int n) {
  int v = 0;
  for (int k = 0; k < n; ++k) {
    const char c = s[at + static_cast<std::size_t>(k)];
    if (c < '0' || c > '9') return -1;
    v = v * 10 + (c - '0');
  }
  return v;
}

// A scalar token without the white space raw_json_token() keeps after it.
std::string_view Token(sj::value& v) {
  std::string_view t = v.raw_json_token();
  while (!t.empty() &&
         (t.back() == ' ' || t.back() == '\t' || t.back() == '\n' || t.back() == '\r')) {
    t.remove_suffix(1);
  }
  return t;
}

bool IsTimestamp(const Descriptor* d) { return d->full_name() == "google.protobuf.Timestamp"; }

Step FillObject(sj::object& obj, Message* message, const PathNode& path, Status* error,
                const FieldDescriptor* hooked, FieldHook* hook, int depth);

// Sets (or, for a repeated field, adds) one value of field `f`.
Step SetValue(sj::value& v, sj::json_type type, Message* m, const FieldDescriptor* f,
              const PathNode& path, Status* error, int depth) {
  const Reflection* r = m->GetReflection();
  const bool add = f->is_repeated();
  std::int64_t i = 0;
  double d = 0;
  bool b = false;
  std::string_view s;
  std::int32_t e = 0;
  Step step = Step::kFallback;
  switch (f->cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING:
      if (f->type() == FieldDescriptor::TYPE_BYTES) return Step::kFallback;
      if ((step = ReadString(v, &s)) != Step::kOk) return step;
      add ? r->AddString(m, f, std::string(s)) : r->SetString(m, f, std::string(s));
      return Step::kOk;
    case FieldDescriptor::CPPTYPE_INT32:
      if ((step = ReadInt(v, std::numeric_limits<std::int32_t>::min(),
                          std::numeric_limits<std::int32_t>::max(), &i)) != Step::kOk) {
        return step;
      }
      add ? r->AddInt32(m, f, static_cast<std::int32_t>(i))
          : r->SetInt32(m, f, static_cast<std::int32_t>(i));
      return Step::kOk;
    case FieldDescriptor::CPPTYPE_INT64:
      if ((step = ReadInt(v, std::numeric_limits<std::int64_t>::min(),
                          std::numeric_limits<std::int64_t>::max(), &i)) != Step::kOk) {
        return step;
      }
      add ? r->AddInt64(m, f, i) : r->SetInt64(m, f, i);
      return Step::kOk;
    case FieldDescriptor::CPPTYPE_UINT32:
      if ((step = ReadInt(v, 0, std::numeric_limits<std::uint32_t>::max(), &i)) != Step::kOk) {
        return step;
      }
      add ? r->AddUInt32(m, f, static_cast<std::uint32_t>(i))
          : r->SetUInt32(m, f, static_cast<std::uint32_t>(i));
      return Step::kOk;
    case FieldDescriptor::CPPTYPE_DOUBLE:
      if ((step = ReadDouble(v, &d)) != Step::kOk) return step;
      add ? r->AddDouble(m, f, d) : r->SetDouble(m, f, d);
      return Step::kOk;
    case FieldDescriptor::CPPTYPE_BOOL:
      if ((step = ReadBool(v, &b)) != Step::kOk) return step;
      add ? r->AddBool(m, f, b) : r->SetBool(m, f, b);
      return Step::kOk;
    case FieldDescriptor::CPPTYPE_ENUM:
      if ((step = ReadEnum(v, f->enum_type(), &e)) != Step::kOk) return step;
      add ? r->AddEnumValue(m, f, e) : r->SetEnumValue(m, f, e);
      return Step::kOk;
    case FieldDescriptor::CPPTYPE_MESSAGE: {
      const Descriptor* t = f->message_type();
      if (IsTimestamp(t)) {
        std::int32_t nanos = 0;
        if ((step = ReadTimestamp(v, &i, &nanos)) != Step::kOk) return step;
        Message* ts = add ? r->AddMessage(m, f) : r->MutableMessage(m, f);
        ts->GetReflection()->SetInt64(ts, t->field(0), i);
        ts->GetReflection()->SetInt32(ts, t->field(1), nanos);
        return Step::kOk;
      }
      // Other well-known types have JSON forms of their own; objects only here.
      if (t->file()->package() == "google.protobuf" || type != sj::json_type::object ||
          depth >= kMaxDepth) {
        return Step::kFallback;
      }
      sj::object obj;
      if (v.get_object().get(obj)) return Step::kFallback;
      Message* child = add ? r->AddMessage(m, f) : r->MutableMessage(m, f);
      return FillObject(obj, child, path, error, nullptr, nullptr, depth + 1);
    }
    default:  // float, uint64: not in the subset
      return Step::kFallback;
  }
}

// A map field: an object of entries with distinct string keys.
Step FillMap(sj::value& v, Message* m, const FieldDescriptor* f, const PathNode& path,
             Status* error, int depth) {
  const Descriptor* entry_type = f->message_type();
  const FieldDescriptor* key_field = entry_type->map_key();
  const FieldDescriptor* value_field = entry_type->map_value();
  if (key_field->cpp_type() != FieldDescriptor::CPPTYPE_STRING) return Step::kFallback;
  sj::object obj;
  if (v.get_object().get(obj)) return Step::kFallback;
  std::vector<std::string_view> keys;
  for (auto result : obj) {
    sj::field field;
    if (std::move(result).get(field)) return Step::kFallback;
    const auto key = RawKey(field);
    if (!key) return Step::kFallback;
    for (std::string_view k : keys) {
      if (k == *key) return Step::kFallback;  // a repeated key: protobuf's error
    }
    keys.push_back(*key);
    sj::value value = field.value();
    const auto type = TypeOf(value);
    if (!type || *type == sj::json_type::null || *type == sj::json_type::array) {
      return Step::kFallback;
    }
    Message* entry = m->GetReflection()->AddMessage(m, f);
    entry->GetReflection()->SetString(entry, key_field, std::string(*key));
    const PathNode child{&path, *key, -1, true};
    const Step step = SetValue(value, *type, entry, value_field, child, error, depth + 1);
    if (step != Step::kOk) return step;
  }
  return Step::kOk;
}

// One field's value: a map, a repeated field (an array of values) or a single value.
Step FillField(sj::value& v, Message* m, const FieldDescriptor* f, const PathNode& path,
               Status* error, int depth) {
  const auto type = TypeOf(v);
  if (!type || *type == sj::json_type::null) return Step::kFallback;
  if (f->is_map()) {
    return *type == sj::json_type::object ? FillMap(v, m, f, path, error, depth) : Step::kFallback;
  }
  if (!f->is_repeated()) {
    // An array for a single value is an error protobuf reports itself.
    if (*type == sj::json_type::array) return Step::kFallback;
    return SetValue(v, *type, m, f, path, error, depth);
  }
  if (*type == sj::json_type::object) return ShapeError(path, error);
  if (*type != sj::json_type::array) return Step::kFallback;
  sj::array array;
  if (v.get_array().get(array)) return Step::kFallback;
  int index = 0;
  for (auto result : array) {
    sj::value element;
    if (std::move(result).get(element)) return Step::kFallback;
    const PathNode child{&path, {}, index++};
    const auto element_type = TypeOf(element);
    if (!element_type || *element_type == sj::json_type::null) return Step::kFallback;
    if (*element_type == sj::json_type::array) return ShapeError(child, error);
    const Step step = SetValue(element, *element_type, m, f, child, error, depth);
    if (step != Step::kOk) return step;
  }
  return Step::kOk;
}

Step FillObject(sj::object& obj, Message* message, const PathNode& path, Status* error,
                const FieldDescriptor* hooked, FieldHook* hook, int depth) {
  const Descriptor* d = message->GetDescriptor();
  std::vector<const FieldDescriptor*> seen;
  for (auto result : obj) {
    sj::field field;
    if (std::move(result).get(field)) return Step::kFallback;
    const auto key = RawKey(field);
    if (!key) return Step::kFallback;
    const FieldDescriptor* f = FieldByJsonName(d, *key);
    if (f == nullptr) return Step::kFallback;  // an unknown field: protobuf's error
    for (const FieldDescriptor* s : seen) {
      // The same field twice (in either spelling), or two members of one oneof.
      const bool same_oneof = s->real_containing_oneof() != nullptr &&
                              s->real_containing_oneof() == f->real_containing_oneof();
      if (s == f || same_oneof) return Step::kFallback;
    }
    seen.push_back(f);
    sj::value value = field.value();
    const PathNode child{&path, f->name()};
    const Step step = f == hooked ? hook->Read(value, child, error)
                                  : FillField(value, message, f, child, error, depth);
    if (step != Step::kOk) return step;
  }
  return Step::kOk;
}

}  // namespace

std::string PathNode::str() const {
  std::string prefix = parent != nullptr ? parent->str() : std::string();
  if (is_key) return prefix + "[\"" + std::string(name) + "\"]";
  if (name.empty() && index >= 0) return prefix + "[" + std::to_string(index) + "]";
  if (!prefix.empty()) prefix += '.';
  return prefix + std::string(name);
}

Step ShapeError(const PathNode& path, Status* error) {
  const std::string where = path.str();
  const bool element = path.name.empty() && path.index >= 0;
  *error = InvalidArgumentError(
      "malformed JSON ScoreRequest: " + where +
          (element ? ": a list inside a list (a repeated field holds values, not lists)"
                   : ": expected a list, found an object"),
      {.field_path = where});
  return Step::kShape;
}

std::optional<std::string_view> RawKey(sj::field& field) {
  // Eight bytes at a time to the first '"' or '\\' (the structural index guarantees the
  // closing quote; the document is padded, so reading past it is safe).
  constexpr std::uint64_t kOnes = 0x0101010101010101ull, kHigh = 0x8080808080808080ull;
  const char* begin = field.key().raw();
  for (const char* p = begin;; p += 8) {
    std::uint64_t w;
    std::memcpy(&w, p, 8);
    const std::uint64_t quote = w ^ (kOnes * '"'), slash = w ^ (kOnes * '\\');
    const std::uint64_t hit =
        ((quote - kOnes) & ~quote & kHigh) | ((slash - kOnes) & ~slash & kHigh);
    if (hit != 0) {
      const char* end = p + __builtin_ctzll(hit) / 8;  // the lowest hit is exact
      if (*end == '\\') return std::nullopt;
      return std::string_view(begin, static_cast<std::size_t>(end - begin));
    }
  }
}

std::optional<std::uint64_t> CanonicalUint(std::string_view t) {
  if (t.empty() || t.size() > 20 || (t[0] == '0' && t.size() > 1)) return std::nullopt;
  std::uint64_t v = 0;
  for (char c : t) {
    if (c < '0' || c > '9') return std::nullopt;
    if (__builtin_mul_overflow(v, 10, &v) || __builtin_add_overflow(v, c - '0', &v)) {
      return std::nullopt;
    }
  }
  return v;
}

std::optional<std::int64_t> CanonicalInt(std::string_view t, std::int64_t min, std::int64_t max) {
  const bool negative = !t.empty() && t[0] == '-';
  if (negative) t.remove_prefix(1);
  if (negative && t == "0") return std::nullopt;  // -0: protobuf's, not the subset's
  const auto magnitude = CanonicalUint(t);
  if (!magnitude) return std::nullopt;
  if (negative) {
    if (*magnitude > std::uint64_t{1} << 63) return std::nullopt;
    const auto v = static_cast<std::int64_t>(0 - *magnitude);
    return v < min ? std::nullopt : std::optional(v);
  }
  if (*magnitude > static_cast<std::uint64_t>(max)) return std::nullopt;
  const auto v = static_cast<std::int64_t>(*magnitude);
  return v < min ? std::nullopt : std::optional(v);
}

std::optional<sj::json_type> TypeOf(sj::value& v) {
  sj::json_type t;
  if (v.type().get(t)) return std::nullopt;
  return t;
}

Step ReadInt(sj::value& v, std::int64_t min, std::int64_t max, std::int64_t* out) {
  const auto t = TypeOf(v);
  std::string_view text;
  if (t == sj::json_type::number) {
    text = Token(v);
  } else if (t != sj::json_type::string || v.get_string().get(text)) {
    return Step::kFallback;
  }
  const auto i = CanonicalInt(text, min, max);
  if (!i) return Step::kFallback;
  *out = *i;
  return Step::kOk;
}

Step ReadDouble(sj::value& v, double* out) {
  if (TypeOf(v) != sj::json_type::number) return Step::kFallback;
  const std::string_view text = Token(v);
  if (text.find_first_of(".eE") == std::string_view::npos) {
    if (const auto i = CanonicalInt(text, std::numeric_limits<std::int64_t>::min(),
                                    std::numeric_limits<std::int64_t>::max())) {
      *out = static_cast<double>(*i);
      return Step::kOk;
    }
    if (const auto u = CanonicalUint(text)) {
      *out = static_cast<double>(*u);
      return Step::kOk;
    }
    return Step::kFallback;
  }
  double d = 0;
  if (v.get_double().get(d) || d - d != 0) return Step::kFallback;  // not finite
  *out = d;
  return Step::kOk;
}

Step ReadBool(sj::value& v, bool* out) {
  if (TypeOf(v) != sj::json_type::boolean || v.get_bool().get(*out)) return Step::kFallback;
  return Step::kOk;
}

Step ReadString(sj::value& v, std::string_view* out) {
  if (TypeOf(v) != sj::json_type::string || v.get_string().get(*out)) return Step::kFallback;
  return Step::kOk;
}

Step ReadEnum(sj::value& v, const google::protobuf::EnumDescriptor* type, std::int32_t* out) {
  const auto t = TypeOf(v);
  if (t == sj::json_type::number) {
    const auto i = CanonicalInt(Token(v), std::numeric_limits<std::int32_t>::min(),
                                std::numeric_limits<std::int32_t>::max());
    if (!i) return Step::kFallback;
    *out = static_cast<std::int32_t>(*i);
    return Step::kOk;
  }
  std::string_view name;
  if (t != sj::json_type::string || v.get_string().get(name)) return Step::kFallback;
  const auto* value = type->FindValueByName(std::string(name));
  if (value == nullptr) return Step::kFallback;
  *out = value->number();
  return Step::kOk;
}

bool ParseTimestamp(std::string_view s, std::int64_t* seconds, std::int32_t* nanos) {
  if (s.size() < 20 || s.back() != 'Z' || s[4] != '-' || s[7] != '-' || s[10] != 'T' ||
      s[13] != ':' || s[16] != ':') {
    return false;
  }
  const int year = Digits(s, 0, 4), month = Digits(s, 5, 2), day = Digits(s, 8, 2);
  const int hour = Digits(s, 11, 2), minute = Digits(s, 14, 2), second = Digits(s, 17, 2);
  if (year < 1 || month < 1 || month > 12 || day < 1 ||
      static_cast<unsigned>(day) > DaysInMonth(year, static_cast<unsigned>(month)) || hour < 0 ||
      hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) {
    return false;
  }
  std::int32_t fraction = 0;
  if (s.size() > 20) {
    const std::size_t digits = s.size() - 21;  // between '.' and 'Z'
    if (s[19] != '.' || digits < 1 || digits > 9) return false;
    const int f = Digits(s, 20, static_cast<int>(digits));
    if (f < 0) return false;
    fraction = f;
    for (std::size_t k = digits; k < 9; ++k) fraction *= 10;
  }
  *seconds = DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)) * 86400 +
             hour * 3600 + minute * 60 + second;
  *nanos = fraction;
  return true;
}

Step ReadTimestamp(sj::value& v, std::int64_t* seconds, std::int32_t* nanos) {
  std::string_view s;
  if (ReadString(v, &s) != Step::kOk || !ParseTimestamp(s, seconds, nanos)) return Step::kFallback;
  return Step::kOk;
}

const FieldDescriptor* FieldByJsonName(const Descriptor* type, std::string_view name) {
  for (int i = 0; i < type->field_count(); ++i) {
    const FieldDescriptor* f = type->field(i);
    if (f->json_name() == name || f->name() == name) return f;
  }
  return nullptr;
}

Step FillMessage(sj::object& obj, Message* message, const PathNode& path, Status* error,
                 const FieldDescriptor* hooked, FieldHook* hook) {
  return FillObject(obj, message, path, error, hooked, hook, 0);
}

}  // namespace credence::io::internal
