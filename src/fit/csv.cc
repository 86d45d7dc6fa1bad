#include "fit/csv.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>

#include "core/excerpt.h"
#include "core/utf8.h"

namespace credence::fit {
namespace {

constexpr std::size_t kNoColumn = static_cast<std::size_t>(-1);

bool IsCellEnd(char c) { return c == ',' || c == '\n' || c == '\r'; }

}  // namespace

Result<CsvReader> CsvReader::Open(std::string_view text, std::string file_name,
                                  const CsvLimits& limits) {
  if (text.size() > limits.max_file_bytes) {
    return OutOfRangeError(
        "CSV file larger than the limit of " + std::to_string(limits.max_file_bytes) + " bytes",
        {.file = file_name});
  }
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);  // BOM
  if (std::size_t bad = 0; !core::IsValidUtf8(text, &bad)) {
    const auto line =
        1 + std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(bad), '\n');
    return InvalidArgumentError("invalid UTF-8 at byte " + std::to_string(bad),
                                {.file = file_name, .line = static_cast<int>(line)});
  }
  CsvReader reader(text, std::move(file_name), limits);
  CREDENCE_RETURN_IF_ERROR(reader.ReadHeader());
  return reader;
}

Status CsvReader::Error(StatusCode code, std::size_t line, const std::string& message,
                        std::size_t column) const {
  std::string text = message;
  if (column != kNoColumn && column < header_.size()) {
    text += " (column '" + core::Excerpt(header_[column], 64) + "')";
  } else if (column != kNoColumn && header_.empty()) {
    text += " (header column " + std::to_string(column + 1) + ")";
  }
  return Status(code, text, {.file = file_name_, .line = static_cast<int>(line)});
}

Status CsvReader::RowError(const std::string& message) const {
  return InvalidArgumentError(message,
                              {.file = file_name_, .line = static_cast<int>(record_line_)});
}

Status CsvReader::ReadHeader() {
  std::string data;
  std::vector<std::size_t> ends;
  CREDENCE_ASSIGN_OR_RETURN(bool has_header, NextRecord(data, ends));
  if (!has_header) {
    return InvalidArgumentError("the file is empty: it needs a header row",
                                {.file = file_name_, .line = 1});
  }
  std::set<std::string> seen;
  for (std::size_t c = 0; c < ends.size(); ++c) {
    const std::size_t begin = c == 0 ? 0 : ends[c - 1];
    std::string name = data.substr(begin, ends[c] - begin);
    if (name.empty()) {
      return InvalidArgumentError("header column " + std::to_string(c + 1) + " has no name",
                                  {.file = file_name_, .line = 1});
    }
    if (!seen.insert(name).second) {
      return InvalidArgumentError(
          "duplicate header: column '" + core::Excerpt(name, 64) + "' appears twice",
          {.file = file_name_, .line = 1});
    }
    header_.push_back(std::move(name));
  }
  return OkStatus();
}

Status CsvReader::ReadQuoted(std::string& data, std::size_t start, std::size_t column) {
  ++pos_;  // the opening quote
  while (true) {
    if (pos_ >= text_.size()) {
      return Error(StatusCode::kInvalidArgument, record_line_, "unterminated quoted cell", column);
    }
    const char c = text_[pos_++];
    if (c == '"') {
      if (pos_ >= text_.size() || text_[pos_] != '"') break;
      ++pos_;
    } else if (c == '\n') {
      ++line_;
    }
    data.push_back(c);
    if (data.size() - start > limits_.max_cell_bytes) {
      return Error(
          StatusCode::kOutOfRange, line_,
          "cell longer than the limit of " + std::to_string(limits_.max_cell_bytes) + " bytes",
          column);
    }
  }
  if (pos_ < text_.size() && !IsCellEnd(text_[pos_])) {
    return Error(StatusCode::kInvalidArgument, line_, "unexpected character after a closing quote",
                 column);
  }
  return OkStatus();
}

Status CsvReader::ReadUnquoted(std::string& data, std::size_t column) {
  std::size_t end = pos_;
  while (end < text_.size() && !IsCellEnd(text_[end])) {
    if (text_[end] == '"') {
      return Error(StatusCode::kInvalidArgument, line_, "quote inside an unquoted cell", column);
    }
    ++end;
  }
  if (end - pos_ > limits_.max_cell_bytes) {
    return Error(
        StatusCode::kOutOfRange, line_,
        "cell longer than the limit of " + std::to_string(limits_.max_cell_bytes) + " bytes",
        column);
  }
  data.append(text_.data() + pos_, end - pos_);
  pos_ = end;
  return OkStatus();
}

