// CEL conformance runner (module conformance). See conformance.h.
#include "conformance/conformance.h"

#include <cmath>
#include <exception>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>

#include "expr/checker.h"
#include "expr/program.h"
#include "expr/time_util.h"
#include "expr/value.h"

namespace credence::conformance {
namespace {

using Json = nlohmann::json;
using expr::Activation;
using expr::CompileOptions;
using expr::Duration;
using expr::Environment;
using expr::ListValue;
using expr::MapValue;
using expr::Program;
using expr::Timestamp;
using expr::Type;
using expr::Value;

bool DecodeBase64(const std::string& in, std::string* out) {
  auto val = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+' || c == '-') return 62;
    if (c == '/' || c == '_') return 63;
    return -1;
  };
  std::uint32_t acc = 0;
  int bits = 0;
  for (char c : in) {
    if (c == '=') break;
    int v = val(c);
    if (v < 0) return false;
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out->push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  return true;
}

std::string_view StaticTypeName(const std::string& name) {
  static constexpr std::string_view kNames[] = {
      expr::kTypeNameNull,      expr::kTypeNameBool,     expr::kTypeNameInt,
      expr::kTypeNameUint,      expr::kTypeNameDouble,   expr::kTypeNameString,
      expr::kTypeNameBytes,     expr::kTypeNameList,     expr::kTypeNameMap,
      expr::kTypeNameTimestamp, expr::kTypeNameDuration, expr::kTypeNameType};
  for (std::string_view n : kNames) {
    if (n == name) return n;
  }
  return {};
}

Result<double> JsonDouble(const Json& j) {
  if (j.is_number()) return j.get<double>();
  if (j.is_string()) {
    std::string s = j.get<std::string>();
    if (s == "NaN") return std::numeric_limits<double>::quiet_NaN();
    if (s == "Infinity") return std::numeric_limits<double>::infinity();
    if (s == "-Infinity") return -std::numeric_limits<double>::infinity();
    if (s == "-0.0") return -0.0;
  }
  return InvalidArgumentError("bad double " + j.dump());
}

Result<Value> JsonToValue(const Json& j) {
  if (!j.is_object() || j.size() != 1) return InvalidArgumentError("bad value " + j.dump());
  auto first = j.begin();
  const std::string kind = first.key();
  const Json& v = first.value();
  if (kind == "null") return Value::Null();
  if (kind == "bool") return Value::Bool(v.get<bool>());
  if (kind == "int") return Value::Int(std::stoll(v.get<std::string>()));
  if (kind == "uint") return Value::Uint(std::stoull(v.get<std::string>()));
  if (kind == "double") {
    CREDENCE_ASSIGN_OR_RETURN(double d, JsonDouble(v));
    return Value::Double(d);
  }
  if (kind == "string") return Value::String(v.get<std::string>());
  if (kind == "bytes") {
    std::string b;
    if (!DecodeBase64(v.get<std::string>(), &b)) return InvalidArgumentError("bad base64");
    return Value::Bytes(std::move(b));
  }
  if (kind == "list") {
    ListValue l;
    for (const Json& e : v) {
      CREDENCE_ASSIGN_OR_RETURN(Value x, JsonToValue(e));
      l.push_back(std::move(x));
    }
    return Value::List(std::move(l));
  }
  if (kind == "map") {
    MapValue m;
    for (const Json& kv : v) {
      CREDENCE_ASSIGN_OR_RETURN(Value k, JsonToValue(kv.at(0)));
      CREDENCE_ASSIGN_OR_RETURN(Value x, JsonToValue(kv.at(1)));
      std::string error;
      if (!m.Insert(std::move(k), std::move(x), &error)) return InvalidArgumentError(error);
    }
    return Value::Map(std::move(m));
  }
  if (kind == "type") {
    std::string_view n = StaticTypeName(v.get<std::string>());
    if (n.empty()) return InvalidArgumentError("unsupported type value " + v.dump());
    return Value::Type(n);
  }
  if (kind == "timestamp") {
    CREDENCE_ASSIGN_OR_RETURN(Timestamp t, expr::ParseTimestamp(v.get<std::string>()));
    return Value::Time(t);
  }
  if (kind == "duration") {
    CREDENCE_ASSIGN_OR_RETURN(Duration d, expr::ParseDuration(v.get<std::string>()));
    return Value::Dur(d);
  }
  return UnimplementedError("unsupported value kind '" + kind + "'");
}

// Strict structural equality for test expectations: same kinds, NaN == NaN.
bool SameValue(const Value& a, const Value& b) {
  if (a.kind() != b.kind()) return false;
  switch (a.kind()) {
    case Value::Kind::kDouble: {
      double x = a.double_value(), y = b.double_value();
      return (std::isnan(x) && std::isnan(y)) || x == y;
    }
    case Value::Kind::kList: {
      if (a.list().size() != b.list().size()) return false;
      for (std::size_t i = 0; i < a.list().size(); ++i) {
        if (!SameValue(a.list()[i], b.list()[i])) return false;
      }
      return true;
    }
    case Value::Kind::kMap: {
      if (a.map().size() != b.map().size()) return false;
      for (const auto& [k, v] : a.map().entries()) {
        bool found = false;
        for (const auto& [k2, v2] : b.map().entries()) {
          if (SameValue(k, k2)) {
            found = SameValue(v, v2);
            break;
          }
        }
        if (!found) return false;
      }
      return true;
    }
    case Value::Kind::kError:
      return true;
    default:
      return ValuesEqual(a, b);
  }
}

ConformanceCaseResult RunCaseImpl(std::string_view line) {
  ConformanceCaseResult r;
  Json j = Json::parse(line.begin(), line.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) {
    r.name = "<malformed>";
    r.message = "malformed JSON line";
    return r;
  }
  r.section = j.value("section", "");
  r.name = r.section + "/" + j.value("name", "");
  r.expr = j.value("expr", "");
  auto fail = [&](std::string m) {
    r.passed = false;
    r.message = std::move(m);
    return r;
  };
  if (!j.contains("expect") || !j["expect"].is_object()) return fail("case has no expect");
  const Json& expect = j["expect"];
  if (expect.contains("unknown")) return fail("unknown results are not supported");
  bool want_error = expect.contains("error");

  Environment env;
  if (j.contains("container") && j["container"].is_string()) {
    env.set_container(j["container"].get<std::string>());
  }
  if (j.contains("type_env") && j["type_env"].is_object()) {
    for (const auto& [name, t] : j["type_env"].items()) {
      Result<Type> type = Type::Parse(t.get<std::string>());
      Status s = env.Declare(name, type.ok() ? *type : Type::Dyn());
      if (!s.ok()) return fail("bad type_env: " + s.ToString());
    }
  }
  Activation activation;
  if (j.contains("bindings") && j["bindings"].is_object()) {
    for (const auto& [name, v] : j["bindings"].items()) {
      Result<Value> value = JsonToValue(v);
      if (!value.ok()) return fail("bad binding: " + value.status().ToString());
      if (env.Find(name) == nullptr) {
        Status s = env.Declare(name, Type::Dyn());
        if (!s.ok()) return fail("bad binding: " + s.ToString());
      }
      activation.Bind(name, *std::move(value));
    }
  }
  CompileOptions options;
  options.check_types = !j.value("disable_check", false);
  options.parse.enable_macros = !j.value("disable_macros", false);
  Result<std::shared_ptr<const Program>> program = expr::Compile(r.expr, env, options);
  if (!program.ok()) {
    if (want_error) {
      r.passed = true;
      return r;
    }
    return fail("compile error: " + program.status().ToString());
  }
  Result<Value> result = (*program)->Evaluate(activation);
  if (!result.ok()) {
    if (want_error) {
      r.passed = true;
      return r;
    }
    return fail("evaluation failed: " + result.status().ToString());
  }
  if (want_error) {
    if (result->is_error()) {
      r.passed = true;
      return r;
    }
    return fail("expected error '" + expect["error"].dump() + "', got " + result->DebugString());
  }
  if (!expect.contains("value")) return fail("unsupported expectation " + expect.dump());
  Result<Value> want = JsonToValue(expect["value"]);
  if (!want.ok()) return fail("bad expected value: " + want.status().ToString());
  if (result->is_error()) {
    return fail("expected " + want->DebugString() + ", got " + result->DebugString());
  }
  if (!SameValue(*result, *want)) {
    return fail("expected " + want->DebugString() + ", got " + result->DebugString());
  }
  r.passed = true;
  return r;
}

}  // namespace

ConformanceCaseResult RunConformanceCase(std::string_view line) {
  // nlohmann::json and std::stoll report malformed input by throwing; keep that inside.
  try {
    return RunCaseImpl(line);
  } catch (const std::exception& e) {
    ConformanceCaseResult r;
    r.name = "<malformed>";
    r.message = std::string("malformed case: ") + e.what();
    return r;
  }
}

Result<ConformanceFileResult> RunConformanceFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFoundError("cannot open '" + path + "'");
  ConformanceFileResult out;
  out.path = path;
  std::string line;
  while (std::getline(in, line)) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    ConformanceCaseResult c = RunConformanceCase(line);
    (c.passed ? out.passed : out.failed)++;
    out.cases.push_back(std::move(c));
  }
  return out;
}

}  // namespace credence::conformance
