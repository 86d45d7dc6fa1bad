// A small RFC 4180 CSV reader for training and scoring files: a header row, then data rows,
// comma-separated, fields optionally in double quotes ("" is a quote inside quotes), LF or
// CRLF line ends, UTF-8 (a leading BOM is skipped). A line that is one empty field (quoted
// or not) is a blank line and skipped. Fields are kept unescaped in one buffer (8 bytes per
// field of overhead), so 100k rows x 60 columns take about the file's size plus 48 MB.
#ifndef CREDENCE_FIT_CSV_H_
#define CREDENCE_FIT_CSV_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "credence/result.h"

namespace credence::fit {

// Limits: at most 100,000 columns and 2^32 - 1 rows; a file larger than 4 GiB is rejected.
class CsvTable {
 public:
  // Errors (INVALID_ARGUMENT, location file:line): invalid UTF-8, an empty file, an empty or
  // duplicate header name, a row whose field count differs from the header's, an
  // unterminated quote, a quote inside an unquoted field, bytes after a closing quote.
  static Result<CsvTable> Parse(std::string_view text, const std::string& file_name);
  // Reads `path` and parses it. NOT_FOUND when it cannot be opened.
  static Result<CsvTable> Read(const std::string& path);

  const std::vector<std::string>& header() const { return header_; }
  std::size_t rows() const { return rows_; }
  std::size_t cols() const { return header_.size(); }
  // -1 when there is no such column.
  int ColumnIndex(std::string_view name) const;
  // REQUIRES: row < rows(), col < cols().
  std::string_view Field(std::size_t row, std::size_t col) const {
    const std::size_t i = row * header_.size() + col;
    const std::size_t begin = i == 0 ? 0 : ends_[i - 1];
    return std::string_view(data_).substr(begin, ends_[i] - begin);
  }
  // The 1-based line of the file where data row `row` starts (for error locations).
  std::size_t LineOf(std::size_t row) const { return lines_[row]; }
  const std::string& file_name() const { return file_name_; }

 private:
  std::string file_name_;
  std::vector<std::string> header_;
  std::size_t rows_ = 0;
  std::string data_;
  std::vector<std::size_t> ends_;
  std::vector<std::size_t> lines_;
};

// Parses a numeric field: "" and "nan"/"NaN" (any case) are missing (NaN); otherwise the
// whole field (surrounding spaces allowed) must be a decimal or scientific number; "inf" is
// accepted and returned as infinity (callers reject it). False when the field is not numeric.
bool ParseNumericField(std::string_view field, double& out);

// Column `col` of `table` as numbers (ParseNumericField). When a field is not numeric,
// returns false and sets `bad_row` to its data row; `out` is then incomplete.
bool NumericColumn(const CsvTable& table, std::size_t col, std::vector<double>& out,
                   std::size_t& bad_row);

// Column `col` as 0/1 labels ("0", "1", "0.0", "1.0", ...). INVALID_ARGUMENT at file:line for
// any other value, an empty one included.
Result<std::vector<int>> LabelColumn(const CsvTable& table, std::size_t col);

}  // namespace credence::fit

#endif  // CREDENCE_FIT_CSV_H_
