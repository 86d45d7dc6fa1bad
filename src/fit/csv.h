// The one CSV reader of credence's tools (`credence fit`, `metrics`, `predict`, `features`,
// `report`): RFC 4180 — a header row, then data rows, comma-separated, cells optionally in
// double quotes ("" is a quote inside quotes, and a quoted cell may span lines), LF or CRLF
// line ends, UTF-8 (a leading BOM is skipped). A line that is one empty cell (quoted or not)
// is a blank line and skipped. Every error names the file and line, and the column when it
// concerns one cell; sizes are bounded by CsvLimits.
//
// CsvReader hands out one row at a time (for files streamed through once); CsvTable keeps
// every row, unescaped in one buffer (8 bytes per cell of overhead), so 100k rows x 60
// columns take about the file's size plus 48 MB.
#ifndef CREDENCE_FIT_CSV_H_
#define CREDENCE_FIT_CSV_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "credence/result.h"

namespace credence::fit {

// Exceeding a limit is OUT_OF_RANGE at file:line.
struct CsvLimits {
  std::size_t max_file_bytes = std::size_t{4} << 30;  // the whole text
  std::size_t max_columns = 100'000;
  std::size_t max_cell_bytes = std::size_t{1} << 20;  // one cell, unescaped
  std::size_t max_row_bytes = std::size_t{64} << 20;  // one row as written in the file
};

// Reads rows one at a time from CSV text in memory. Thread-compatible; the text must outlive
// the reader.
class CsvReader {
 public:
  // Checks the text and reads the header. Errors (INVALID_ARGUMENT unless a limit is
  // exceeded, location file:line): invalid UTF-8, an empty file, an empty or duplicate
  // header name, and the row errors of Next().
  static Result<CsvReader> Open(std::string_view text, std::string file_name,
                                const CsvLimits& limits = {});

  const std::vector<std::string>& header() const { return header_; }
  // -1 when there is no such column.
  int ColumnIndex(std::string_view name) const;
  const std::string& file_name() const { return file_name_; }

  // Reads the next data row into `cells` (one per header column). False at the end of the
  // text. Errors: a row whose cell count differs from the header's, an unterminated quote, a
  // quote inside an unquoted cell, text after a closing quote, a cell or row over the limits.
  Result<bool> Next(std::vector<std::string>& cells);
  // The 1-based line where the row last returned by Next() starts (1: the header).
  std::size_t line() const { return record_line_; }
  // INVALID_ARGUMENT `message` located at the last row's line, for a bad cell.
  Status RowError(const std::string& message) const;

 private:
  friend class CsvTable;
  CsvReader(std::string_view text, std::string file_name, const CsvLimits& limits)
      : text_(text), file_name_(std::move(file_name)), limits_(limits) {}
  Status ReadHeader();
  // Appends the cells of the next record (blank lines included) to `data`, pushing each
  // cell's end offset in `data` to `ends`. False at the end of the text.
  Result<bool> NextRecord(std::string& data, std::vector<std::size_t>& ends);
  // The next data row (blank lines skipped, cell count checked), appended like NextRecord.
  Result<bool> NextRow(std::string& data, std::vector<std::size_t>& ends);
  Status ReadQuoted(std::string& data, std::size_t start, std::size_t column);
  Status ReadUnquoted(std::string& data, std::size_t column);
  // `message` at `line`, naming the cell's column (none for a column index past the header's).
  Status Error(StatusCode code, std::size_t line, const std::string& message,
               std::size_t column) const;

  std::string_view text_;
  std::string file_name_;
  CsvLimits limits_;
  std::vector<std::string> header_;
  std::size_t pos_ = 0, line_ = 1, record_line_ = 1, record_start_ = 0;
  std::string row_data_;
  std::vector<std::size_t> row_ends_;
};

// A whole CSV file in memory, every row kept. Immutable once read; thread-safe to share.
// Limits: CsvLimits, and at most 2^32 - 1 rows.
class CsvTable {
 public:
  // Errors: those of CsvReader::Open and CsvReader::Next.
  static Result<CsvTable> Parse(std::string_view text, const std::string& file_name,
                                const CsvLimits& limits = {});
  // Reads `path` and parses it. NOT_FOUND when it cannot be opened.
  static Result<CsvTable> Read(const std::string& path, const CsvLimits& limits = {});

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

// Reads the file at `path` for a CsvReader (bounded by limits.max_file_bytes). NOT_FOUND when
// it cannot be opened.
Result<std::string> ReadCsvFile(const std::string& path, const CsvLimits& limits = {});

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
