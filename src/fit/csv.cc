#include "fit/csv.h"

#include <algorithm>

#include <charconv>
#include <cmath>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>

#include "core/utf8.h"

namespace credence::fit {
namespace {

constexpr std::size_t kMaxColumns = 100000;
constexpr std::size_t kMaxBytes = std::size_t{4} << 30;

Status CsvError(const std::string& file, std::size_t line, const std::string& message) {
  return InvalidArgumentError(message, {.file = file, .line = static_cast<int>(line)});
}

}  // namespace

Result<CsvTable> CsvTable::Read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFoundError("cannot open '" + path + "'", {.file = path});
  std::ostringstream buf;
  buf << in.rdbuf();
  if (in.bad()) return DataLossError("error reading '" + path + "'", {.file = path});
  return Parse(buf.str(), path);
}

Result<CsvTable> CsvTable::Parse(std::string_view text, const std::string& file_name) {
  if (text.size() > kMaxBytes) {
    return OutOfRangeError("CSV file larger than 4 GiB", {.file = file_name});
  }
  if (text.size() >= 3 && text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);  // BOM
  if (std::size_t bad = 0; !core::IsValidUtf8(text, &bad)) {
    const auto line =
        1 + std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(bad), '\n');
    return CsvError(file_name, static_cast<std::size_t>(line),
                    "invalid UTF-8 at byte " + std::to_string(bad));
  }
  CsvTable t;
  t.file_name_ = file_name;
  std::size_t pos = 0, line = 1;
  // Parses one record starting at `pos`, appending its fields to t.data_ / t.ends_; returns
  // false at end of input.
  auto next_record = [&](std::size_t& start_line) -> Result<bool> {
    if (pos >= text.size()) return false;
    start_line = line;
    while (true) {
      if (pos < text.size() && text[pos] == '"') {
        ++pos;
        while (true) {
          if (pos >= text.size()) return CsvError(file_name, start_line, "unterminated quote");
          const char c = text[pos++];
          if (c == '"') {
            if (pos < text.size() && text[pos] == '"') {
              t.data_.push_back('"');
              ++pos;
            } else {
              break;
            }
          } else {
            if (c == '\n') ++line;
            t.data_.push_back(c);
          }
        }
        if (pos < text.size() && text[pos] != ',' && text[pos] != '\n' && text[pos] != '\r') {
          return CsvError(file_name, line, "unexpected character after a closing quote");
        }
      } else {
        std::size_t end = pos;
        while (end < text.size() && text[end] != ',' && text[end] != '\n' && text[end] != '\r') {
          if (text[end] == '"') {
            return CsvError(file_name, line, "quote inside an unquoted field");
          }
          ++end;
        }
        t.data_.append(text.data() + pos, end - pos);
        pos = end;
      }
      t.ends_.push_back(t.data_.size());
      if (pos >= text.size()) return true;
      if (text[pos] == ',') {
        ++pos;
        continue;
      }
      if (text[pos] == '\r') ++pos;
      if (pos < text.size() && text[pos] == '\n') ++pos;
      ++line;
      return true;
    }
  };
  std::size_t record_line = 0;
  CREDENCE_ASSIGN_OR_RETURN(bool has_header, next_record(record_line));
  if (!has_header) return CsvError(file_name, 1, "empty CSV file (no header row)");
  if (t.ends_.size() > kMaxColumns) return CsvError(file_name, 1, "more than 100000 columns");
  std::set<std::string> seen;
  for (std::size_t c = 0; c < t.ends_.size(); ++c) {
    const std::size_t begin = c == 0 ? 0 : t.ends_[c - 1];
    std::string name = t.data_.substr(begin, t.ends_[c] - begin);
    if (name.empty()) {
      return CsvError(file_name, 1, "header column " + std::to_string(c + 1) + " has no name");
    }
    if (!seen.insert(name).second) {
      return CsvError(file_name, 1, "duplicate column name '" + name + "'");
    }
    t.header_.push_back(std::move(name));
  }
  t.data_.clear();
  t.ends_.clear();
  t.data_.reserve(text.size());
  t.ends_.reserve(text.size() / 4);
  while (true) {
    const std::size_t first = t.ends_.size();
    CREDENCE_ASSIGN_OR_RETURN(bool more, next_record(record_line));
    if (!more) break;
    const std::size_t fields = t.ends_.size() - first;
    const std::size_t before = first == 0 ? 0 : t.ends_[first - 1];
    if (fields == 1 && t.ends_.back() == before) {  // blank line
      t.ends_.pop_back();
      continue;
    }
    if (fields != t.header_.size()) {
      return CsvError(file_name, record_line,
                      "row has " + std::to_string(fields) + " fields, the header has " +
                          std::to_string(t.header_.size()));
    }
    if (t.rows_ == std::numeric_limits<std::uint32_t>::max()) {
      return OutOfRangeError("more than 2^32 - 1 rows", {.file = file_name});
    }
    t.lines_.push_back(record_line);
    ++t.rows_;
  }
  t.ends_.shrink_to_fit();
  return t;
}

int CsvTable::ColumnIndex(std::string_view name) const {
  for (std::size_t c = 0; c < header_.size(); ++c) {
    if (header_[c] == name) return static_cast<int>(c);
  }
  return -1;
}

bool ParseNumericField(std::string_view f, double& out) {
  while (!f.empty() && (f.front() == ' ' || f.front() == '\t')) f.remove_prefix(1);
  while (!f.empty() && (f.back() == ' ' || f.back() == '\t')) f.remove_suffix(1);
  if (f.empty()) {
    out = std::numeric_limits<double>::quiet_NaN();
    return true;
  }
  std::string_view g = f;
  if (g.front() == '+') g.remove_prefix(1);
  const auto [ptr, ec] = std::from_chars(g.data(), g.data() + g.size(), out);
  if (ec != std::errc() || ptr != g.data() + g.size()) return false;
  if (std::isnan(out)) out = std::numeric_limits<double>::quiet_NaN();
  return true;
}

bool NumericColumn(const CsvTable& table, std::size_t col, std::vector<double>& out,
                   std::size_t& bad_row) {
  out.resize(table.rows());
  for (std::size_t r = 0; r < table.rows(); ++r) {
    if (!ParseNumericField(table.Field(r, col), out[r])) {
      bad_row = r;
      return false;
    }
  }
  return true;
}

Result<std::vector<int>> LabelColumn(const CsvTable& table, std::size_t col) {
  std::vector<int> labels(table.rows());
  for (std::size_t r = 0; r < table.rows(); ++r) {
    double v;
    if (!ParseNumericField(table.Field(r, col), v) || !(v == 0 || v == 1)) {
      return InvalidArgumentError(
          "label column '" + table.header()[col] + "' holds '" + std::string(table.Field(r, col)) +
              "'; labels must be 0 (good) or 1 (bad)",
          {.file = table.file_name(), .line = static_cast<int>(table.LineOf(r))});
    }
    labels[r] = static_cast<int>(v);
  }
  return labels;
}

}  // namespace credence::fit
