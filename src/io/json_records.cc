#include "io/json_records.h"

#include <cstdio>

#include "core/utf8.h"

namespace credence::io {

std::string JsonQuote(std::string_view s) {
  std::string out = "\"";
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      const core::Utf8Step step = core::NextUtf8(s, i);
      out += step.valid ? s.substr(i, step.length) : std::string_view("\xEF\xBF\xBD");
      i += step.length;
      continue;
    }
    ++i;
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

std::string ErrorRecordJson(std::size_t index, const std::string& request_id,
                            const Status& status) {
  std::string out = "{\"error\":{\"index\":" + std::to_string(index);
  if (!request_id.empty()) {
    out += ",\"requestId\":" + JsonQuote(request_id);
  }
  out += ",\"code\":" + JsonQuote(StatusCodeName(status.code()));
  out += ",\"message\":" + JsonQuote(status.message());
  if (status.location() != nullptr)
    out += ",\"location\":" + JsonQuote(status.location()->ToString());
  return out + "}}";
}

}  // namespace credence::io