Result<bool> CsvReader::NextRecord(std::string& data, std::vector<std::size_t>& ends) {
  if (pos_ >= text_.size()) return false;
  record_line_ = line_;
  record_start_ = pos_;
  for (std::size_t column = 0;; ++column) {
    if (column >= limits_.max_columns) {
      return Error(StatusCode::kOutOfRange, line_,
                   "more than " + std::to_string(limits_.max_columns) + " columns", kNoColumn);
    }
    const std::size_t start = data.size();
    if (pos_ < text_.size() && text_[pos_] == '"') {
      CREDENCE_RETURN_IF_ERROR(ReadQuoted(data, start, column));
    } else {
      CREDENCE_RETURN_IF_ERROR(ReadUnquoted(data, column));
    }
    ends.push_back(data.size());
    if (pos_ - record_start_ > limits_.max_row_bytes) {
      return Error(
          StatusCode::kOutOfRange, record_line_,
          "row longer than the limit of " + std::to_string(limits_.max_row_bytes) + " bytes",
          kNoColumn);
    }
    if (pos_ >= text_.size()) return true;
    if (text_[pos_] == ',') {
      ++pos_;
      continue;
    }
    if (text_[pos_] == '\r') ++pos_;
    if (pos_ < text_.size() && text_[pos_] == '\n') ++pos_;
    ++line_;
    return true;
  }
}

Result<bool> CsvReader::NextRow(std::string& data, std::vector<std::size_t>& ends) {
  while (true) {
    const std::size_t first = ends.size();
    const std::size_t before = data.size();
    CREDENCE_ASSIGN_OR_RETURN(bool more, NextRecord(data, ends));
    if (!more) return false;
    const std::size_t cells = ends.size() - first;
    if (cells == 1 && ends.back() == before) {  // a blank line
      ends.pop_back();
      continue;
    }
    if (cells != header_.size()) {
      return RowError("expected " + std::to_string(header_.size()) +
                      " cells like the header, found " + std::to_string(cells));
    }
    return true;
  }
}

Result<bool> CsvReader::Next(std::vector<std::string>& cells) {
  row_data_.clear();
  row_ends_.clear();
  CREDENCE_ASSIGN_OR_RETURN(bool more, NextRow(row_data_, row_ends_));
  if (!more) return false;
  cells.resize(row_ends_.size());
  for (std::size_t c = 0; c < row_ends_.size(); ++c) {
    const std::size_t begin = c == 0 ? 0 : row_ends_[c - 1];
    cells[c].assign(row_data_, begin, row_ends_[c] - begin);
  }
  return true;
}

int CsvReader::ColumnIndex(std::string_view name) const {
  for (std::size_t c = 0; c < header_.size(); ++c) {
    if (header_[c] == name) return static_cast<int>(c);
  }
  return -1;
}

Result<std::string> ReadCsvFile(const std::string& path, const CsvLimits& limits) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFoundError("cannot open '" + path + "'", {.file = path});
  in.seekg(0, std::ios::end);
  const std::streamoff size = in.tellg();
  if (size > 0 && static_cast<std::uint64_t>(size) > limits.max_file_bytes) {
    return OutOfRangeError(
        "CSV file larger than the limit of " + std::to_string(limits.max_file_bytes) + " bytes",
        {.file = path});
  }
  in.seekg(0, std::ios::beg);
  std::ostringstream buf;
  buf << in.rdbuf();
  if (in.bad()) return DataLossError("error reading '" + path + "'", {.file = path});
  return std::move(buf).str();
}

Result<CsvTable> CsvTable::Read(const std::string& path, const CsvLimits& limits) {
  CREDENCE_ASSIGN_OR_RETURN(std::string text, ReadCsvFile(path, limits));
  return Parse(text, path, limits);
}

Result<CsvTable> CsvTable::Parse(std::string_view text, const std::string& file_name,
                                 const CsvLimits& limits) {
  CREDENCE_ASSIGN_OR_RETURN(CsvReader reader, CsvReader::Open(text, file_name, limits));
  CsvTable t;
  t.file_name_ = file_name;
  t.header_ = reader.header();
  t.data_.reserve(text.size());
  t.ends_.reserve(text.size() / 4);
  while (true) {
    CREDENCE_ASSIGN_OR_RETURN(bool more, reader.NextRow(t.data_, t.ends_));
    if (!more) break;
    if (t.rows_ == std::numeric_limits<std::uint32_t>::max()) {
      return OutOfRangeError("more than 2^32 - 1 rows", {.file = file_name});
    }
    t.lines_.push_back(reader.line());
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
          "label column '" + core::Excerpt(table.header()[col], 64) + "' holds '" +
              core::Excerpt(table.Field(r, col)) + "'; labels must be 0 (good) or 1 (bad)",
          {.file = table.file_name(), .line = static_cast<int>(table.LineOf(r))});
    }
    labels[r] = static_cast<int>(v);
  }
  return labels;
}

}  // namespace credence::fit
